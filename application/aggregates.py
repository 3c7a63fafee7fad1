"""The aggregates the use cases decide on, found (or opened) for a request: services,
endpoints, load balancers' states and vSwitches' address books. One plain class, given the
unit of work that loads them, the inventory's facts and the id generator."""

from __future__ import annotations

from dataclasses import dataclass

from privatelink.application.facts import InventoryFacts
from privatelink.application.unit_of_work import UnitOfWork
from privatelink.domain.addresses import VSwitchAddresses
from privatelink.domain.base import Caller, IdGenerator, service_id_from_name
from privatelink.domain.endpoint import Endpoint, ZonePlacement
from privatelink.domain.errors import (
    EndpointNotFound,
    EndpointServiceNotFound,
    InvalidValue,
    NotFound,
    RecordNotFound,
)
from privatelink.domain.errors_invalid import MissingValue
from privatelink.domain.inventory import Vpc
from privatelink.domain.load_balancers import LoadBalancerState
from privatelink.domain.records import EniPlace
from privatelink.domain.service import EndpointService
from privatelink.domain.tags import Taggable


@dataclass(frozen=True)
class ZoneRequest:
    """An endpoint zone as a request names it."""

    zone_id: str
    vswitch_id: str
    ip: str | None = None
    ipv6: str | None = None


class Aggregates:
    """Finds the aggregates of a decision, as the caller may see them (SEC-3)."""

    def __init__(self, uow: UnitOfWork, facts: InventoryFacts, ids: IdGenerator) -> None:
        self.uow = uow
        self.facts = facts
        self.ids = ids

    # -- services --------------------------------------------------------------------------

    def service(self, service_id: str) -> EndpointService:
        """The service aggregate, whoever owns it; EndpointServiceNotFound when absent."""
        try:
            return self.uow.load(EndpointService, EndpointService.create_id(service_id))
        except NotFound:
            raise EndpointServiceNotFound(service_id) from None

    def own_service(self, account: str, service_id: str, region: str) -> EndpointService:
        service = self.service(service_id)
        service.check_owned_by(account)
        if service.region != region:
            raise EndpointServiceNotFound(service_id)
        return service

    def lb_state(self, by: Caller, resource_id: str) -> LoadBalancerState:
        try:
            return self.uow.load(LoadBalancerState, LoadBalancerState.create_id(resource_id))
        except NotFound:
            return LoadBalancerState.created_by(by, resource_id=resource_id)

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

    # -- endpoints -------------------------------------------------------------------------

    def endpoint(self, account: str, endpoint_id: str, region: str) -> Endpoint:
        try:
            endpoint = self.uow.load(Endpoint, Endpoint.create_id(endpoint_id))
        except NotFound:
            raise EndpointNotFound(endpoint_id) from None
        endpoint.check_owned_by(account)
        if endpoint.region != region:
            raise EndpointNotFound(endpoint_id)
        return endpoint

    def consumer_endpoint(self, endpoint_id: str) -> Endpoint:
        """The endpoint on the other side of a connection, whoever owns it."""
        return self.uow.load(Endpoint, Endpoint.create_id(endpoint_id))

    def consumer_vpc(self, endpoint: Endpoint) -> Vpc:
        vpc = self.facts.inventory.vpc(endpoint.vpc_id)
        if vpc is None:
            raise RecordNotFound(f"VPC {endpoint.vpc_id}")
        return vpc

    def linked_service(self, endpoint: Endpoint) -> EndpointService | None:
        """The endpoint's service, or None once the service was deleted (DEL-2)."""
        service = self.service(endpoint.service_id)
        return None if service.deleted else service

    def require_service(self, endpoint: Endpoint) -> EndpointService:
        service = self.linked_service(endpoint)
        if service is None:
            raise EndpointServiceNotFound(endpoint.service_id)
        return service

    # -- addresses -------------------------------------------------------------------------

    def address_book(self, by: Caller, vpc: Vpc, vswitch_id: str) -> VSwitchAddresses:
        try:
            return self.uow.load(VSwitchAddresses, VSwitchAddresses.create_id(vswitch_id))
        except NotFound:
            cidr = next(str(v.cidr) for v in vpc.vswitches if v.id == vswitch_id)
            return VSwitchAddresses.created_by(by, vswitch_id=vswitch_id, cidr=cidr)

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

    def release(self, by: Caller, vpc: Vpc, zone: EniPlace) -> VSwitchAddresses:
        """Free a zone's ENI address, and its migrated-away ENI's one too (RES-10)."""
        book = self.address_book(by, vpc, zone["vswitch_id"])
        book.release(by, zone["ip"])
        if zone.get("ipv6"):
            book.release_ipv6(by, zone["ipv6"])
        if zone.get("replaced_ip"):
            book.release(by, zone["replaced_ip"])
        return book

    # -- tagged resources ------------------------------------------------------------------

    def owned(self, account: str, kind: str, resource_id: str, region: str | None) -> Taggable:
        """A service or endpoint of ``account``, in ``region`` (by default: where it is)."""
        if kind == "endpoint":
            return self.endpoint(account, resource_id, region or self._region_of(resource_id))
        return self.own_service(account, resource_id, region or self._service_region(resource_id))

    def _region_of(self, endpoint_id: str) -> str:
        try:
            return str(self.uow.load(Endpoint, Endpoint.create_id(endpoint_id)).region)
        except NotFound:
            return ""

    def _service_region(self, service_id: str) -> str:
        try:
            return str(self.service(service_id).region)
        except NotFound:
            return ""
