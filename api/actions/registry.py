"""The action table: wire action name -> handler."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from privatelink.api.actions.context import Ctx, Handler
from privatelink.domain.errors import InvalidRegionIdNotFound, missing

ACTIONS: dict[str, Handler] = {}
REGION_FIELDS = ("region_id", "service_region_id")


def check_regions(ctx: Ctx, request: Any) -> None:
    """Issue 15: a region the cloud does not have is answered the same way by every action
    (``InvalidRegionId.NotFound``, 404), before anything is looked up or changed."""
    for name in REGION_FIELDS:
        region = getattr(request, name, None)
        if region is not None and ctx.runtime.inventory.region(region) is None:
            raise InvalidRegionIdNotFound(missing("region", region))


def action(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        @wraps(handler)
        def checked(ctx: Ctx, request: Any) -> dict[str, Any]:
            check_regions(ctx, request)
            return handler(ctx, request)

        ACTIONS[name] = checked
        return handler

    return register
