"""One handler per cloud action; importing this package fills the action table."""

from privatelink.api.actions import connections, endpoints, history, regions, services, tags  # noqa: F401
from privatelink.api.actions.registry import ACTIONS

__all__ = ["ACTIONS"]
