"""Provider use cases on zone connections: disconnect, reconnect, allocate and replace the
resource of one endpoint zone (RES-5..11)."""

from __future__ import annotations

from dataclasses import dataclass

from privatelink.application.aggregates import Aggregates
from privatelink.application.jobs import Command, Decision
from privatelink.application.use_case import Decide, UseCase
from privatelink.domain.addresses import VSwitchAddresses
from privatelink.domain.base import Caller
from privatelink.domain.endpoint import Endpoint
from privatelink.domain.errors import InvalidValue
from privatelink.domain.errors_invalid import MissingValue
from privatelink.domain.states import ReplaceMode


@dataclass(frozen=True)
class ZoneResourceChange:
    """What UpdateVpcEndpointZoneConnectionResourceAttribute asks for."""

    allocate_mode: str | None = None
    replace_mode: str | None = None
    resource_id: str | None = None


@dataclass(frozen=True)
class ZoneConnection:
    """One zone of a connection to a provider's service."""

    region: str
    service_id: str
    endpoint_id: str
    zone_id: str


@dataclass(frozen=True)
class DisableZoneConnection(UseCase):
    zone: ZoneConnection
    replaced_resource: bool


@dataclass(frozen=True)
class EnableZoneConnection(UseCase):
    zone: ZoneConnection


@dataclass(frozen=True)
class ChangeZoneResource(UseCase):
    zone: ZoneConnection
    change: ZoneResourceChange


def disable_zone_connection(w: Aggregates, c: DisableZoneConnection, cmd: Command) -> Decide:
    z = c.zone

    def decide() -> Decision:
        service = w.own_service(cmd.caller.account, z.service_id, z.region)
        service.disable_zone_connection(cmd.caller, z.endpoint_id, z.zone_id, c.replaced_resource)
        if not c.replaced_resource:
            return {}, [service]
        endpoint = w.consumer_endpoint(z.endpoint_id)
        old = endpoint.drop_replaced_eni(cmd.caller, z.zone_id)
        books = [w.release(cmd.caller, w.consumer_vpc(endpoint), old)] if old else []
        return {}, [service, endpoint, *books]

    return decide


def enable_zone_connection(w: Aggregates, c: EnableZoneConnection, cmd: Command) -> Decide:
    z = c.zone

    def decide() -> Decision:
        service = w.own_service(cmd.caller.account, z.service_id, z.region)
        service.enable_zone_connection(cmd.caller, z.endpoint_id, z.zone_id)
        return {}, [service]

    return decide


def change_zone_resource(w: Aggregates, c: ChangeZoneResource, cmd: Command) -> Decide:
    """RES-5: allocate the zone's resource (automatically or by hand), or replace it."""
    if (c.change.allocate_mode is None) == (c.change.replace_mode is None):
        raise InvalidValue("Give either ResourceAllocateMode or ResourceReplaceMode.")
    if c.change.replace_mode is not None:
        return replace_zone_resource(w, c.zone, c.change, cmd)
    return allocate_zone_resource(w, c.zone, c.change, cmd)


def allocate_zone_resource(
    w: Aggregates, z: ZoneConnection, change: ZoneResourceChange, cmd: Command
) -> Decide:
    def decide() -> Decision:
        service = w.own_service(cmd.caller.account, z.service_id, z.region)
        managed = w.facts.resource_management_enabled(cmd.caller.account)
        mode = change.allocate_mode or ""
        service.set_zone_allocation(
            cmd.caller, z.endpoint_id, z.zone_id, mode, change.resource_id, managed
        )
        return {}, [service]

    return decide


def replace_zone_resource(
    w: Aggregates, z: ZoneConnection, change: ZoneResourceChange, cmd: Command
) -> Decide:
    """RES-9..11: a new ENI for the zone; graceful keeps the old one until the provider
    disconnects the replaced resource, force deletes it at once."""
    if not change.resource_id:
        raise MissingValue("ResourceReplaceMode needs ResourceId and ResourceType.")
    by, new, mode = cmd.caller, change.resource_id, change.replace_mode or ""
    graceful = mode == ReplaceMode.GRACEFUL

    def decide() -> Decision:
        service = w.own_service(by.account, z.service_id, z.region)
        endpoint = w.consumer_endpoint(z.endpoint_id)
        eni_id = w.ids.new_id("eni-")
        managed = w.facts.resource_management_enabled(by.account)
        # A zone the endpoint lacks is refused by the service's own check (EndpointZoneNotFound)
        zone = endpoint.zones.get(z.zone_id)
        old_eni = zone["eni_id"] if zone is not None else ""
        service.replace_zone_resource(
            by, z.endpoint_id, z.zone_id, new, mode, managed, old_eni, eni_id
        )
        book = swap_eni(w, by, endpoint, z.zone_id, eni_id, graceful)
        return {}, [service, endpoint, book]

    return decide


def swap_eni(
    w: Aggregates, by: Caller, endpoint: Endpoint, zone_id: str, eni_id: str, graceful: bool
) -> VSwitchAddresses:
    """The zone's new ENI takes an address of its vSwitch; a forced replacement frees the
    old ENI's address at once (a graceful one keeps it until the old ENI goes)."""
    book = w.address_book(by, w.consumer_vpc(endpoint), endpoint.zones[zone_id]["vswitch_id"])
    ip = book.take(by, None, eni_id)
    old = endpoint.replace_zone_eni(by, zone_id, eni_id, ip, keep_old=graceful)
    if not graceful:
        book.release(by, old["ip"])
    return book
