"""What every view handler shares: the view kinds, the row keys, the one dispatcher the
handlers register with (``view_ops``) and the row operations several handlers build.

Rows are keyed by the aggregate's event-store id (``uuid5`` of the cloud id), so a later event
of the aggregate, which carries only that id, finds its row.
"""

from __future__ import annotations

from functools import lru_cache, singledispatch
from typing import Any

from privatelink.domain.base import aggregate_uuid
from privatelink.domain.states import SecurityGroupStatus
from privatelink.projections import docs
from privatelink.projections.ops import Op, Patch, Put

SERVICE, ENDPOINT, CONNECTION = "service", "endpoint", "connection"
RESOURCE, USER, ZONE, SECURITY_GROUP = "resource", "user", "zone", "sg"


@lru_cache(maxsize=200_000)
def endpoint_key(endpoint_id: str) -> str:
    return str(aggregate_uuid("endpoint", endpoint_id))


@lru_cache(maxsize=50_000)
def service_key(service_id: str) -> str:
    return str(aggregate_uuid("service", service_id))


def child_key(parent: str, name: str) -> str:
    return f"{parent}/{name}"


@singledispatch
def view_ops(event: Any) -> list[Op]:
    """The row operations an event makes. Events that change no view (address books, client
    tokens) map to nothing; the handlers of the others register in the ``*_views`` modules."""
    return []


def zone_patch(e: Any, **fields: Any) -> Patch:
    return Patch(ZONE, child_key(endpoint_key(e.endpoint_id), e.zone_id), fields)


def tagged_kind(e: Any) -> str:
    return ENDPOINT if e.kind == "endpoint" else SERVICE


def connection_status(e: Any, status: str, **extra: Any) -> list[Op]:
    ep = endpoint_key(e.endpoint_id)
    modified = docs.cloud_time(e.timestamp)
    return [
        Patch(CONNECTION, ep, {"ConnectionStatus": status, "ModifiedTime": modified, **extra}),
        Patch(ENDPOINT, ep, {"ConnectionStatus": status, **extra}),
    ]


def zone_status(e: Any, status: str) -> list[Op]:
    ep = endpoint_key(e.endpoint_id)
    return [Patch(ZONE, child_key(ep, z), {"ZoneStatus": status}) for z in e.zones]


def security_group_put(key: str, owner: str, region: str, group_id: str) -> Put:
    return Put(
        SECURITY_GROUP,
        child_key(key, group_id),
        owner,
        region,
        {"SecurityGroupId": group_id, "SecurityGroupStatus": SecurityGroupStatus.ATTACHED},
        key,
    )
