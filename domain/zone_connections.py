"""Zone connections of an endpoint service: per-zone disconnect and reconnect, manual
allocation, resource replacement and migration, and failover (RES-5..11).

:class:`ZoneConnections` works on the service's :class:`ConnectionBook`: its decisions return
the payload of the event to record, its mutators apply the recorded events.
"""

from __future__ import annotations

from privatelink.domain.connections import ConnectionBook
from privatelink.domain.errors import InvalidValue, ZoneNotSupported
from privatelink.domain.errors_denied import (
    EndpointZoneConnectionOperationDenied,
    OperationDeniedAutoAllocationEnabled,
    OperationDeniedCrossRegionConnection,
    OperationDeniedNotClb,
    OperationDeniedResourceManagementNotEnabled,
)
from privatelink.domain.errors_invalid import EndpointZoneNotFound, MissingValue
from privatelink.domain.events import ZoneConnectionEvents as Z
from privatelink.domain.records import (
    ReplacedDisconnecting,
    ResourceFailure,
    ResourceRecovery,
    ZoneAllocation,
    ZoneConnection,
    ZoneEnabling,
)
from privatelink.domain.states import (
    LIVE_CONNECTION,
    LIVE_ZONE,
    AllocateMode,
    ReplaceMode,
    ZoneStatus,
)

ALLOCATE_MODES = tuple(AllocateMode)
REPLACE_MODES = tuple(ReplaceMode)


def check_resource_management(enabled: bool) -> None:
    """RES-5: manual allocation and replacement need the provider's quota."""
    if not enabled:
        raise OperationDeniedResourceManagementNotEnabled(
            "Manual allocation and replacement of service resources are off for this "
            "account; they need the quota privatelink_whitelist/svc_res_mgt_uat (RES-5)."
        )


def denied(endpoint_id: str, zone_id: str, status: str, why: str) -> Exception:
    return EndpointZoneConnectionOperationDenied(
        f"The zone connection of endpoint '{endpoint_id}' in '{zone_id}' is {status}; {why}"
    )


