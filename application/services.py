"""Provider use cases: endpoint services, their resources and whitelist."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from privatelink.application.facts import InventoryFacts
from privatelink.application.unit_of_work import Command, Decision, Outcome, UnitOfWork
from privatelink.domain.base import Caller, IdGenerator
from privatelink.domain.errors import (
    EndpointServiceNotFound,
    InvalidResourceIdNotFound,
    NotFound,
    missing,
)
from privatelink.domain.load_balancers import LoadBalancerState
from privatelink.domain.service import EndpointService, ServiceOptions

log = logging.getLogger("privatelink")


@dataclass(frozen=True)
class ResourceRef:
    """A service resource as a request names it."""

    resource_id: str
    resource_type: str | None = None
    zone_id: str | None = None


class ServiceCommands(UnitOfWork):
    """Use cases of the provider's endpoint services."""

    facts: InventoryFacts
    ids: IdGenerator

    def service(self, service_id: str) -> EndpointService:
        """The service aggregate, whoever owns it; EndpointServiceNotFound when absent."""
        try:
            service: EndpointService = self.load(
                EndpointService, EndpointService.create_id(service_id)
            )
        except NotFound:
            raise EndpointServiceNotFound(service_id) from None
        return service

    def own_service(self, account: str, service_id: str, region: str) -> EndpointService:
        service = self.service(service_id)
        service.check_owned_by(account)
        if service.region != region:
            raise EndpointServiceNotFound(service_id)
        return service

    def create_endpoint_service(
        self, cmd: Command, region: str, resources: list[ResourceRef], options: ServiceOptions
    ) -> Outcome:
        service_id = self.ids.new_id("epsrv-")

        def decide() -> Decision:
            self.facts.check_region(region)
            for supported in options.supported_regions:
                self.facts.check_region(supported)
            facts = [(self._resource(cmd, r, region), r.zone_id) for r in resources]
            service = EndpointService.create(cmd.caller, service_id, region, facts, options)
            warn_if_single_zone(service)
            states = [self.lb_state(cmd.caller, f.resource_id) for f, _ in facts]
            for state in states:
                state.attach(cmd.caller, service_id)
                service.agree_with_load_balancer(cmd.caller, state.resource_id, state.failed)
            # The answer tells the state the command left, not a later one the provisioner
            # may already have reached by the time the views are read.
            return (
                {"ServiceId": service_id, "ServiceStatus": service.status},
                [service, *unique(states)],
            )

        return self.execute(cmd, decide)

    def _resource(self, cmd: Command, ref: ResourceRef, region: str) -> Any:
        facts = self.facts.load_balancer(cmd.caller.account, ref.resource_id, region)
        facts.check_declared_type(ref.resource_type)
        return facts

    def lb_state(self, by: Caller, resource_id: str) -> LoadBalancerState:
        try:
            state: LoadBalancerState = self.load(
                LoadBalancerState, LoadBalancerState.create_id(resource_id)
            )
        except NotFound:
            state = LoadBalancerState(
                resource_id=resource_id, actor=by.account, request_id=by.request_id
            )
        return state

    def update_endpoint_service(
        self,
        cmd: Command,
        region: str,
        service_id: str,
        changes: dict[str, Any],
        add_regions: list[str] | None = None,
        remove_regions: list[str] | None = None,
    ) -> Outcome:
        def decide() -> Decision:
            service = self.own_service(cmd.caller.account, service_id, region)
            service.update_attributes(cmd.caller, changes)
            if add_regions or remove_regions:
                for added in add_regions or []:
                    self.facts.check_region(added)
                service.change_supported_regions(
                    cmd.caller, add_regions or [], remove_regions or []
                )
            return {}, [service]

        return self.execute(cmd, decide)

    def delete_endpoint_service(self, cmd: Command, region: str, service_id: str) -> Outcome:
        def decide() -> Decision:
            service = self.own_service(cmd.caller.account, service_id, region)
            service.delete(cmd.caller)
            return {}, [service]

        return self.execute(cmd, decide)

    def attach_resource(
        self, cmd: Command, region: str, service_id: str, ref: ResourceRef
    ) -> Outcome:
        def decide() -> Decision:
            service = self.own_service(cmd.caller.account, service_id, region)
            service.attach_resource(cmd.caller, self._resource(cmd, ref, region), ref.zone_id)
            warn_if_single_zone(service)
            state = self.lb_state(cmd.caller, ref.resource_id)
            state.attach(cmd.caller, service_id)
            service.agree_with_load_balancer(cmd.caller, ref.resource_id, state.failed)
            return {}, [service, state]

        return self.execute(cmd, decide)

    def detach_resource(
        self, cmd: Command, region: str, service_id: str, ref: ResourceRef
    ) -> Outcome:
        def decide() -> Decision:
            service = self.own_service(cmd.caller.account, service_id, region)
            service.detach_resource(cmd.caller, ref.resource_id, ref.zone_id)
            state = self.lb_state(cmd.caller, ref.resource_id)
            if not any(r["resource_id"] == ref.resource_id for r in service.resources.values()):
                state.detach(cmd.caller, service_id)
            return {}, [service, state]

        return self.execute(cmd, decide)

    def set_auto_allocation(
        self,
        cmd: Command,
        region: str,
        service_id: str,
        resource_id: str,
        zone_id: str | None,
        enabled: bool,
    ) -> Outcome:
        def decide() -> Decision:
            service = self.own_service(cmd.caller.account, service_id, region)
            service.set_auto_allocation(cmd.caller, resource_id, zone_id, enabled)
            return {}, [service]

        return self.execute(cmd, decide)

    def mark_load_balancer(self, cmd: Command, resource_id: str, down: bool) -> Outcome:
        """RES-8: an operator marks a load balancer failed or recovered."""
        if self.facts.inventory.load_balancer(resource_id) is None:
            raise InvalidResourceIdNotFound(missing("load balancer", resource_id))

        def decide() -> Decision:
            state = self.lb_state(cmd.caller, resource_id)
            if down:
                state.fail(cmd.caller)
            else:
                state.recover(cmd.caller)
            return {"ResourceId": resource_id, "Failed": down}, [state]

        return self.execute(cmd, decide)

    def add_user(self, cmd: Command, region: str, service_id: str, user: str) -> Outcome:
        def decide() -> Decision:
            service = self.own_service(cmd.caller.account, service_id, region)
            service.add_user(cmd.caller, user)
            return {}, [service]

        return self.execute(cmd, decide)

    def remove_user(self, cmd: Command, region: str, service_id: str, user: str) -> Outcome:
        def decide() -> Decision:
            service = self.own_service(cmd.caller.account, service_id, region)
            service.remove_user(cmd.caller, user)
            return {}, [service]

        return self.execute(cmd, decide)


def unique(states: list[LoadBalancerState]) -> list[LoadBalancerState]:
    return list({state.id: state for state in states}.values())


def warn_if_single_zone(service: EndpointService) -> None:
    """HA-1: one zone is allowed, but it is not highly available."""
    if len(service.zones) == 1:
        resources = sorted({r["resource_id"] for r in service.resources.values()})
        log.warning(
            "endpoint service %s is not highly available: its resources (%s) sit in one zone (%s)",
            service.service_id,
            ", ".join(resources),
            service.zones[0],
        )
