"""Provider use cases: endpoint services, their resources and whitelist."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from privatelink.application import notices
from privatelink.application.aggregates import Aggregates
from privatelink.application.jobs import Command, Decision
from privatelink.application.use_case import Decide, UseCase
from privatelink.domain.errors import InvalidResourceIdNotFound, missing
from privatelink.domain.load_balancers import LoadBalancerState
from privatelink.domain.resources import ResourceFacts
from privatelink.domain.service import EndpointService, ServiceOptions


@dataclass(frozen=True)
class ResourceRef:
    """A service resource as a request names it."""

    resource_id: str
    resource_type: str | None = None
    zone_id: str | None = None


@dataclass(frozen=True)
class CreateEndpointService(UseCase):
    region: str
    resources: list[ResourceRef]
    options: ServiceOptions


@dataclass(frozen=True)
class UpdateEndpointService(UseCase):
    region: str
    service_id: str
    changes: dict[str, Any]
    add_regions: list[str] = field(default_factory=list)
    remove_regions: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DeleteEndpointService(UseCase):
    region: str
    service_id: str


@dataclass(frozen=True)
class AttachResource(UseCase):
    region: str
    service_id: str
    resource: ResourceRef


@dataclass(frozen=True)
class DetachResource(UseCase):
    region: str
    service_id: str
    resource: ResourceRef


@dataclass(frozen=True)
class SetAutoAllocation(UseCase):
    region: str
    service_id: str
    resource_id: str
    zone_id: str | None
    enabled: bool


@dataclass(frozen=True)
class MarkLoadBalancer(UseCase):
    """RES-8: an operator (or the prober) marks a load balancer failed or recovered."""

    resource_id: str
    down: bool


@dataclass(frozen=True)
class AddUser(UseCase):
    region: str
    service_id: str
    user: str


@dataclass(frozen=True)
class RemoveUser(UseCase):
    region: str
    service_id: str
    user: str


def create_endpoint_service(w: Aggregates, c: CreateEndpointService, cmd: Command) -> Decide:
    service_id = w.ids.new_id("epsrv-")

    def decide() -> Decision:
        w.facts.check_region(c.region)
        for supported in c.options.supported_regions:
            w.facts.check_region(supported)
        facts = [(resource_facts(w, cmd, r, c.region), r.zone_id) for r in c.resources]
        service = EndpointService.create(cmd.caller, service_id, c.region, facts, c.options)
        warn_if_single_zone(service)
        states = [w.lb_state(cmd.caller, f.resource_id) for f, _ in facts]
        for state in states:
            state.attach(cmd.caller, service_id)
            service.agree_with_load_balancer(cmd.caller, state.resource_id, state.failed)
        # The answer tells the state the command left, not a later one the provisioner
        # may already have reached by the time the views are read.
        return (
            {"ServiceId": service_id, "ServiceStatus": service.status},
            [service, *unique(states)],
        )

    return decide


def resource_facts(w: Aggregates, cmd: Command, ref: ResourceRef, region: str) -> ResourceFacts:
    facts = w.facts.load_balancer(cmd.caller.account, ref.resource_id, region)
    facts.check_declared_type(ref.resource_type)
    return facts


def update_endpoint_service(w: Aggregates, c: UpdateEndpointService, cmd: Command) -> Decide:
    def decide() -> Decision:
        service = w.own_service(cmd.caller.account, c.service_id, c.region)
        service.update_attributes(cmd.caller, c.changes)
        if c.add_regions or c.remove_regions:
            for added in c.add_regions:
                w.facts.check_region(added)
            service.change_supported_regions(cmd.caller, c.add_regions, c.remove_regions)
        return {}, [service]

    return decide


def delete_endpoint_service(w: Aggregates, c: DeleteEndpointService, cmd: Command) -> Decide:
    def decide() -> Decision:
        service = w.own_service(cmd.caller.account, c.service_id, c.region)
        service.delete(cmd.caller)
        return {}, [service]

    return decide


def attach_resource(w: Aggregates, c: AttachResource, cmd: Command) -> Decide:
    ref = c.resource

    def decide() -> Decision:
        service = w.own_service(cmd.caller.account, c.service_id, c.region)
        service.attach_resource(cmd.caller, resource_facts(w, cmd, ref, c.region), ref.zone_id)
        warn_if_single_zone(service)
        state = w.lb_state(cmd.caller, ref.resource_id)
        state.attach(cmd.caller, c.service_id)
        service.agree_with_load_balancer(cmd.caller, ref.resource_id, state.failed)
        return {}, [service, state]

    return decide


def detach_resource(w: Aggregates, c: DetachResource, cmd: Command) -> Decide:
    ref = c.resource

    def decide() -> Decision:
        service = w.own_service(cmd.caller.account, c.service_id, c.region)
        service.detach_resource(cmd.caller, ref.resource_id, ref.zone_id)
        state = w.lb_state(cmd.caller, ref.resource_id)
        if not any(r["resource_id"] == ref.resource_id for r in service.resources.values()):
            state.detach(cmd.caller, c.service_id)
        return {}, [service, state]

    return decide


def set_auto_allocation(w: Aggregates, c: SetAutoAllocation, cmd: Command) -> Decide:
    def decide() -> Decision:
        service = w.own_service(cmd.caller.account, c.service_id, c.region)
        service.set_auto_allocation(cmd.caller, c.resource_id, c.zone_id, c.enabled)
        return {}, [service]

    return decide


def mark_load_balancer(w: Aggregates, c: MarkLoadBalancer, cmd: Command) -> Decide:
    if w.facts.inventory.load_balancer(c.resource_id) is None:
        raise InvalidResourceIdNotFound(missing("load balancer", c.resource_id))

    def decide() -> Decision:
        state = w.lb_state(cmd.caller, c.resource_id)
        if c.down:
            state.fail(cmd.caller)
        else:
            state.recover(cmd.caller)
        return {"ResourceId": c.resource_id, "Failed": c.down}, [state]

    return decide


def add_user(w: Aggregates, c: AddUser, cmd: Command) -> Decide:
    def decide() -> Decision:
        service = w.own_service(cmd.caller.account, c.service_id, c.region)
        service.add_user(cmd.caller, c.user)
        return {}, [service]

    return decide


def remove_user(w: Aggregates, c: RemoveUser, cmd: Command) -> Decide:
    def decide() -> Decision:
        service = w.own_service(cmd.caller.account, c.service_id, c.region)
        service.remove_user(cmd.caller, c.user)
        return {}, [service]

    return decide


def unique(states: list[LoadBalancerState]) -> list[LoadBalancerState]:
    return list({state.id: state for state in states}.values())


def warn_if_single_zone(service: EndpointService) -> None:
    """HA-1: one zone is allowed, but it is not highly available."""
    if len(service.zones) == 1:
        resources = sorted({r["resource_id"] for r in service.resources.values()})
        notices.warn(
            "endpoint service %s is not highly available: its resources (%s) sit in one zone (%s)",
            service.service_id,
            ", ".join(resources),
            service.zones[0],
        )