class ZoneConnections:
    """The zone-level rules and effects over a service's connection book."""

    def __init__(self, book: ConnectionBook) -> None:
        self.book = book
        self.resources = book.resources

    def zone_connection(self, endpoint_id: str, zone_id: str) -> ZoneConnection:
        zones = self.book.connection(endpoint_id)["zones"]
        if zone_id not in zones:
            raise EndpointZoneNotFound(f"The endpoint '{endpoint_id}' has no zone '{zone_id}'.")
        return zones[zone_id].copy()

    def check_not_cross_region(self, endpoint_id: str) -> None:
        """XR-7: cross-region connections take no manual allocation."""
        if self.book.connection(endpoint_id)["cross_region"]:
            raise OperationDeniedCrossRegionConnection(
                f"The connection of endpoint '{endpoint_id}' is cross-region; its service "
                "resources cannot be allocated by hand (XR-7)."
            )

    def check_manageable(self, endpoint_id: str, management_enabled: bool) -> None:
        check_resource_management(management_enabled)
        self.check_not_cross_region(endpoint_id)

    # -- disconnect and reconnect one zone (RES-6) ---------------------------------------------

    def disabling(self, endpoint_id: str, zone_id: str) -> ZoneConnection:
        zc = self.zone_connection(endpoint_id, zone_id)
        if zc["status"] not in (ZoneStatus.CONNECTING, ZoneStatus.CONNECTED):
            raise denied(
                endpoint_id,
                zone_id,
                zc["status"],
                "only a Connecting or Connected one can be disconnected.",
            )
        return zc

    def disconnecting_replaced(self, endpoint_id: str, zone_id: str) -> ReplacedDisconnecting:
        """RES-10: the provider disconnects the old resource; the old ENI goes with it."""
        zc = self.zone_connection(endpoint_id, zone_id)
        if zc["status"] != ZoneStatus.MIGRATED or not zc["replaced_resource_id"]:
            raise EndpointZoneConnectionOperationDenied(
                f"The zone connection of endpoint '{endpoint_id}' in '{zone_id}' has no migrated "
                "resource to disconnect."
            )
        return ReplacedDisconnecting(
            endpoint_id=endpoint_id,
            zone_id=zone_id,
            resource_id=zc["replaced_resource_id"],
            eni_id=zc["replaced_eni_id"],
        )

    def in_status(self, endpoint_id: str, zone_id: str, status: str) -> bool:
        zc = self.book.zone(endpoint_id, zone_id)
        return zc is not None and zc["status"] == status

    def enabling(self, endpoint_id: str, zone_id: str) -> ZoneEnabling:
        conn = self.book.connection(endpoint_id)
        zc = self.zone_connection(endpoint_id, zone_id)
        if zc["status"] != ZoneStatus.DISCONNECTED or conn["status"] not in LIVE_CONNECTION:
            raise denied(
                endpoint_id,
                zone_id,
                f"{zc['status']} (connection {conn['status']})",
                "only a Disconnected zone of a Connected connection can be allowed again.",
            )
        resource_id = self.book.allocations(conn, [zone_id])[zone_id]
        return ZoneEnabling(endpoint_id=endpoint_id, zone_id=zone_id, resource_id=resource_id)

    # -- manual allocation (RES-5..7, XR-7) ---------------------------------------------------

    def allocating(
        self, endpoint_id: str, zone_id: str, mode: str, resource_id: str | None
    ) -> ZoneAllocation:
        """RES-6: Auto clears a manual choice; Manual names the resource. Only while the zone
        connection is not carrying traffic (Disconnected, or waiting for acceptance: RES-7)."""
        if mode not in ALLOCATE_MODES:
            raise InvalidValue(f"ResourceAllocateMode must be Auto or Manual; got '{mode}'.")
        zc = self.zone_connection(endpoint_id, zone_id)
        if zc["status"] not in (ZoneStatus.DISCONNECTED, ZoneStatus.WAIT):
            raise denied(
                endpoint_id,
                zone_id,
                zc["status"],
                "disconnect it before changing its allocation (RES-6).",
            )
        manual = mode == AllocateMode.MANUAL
        if manual:
            self.check_manual_choice(resource_id, zone_id)
        return ZoneAllocation(
            endpoint_id=endpoint_id,
            zone_id=zone_id,
            mode=AllocateMode(mode),  # checked above: one of ALLOCATE_MODES
            resource_id=resource_id if manual else None,
        )

    def check_manual_choice(self, resource_id: str | None, zone_id: str) -> None:
        if not resource_id:
            raise MissingValue("ResourceAllocateMode Manual needs ResourceId and ResourceType.")
        self.resources.attached_in_zone(resource_id, zone_id)

    # -- replacement and migration (RES-9..11) ------------------------------------------------

    def replacing(
        self, endpoint_id: str, zone_id: str, resource_id: str, mode: str, resource_type: str
    ) -> str:
        """RES-9: a connected zone's CLB, once the old resource's auto-allocation is off;
        Graceful migrates (RES-10), Force swaps (RES-11). Returns the old resource."""
        if mode not in REPLACE_MODES:
            raise InvalidValue(f"ResourceReplaceMode must be Graceful or Force; got '{mode}'.")
        zc = self.zone_connection(endpoint_id, zone_id)
        if resource_type != "slb":
            raise OperationDeniedNotClb(
                "Only CLB service resources can be replaced without disconnecting (RES-9)."
            )
        if zc["status"] != ZoneStatus.CONNECTED:
            raise denied(
                endpoint_id,
                zone_id,
                zc["status"],
                "only a Connected zone can have its resource replaced.",
            )
        old_id = str(zc["resource_id"])
        self.check_replacement(old_id, zone_id, resource_id)
        return old_id

    def check_replacement(self, old_id: str, zone_id: str, resource_id: str) -> None:
        if self.resources.attached_in_zone(old_id, zone_id)["auto_allocated"]:
            raise OperationDeniedAutoAllocationEnabled(
                f"Turn off automatic allocation of '{old_id}' before replacing it (RES-9)."
            )
        self.resources.attached_in_zone(resource_id, zone_id)
        if resource_id == old_id or resource_id in self.resources.failed:
            raise InvalidValue(
                f"The resource '{resource_id}' cannot replace the zone's current "
                "resource: it is the same one, or it is unavailable."
            )

    # -- failure (RES-8) -------------------------------------------------------------------

    def failing(self, resource_id: str) -> ResourceFailure:
        """Move the resource's live zone connections to another available resource in the same
        zone; those with none stay, unhealthy, until it recovers."""
        moves: list[list[str]] = []
        stranded: list[list[str]] = []
        taken: dict[str, int] = {}
        for endpoint_id, zone, cross_region in self._live_on(resource_id):
            target = self._failover_target(cross_region, zone, resource_id, taken)
            if target is None:
                stranded.append([endpoint_id, zone])
            else:
                moves.append([endpoint_id, zone, target])
                taken[target] = taken.get(target, 0) + 1
        return ResourceFailure(resource_id=resource_id, moves=moves, stranded=stranded)

    def _live_on(self, resource_id: str) -> list[tuple[str, str, bool]]:
        return [
            (endpoint_id, zone, conn["cross_region"])
            for endpoint_id, conn in sorted(self.book.connections.items())
            for zone, zc in sorted(conn["zones"].items())
            if zc["resource_id"] == resource_id and zc["status"] in LIVE_ZONE
        ]

    def _failover_target(
        self, cross_region: bool, zone: str, failed: str, taken: dict[str, int]
    ) -> str | None:
        try:
            return self.book.allocate(None if cross_region else zone, taken, exclude=(failed,))
        except ZoneNotSupported:  # no other resource in the zone
            return None

    def recovering(self, resource_id: str) -> ResourceRecovery:
        healed = [
            [e, z]
            for e, conn in sorted(self.book.connections.items())
            for z, zc in sorted(conn["zones"].items())
            if zc["resource_id"] == resource_id and not zc["healthy"]
        ]
        return ResourceRecovery(resource_id=resource_id, healed=healed)

    # -- mutators ------------------------------------------------------------------------------

    def status_set(
        self, e: Z.ZoneConnectionDisabled | Z.ZoneConnectionDisconnected | Z.MigrationCompleted
    ) -> None:
        status = {
            Z.ZoneConnectionDisabled: ZoneStatus.DISCONNECTING,
            Z.ZoneConnectionDisconnected: ZoneStatus.DISCONNECTED,
            Z.MigrationCompleted: ZoneStatus.MIGRATED,
        }[type(e)]
        self.book.set_zone(e.endpoint_id, e.zone_id, status=status)

    def enabled(self, e: Z.ZoneConnectionEnabled) -> None:
        self.book.set_zone(
            e.endpoint_id, e.zone_id, resource_id=e.resource_id, status=ZoneStatus.CONNECTING
        )

    def allocation_set(self, e: Z.ZoneAllocationSet) -> None:
        self.book.set_zone(e.endpoint_id, e.zone_id, mode=e.mode, resource_id=e.resource_id)

    def replaced(self, e: Z.ResourceReplaced) -> None:
        self.book.set_zone(e.endpoint_id, e.zone_id, resource_id=e.resource_id)
        if e.mode == ReplaceMode.GRACEFUL:
            self.book.set_zone(
                e.endpoint_id,
                e.zone_id,
                status=ZoneStatus.MIGRATING,
                replaced_resource_id=e.old_resource_id,
                replaced_eni_id=e.old_eni_id,
            )

    def replaced_disconnected(self, e: Z.ReplacedResourceDisconnected) -> None:
        self.book.set_zone(
            e.endpoint_id,
            e.zone_id,
            status=ZoneStatus.CONNECTED,
            replaced_resource_id=None,
            replaced_eni_id=None,
        )

    def failed(self, e: Z.ResourceFailed) -> None:
        self.resources.failed_now(e.resource_id)
        for endpoint_id, zone, target in e.moves:
            self.book.set_zone(endpoint_id, zone, resource_id=target)
        for endpoint_id, zone in e.stranded:
            self.book.set_zone(endpoint_id, zone, healthy=False)

    def recovered(self, e: Z.ResourceRecovered) -> None:
        self.resources.recovered(e.resource_id)
        for endpoint_id, zone in e.healed:
            self.book.set_zone(endpoint_id, zone, healthy=True)
