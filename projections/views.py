"""The read views of services, endpoints, connections (with zones), whitelists, resources and
security groups: one pure handler per event.

Rows are keyed by the aggregate's event-store id (``uuid5`` of the cloud id), so a later event
of the aggregate, which carries only that id, finds its row.
"""

from __future__ import annotations

from functools import lru_cache, singledispatchmethod
from typing import Any

from privatelink.domain.base import aggregate_uuid
from privatelink.domain.endpoint import Endpoint
from privatelink.domain.events import (
    ConnectionEvents,
    ResourceEvents,
    TagEvents,
    ZoneConnectionEvents,
)
from privatelink.domain.service import EndpointService
from privatelink.domain.states import (
    ConnectionStatus,
    EndpointStatus,
    ReplaceMode,
    SecurityGroupStatus,
    ServiceStatus,
    ZoneStatus,
)
from privatelink.projections import docs
from privatelink.projections.ops import Delete, DeleteChildren, Op, Patch, Put

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


class ViewsProjection:
    """Maps each domain event to the row operations that keep the views current."""

    def __init__(self) -> None:
        self._handlers: dict[type, Any] = {}

    def ops_for(self, event: Any) -> list[Op]:
        """``ops``, with the handler for each event class looked up once (the hot path of
        a rebuild)."""
        handler = self._handlers.get(type(event))
        if handler is None:
            handler = self._handlers[type(event)] = vars(ViewsProjection)[
                "ops"
            ].dispatcher.dispatch(type(event))
        return handler(self, event)  # type: ignore[no-any-return]

    @singledispatchmethod
    def ops(self, event: Any) -> list[Op]:
        """Events that change no view (address books, client tokens) map to nothing."""
        return []

    # -- services -------------------------------------------------------------------------

    @ops.register
    def _(self, e: EndpointService.Created) -> list[Op]:
        key = str(e.originator_id)
        return [
            Put(SERVICE, key, e.actor, e.region, docs.service_doc(e)),
            *(
                Put(RESOURCE, child_key(key, k), e.actor, e.region, docs.resource_doc(r), key)
                for k, r in e.resources.items()
            ),
            Put(USER, child_key(key, e.actor), e.actor, e.region, {"UserId": e.actor}, key),
        ]

    @ops.register
    def _(self, e: EndpointService.Activated) -> list[Op]:
        return [Patch(SERVICE, str(e.originator_id), {"ServiceStatus": ServiceStatus.ACTIVE})]

    @ops.register
    def _(self, e: EndpointService.AttributesUpdated) -> list[Op]:
        return [Patch(SERVICE, str(e.originator_id), docs.renamed(e.changes, docs.SERVICE_FIELDS))]

    @ops.register
    def _(self, e: EndpointService.SupportedRegionsChanged) -> list[Op]:
        return [
            Patch(
                SERVICE,
                str(e.originator_id),
                {"SupportedRegionSet": docs.supported_regions(e.regions[0], e.regions)},
            )
        ]

    @ops.register
    def _(self, e: ResourceEvents.AutoAllocationSwitched) -> list[Op]:
        key = str(e.originator_id)
        return [
            Patch(RESOURCE, child_key(key, k), {"AutoAllocatedEnabled": e.enabled}) for k in e.keys
        ]

    @ops.register
    def _(self, e: ResourceEvents.ResourceAttached) -> list[Op]:
        key = str(e.originator_id)
        return [
            Put(
                RESOURCE,
                child_key(key, f"{r['resource_id']}|{r['zone_id']}"),
                e.actor,
                r["region"],
                docs.resource_doc(r),
                key,
            )
            for r in e.entries
        ]

    @ops.register
    def _(self, e: ResourceEvents.ResourceDetached) -> list[Op]:
        return [Delete(RESOURCE, child_key(str(e.originator_id), k)) for k in e.keys]

    @ops.register
    def _(self, e: EndpointService.UserAdded) -> list[Op]:
        key = str(e.originator_id)
        return [Put(USER, child_key(key, e.user), e.actor, "", {"UserId": e.user}, key)]

    @ops.register
    def _(self, e: EndpointService.UserRemoved) -> list[Op]:
        return [Delete(USER, child_key(str(e.originator_id), e.user))]

    @ops.register
    def _(self, e: EndpointService.Deleted) -> list[Op]:
        key = str(e.originator_id)
        return [
            Delete(SERVICE, key),
            DeleteChildren(RESOURCE, key),
            DeleteChildren(USER, key),
            *(
                op
                for endpoint_id in e.endpoint_ids
                for op in (
                    Delete(CONNECTION, endpoint_key(endpoint_id)),
                    Patch(
                        ENDPOINT,
                        endpoint_key(endpoint_id),
                        {"ConnectionStatus": ConnectionStatus.SERVICE_DELETED},
                    ),
                )
            ),
        ]

    # -- connections ----------------------------------------------------------------------

    @ops.register
    def _(self, e: ConnectionEvents.ConnectionRequested) -> list[Op]:
        ep = endpoint_key(e.endpoint["endpoint_id"])
        return [
            Put(
                CONNECTION,
                ep,
                e.provider,
                e.service_region,
                docs.connection_doc(e),
                str(e.originator_id),
            ),
            Patch(
                ENDPOINT,
                ep,
                {"ConnectionStatus": ConnectionStatus.PENDING, "Bandwidth": e.bandwidth},
            ),
            *(Patch(ZONE, child_key(ep, z), {"ZoneStatus": ZoneStatus.WAIT}) for z in e.zones),
        ]

    @ops.register
    def _(self, e: ConnectionEvents.ConnectionAllowed) -> list[Op]:
        ep = endpoint_key(e.endpoint_id)
        return [
            *_connection_status(e, ConnectionStatus.CONNECTING, Bandwidth=e.bandwidth),
            Patch(CONNECTION, ep, {"TrafficControlMode": e.traffic_mode}),
            *(
                Patch(
                    ZONE, child_key(ep, z), {"ZoneStatus": ZoneStatus.CONNECTING, "ResourceId": r}
                )
                for z, r in e.allocations.items()
            ),
        ]

    @ops.register
    def _(self, e: ConnectionEvents.ConnectionEstablished) -> list[Op]:
        return [
            *_connection_status(e, ConnectionStatus.CONNECTED),
            *_zone_status(e, ZoneStatus.CONNECTED),
        ]

    @ops.register
    def _(self, e: ConnectionEvents.ConnectionDenied) -> list[Op]:
        ep = endpoint_key(e.endpoint_id)
        return [
            *_connection_status(e, ConnectionStatus.DISCONNECTING),
            *(
                Patch(
                    ZONE,
                    child_key(ep, z),
                    {
                        "ZoneStatus": ZoneStatus.DISCONNECTING,
                        "ReplacedResourceId": "",
                        "ReplacedEniId": "",
                    },
                )
                for z in e.zones
            ),
        ]

    @ops.register
    def _(self, e: ConnectionEvents.ConnectionDisconnected) -> list[Op]:
        return [
            *_connection_status(e, ConnectionStatus.DISCONNECTED),
            *_zone_status(e, ZoneStatus.DISCONNECTED),
        ]

    @ops.register
    def _(self, e: ConnectionEvents.ConnectionZoneAdded) -> list[Op]:
        return [
            Patch(
                ZONE,
                child_key(endpoint_key(e.endpoint_id), e.zone_id),
                {"ZoneStatus": e.status, "ResourceId": e.resource_id or ""},
            )
        ]

    @ops.register
    def _(self, e: ConnectionEvents.ConnectionClosed) -> list[Op]:
        return [Delete(CONNECTION, endpoint_key(e.endpoint_id))]

    @ops.register
    def _(self, e: ConnectionEvents.BandwidthChanged) -> list[Op]:
        ep = endpoint_key(e.endpoint_id)
        return [
            Patch(
                CONNECTION,
                ep,
                {
                    "Bandwidth": e.bandwidth,
                    "TrafficControlMode": e.traffic_mode,
                    "ModifiedTime": docs.cloud_time(e.timestamp),
                },
            ),
            Patch(ENDPOINT, ep, {"Bandwidth": e.bandwidth}),
        ]

    # -- zone connections ---------------------------------------------------------------

    @ops.register
    def _(self, e: ZoneConnectionEvents.ZoneConnectionDisabled) -> list[Op]:
        return [_zone(e, ZoneStatus=ZoneStatus.DISCONNECTING)]

    @ops.register
    def _(self, e: ZoneConnectionEvents.ZoneConnectionDisconnected) -> list[Op]:
        return [_zone(e, ZoneStatus=ZoneStatus.DISCONNECTED)]

    @ops.register
    def _(self, e: ZoneConnectionEvents.ZoneConnectionEnabled) -> list[Op]:
        return [_zone(e, ZoneStatus=ZoneStatus.CONNECTING, ResourceId=e.resource_id)]

    @ops.register
    def _(self, e: ZoneConnectionEvents.ZoneAllocationSet) -> list[Op]:
        return [_zone(e, ResourceId=e.resource_id or "", _allocation=e.mode)]

    @ops.register
    def _(self, e: ZoneConnectionEvents.ResourceReplaced) -> list[Op]:
        if e.mode == ReplaceMode.GRACEFUL:
            return [
                _zone(
                    e,
                    ResourceId=e.resource_id,
                    ZoneStatus=ZoneStatus.MIGRATING,
                    ReplacedResourceId=e.old_resource_id,
                    ReplacedEniId=e.old_eni_id,
                )
            ]
        return [_zone(e, ResourceId=e.resource_id)]

    @ops.register
    def _(self, e: ZoneConnectionEvents.MigrationCompleted) -> list[Op]:
        return [_zone(e, ZoneStatus=ZoneStatus.MIGRATED)]

    @ops.register
    def _(self, e: ZoneConnectionEvents.ReplacedResourceDisconnected) -> list[Op]:
        return [_zone(e, ZoneStatus=ZoneStatus.CONNECTED, ReplacedResourceId="", ReplacedEniId="")]

    @ops.register
    def _(self, e: ZoneConnectionEvents.ResourceFailed) -> list[Op]:
        return [
            *(
                Patch(ZONE, child_key(endpoint_key(ep), zone), {"ResourceId": target})
                for ep, zone, target in e.moves
            ),
            *(
                Patch(ZONE, child_key(endpoint_key(ep), zone), {"_healthy": False})
                for ep, zone in e.stranded
            ),
        ]

    @ops.register
    def _(self, e: ZoneConnectionEvents.ResourceRecovered) -> list[Op]:
        return [
            Patch(ZONE, child_key(endpoint_key(ep), zone), {"_healthy": True})
            for ep, zone in e.healed
        ]

    # -- tags and resource groups -----------------------------------------------------------

    @ops.register
    def _(self, e: TagEvents.TagsChanged) -> list[Op]:
        return [Patch(_tagged_kind(e), str(e.originator_id), {"Tags": docs.tags(e.tags)})]

    @ops.register
    def _(self, e: TagEvents.ResourceGroupChanged) -> list[Op]:
        return [
            Patch(_tagged_kind(e), str(e.originator_id), {"ResourceGroupId": e.resource_group_id})
        ]

    # -- endpoints -------------------------------------------------------------------------

    @ops.register
    def _(self, e: Endpoint.Created) -> list[Op]:
        key = str(e.originator_id)
        return [
            Put(ENDPOINT, key, e.actor, e.region, docs.endpoint_doc(e)),
            *(
                Put(ZONE, child_key(key, z), e.actor, e.region, docs.zone_doc(e, zone), key)
                for z, zone in e.zones.items()
            ),
            *(_security_group(key, e.actor, e.region, g) for g in e.security_groups),
        ]

    @ops.register
    def _(self, e: Endpoint.Activated) -> list[Op]:
        return [Patch(ENDPOINT, str(e.originator_id), {"EndpointStatus": EndpointStatus.ACTIVE})]

    @ops.register
    def _(self, e: Endpoint.AttributesUpdated) -> list[Op]:
        return [
            Patch(ENDPOINT, str(e.originator_id), docs.renamed(e.changes, docs.ENDPOINT_FIELDS))
        ]

    @ops.register
    def _(self, e: Endpoint.ZoneAdded) -> list[Op]:
        key = str(e.originator_id)
        return [
            Put(
                ZONE,
                child_key(key, e.zone["zone_id"]),
                e.actor,
                e.region,
                docs.zone_doc(e, e.zone),
                key,
            )
        ]

    @ops.register
    def _(self, e: Endpoint.ZoneRemoved) -> list[Op]:
        return [Delete(ZONE, child_key(str(e.originator_id), e.zone_id))]

    @ops.register
    def _(self, e: Endpoint.ZoneEniReplaced) -> list[Op]:
        return [
            Patch(
                ZONE, child_key(str(e.originator_id), e.zone_id), {"EniId": e.eni_id, "EniIp": e.ip}
            )
        ]

    @ops.register
    def _(self, e: Endpoint.SecurityGroupAttached) -> list[Op]:
        return [_security_group(str(e.originator_id), e.actor, "", e.group_id)]

    @ops.register
    def _(self, e: Endpoint.SecurityGroupDetached) -> list[Op]:
        return [Delete(SECURITY_GROUP, child_key(str(e.originator_id), e.group_id))]

    @ops.register
    def _(self, e: Endpoint.Deleted) -> list[Op]:
        key = str(e.originator_id)
        return [
            Delete(ENDPOINT, key),
            DeleteChildren(ZONE, key),
            DeleteChildren(SECURITY_GROUP, key),
        ]


def _zone(e: Any, **fields: Any) -> Patch:
    return Patch(ZONE, child_key(endpoint_key(e.endpoint_id), e.zone_id), fields)


def _tagged_kind(e: Any) -> str:
    return ENDPOINT if e.kind == "endpoint" else SERVICE


def _connection_status(e: Any, status: str, **extra: Any) -> list[Op]:
    ep = endpoint_key(e.endpoint_id)
    modified = docs.cloud_time(e.timestamp)
    return [
        Patch(CONNECTION, ep, {"ConnectionStatus": status, "ModifiedTime": modified, **extra}),
        Patch(ENDPOINT, ep, {"ConnectionStatus": status, **extra}),
    ]


def _zone_status(e: Any, status: str) -> list[Op]:
    ep = endpoint_key(e.endpoint_id)
    return [Patch(ZONE, child_key(ep, z), {"ZoneStatus": status}) for z in e.zones]


def _security_group(key: str, owner: str, region: str, group_id: str) -> Put:
    return Put(
        SECURITY_GROUP,
        child_key(key, group_id),
        owner,
        region,
        {"SecurityGroupId": group_id, "SecurityGroupStatus": SecurityGroupStatus.ATTACHED},
        key,
    )
