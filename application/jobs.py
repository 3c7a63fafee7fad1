"""What the application's write path passes around: a ``Command`` (one request's intent), its
``Outcome``, and a ``Job`` (one decision waiting for the writer thread), plus the ``Writer``
port the unit of work submits jobs to. One module, so that ``unit_of_work`` and ``executor``
share these types without importing each other."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import Tracking

from privatelink.application.notices import Notice
from privatelink.domain.base import Caller

Decision = tuple[dict[str, Any], list[Aggregate]]


@dataclass(eq=False)
class PendingNonce:
    """A request's signature nonce, not yet remembered (issue 17): the writer's turn inserts
    it with the turn's other statements, in the transaction that records the command, and
    refuses the job when it was used before; a request whose nonce no turn took settles it
    itself (``settle``), before it acts or before it answers."""

    access_key_id: str
    value: str
    since: datetime
    """When its protection starts counting."""
    remember: Callable[[], bool]
    """The check on its own (False when the nonce was used within the replay window)."""
    refusal: BaseException
    """What a replay is answered."""
    settled: bool = False

    @property
    def key(self) -> tuple[str, str]:
        return self.access_key_id, self.value

    def settle(self) -> None:
        """Remember it now, unless a writer's turn did; a replay is refused."""
        if self.settled:
            return
        self.settled = True
        if not self.remember():
            raise self.refusal


@dataclass(frozen=True)
class Command:
    """One request's intent: who, which action, and how it must be handled."""

    caller: Caller
    action: str
    client_token: str | None = None
    dry_run: bool = False
    fingerprint: str = ""
    nonce: PendingNonce | None = None
    """The request's signature nonce, when the writer's turn is to remember it."""


@dataclass(frozen=True)
class Outcome:
    """A command's answer and the position of the log the views must reach first; ``rows``
    are the view rows its commit wrote, by (kind, key), when the writer wrote the views in
    that commit (a handler answers from them instead of reading them back)."""

    result: dict[str, Any]
    position: int | None
    rows: Mapping[tuple[str, str], Any] = field(default_factory=dict)


@dataclass
class Job:
    """One decision waiting for the writer: a command's or a provisioning step's."""

    decide: Callable[[], Decision]
    command: Command | None = None
    tracking: Tracking | None = None
    attempts: int = 0
    replayed: bool = False
    abandoned: bool = False
    result: dict[str, Any] = field(default_factory=dict)
    events: list[Any] = field(default_factory=list)
    aggregates: list[Aggregate] = field(default_factory=list)
    stepped: list[Any] = field(default_factory=list)
    """The events whose provisioning steps this job took in its own commit (issue 17)."""
    outcome: Outcome | None = None
    error: BaseException | None = None
    notices: list[Notice] = field(default_factory=list)
    """The warnings its decision gave, logged by the thread it answers (application/notices)."""
    done: threading.Event = field(default_factory=threading.Event)

    def wait(self, timeout: float) -> bool:
        """Wait for the writer's answer (False when none came in time). The request's nonce
        is the writer's from then on: its turn took it, or nothing acted on the request."""
        answered = self.done.wait(timeout)
        if self.command is not None and self.command.nonce is not None:
            self.command.nonce.settled = True
        return answered

    def finish(self, outcome: Outcome | None = None, error: BaseException | None = None) -> None:
        """Answer the job's caller (waiting in ``Writer.submit``)."""
        self.outcome, self.error = outcome, error
        self.done.set()


class Writer(Protocol):
    """Port: the single writer (``executor.CommandExecutor``) jobs are submitted to."""

    def submit(self, job: Job) -> Outcome: ...

    def in_writer(self) -> bool: ...

    def load(self, aggregate_id: UUID) -> Aggregate: ...


def unique(aggregates: list[Aggregate]) -> list[Aggregate]:
    """Each aggregate once, in the order first seen."""
    return list({aggregate.id: aggregate for aggregate in aggregates}.values())


def new_events(aggregates: list[Aggregate], marks: dict[UUID, tuple[Aggregate, int]]) -> list[Any]:
    """The events each aggregate recorded after its mark (all of them when it has none)."""
    found: list[Any] = []
    for aggregate in aggregates:
        mark = marks[aggregate.id][1] if aggregate.id in marks else 0
        found.extend(aggregate.pending_events[mark:])
    return found


def nonce_of(job: Job) -> PendingNonce | None:
    """The job's nonce while no committed turn has taken it."""
    nonce = job.command.nonce if job.command is not None else None
    return nonce if nonce is not None and not nonce.settled else None


def latest_tracking(jobs: list[Job]) -> Tracking | None:
    """The tracking position a batch of jobs records: its latest one."""
    trackings = [job.tracking for job in jobs if job.tracking is not None]
    return max(trackings, key=lambda t: t.notification_id) if trackings else None
