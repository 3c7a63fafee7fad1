"""Commands of an endpoint service on single zone connections: disconnect and reconnect,
manual allocation, replacement and migration, failover (RES-5..11).

Each is a method of :class:`privatelink.domain.service.EndpointService` (its class body names
them all): it checks who acts, lets the ``zone_book`` part decide and records the event.
"""

from __future__ import annotations

from privatelink.domain.base import Caller, acts
from privatelink.domain.events import ZoneConnectionEvents as Z
from privatelink.domain.records import ZoneConnection
from privatelink.domain.service_parts import Service
from privatelink.domain.states import ReplaceMode, ZoneStatus


@acts
def disable_zone_connection(
    self: Service,
    by: Caller,
    endpoint_id: str,
    zone_id: str,
    replaced_resource: bool = False,
) -> ZoneConnection:
    """Disconnect a zone, or (``replaced_resource``) the old resource of a migrated zone
    (RES-10). Returns the zone connection as it was."""
    self.check_owned_by(by.account)
    zones = self.zone_book
    zc = zones.zone_connection(endpoint_id, zone_id)
    if replaced_resource:
        self.trigger_event(
            Z.ReplacedResourceDisconnected, **zones.disconnecting_replaced(endpoint_id, zone_id)
        )
        return zc
    zones.disabling(endpoint_id, zone_id)
    self.trigger_event(Z.ZoneConnectionDisabled, endpoint_id=endpoint_id, zone_id=zone_id)
    return zc


@acts
def complete_zone_disconnection(self: Service, by: Caller, endpoint_id: str, zone_id: str) -> None:
    if self.zone_book.in_status(endpoint_id, zone_id, ZoneStatus.DISCONNECTING):
        self.trigger_event(Z.ZoneConnectionDisconnected, endpoint_id=endpoint_id, zone_id=zone_id)


@acts
def enable_zone_connection(self: Service, by: Caller, endpoint_id: str, zone_id: str) -> None:
    self.check_owned_by(by.account)
    self.trigger_event(Z.ZoneConnectionEnabled, **self.zone_book.enabling(endpoint_id, zone_id))


@acts
def set_zone_allocation(
    self: Service,
    by: Caller,
    endpoint_id: str,
    zone_id: str,
    mode: str,
    resource_id: str | None,
    management_enabled: bool,
) -> None:
    """RES-5..7, XR-7 (the zone book's ``allocating``)."""
    self.check_owned_by(by.account)
    self.zone_book.check_manageable(endpoint_id, management_enabled)
    chosen = self.zone_book.allocating(endpoint_id, zone_id, mode, resource_id)
    self.trigger_event(Z.ZoneAllocationSet, **chosen)


@acts
def replace_zone_resource(
    self: Service,
    by: Caller,
    endpoint_id: str,
    zone_id: str,
    resource_id: str,
    mode: str,
    management_enabled: bool,
    old_eni_id: str,
    new_eni_id: str,
) -> None:
    """RES-9..11: replace a connected zone's CLB without disconnecting it."""
    self.check_owned_by(by.account)
    self.zone_book.check_manageable(endpoint_id, management_enabled)
    old = self.zone_book.replacing(endpoint_id, zone_id, resource_id, mode, self.resource_type)
    self.trigger_event(
        Z.ResourceReplaced,
        endpoint_id=endpoint_id,
        zone_id=zone_id,
        old_resource_id=old,
        resource_id=resource_id,
        mode=ReplaceMode(mode),  # checked by ``replacing``
        old_eni_id=old_eni_id,
        new_eni_id=new_eni_id,
    )


@acts
def complete_migration(self: Service, by: Caller, endpoint_id: str, zone_id: str) -> None:
    if self.zone_book.in_status(endpoint_id, zone_id, ZoneStatus.MIGRATING):
        self.trigger_event(Z.MigrationCompleted, endpoint_id=endpoint_id, zone_id=zone_id)


# -- failure (RES-8) -------------------------------------------------------------------------


@acts
def agree_with_load_balancer(self: Service, by: Caller, resource_id: str, failed: bool) -> None:
    """RES-8: the service's view of a resource is the load balancer's current health, also
    when it is attached (or the service created) while the load balancer is down, or after
    it recovered while detached (its Recovered then named other services only)."""
    if failed:
        fail_resource(self, by, resource_id)
    else:
        recover_resource(self, by, resource_id)


@acts
def fail_resource(self: Service, by: Caller, resource_id: str) -> None:
    """Move the resource's live zone connections to another available resource in the same
    zone; those with none stay, unhealthy, until it recovers."""
    if resource_id not in self.failed_resources:
        self.trigger_event(Z.ResourceFailed, **self.zone_book.failing(resource_id))


@acts
def recover_resource(self: Service, by: Caller, resource_id: str) -> None:
    if resource_id in self.failed_resources:
        self.trigger_event(Z.ResourceRecovered, **self.zone_book.recovering(resource_id))
