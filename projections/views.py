"""The read views of services, endpoints, connections (with zones), whitelists, resources and
security groups: one pure handler per event, registered with ``view_rows.view_ops`` by the
module of its aggregate (``service_views``, ``connection_views``, ``endpoint_views``).

Rows are keyed by the aggregate's event-store id (``uuid5`` of the cloud id), so a later event
of the aggregate, which carries only that id, finds its row.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

from privatelink.projections import connection_views, endpoint_views, service_views
from privatelink.projections.ops import Op
from privatelink.projections.view_rows import (
    CONNECTION,
    ENDPOINT,
    RESOURCE,
    SECURITY_GROUP,
    SERVICE,
    USER,
    ZONE,
    child_key,
    endpoint_key,
    service_key,
    view_ops,
)

__all__ = [
    "CONNECTION",
    "ENDPOINT",
    "RESOURCE",
    "SECURITY_GROUP",
    "SERVICE",
    "USER",
    "ZONE",
    "ViewsProjection",
    "child_key",
    "endpoint_key",
    "service_key",
]

# Importing these modules registers their handlers with ``view_ops``.
HANDLER_MODULES: tuple[ModuleType, ...] = (service_views, connection_views, endpoint_views)


class ViewsProjection:
    """Maps each domain event to the row operations that keep the views current."""

    def __init__(self) -> None:
        self._handlers: dict[type, Callable[[Any], list[Op]]] = {}

    def ops_for(self, event: Any) -> list[Op]:
        """``ops``, with the handler for each event class looked up once (the hot path of
        a rebuild)."""
        handler = self._handlers.get(type(event))
        if handler is None:
            handler = self._handlers[type(event)] = view_ops.dispatch(type(event))
        return handler(event)

    def ops(self, event: Any) -> list[Op]:
        """The row operations ``event`` makes; none for an event that changes no view."""
        return view_ops(event)
