"""Provider use cases on zone connections: disconnect, reconnect, allocate and replace the
resource of one endpoint zone (RES-5..11)."""

from __future__ import annotations

from dataclasses import dataclass

from privatelink.application.connections import ConnectionCommands
from privatelink.application.unit_of_work import Command, Decision, Outcome
from privatelink.domain.endpoint import Endpoint
from privatelink.domain.errors import InvalidValue, RecordNotFound
from privatelink.domain.errors_invalid import MissingValue
from privatelink.domain.inventory import Vpc
from privatelink.domain.states import ReplaceMode


@dataclass(frozen=True)
class ZoneResourceChange:
    """What UpdateVpcEndpointZoneConnectionResourceAttribute asks for."""

    allocate_mode: str | None = None
    replace_mode: str | None = None
    resource_id: str | None = None


class ZoneConnectionCommands(ConnectionCommands):
    """Use cases of the provider on single zones of a connection."""

    def consumer_endpoint(self, endpoint_id: str) -> Endpoint:
        """The endpoint on the other side of a connection, whoever owns it."""
        endpoint: Endpoint = self.load(Endpoint, Endpoint.create_id(endpoint_id))
        return endpoint

    def consumer_vpc(self, endpoint: Endpoint) -> Vpc:
        vpc = self.facts.inventory.vpc(endpoint.vpc_id)
        if vpc is None:
            raise RecordNotFound(f"VPC {endpoint.vpc_id}")
        return vpc

    def disable_zone_connection(
        self,
        cmd: Command,
        region: str,
        service_id: str,
        endpoint_id: str,
        zone_id: str,
        replaced_resource: bool,
    ) -> Outcome:
        def decide() -> Decision:
            service = self.own_service(cmd.caller.account, service_id, region)
            service.disable_zone_connection(cmd.caller, endpoint_id, zone_id, replaced_resource)
            if not replaced_resource:
                return {}, [service]
            endpoint = self.consumer_endpoint(endpoint_id)
            old = endpoint.drop_replaced_eni(cmd.caller, zone_id)
            books = [self.release(cmd.caller, self.consumer_vpc(endpoint), old)] if old else []
            return {}, [service, endpoint, *books]

        return self.execute(cmd, decide)

    def enable_zone_connection(
        self, cmd: Command, region: str, service_id: str, endpoint_id: str, zone_id: str
    ) -> Outcome:
        def decide() -> Decision:
            service = self.own_service(cmd.caller.account, service_id, region)
            service.enable_zone_connection(cmd.caller, endpoint_id, zone_id)
            return {}, [service]

        return self.execute(cmd, decide)

    def change_zone_resource(
        self,
        cmd: Command,
        region: str,
        service_id: str,
        endpoint_id: str,
        zone_id: str,
        change: ZoneResourceChange,
    ) -> Outcome:
        if (change.allocate_mode is None) == (change.replace_mode is None):
            raise InvalidValue("Give either ResourceAllocateMode or ResourceReplaceMode.")
        if change.replace_mode is not None:
            return self.replace_zone_resource(cmd, region, service_id, endpoint_id, zone_id, change)

        def decide() -> Decision:
            service = self.own_service(cmd.caller.account, service_id, region)
            service.set_zone_allocation(
                cmd.caller,
                endpoint_id,
                zone_id,
                change.allocate_mode or "",
                change.resource_id,
                self.facts.resource_management_enabled(cmd.caller.account),
            )
            return {}, [service]

        return self.execute(cmd, decide)

    def replace_zone_resource(
        self,
        cmd: Command,
        region: str,
        service_id: str,
        endpoint_id: str,
        zone_id: str,
        change: ZoneResourceChange,
    ) -> Outcome:
        """RES-9..11: a new ENI for the zone; graceful keeps the old one until the provider
        disconnects the replaced resource, force deletes it at once."""
        if not change.resource_id:
            raise MissingValue("ResourceReplaceMode needs ResourceId and ResourceType.")

        def decide() -> Decision:
            service = self.own_service(cmd.caller.account, service_id, region)
            endpoint = self.consumer_endpoint(endpoint_id)
            eni_id = self.ids.new_id("eni-")
            service.replace_zone_resource(
                cmd.caller,
                endpoint_id,
                zone_id,
                change.resource_id or "",
                change.replace_mode or "",
                self.facts.resource_management_enabled(cmd.caller.account),
                endpoint.zones[zone_id]["eni_id"],
                eni_id,
            )
            book = self.address_book(
                cmd.caller, self.consumer_vpc(endpoint), endpoint.zones[zone_id]["vswitch_id"]
            )
            ip = book.take(cmd.caller, None, eni_id)
            graceful = change.replace_mode == ReplaceMode.GRACEFUL
            old = endpoint.replace_zone_eni(cmd.caller, zone_id, eni_id, ip, keep_old=graceful)
            if not graceful:
                book.release(cmd.caller, old["ip"])
            return {}, [service, endpoint, book]

        return self.execute(cmd, decide)
