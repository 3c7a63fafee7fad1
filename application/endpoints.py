"""Consumer use cases: interface endpoints, their zones and security groups."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from privatelink.application.services import ServiceCommands
from privatelink.application.unit_of_work import Command, Decision, Outcome
from privatelink.domain.addresses import VSwitchAddresses
from privatelink.domain.base import Caller, service_id_from_name
from privatelink.domain.endpoint import Endpoint, EndpointOptions, ZonePlacement
from privatelink.domain.errors import (
    EndpointNotFound,
    EndpointServiceNotFound,
    InvalidValue,
    NotFound,
)
from privatelink.domain.errors_invalid import MissingValue
from privatelink.domain.inventory import Vpc
from privatelink.domain.service import EndpointService

log = logging.getLogger("privatelink")


@dataclass(frozen=True)
class ZoneRequest:
    """An endpoint zone as a request names it."""

    zone_id: str
    vswitch_id: str
    ip: str | None = None
    ipv6: str | None = None


class EndpointCommands(ServiceCommands):
    """Use cases of the consumer's endpoints."""

    def endpoint(self, account: str, endpoint_id: str, region: str) -> Endpoint:
        try:
            endpoint: Endpoint = self.load(Endpoint, Endpoint.create_id(endpoint_id))
        except NotFound:
            raise EndpointNotFound(endpoint_id) from None
        endpoint.check_owned_by(account)
        if endpoint.region != region:
            raise EndpointNotFound(endpoint_id)
        return endpoint

    def linked_service(self, endpoint: Endpoint) -> EndpointService | None:
        """The endpoint's service, or None once the service was deleted (DEL-2)."""
        service = self.service(endpoint.service_id)
        return None if service.deleted else service

    def find_service(
        self, service_id: str | None, service_name: str | None, service_region: str | None = None
    ) -> EndpointService:
        """EP-1: the service a request names by id or name (in the region it names). Whether
        the caller may see it (WL-2) is the service's rule, checked when the connection is
        requested."""
        named = service_id_from_name(service_name) if service_name else None
        if service_name and named is None:
            raise EndpointServiceNotFound(service_name)
        if service_id and named and named != service_id:
            raise InvalidValue("ServiceId and ServiceName name different endpoint services.")
        wanted = service_id or named
        if not wanted:
            raise MissingValue("Either ServiceId or ServiceName is required.")
        service = self.service(wanted)
        if service_name and service.name != service_name:
            raise EndpointServiceNotFound(service_name)
        if service_region is not None and service.region != service_region:
            raise EndpointServiceNotFound(wanted)
        return service

    def address_book(self, by: Caller, vpc: Vpc, vswitch_id: str) -> VSwitchAddresses:
        try:
            book: VSwitchAddresses = self.load(
                VSwitchAddresses, VSwitchAddresses.create_id(vswitch_id)
            )
        except NotFound:
            cidr = next(str(v.cidr) for v in vpc.vswitches if v.id == vswitch_id)
            book = VSwitchAddresses(
                vswitch_id=vswitch_id, cidr=cidr, actor=by.account, request_id=by.request_id
            )
        return book

    def place_zone(
        self, by: Caller, vpc: Vpc, zone: ZoneRequest, dual_stack: bool = False
    ) -> tuple[ZonePlacement, VSwitchAddresses]:
        """EP-3/EP-4: the zone's vSwitch and an address (two for DualStack) for its ENI."""
        self.facts.vswitch(vpc, zone.vswitch_id, zone.zone_id)
        book = self.address_book(by, vpc, zone.vswitch_id)
        eni_id = self.ids.new_id("eni-")
        ip = book.take(by, zone.ip, eni_id)
        ipv6 = book.take_ipv6(by, ip, zone.ipv6, eni_id) if dual_stack else ""
        return ZonePlacement(zone.zone_id, zone.vswitch_id, eni_id, ip, ipv6), book

    def create_endpoint(
        self,
        cmd: Command,
        region: str,
        vpc_id: str,
        service_id: str | None,
        service_name: str | None,
        zones: list[ZoneRequest],
        security_groups: list[str],
        options: EndpointOptions,
        service_region: str | None = None,
    ) -> Outcome:
        endpoint_id = self.ids.new_id("ep-")
        by = cmd.caller

        def decide() -> Decision:
            vpc = self.facts.vpc(by.account, vpc_id, region)
            groups = self.facts.security_groups(vpc, security_groups)
            service = self.find_service(service_id, service_name, service_region or region)
            facts = service.admit_endpoint(by.account, region, [z.zone_id for z in zones])
            dual = options.address_ip_version == "DualStack"
            placed = [self.place_zone(by, vpc, z, dual) for z in zones]
            cap = self.facts.cross_region_cap(by.account, region, service.region)
            endpoint = Endpoint.create(
                by, endpoint_id, region, vpc_id, facts, [p for p, _ in placed], groups, options, cap
            )
            service.request_connection(by, connection_facts(endpoint), sorted(endpoint.zones))
            warn_if_single_zone(endpoint)
            # The state the command left (the provisioner may move on before the answer).
            return (
                {"EndpointId": endpoint_id, "EndpointStatus": endpoint.status},
                [endpoint, service, *(b for _, b in placed)],
            )

        return self.execute(cmd, decide)

    def update_endpoint(
        self, cmd: Command, region: str, endpoint_id: str, changes: dict[str, Any]
    ) -> Outcome:
        def decide() -> Decision:
            endpoint = self.endpoint(cmd.caller.account, endpoint_id, region)
            cap = self.facts.cross_region_cap(cmd.caller.account, region, endpoint.service_region)
            service = self.linked_service(endpoint)
            endpoint.update_attributes(
                cmd.caller, changes, service.facts() if service else None, cap
            )
            return {}, [endpoint]

        return self.execute(cmd, decide)

    def delete_endpoint(self, cmd: Command, region: str, endpoint_id: str) -> Outcome:
        def decide() -> Decision:
            endpoint = self.endpoint(cmd.caller.account, endpoint_id, region)
            service = self.linked_service(endpoint)
            vpc = self.facts.vpc(cmd.caller.account, endpoint.vpc_id, region)
            zones = endpoint.delete(cmd.caller)
            books = [self.release(cmd.caller, vpc, z) for z in zones]
            if service is not None:
                service.close_connection(cmd.caller, endpoint_id)
            return {}, [endpoint, *books, *([service] if service else [])]

        return self.execute(cmd, decide)

    def release(self, by: Caller, vpc: Vpc, zone: dict[str, str]) -> VSwitchAddresses:
        """Free a zone's ENI address, and its migrated-away ENI's one too (RES-10)."""
        book = self.address_book(by, vpc, zone["vswitch_id"])
        book.release(by, zone["ip"])
        if zone.get("ipv6"):
            book.release_ipv6(by, zone["ipv6"])
        if zone.get("replaced_ip"):
            book.release(by, zone["replaced_ip"])
        return book

    def add_zone(self, cmd: Command, region: str, endpoint_id: str, zone: ZoneRequest) -> Outcome:
        def decide() -> Decision:
            endpoint = self.endpoint(cmd.caller.account, endpoint_id, region)
            service = self.require_service(endpoint)
            vpc = self.facts.vpc(cmd.caller.account, endpoint.vpc_id, region)
            placement, book = self.place_zone(
                cmd.caller, vpc, zone, endpoint.address_ip_version == "DualStack"
            )
            endpoint.add_zone(cmd.caller, placement)
            service.add_connection_zone(cmd.caller, endpoint_id, zone.zone_id)  # EP-3
            return {}, [endpoint, service, book]

        return self.execute(cmd, decide)

    def remove_zone(self, cmd: Command, region: str, endpoint_id: str, zone_id: str) -> Outcome:
        def decide() -> Decision:
            endpoint = self.endpoint(cmd.caller.account, endpoint_id, region)
            service = self.linked_service(endpoint)
            vpc = self.facts.vpc(cmd.caller.account, endpoint.vpc_id, region)
            book = self.release(cmd.caller, vpc, endpoint.remove_zone(cmd.caller, zone_id))
            if service is not None:
                service.remove_connection_zone(cmd.caller, endpoint_id, zone_id)
            return {}, [endpoint, book, *([service] if service else [])]

        return self.execute(cmd, decide)

    def require_service(self, endpoint: Endpoint) -> EndpointService:
        service = self.linked_service(endpoint)
        if service is None:
            raise EndpointServiceNotFound(endpoint.service_id)
        return service

    def attach_security_group(
        self, cmd: Command, region: str, endpoint_id: str, group_id: str
    ) -> Outcome:
        def decide() -> Decision:
            endpoint = self.endpoint(cmd.caller.account, endpoint_id, region)
            vpc = self.facts.vpc(cmd.caller.account, endpoint.vpc_id, region)
            self.facts.security_groups(vpc, [group_id])
            endpoint.attach_security_group(cmd.caller, group_id)
            return {}, [endpoint]

        return self.execute(cmd, decide)

    def detach_security_group(
        self, cmd: Command, region: str, endpoint_id: str, group_id: str
    ) -> Outcome:
        def decide() -> Decision:
            endpoint = self.endpoint(cmd.caller.account, endpoint_id, region)
            endpoint.detach_security_group(cmd.caller, group_id)
            return {}, [endpoint]

        return self.execute(cmd, decide)


def connection_facts(endpoint: Endpoint) -> dict[str, Any]:
    """What the service keeps about the endpoint on the other end of a connection."""
    return {
        "endpoint_id": endpoint.endpoint_id,
        "consumer": endpoint.owner,
        "endpoint_region": endpoint.region,
        "vpc_id": endpoint.vpc_id,
    }


def warn_if_single_zone(endpoint: Endpoint) -> None:
    """HA-1: a single-zone endpoint is allowed but not highly available."""
    if len(endpoint.zones) == 1:
        log.warning(
            "endpoint %s is not highly available: it has one zone (%s)",
            endpoint.endpoint_id,
            next(iter(endpoint.zones)),
        )
