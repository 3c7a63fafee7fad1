"""LoadBalancerState: which services a load balancer backs, and whether it has failed (RES-8).

Saved with every attach and detach, so a failure reaches exactly the services that use it.
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import event

from privatelink.domain.base import Caller, PrivateLinkAggregate, acts, aggregate_uuid
from privatelink.domain.errors_denied import OperationDeniedAlreadyDown, OperationDeniedNotDown


class LoadBalancerState(PrivateLinkAggregate):
    """A load balancer of the inventory, as PrivateLink sees it."""

    @staticmethod
    def create_id(resource_id: str) -> UUID:
        return aggregate_uuid("load-balancer", resource_id)

    created_event = "Opened"

    @event("Opened")
    def __init__(self, resource_id: str) -> None:
        self.resource_id = resource_id
        self.services: list[str] = []
        self.failed = False

    @acts
    def attach(self, by: Caller, service_id: str) -> None:
        if service_id not in self.services:
            self._attached(service_id)

    @event("AttachedToService")
    def _attached(self, service_id: str) -> None:
        self.services = [*self.services, service_id]

    @acts
    def detach(self, by: Caller, service_id: str) -> None:
        if service_id in self.services:
            self._detached(service_id)

    @event("DetachedFromService")
    def _detached(self, service_id: str) -> None:
        self.services = [s for s in self.services if s != service_id]

    @acts
    def fail(self, by: Caller) -> None:
        """An operator (or the health prober) found the load balancer down."""
        if self.failed:
            raise OperationDeniedAlreadyDown(
                f"The load balancer '{self.resource_id}' is already down."
            )
        self._failed(list(self.services))

    @event("Failed")
    def _failed(self, services: list[str]) -> None:
        self.failed = True

    @acts
    def recover(self, by: Caller) -> None:
        if not self.failed:
            raise OperationDeniedNotDown(f"The load balancer '{self.resource_id}' is not down.")
        self._recovered(list(self.services))

    @event("Recovered")
    def _recovered(self, services: list[str]) -> None:
        self.failed = False
