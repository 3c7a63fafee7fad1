"""The PrivateLink application: the event-sourced write side, composed of collaborators.

- ``uow`` (:class:`UnitOfWork`): runs a decision and saves it (DryRun, ClientToken, retries,
  the writer thread when one is attached as ``executor``);
- ``aggregates`` (:class:`Aggregates`): finds the aggregates a use case decides on;
- ``audit`` (:class:`HistoryQueries`): the audit log and time travel;
- ``provisioner`` (:class:`Provisioner`): the asynchronous steps that follow events.

Use cases are typed commands dispatched through one table (``application.dispatch``):
``app.dispatch(CreateEndpoint(...), command)``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.application import Application, ProjectorFunction, Repository
from eventsourcing.domain import MutableOrImmutableAggregate
from eventsourcing.persistence import ProcessRecorder
from eventsourcing.utils import strtobool

from privatelink.application.aggregates import Aggregates
from privatelink.application.dispatch import HANDLERS
from privatelink.application.facts import InventoryFacts
from privatelink.application.history import HistoryQueries
from privatelink.application.jobs import Command, Decision, Outcome, Writer
from privatelink.application.provisioner import Provisioner
from privatelink.application.replay import mutate_in_turn
from privatelink.application.unit_of_work import UnitOfWork
from privatelink.application.use_case import UseCase
from privatelink.domain.addresses import VSwitchAddresses
from privatelink.domain.base import IdGenerator, RandomIds
from privatelink.domain.endpoint import Endpoint
from privatelink.domain.inventory import Inventory
from privatelink.domain.load_balancers import LoadBalancerState
from privatelink.domain.service import EndpointService


class PrivateLinkApp(Application[UUID]):
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
        self.uow = UnitOfWork(self)
        self.aggregates = Aggregates(self.uow, self.facts, self.ids)
        self.audit = HistoryQueries(self)
        self.provisioner = Provisioner(self.uow, provision_delay)

    def construct_repository(self) -> Repository[UUID]:
        """The library's repository (with the library's settings), replaying events with
        :func:`mutate_in_turn`."""
        maxsize = self.env.get(self.AGGREGATE_CACHE_MAXSIZE)
        return MutatingRepository(
            event_store=self.events,
            snapshot_store=self.snapshots,
            cache_maxsize=int(maxsize) if maxsize else None,
            fastforward=strtobool(self.env.get(self.AGGREGATE_CACHE_FASTFORWARD, "y")),
            fastforward_skipping=strtobool(
                self.env.get(self.AGGREGATE_CACHE_FASTFORWARD_SKIPPING, "n")
            ),
            deepcopy_from_cache=strtobool(self.env.get(self.DEEPCOPY_FROM_AGGREGATE_CACHE, "y")),
        )

    def take_snapshot(
        self,
        aggregate_id: UUID,
        version: int | None = None,
        projector_func: ProjectorFunction[Any, Any] | None = None,
    ) -> None:
        super().take_snapshot(aggregate_id, version, projector_func or mutate_in_turn)

    def construct_recorder(self) -> ProcessRecorder:
        """A process recorder: the provisioner's steps commit with its tracking position."""
        return self.factory.process_recorder()

    def dispatch(self, use_case: UseCase, command: Command) -> Outcome:
        """Run one use case for the request ``command`` describes (its handler from the one
        table, its decision through the unit of work)."""
        handler = HANDLERS[type(use_case)]
        return self.uow.execute(command, handler(self.aggregates, use_case, command))

    def execute(self, command: Command, decide: Callable[[], Decision]) -> Outcome:
        """Run a decision that is no use case (a reset, an inventory change, a held step)."""
        return self.uow.execute(command, decide)

    @property
    def executor(self) -> Writer | None:
        """The writer thread commands go through, when one is attached."""
        return self.uow.executor

    @executor.setter
    def executor(self, executor: Writer | None) -> None:
        self.uow.executor = executor

    @property
    def holds(self) -> Any:
        """The provisioner's holds (tests' time control), when set."""
        return self.provisioner.holds

    @holds.setter
    def holds(self, holds: Any) -> None:
        self.provisioner.holds = holds


class MutatingRepository(Repository[UUID]):
    """The library's repository, whose loads replay with :func:`mutate_in_turn` unless told
    otherwise."""

    def get(
        self,
        aggregate_id: UUID,
        *,
        version: int | None = None,
        projector_func: ProjectorFunction[Any, Any] = mutate_in_turn,
        **kwargs: Any,
    ) -> Any:
        return super().get(aggregate_id, version=version, projector_func=projector_func, **kwargs)
