"""The PrivateLink application: the event-sourced write side."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import MutableOrImmutableAggregate
from eventsourcing.persistence import ProcessRecorder

from privatelink.application.facts import InventoryFacts
from privatelink.application.history import HistoryQueries
from privatelink.application.history_tenancy import TenantHistory
from privatelink.application.provisioner import Provisioner
from privatelink.application.tagging import TagCommands
from privatelink.domain.addresses import VSwitchAddresses
from privatelink.domain.base import IdGenerator, RandomIds
from privatelink.domain.endpoint import Endpoint
from privatelink.domain.inventory import Inventory
from privatelink.domain.load_balancers import LoadBalancerState
from privatelink.domain.service import EndpointService


class PrivateLinkApp(TagCommands, TenantHistory, HistoryQueries, Provisioner, Application[UUID]):
    """Commands of providers and consumers, and the provisioner's asynchronous steps."""

    name = "privatelink"
    # Endpoints snapshot often (time travel over long histories stays cheap); the busy,
    # large aggregates less often, since each snapshot serialises their whole state.
    snapshotting_intervals: ClassVar[dict[type[MutableOrImmutableAggregate[Any]], int]] = {
        EndpointService: 500,
        Endpoint: 100,
        VSwitchAddresses: 1000,
        LoadBalancerState: 100,
    }

    def __init__(
        self,
        inventory: Inventory,
        env: dict[str, Any] | None = None,
        ids: IdGenerator | None = None,
        provision_delay: timedelta = timedelta(0),
    ) -> None:
        super().__init__(env)
        self.inventory = inventory
        self.facts = InventoryFacts(inventory)
        self.ids = ids or RandomIds()
        self.provision_delay = provision_delay

    def construct_recorder(self) -> ProcessRecorder:
        """A process recorder: the provisioner's steps commit with its tracking position."""
        return self.factory.process_recorder()
