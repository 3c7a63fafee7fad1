"""Zone connections of an endpoint service: per-zone disconnect and reconnect, manual
allocation, resource replacement and migration, and failover (RES-5..11).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

from eventsourcing.domain import event

from privatelink.domain.base import Caller, acts
from privatelink.domain.connections import ConnectionBook
from privatelink.domain.errors import EndpointServiceResourceNotFound, InvalidValue
from privatelink.domain.errors_denied import (
    EndpointZoneConnectionOperationDenied,
    OperationDeniedAutoAllocationEnabled,
    OperationDeniedCrossRegionConnection,
    OperationDeniedNotClb,
    OperationDeniedResourceManagementNotEnabled,
)
from privatelink.domain.errors_invalid import EndpointZoneNotFound, MissingValue
from privatelink.domain.states import (
    LIVE_CONNECTION,
    LIVE_ZONE,
    AllocateMode,
    ReplaceMode,
    ZoneStatus,
)

ALLOCATE_MODES = tuple(AllocateMode)
REPLACE_MODES = tuple(ReplaceMode)


if TYPE_CHECKING:
    from privatelink.domain.events import ZoneConnectionsEvents


class ZoneConnections(ConnectionBook):
    """Zone-connection behaviour of :class:`domain.service.EndpointService`."""

    if TYPE_CHECKING:  # its events, as domain/events.py declares them
        ZoneConnectionDisabled: TypeAlias = ZoneConnectionsEvents.ZoneConnectionDisabled
        ZoneConnectionDisconnected: TypeAlias = ZoneConnectionsEvents.ZoneConnectionDisconnected
        ZoneConnectionEnabled: TypeAlias = ZoneConnectionsEvents.ZoneConnectionEnabled
        ZoneAllocationSet: TypeAlias = ZoneConnectionsEvents.ZoneAllocationSet
        ResourceReplaced: TypeAlias = ZoneConnectionsEvents.ResourceReplaced
        MigrationCompleted: TypeAlias = ZoneConnectionsEvents.MigrationCompleted
        ReplacedResourceDisconnected: TypeAlias = ZoneConnectionsEvents.ReplacedResourceDisconnected
        ResourceFailed: TypeAlias = ZoneConnectionsEvents.ResourceFailed
        ResourceRecovered: TypeAlias = ZoneConnectionsEvents.ResourceRecovered

    def zone_connection(self, endpoint_id: str, zone_id: str) -> dict[str, Any]:
        zones = self.connection(endpoint_id)["zones"]
        if zone_id not in zones:
            raise EndpointZoneNotFound(f"The endpoint '{endpoint_id}' has no zone '{zone_id}'.")
        return dict(zones[zone_id])

    def check_resource_management(self, enabled: bool) -> None:
        """RES-5: manual allocation and replacement need the provider's quota."""
        if not enabled:
            raise OperationDeniedResourceManagementNotEnabled(
                "Manual allocation and replacement of service resources are off for this "
                "account; they need the quota privatelink_whitelist/svc_res_mgt_uat (RES-5)."
            )

    def check_not_cross_region(self, endpoint_id: str) -> None:
        """XR-7: cross-region connections take no manual allocation."""
        if self.connection(endpoint_id)["cross_region"]:
            raise OperationDeniedCrossRegionConnection(
                f"The connection of endpoint '{endpoint_id}' is cross-region; its service "
                "resources cannot be allocated by hand (XR-7)."
            )

    def attached_in_zone(self, resource_id: str, zone_id: str) -> dict[str, Any]:
        for entry in self.resources.values():
            if entry["resource_id"] == resource_id and entry["zone_id"] == zone_id:
                return entry
        raise EndpointServiceResourceNotFound(
            f"The resource '{resource_id}' is not attached to the endpoint "
            f"service in zone '{zone_id}'."
        )

    # -- disconnect and reconnect one zone (RES-6) ---------------------------------------------

    @acts
    def disable_zone_connection(
        self, by: Caller, endpoint_id: str, zone_id: str, replaced_resource: bool = False
    ) -> dict[str, Any]:
        """Disconnect a zone, or (``replaced_resource``) the old resource of a migrated zone."""
        self.check_owned_by(by.account)
        zc = self.zone_connection(endpoint_id, zone_id)
        if replaced_resource:
            return self._disconnect_replaced(by, endpoint_id, zone_id, zc)
        if zc["status"] not in (ZoneStatus.CONNECTING, ZoneStatus.CONNECTED):
            raise EndpointZoneConnectionOperationDenied(
                f"The zone connection of endpoint '{endpoint_id}' in '{zone_id}' is "
                f"{zc['status']}; only a Connecting or Connected one can be disconnected."
            )
        self._zone_connection_disabled(endpoint_id, zone_id)
        return zc

    @event("ZoneConnectionDisabled")
    def _zone_connection_disabled(self, endpoint_id: str, zone_id: str) -> None:
        self._set_zone(endpoint_id, zone_id, status=ZoneStatus.DISCONNECTING)

    @acts
    def complete_zone_disconnection(self, by: Caller, endpoint_id: str, zone_id: str) -> None:
        zc = self.connections.get(endpoint_id, {}).get("zones", {}).get(zone_id)
        if zc and zc["status"] == ZoneStatus.DISCONNECTING:
            self._zone_connection_disconnected(endpoint_id, zone_id)

    @event("ZoneConnectionDisconnected")
    def _zone_connection_disconnected(self, endpoint_id: str, zone_id: str) -> None:
        self._set_zone(endpoint_id, zone_id, status=ZoneStatus.DISCONNECTED)

    @acts
    def enable_zone_connection(self, by: Caller, endpoint_id: str, zone_id: str) -> None:
        self.check_owned_by(by.account)
        conn = self.connection(endpoint_id)
        zc = self.zone_connection(endpoint_id, zone_id)
        if zc["status"] != ZoneStatus.DISCONNECTED or conn["status"] not in LIVE_CONNECTION:
            raise EndpointZoneConnectionOperationDenied(
                f"The zone connection of endpoint '{endpoint_id}' in '{zone_id}' is "
                f"{zc['status']} (connection {conn['status']}); only a Disconnected zone of a "
                "Connected connection can be allowed again."
            )
        resource_id = self.allocations(conn, [zone_id])[zone_id]
        self._zone_connection_enabled(endpoint_id, zone_id, resource_id)

    @event("ZoneConnectionEnabled")
    def _zone_connection_enabled(self, endpoint_id: str, zone_id: str, resource_id: str) -> None:
        self._set_zone(endpoint_id, zone_id, resource_id=resource_id, status=ZoneStatus.CONNECTING)

    # -- manual allocation (RES-5..7, XR-7) ---------------------------------------------------

    @acts
    def set_zone_allocation(
        self,
        by: Caller,
        endpoint_id: str,
        zone_id: str,
        mode: str,
        resource_id: str | None,
        management_enabled: bool,
    ) -> None:
        """RES-6: Auto clears a manual choice; Manual names the resource. Only while the zone
        connection is not carrying traffic (Disconnected, or waiting for acceptance: RES-7)."""
        self.check_owned_by(by.account)
        self.check_resource_management(management_enabled)
        self.check_not_cross_region(endpoint_id)
        if mode not in ALLOCATE_MODES:
            raise InvalidValue(f"ResourceAllocateMode must be Auto or Manual; got '{mode}'.")
        zc = self.zone_connection(endpoint_id, zone_id)
        if zc["status"] not in (ZoneStatus.DISCONNECTED, ZoneStatus.WAIT):
            raise EndpointZoneConnectionOperationDenied(
                f"The zone connection of endpoint '{endpoint_id}' in '{zone_id}' is "
                f"{zc['status']}; disconnect it before changing its allocation (RES-6)."
            )
        if mode == AllocateMode.MANUAL:
            if not resource_id:
                raise MissingValue("ResourceAllocateMode Manual needs ResourceId and ResourceType.")
            self.attached_in_zone(resource_id, zone_id)
        self._zone_allocation_set(
            endpoint_id,
            zone_id,
            mode,
            resource_id if mode == AllocateMode.MANUAL else None,
        )

    @event("ZoneAllocationSet")
    def _zone_allocation_set(
        self,
        endpoint_id: str,
        zone_id: str,
        mode: str,
        resource_id: str | None,
    ) -> None:
        self._set_zone(endpoint_id, zone_id, mode=mode, resource_id=resource_id)

    # -- replacement and migration (RES-9..11) ------------------------------------------------

    @acts
    def replace_zone_resource(
        self,
        by: Caller,
        endpoint_id: str,
        zone_id: str,
        resource_id: str,
        mode: str,
        management_enabled: bool,
        old_eni_id: str,
        new_eni_id: str,
    ) -> None:
        """RES-9: replace a connected zone's CLB without disconnecting it, once the old
        resource's auto-allocation is off; Graceful migrates (RES-10), Force swaps (RES-11)."""
        self.check_owned_by(by.account)
        self.check_resource_management(management_enabled)
        self.check_not_cross_region(endpoint_id)
        if mode not in REPLACE_MODES:
            raise InvalidValue(f"ResourceReplaceMode must be Graceful or Force; got '{mode}'.")
        zc = self.zone_connection(endpoint_id, zone_id)
        self.check_replaceable(endpoint_id, zone_id, zc, resource_id)
        self._resource_replaced(
            endpoint_id,
            zone_id,
            zc["resource_id"],
            resource_id,
            mode,
            old_eni_id,
            new_eni_id,
        )

    def check_replaceable(
        self, endpoint_id: str, zone_id: str, zc: dict[str, Any], resource_id: str
    ) -> None:
        if self.resource_type != "slb":
            raise OperationDeniedNotClb(
                "Only CLB service resources can be replaced without disconnecting (RES-9)."
            )
        if zc["status"] != ZoneStatus.CONNECTED:
            raise EndpointZoneConnectionOperationDenied(
                f"The zone connection of endpoint '{endpoint_id}' in '{zone_id}' is "
                f"{zc['status']}; only a Connected zone can have its resource replaced."
            )
        old = self.attached_in_zone(zc["resource_id"], zone_id)
        if old["auto_allocated"]:
            raise OperationDeniedAutoAllocationEnabled(
                f"Turn off automatic allocation of '{zc['resource_id']}' before replacing it "
                "(RES-9)."
            )
        self.attached_in_zone(resource_id, zone_id)
        if resource_id == zc["resource_id"] or resource_id in self.failed_resources:
            raise InvalidValue(
                f"The resource '{resource_id}' cannot replace the zone's current "
                "resource: it is the same one, or it is unavailable."
            )

    @event("ResourceReplaced")
    def _resource_replaced(
        self,
        endpoint_id: str,
        zone_id: str,
        old_resource_id: str,
        resource_id: str,
        mode: str,
        old_eni_id: str,
        new_eni_id: str,
    ) -> None:
        self._set_zone(endpoint_id, zone_id, resource_id=resource_id)
        if mode == ReplaceMode.GRACEFUL:
            self._set_zone(
                endpoint_id,
                zone_id,
                status=ZoneStatus.MIGRATING,
                replaced_resource_id=old_resource_id,
                replaced_eni_id=old_eni_id,
            )

    @acts
    def complete_migration(self, by: Caller, endpoint_id: str, zone_id: str) -> None:
        zc = self.connections.get(endpoint_id, {}).get("zones", {}).get(zone_id)
        if zc and zc["status"] == ZoneStatus.MIGRATING:
            self._migration_completed(endpoint_id, zone_id)

    @event("MigrationCompleted")
    def _migration_completed(self, endpoint_id: str, zone_id: str) -> None:
        self._set_zone(endpoint_id, zone_id, status=ZoneStatus.MIGRATED)

    def _disconnect_replaced(
        self, by: Caller, endpoint_id: str, zone_id: str, zc: dict[str, Any]
    ) -> dict[str, Any]:
        """RES-10: the provider disconnects the old resource; the old ENI goes with it."""
        if zc["status"] != ZoneStatus.MIGRATED or not zc["replaced_resource_id"]:
            raise EndpointZoneConnectionOperationDenied(
                f"The zone connection of endpoint '{endpoint_id}' in '{zone_id}' has no migrated "
                "resource to disconnect."
            )
        self._replaced_resource_disconnected(
            endpoint_id,
            zone_id,
            zc["replaced_resource_id"],
            zc["replaced_eni_id"],
        )
        return zc

    @event("ReplacedResourceDisconnected")
    def _replaced_resource_disconnected(
        self,
        endpoint_id: str,
        zone_id: str,
        resource_id: str,
        eni_id: str,
    ) -> None:
        self._set_zone(
            endpoint_id,
            zone_id,
            status=ZoneStatus.CONNECTED,
            replaced_resource_id=None,
            replaced_eni_id=None,
        )

    # -- failure (RES-8) -------------------------------------------------------------------

    @acts
    def agree_with_load_balancer(self, by: Caller, resource_id: str, failed: bool) -> None:
        """RES-8: the service's view of a resource is the load balancer's current health, also
        when it is attached (or the service created) while the load balancer is down, or after
        it recovered while detached (its Recovered then named other services only)."""
        if failed:
            self.fail_resource(by, resource_id)
        else:
            self.recover_resource(by, resource_id)

    @acts
    def fail_resource(self, by: Caller, resource_id: str) -> None:
        """Move the resource's live zone connections to another available resource in the same
        zone; those with none stay, unhealthy, until it recovers."""
        if resource_id in self.failed_resources:
            return
        moves: list[list[str]] = []
        stranded: list[list[str]] = []
        taken: dict[str, int] = {}
        for endpoint_id, conn in sorted(self.connections.items()):
            for zone, zc in sorted(conn["zones"].items()):
                if zc["resource_id"] != resource_id or zc["status"] not in LIVE_ZONE:
                    continue
                target = self._failover_target(conn, zone, resource_id, taken)
                if target is None:
                    stranded.append([endpoint_id, zone])
                else:
                    moves.append([endpoint_id, zone, target])
                    taken[target] = taken.get(target, 0) + 1
        self._resource_failed(resource_id, moves, stranded)

    def _failover_target(
        self, conn: dict[str, Any], zone: str, failed: str, taken: dict[str, int]
    ) -> str | None:
        try:
            return self.allocate(None if conn["cross_region"] else zone, taken, exclude=(failed,))
        except Exception:  # noqa: BLE001 - no other resource in the zone
            return None

    @event("ResourceFailed")
    def _resource_failed(
        self,
        resource_id: str,
        moves: list[list[str]],
        stranded: list[list[str]],
    ) -> None:
        self.failed_resources = [*self.failed_resources, resource_id]
        for endpoint_id, zone, target in moves:
            self._set_zone(endpoint_id, zone, resource_id=target)
        for endpoint_id, zone in stranded:
            self._set_zone(endpoint_id, zone, healthy=False)

    @acts
    def recover_resource(self, by: Caller, resource_id: str) -> None:
        if resource_id not in self.failed_resources:
            return
        healed = [
            [e, z]
            for e, conn in sorted(self.connections.items())
            for z, zc in sorted(conn["zones"].items())
            if zc["resource_id"] == resource_id and not zc["healthy"]
        ]
        self._resource_recovered(resource_id, healed)

    @event("ResourceRecovered")
    def _resource_recovered(self, resource_id: str, healed: list[list[str]]) -> None:
        self.failed_resources = [r for r in self.failed_resources if r != resource_id]
        for endpoint_id, zone in healed:
            self._set_zone(endpoint_id, zone, healthy=True)
