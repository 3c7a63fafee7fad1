"""How every command runs: DryRun, ClientToken, optimistic-concurrency retries, one save."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError
from eventsourcing.utils import get_topic

from domain.base import Caller
from domain.errors import ConcurrentModification, DryRunPassed, NotFound
from domain.idempotency import ClientTokenRecord

MAX_ATTEMPTS = 30

Decision = tuple[dict[str, Any], list[Aggregate]]


@dataclass(frozen=True)
class Command:
    """One request's intent: who, which action, and how it must be handled."""

    caller: Caller
    action: str
    client_token: str | None = None
    dry_run: bool = False
    fingerprint: str = ""


@dataclass(frozen=True)
class Outcome:
    """A command's answer and the position of the log the views must reach first."""

    result: dict[str, Any]
    position: int | None


def backoff(attempt: int) -> None:
    """Jittered, growing pause so conflicting writers stop colliding in lockstep."""
    time.sleep(random.uniform(0, min(0.002 * 2 ** min(attempt, 5), 0.05)))


class UnitOfWork:
    """Mixin for the application: runs a decision and saves what it changed, atomically."""

    def execute(self, command: Command, decide: Callable[[], Decision]) -> Outcome:
        """Decide against fresh aggregates, then save them in one atomic ``save``.

        A concurrent writer makes the save fail on a version conflict; then the decision is
        taken again against the new state, a bounded number of times.
        """
        app: Application = self  # type: ignore[assignment]
        for attempt in range(MAX_ATTEMPTS):
            if attempt:
                backoff(attempt)
            replayed = self._replay(command)
            if replayed is not None:
                return Outcome(replayed, app.recorder.max_notification_id())
            result, aggregates = decide()
            if command.dry_run:
                raise DryRunPassed()
            if command.client_token:
                aggregates = [*aggregates, ClientTokenRecord(
                    account=command.caller.account, action=command.action,
                    token=command.client_token, fingerprint=command.fingerprint, result=result,
                    actor=command.caller.account, request_id=command.caller.request_id)]
            try:
                recordings = app.save(*aggregates)
            except IntegrityError:
                continue
            ids = [r.notification.id for r in recordings]
            return Outcome(result, max(ids) if ids else None)
        raise ConcurrentModification()

    def _replay(self, command: Command) -> dict[str, Any] | None:
        if not command.client_token or command.dry_run:
            return None
        record_id = ClientTokenRecord.create_id(
            command.caller.account, command.action, command.client_token)
        try:
            record = self.load(ClientTokenRecord, record_id)
        except NotFound:
            return None
        return record.replay(command.fingerprint)

    def load(self, cls: type[Any], aggregate_id: Any) -> Any:
        """Load an aggregate of the given class; NotFound when there is none."""
        app: Application = self  # type: ignore[assignment]
        try:
            aggregate = app.repository.get(aggregate_id)
        except AggregateNotFoundError:
            raise NotFound(f"No {cls.__name__} {aggregate_id}") from None
        if not isinstance(aggregate, cls):
            raise NotFound(f"{aggregate_id} is not a {get_topic(cls)}")
        return aggregate
