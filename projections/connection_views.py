"""The rows of connections and their zones: one pure handler per event of the connection book
and of the zone connections.
"""

from __future__ import annotations

from privatelink.domain.events import ConnectionEvents, ZoneConnectionEvents
from privatelink.domain.states import ConnectionStatus, ReplaceMode, ZoneStatus
from privatelink.projections import docs
from privatelink.projections.ops import Delete, Op, Patch, Put
from privatelink.projections.view_rows import (
    CONNECTION,
    ENDPOINT,
    ZONE,
    child_key,
    connection_status,
    endpoint_key,
    view_ops,
    zone_patch,
    zone_status,
)


@view_ops.register
def _(e: ConnectionEvents.ConnectionRequested) -> list[Op]:
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


@view_ops.register
def _(e: ConnectionEvents.ConnectionAllowed) -> list[Op]:
    ep = endpoint_key(e.endpoint_id)
    return [
        *connection_status(e, ConnectionStatus.CONNECTING, Bandwidth=e.bandwidth),
        Patch(CONNECTION, ep, {"TrafficControlMode": e.traffic_mode}),
        *(
            Patch(ZONE, child_key(ep, z), {"ZoneStatus": ZoneStatus.CONNECTING, "ResourceId": r})
            for z, r in e.allocations.items()
        ),
    ]


@view_ops.register
def _(e: ConnectionEvents.ConnectionEstablished) -> list[Op]:
    return [
        *connection_status(e, ConnectionStatus.CONNECTED),
        *zone_status(e, ZoneStatus.CONNECTED),
    ]


@view_ops.register
def _(e: ConnectionEvents.ConnectionDenied) -> list[Op]:
    ep = endpoint_key(e.endpoint_id)
    return [
        *connection_status(e, ConnectionStatus.DISCONNECTING),
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


@view_ops.register
def _(e: ConnectionEvents.ConnectionDisconnected) -> list[Op]:
    return [
        *connection_status(e, ConnectionStatus.DISCONNECTED),
        *zone_status(e, ZoneStatus.DISCONNECTED),
    ]


@view_ops.register
def _(e: ConnectionEvents.ConnectionZoneAdded) -> list[Op]:
    return [
        Patch(
            ZONE,
            child_key(endpoint_key(e.endpoint_id), e.zone_id),
            {"ZoneStatus": e.status, "ResourceId": e.resource_id or ""},
        )
    ]


@view_ops.register
def _(e: ConnectionEvents.ConnectionClosed) -> list[Op]:
    return [Delete(CONNECTION, endpoint_key(e.endpoint_id))]


@view_ops.register
def _(e: ConnectionEvents.BandwidthChanged) -> list[Op]:
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


@view_ops.register
def _(e: ZoneConnectionEvents.ZoneConnectionDisabled) -> list[Op]:
    return [zone_patch(e, ZoneStatus=ZoneStatus.DISCONNECTING)]


@view_ops.register
def _(e: ZoneConnectionEvents.ZoneConnectionDisconnected) -> list[Op]:
    return [zone_patch(e, ZoneStatus=ZoneStatus.DISCONNECTED)]


@view_ops.register
def _(e: ZoneConnectionEvents.ZoneConnectionEnabled) -> list[Op]:
    return [zone_patch(e, ZoneStatus=ZoneStatus.CONNECTING, ResourceId=e.resource_id)]


@view_ops.register
def _(e: ZoneConnectionEvents.ZoneAllocationSet) -> list[Op]:
    return [zone_patch(e, ResourceId=e.resource_id or "", _allocation=e.mode)]


@view_ops.register
def _(e: ZoneConnectionEvents.ResourceReplaced) -> list[Op]:
    if e.mode == ReplaceMode.GRACEFUL:
        return [
            zone_patch(
                e,
                ResourceId=e.resource_id,
                ZoneStatus=ZoneStatus.MIGRATING,
                ReplacedResourceId=e.old_resource_id,
                ReplacedEniId=e.old_eni_id,
            )
        ]
    return [zone_patch(e, ResourceId=e.resource_id)]


@view_ops.register
def _(e: ZoneConnectionEvents.MigrationCompleted) -> list[Op]:
    return [zone_patch(e, ZoneStatus=ZoneStatus.MIGRATED)]


@view_ops.register
def _(e: ZoneConnectionEvents.ReplacedResourceDisconnected) -> list[Op]:
    return [zone_patch(e, ZoneStatus=ZoneStatus.CONNECTED, ReplacedResourceId="", ReplacedEniId="")]


@view_ops.register
def _(e: ZoneConnectionEvents.ResourceFailed) -> list[Op]:
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


@view_ops.register
def _(e: ZoneConnectionEvents.ResourceRecovered) -> list[Op]:
    return [
        Patch(ZONE, child_key(endpoint_key(ep), zone), {"_healthy": True}) for ep, zone in e.healed
    ]
