"""Consumer use cases: interface endpoints, their zones and security groups."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from privatelink.application import notices
from privatelink.application.aggregates import Aggregates, ZoneRequest
from privatelink.application.jobs import Command, Decision
from privatelink.application.use_case import Decide, UseCase
from privatelink.domain.addresses import VSwitchAddresses
from privatelink.domain.base import Caller
from privatelink.domain.endpoint import Endpoint, EndpointOptions
from privatelink.domain.records import ConnectionFacts
from privatelink.domain.service import EndpointService

__all__ = ["ZoneRequest", "connection_facts"]


@dataclass(frozen=True)
class CreateEndpoint(UseCase):
    region: str
    vpc_id: str
    service_id: str | None
    service_name: str | None
    zones: list[ZoneRequest]
    security_groups: list[str]
    options: EndpointOptions
    service_region: str | None = None


@dataclass(frozen=True)
class UpdateEndpoint(UseCase):
    region: str
    endpoint_id: str
    changes: dict[str, Any]


@dataclass(frozen=True)
class DeleteEndpoint(UseCase):
    region: str
    endpoint_id: str


@dataclass(frozen=True)
class AddZone(UseCase):
    region: str
    endpoint_id: str
    zone: ZoneRequest


@dataclass(frozen=True)
class RemoveZone(UseCase):
    region: str
    endpoint_id: str
    zone_id: str


@dataclass(frozen=True)
class AttachSecurityGroup(UseCase):
    region: str
    endpoint_id: str
    group_id: str


@dataclass(frozen=True)
class DetachSecurityGroup(UseCase):
    region: str
    endpoint_id: str
    group_id: str


def create_endpoint(w: Aggregates, c: CreateEndpoint, cmd: Command) -> Decide:
    endpoint_id = w.ids.new_id("ep-")

    def decide() -> Decision:
        endpoint, service, books = new_endpoint(w, c, cmd.caller, endpoint_id)
        service.request_connection(cmd.caller, connection_facts(endpoint), sorted(endpoint.zones))
        warn_if_single_zone(endpoint)
        # The state the command left (the provisioner's steps may commit with it).
        connection = service.book.connection(endpoint_id)
        return (
            {
                "EndpointId": endpoint_id,
                "EndpointStatus": endpoint.status,
                "ConnectionStatus": connection["status"],
            },
            [endpoint, service, *books],
        )

    return decide


def new_endpoint(
    w: Aggregates, c: CreateEndpoint, by: Caller, endpoint_id: str
) -> tuple[Endpoint, EndpointService, list[VSwitchAddresses]]:
    """The endpoint, in the VPC and zones asked for, admitted by the service it names (with
    that service, and the address books its zones took addresses from)."""
    vpc = w.facts.vpc(by.account, c.vpc_id, c.region)
    groups = w.facts.security_groups(vpc, c.security_groups)
    service = w.find_service(c.service_id, c.service_name, c.service_region or c.region)
    facts = service.admit_endpoint(by.account, c.region, [z.zone_id for z in c.zones])
    dual = c.options.address_ip_version == "DualStack"
    placed = [w.place_zone(by, vpc, z, dual) for z in c.zones]
    cap = w.facts.cross_region_cap(by.account, c.region, service.region)
    zones = [p for p, _ in placed]
    endpoint = Endpoint.create(
        by, endpoint_id, c.region, c.vpc_id, facts, zones, groups, c.options, cap
    )
    return endpoint, service, [b for _, b in placed]


def update_endpoint(w: Aggregates, c: UpdateEndpoint, cmd: Command) -> Decide:
    def decide() -> Decision:
        endpoint = w.endpoint(cmd.caller.account, c.endpoint_id, c.region)
        cap = w.facts.cross_region_cap(cmd.caller.account, c.region, endpoint.service_region)
        service = w.linked_service(endpoint)
        endpoint.update_attributes(cmd.caller, c.changes, service.facts() if service else None, cap)
        return {}, [endpoint]

    return decide


def delete_endpoint(w: Aggregates, c: DeleteEndpoint, cmd: Command) -> Decide:
    def decide() -> Decision:
        endpoint = w.endpoint(cmd.caller.account, c.endpoint_id, c.region)
        service = w.linked_service(endpoint)
        vpc = w.facts.vpc(cmd.caller.account, endpoint.vpc_id, c.region)
        zones = endpoint.delete(cmd.caller)
        books = [w.release(cmd.caller, vpc, z) for z in zones]
        if service is not None:
            service.close_connection(cmd.caller, c.endpoint_id)
        return {}, [endpoint, *books, *([service] if service else [])]

    return decide


def add_zone(w: Aggregates, c: AddZone, cmd: Command) -> Decide:
    def decide() -> Decision:
        endpoint = w.endpoint(cmd.caller.account, c.endpoint_id, c.region)
        service = w.require_service(endpoint)
        vpc = w.facts.vpc(cmd.caller.account, endpoint.vpc_id, c.region)
        dual = endpoint.address_ip_version == "DualStack"
        placement, book = w.place_zone(cmd.caller, vpc, c.zone, dual)
        endpoint.add_zone(cmd.caller, placement)
        service.add_connection_zone(cmd.caller, c.endpoint_id, c.zone.zone_id)  # EP-3
        return {}, [endpoint, service, book]

    return decide


def remove_zone(w: Aggregates, c: RemoveZone, cmd: Command) -> Decide:
    def decide() -> Decision:
        endpoint = w.endpoint(cmd.caller.account, c.endpoint_id, c.region)
        service = w.linked_service(endpoint)
        vpc = w.facts.vpc(cmd.caller.account, endpoint.vpc_id, c.region)
        book = w.release(cmd.caller, vpc, endpoint.remove_zone(cmd.caller, c.zone_id))
        if service is not None:
            service.remove_connection_zone(cmd.caller, c.endpoint_id, c.zone_id)
        return {}, [endpoint, book, *([service] if service else [])]

    return decide


def attach_security_group(w: Aggregates, c: AttachSecurityGroup, cmd: Command) -> Decide:
    def decide() -> Decision:
        endpoint = w.endpoint(cmd.caller.account, c.endpoint_id, c.region)
        vpc = w.facts.vpc(cmd.caller.account, endpoint.vpc_id, c.region)
        w.facts.security_groups(vpc, [c.group_id])
        endpoint.attach_security_group(cmd.caller, c.group_id)
        return {}, [endpoint]

    return decide


def detach_security_group(w: Aggregates, c: DetachSecurityGroup, cmd: Command) -> Decide:
    def decide() -> Decision:
        endpoint = w.endpoint(cmd.caller.account, c.endpoint_id, c.region)
        endpoint.detach_security_group(cmd.caller, c.group_id)
        return {}, [endpoint]

    return decide


def connection_facts(endpoint: Endpoint) -> ConnectionFacts:
    """What the service keeps about the endpoint on the other end of a connection."""
    return ConnectionFacts(
        endpoint_id=endpoint.endpoint_id,
        consumer=endpoint.owner,
        endpoint_region=endpoint.region,
        vpc_id=endpoint.vpc_id,
    )


def warn_if_single_zone(endpoint: Endpoint) -> None:
    """HA-1: a single-zone endpoint is allowed but not highly available."""
    if len(endpoint.zones) == 1:
        notices.warn(
            "endpoint %s is not highly available: it has one zone (%s)",
            endpoint.endpoint_id,
            next(iter(endpoint.zones)),
        )
