"""How every command runs: DryRun, ClientToken, optimistic-concurrency retries, one save.

With a :class:`application.executor.CommandExecutor` attached, commands are decided by its
single writer thread and committed in batches; without one (tools, tests), each command
decides against fresh aggregates and saves on its own, retrying on conflicts.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, Recording
from eventsourcing.utils import get_topic

from privatelink.application.jobs import Command, Decision, Job, Outcome, Writer
from privatelink.application.notices import Notice, collecting, emit
from privatelink.application.snapshotter import STEP, Snapshotter
from privatelink.domain.addresses import VSwitchAddresses
from privatelink.domain.errors import ConcurrentModification, DryRunPassed, NotFound, RecordNotFound
from privatelink.domain.idempotency import ClientTokenRecord

AggregateT = TypeVar("AggregateT")
MAX_ATTEMPTS = 30

__all__ = ["MAX_ATTEMPTS", "Command", "Decision", "Outcome", "UnitOfWork", "backoff"]


def backoff(attempt: int) -> None:
    """Jittered, growing pause so conflicting writers stop colliding in lockstep."""
    time.sleep(random.uniform(0, min(0.002 * 2 ** min(attempt, 5), 0.05)))


def scaled_interval(interval: int, weight: int) -> int:
    """The snapshot interval of an aggregate whose snapshot costs ``weight`` (the records it
    keeps): ``interval`` doubled until it is at least that weight (issue 17). A service's
    snapshot serialises its whole connection book, so at a fixed interval its cost per event
    grew with the number of endpoints (~0.15 s every 500 events at 2,000 of them); this way it
    stays bounded per event, and a load replays at most about as many events as it has
    records. Doubling keeps the versions snapshotted a subset of the multiples of
    ``interval``."""
    if interval <= 0:
        return interval
    scaled = interval
    while scaled < weight:
        scaled *= 2
    return scaled


def snapshot_weight(aggregate: Aggregate) -> int:
    """The records a snapshot of ``aggregate`` carries that grow with use: a service's
    connections (one per endpoint), a vSwitch's addresses taken; 0 for the others."""
    if isinstance(aggregate, VSwitchAddresses):
        return len(aggregate.taken)
    return len(getattr(aggregate, "connections", None) or ())


class UnitOfWork:
    """Runs a decision and saves what it changed, atomically, in ``store`` (the application:
    its repository, recorder and snapshots)."""

    def __init__(self, store: Application[UUID]) -> None:
        self.store = store
        self.executor: Writer | None = None
        self.snapshotter: Snapshotter | None = None
        """Takes the writer's snapshots on a thread of its own, when set (composition)."""

    def execute(self, command: Command, decide: Callable[[], Decision]) -> Outcome:
        """Decide, then save every changed aggregate in one atomic ``save``."""
        if self.executor is not None and not command.dry_run:
            return self.executor.submit(Job(decide, command))
        if command.nonce is not None:
            command.nonce.settle()  # no writer's turn takes it: before anything is decided
        return self._execute_alone(command, decide)

    def _execute_alone(self, command: Command, decide: Callable[[], Decision]) -> Outcome:
        """Decide against fresh aggregates; a concurrent writer makes the save fail on a
        version conflict, and then the decision is taken again, a bounded number of times."""
        notes: list[Notice] = []
        for attempt in range(MAX_ATTEMPTS):
            if attempt:
                backoff(attempt)
            replayed = self.replay(command)
            if replayed is not None:
                return Outcome(replayed, self.store.recorder.max_notification_id())
            result, aggregates = collecting(decide, notes)
            if command.dry_run:
                raise DryRunPassed()
            try:
                recordings = self.store.save(*self.with_token_record(command, result, aggregates))
            except IntegrityError:
                continue
            emit(notes)
            ids = [r.notification.id for r in recordings]
            return Outcome(result, max(ids) if ids else None)
        raise ConcurrentModification()

    def replay(self, command: Command | None) -> dict[str, Any] | None:
        """The first answer to this command's ClientToken, if it was seen before."""
        if command is None or not command.client_token or command.dry_run:
            return None
        record_id = ClientTokenRecord.create_id(
            command.caller.account, command.action, command.client_token
        )
        try:
            record = self.load(ClientTokenRecord, record_id)
        except NotFound:
            return None
        return record.replay(command.fingerprint)

    @staticmethod
    def with_token_record(
        command: Command | None, result: dict[str, Any], aggregates: list[Aggregate]
    ) -> list[Aggregate]:
        """Remember the answer under the ClientToken, in the same atomic save."""
        if command is None or not command.client_token:
            return aggregates
        return [
            *aggregates,
            ClientTokenRecord(
                account=command.caller.account,
                action=command.action,
                token=command.client_token,
                fingerprint=command.fingerprint,
                result=result,
                actor=command.caller.account,
                request_id=command.caller.request_id,
            ),
        ]

    def fetch(self, aggregate_id: UUID) -> Any:
        """Any aggregate by id, through the executor's cache when deciding in its thread."""
        if self.executor is not None and self.executor.in_writer():
            return self.executor.load(aggregate_id)
        return self.store.repository.get(aggregate_id)

    def load(self, cls: type[AggregateT], aggregate_id: Any) -> AggregateT:
        """Load an aggregate of the given class; NotFound when there is none."""
        try:
            aggregate = self.fetch(aggregate_id)
        except AggregateNotFoundError:
            raise RecordNotFound(f"No {cls.__name__} {aggregate_id}") from None
        if not isinstance(aggregate, cls):
            raise RecordNotFound(f"{aggregate_id} is not a {get_topic(cls)}")
        return aggregate

    def record(self, processing: ProcessingEvent[UUID]) -> list[Recording[UUID]]:
        """Write a batch of events (and a tracking position) in one transaction."""
        return self.store._record(processing)

    def snapshot_after(self, events: list[Any], aggregates: list[Aggregate]) -> None:
        """Snapshot aggregates whose new events crossed a snapshot interval, each at exactly
        that event's version, read back from the store: never from memory, whose state may
        hold more than was committed (issue 10)."""
        if not self.store.snapshots:
            return
        take = self.snapshotter.take if self.snapshotter is not None else self._take_snapshot
        advance = self.snapshotter.advance if self.snapshotter is not None else None
        intervals = self.store.snapshotting_intervals
        every = {
            a.id: scaled_interval(intervals.get(type(a)) or 0, snapshot_weight(a))
            for a in aggregates
        }
        for event in events:
            interval, version = every.get(event.originator_id), event.originator_version
            if interval and version % interval == 0:
                take(event.originator_id, version)
            elif advance is not None and interval and interval > STEP and version % STEP == 0:
                advance(event.originator_id, version)

    def _take_snapshot(self, aggregate_id: UUID, version: int) -> None:
        self.store.take_snapshot(aggregate_id, version=version)
