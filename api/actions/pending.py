"""Actions whose behaviour comes with a later issue: each answers a clear 400 until then."""

from __future__ import annotations

from typing import Any

from api.actions.context import Ctx
from api.actions.registry import action
from api.actions.services import not_yet

PENDING = {
    "UpdateVpcEndpointServiceResourceAttribute": "resource auto-allocation switches",
    "UpdateVpcEndpointConnectionAttribute": "connection bandwidth",
    "EnableVpcEndpointZoneConnection": "zone connections",
    "DisableVpcEndpointZoneConnection": "zone connections",
    "UpdateVpcEndpointZoneConnectionResourceAttribute": "manual resource allocation",
    "TagResources": "tags",
    "UntagResources": "tags",
    "ListTagResources": "tags",
    "ChangeResourceGroup": "resource groups",
}


def _pending(name: str, what: str) -> None:
    def handler(ctx: Ctx, r: Any) -> dict[str, Any]:
        raise not_yet(f"{name} ({what})")

    action(name)(handler)


for _name, _what in PENDING.items():
    _pending(_name, _what)
