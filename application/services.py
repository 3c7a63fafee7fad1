"""Provider use cases: endpoint services, their resources and whitelist."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from application.facts import InventoryFacts
from application.unit_of_work import Command, Decision, Outcome, UnitOfWork
from domain.base import IdGenerator
from domain.errors import EndpointServiceNotFound, NotFound
from domain.service import EndpointService, ServiceOptions

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
            service: EndpointService = self.load(EndpointService,
                                                 EndpointService.create_id(service_id))
        except NotFound:
            raise EndpointServiceNotFound(service_id) from None
        return service

    def own_service(self, account: str, service_id: str, region: str) -> EndpointService:
        service = self.service(service_id)
        service.check_owned_by(account)
        if service.region != region:
            raise EndpointServiceNotFound(service_id)
        return service

    def create_endpoint_service(self, cmd: Command, region: str, resources: list[ResourceRef],
                                options: ServiceOptions) -> Outcome:
        service_id = self.ids.new_id("epsrv-")

        def decide() -> Decision:
            self.facts.check_region(region)
            facts = [(self._resource(cmd, r, region), r.zone_id) for r in resources]
            service = EndpointService.create(cmd.caller, service_id, region, facts, options)
            warn_if_single_zone(service)
            return {"ServiceId": service_id}, [service]

        return self.execute(cmd, decide)

    def _resource(self, cmd: Command, ref: ResourceRef, region: str) -> Any:
        facts = self.facts.load_balancer(cmd.caller.account, ref.resource_id, region)
        facts.check_declared_type(ref.resource_type)
        return facts

    def update_endpoint_service(self, cmd: Command, region: str, service_id: str,
                                changes: dict[str, Any]) -> Outcome:
        def decide() -> Decision:
            service = self.own_service(cmd.caller.account, service_id, region)
            service.update_attributes(cmd.caller, changes)
            return {}, [service]

        return self.execute(cmd, decide)

    def delete_endpoint_service(self, cmd: Command, region: str, service_id: str) -> Outcome:
        def decide() -> Decision:
            service = self.own_service(cmd.caller.account, service_id, region)
            service.delete(cmd.caller)
            return {}, [service]

        return self.execute(cmd, decide)

    def attach_resource(self, cmd: Command, region: str, service_id: str,
                        ref: ResourceRef) -> Outcome:
        def decide() -> Decision:
            service = self.own_service(cmd.caller.account, service_id, region)
            service.attach_resource(cmd.caller, self._resource(cmd, ref, region), ref.zone_id)
            warn_if_single_zone(service)
            return {}, [service]

        return self.execute(cmd, decide)

    def detach_resource(self, cmd: Command, region: str, service_id: str,
                        ref: ResourceRef) -> Outcome:
        def decide() -> Decision:
            service = self.own_service(cmd.caller.account, service_id, region)
            service.detach_resource(cmd.caller, ref.resource_id, ref.zone_id)
            return {}, [service]

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


def warn_if_single_zone(service: EndpointService) -> None:
    """HA-1: one zone is allowed, but it is not highly available."""
    if len(service.zones) == 1:
        resources = sorted({r["resource_id"] for r in service.resources.values()})
        log.warning("endpoint service %s is not highly available: its resources (%s) sit in "
                    "one zone (%s)", service.service_id, ", ".join(resources), service.zones[0])
