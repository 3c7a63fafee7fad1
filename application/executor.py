"""The command executor: one writer thread per process that decides commands one after
another against cached aggregates and commits them in batches (group commit).

Why: every endpoint of a service touches that service's aggregate (its connection book), so
concurrent requests conflict on it. Deciding them in one thread removes the conflicts inside a
process, and committing a batch of decisions in one transaction amortises the commit, while
every answer still waits for its own events to be durable. Writes by other processes are
noticed before each batch (their aggregates are evicted from the cache), and a batch that still
loses an optimistic-concurrency race is decided again, job by job, against fresh state.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.application import ProcessingEvent
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, Tracking
from privatelink.application.jobs import Job, Outcome
from privatelink.application.unit_of_work import MAX_ATTEMPTS, backoff
from privatelink.domain.errors import ConcurrentModification

log = logging.getLogger("privatelink")
MAX_BATCH = 64


class StoreUnavailable(Exception):
    """The writer could not reach the event store in time; the client may retry."""

    code = "ServiceUnavailable"

    def __init__(self) -> None:
        super().__init__("The event store is not answering; retry shortly with the same "
                         "ClientToken.")
        self.message = str(self)


class ChangeFeed(Protocol):
    """Port: which aggregates were written after a position of the event log."""

    def changed_since(self, position: int) -> list[tuple[int, UUID]]: ...


class AggregateCache:
    """The writer's aggregates, least recently used evicted first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[UUID, Aggregate] = OrderedDict()

    def get(self, aggregate_id: UUID) -> Aggregate | None:
        found = self.items.get(aggregate_id)
        if found is not None:
            self.items.move_to_end(aggregate_id)
        return found

    def put(self, aggregate: Aggregate) -> None:
        self.items[aggregate.id] = aggregate
        self.items.move_to_end(aggregate.id)
        while len(self.items) > self.size:
            self.items.popitem(last=False)

    def evict(self, aggregate_id: UUID) -> None:
        self.items.pop(aggregate_id, None)


class CommandExecutor:
    """Runs jobs in one thread; see the module docstring."""

    def __init__(self, app: Any, feed: ChangeFeed, on_commit: Callable[[int], None],
                 cache_size: int = 20_000, answer_within: float = 4.0) -> None:
        self.app = app
        self.answer_within = answer_within
        self.feed = feed
        self.on_commit = on_commit
        self.cache = AggregateCache(cache_size)
        self.jobs: queue.Queue[Job | None] = queue.Queue()
        self.marks: dict[UUID, int] | None = None
        self._dirty: set[UUID] = set()
        self.seen = app.recorder.max_notification_id() or 0
        self.own: set[int] = set()
        self.thread = threading.Thread(target=self._loop, name="command-executor", daemon=True)

    # -- the callers' side ---------------------------------------------------------------

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.jobs.put(None)
        self.thread.join(timeout=10)

    def submit(self, job: Job) -> Outcome:
        """Hand a job to the writer and wait for its answer. A writer stuck on an unreachable
        store answers StoreUnavailable in time instead (the job may still commit later: a
        retry with the same ClientToken then gets its first answer)."""
        self.jobs.put(job)
        if not job.done.wait(self.answer_within):
            job.abandoned = True
            raise StoreUnavailable()
        if job.error is not None:
            raise job.error
        assert job.outcome is not None
        return job.outcome

    def in_writer(self) -> bool:
        return threading.current_thread() is self.thread

    def load(self, aggregate_id: UUID) -> Aggregate:
        """An aggregate for the job being decided: cached, or read from the store."""
        aggregate = self.cache.get(aggregate_id)
        if aggregate is None:
            aggregate = self.app.repository.get(aggregate_id)
            self.cache.put(aggregate)
        if self.marks is not None and aggregate_id not in self.marks:
            self.marks[aggregate_id] = len(aggregate.pending_events)
        return aggregate

    # -- the writer's side --------------------------------------------------------------

    def _loop(self) -> None:
        while True:
            first = self.jobs.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < MAX_BATCH:
                try:
                    job = self.jobs.get_nowait()
                except queue.Empty:
                    break
                if job is None:
                    self._run_batch(batch)
                    return
                batch.append(job)
            self._run_batch(batch)

    def _run_batch(self, batch: list[Job]) -> None:
        try:
            self._forget_foreign_writes()
        except Exception as error:  # noqa: BLE001 - the store is down: every job answers so
            self._fail_all(batch, error)
            return
        decided: list[Job] = []
        for job in batch:
            if self._decide(job):
                decided.append(job)
            elif job.error is not None and self._dirty:
                self._commit(decided)
                decided = []
                self._evict_dirty()
        self._commit(decided)

    def _decide(self, job: Job) -> bool:
        if job.abandoned:  # its caller was answered 503 already: do not act on it later
            self._finish(job, error=StoreUnavailable())
            return False
        self.marks = {}
        try:
            replayed = self.app.replay(job.command) if job.command else None
            if replayed is not None:
                job.result, job.events, job.aggregates, job.replayed = replayed, [], [], True
                return True
            result, aggregates = job.decide()
            aggregates = self.app.with_token_record(job.command, result, aggregates)
        except Exception as error:  # noqa: BLE001 - a refusal (or a bug) answers this job only
            self._roll_back(self.marks)
            self._finish(job, error=error)
            return False
        finally:
            marks, self.marks = self.marks, None
        job.result, job.aggregates, job.events = result, unique(aggregates), []
        for aggregate in job.aggregates:
            job.events.extend(aggregate.pending_events[marks.get(aggregate.id, 0):])
            self.cache.put(aggregate)
        return True

    def _roll_back(self, marks: dict[UUID, int]) -> None:
        """Drop what a failed job recorded; its aggregates' state is no longer trusted."""
        for aggregate_id, mark in marks.items():
            aggregate = self.cache.get(aggregate_id)
            if aggregate is not None and len(aggregate.pending_events) > mark:
                del aggregate.pending_events[mark:]
                self._dirty = self._dirty | {aggregate_id}

    def _evict_dirty(self) -> None:
        for aggregate_id in self._dirty:
            self.cache.evict(aggregate_id)
        self._dirty = set()

    def _commit(self, jobs: list[Job]) -> None:
        if not jobs:
            return
        processing = ProcessingEvent[UUID](tracking=latest_tracking(jobs))
        processing.events = [event for job in jobs for event in job.events]
        try:
            recordings = self.app.record(processing) if processing.events or \
                processing.tracking else []
        except IntegrityError:
            self._decide_again(jobs)
            return
        except Exception as error:  # noqa: BLE001 - e.g. the store is down
            self._evict(jobs)
            self._fail_all(jobs, error)
            return
        ids = [r.notification.id for r in recordings]
        self.own.update(ids)
        for job in jobs:
            for aggregate in job.aggregates:
                del aggregate.pending_events[:]
        self.app.snapshot_after(processing.events, jobs)
        position = max(ids) if ids else None
        if position is not None:
            self.on_commit(position)
        for job in jobs:
            self._finish(job, outcome=Outcome(job.result, self._position_for(job, position)))

    def _position_for(self, job: Job, batch_position: int | None) -> int | None:
        """What the views must reach before the job answers: its batch, or for a replayed
        ClientToken whatever the store holds now (the first answer may be another
        process's)."""
        if job.replayed:
            return int(self.app.recorder.max_notification_id() or 0)
        return batch_position if job.events else None

    def _decide_again(self, jobs: list[Job]) -> None:
        """Another process won a race: decide each job again, alone, against fresh state."""
        self._evict(jobs)
        for job in jobs:
            job.attempts += 1
            if job.attempts >= MAX_ATTEMPTS:
                self._finish(job, error=ConcurrentModification())
                continue
            backoff(job.attempts)
            if self._decide(job):
                self._commit([job])
            else:
                self._evict_dirty()

    def _evict(self, jobs: list[Job]) -> None:
        for job in jobs:
            for aggregate in job.aggregates:
                self.cache.evict(aggregate.id)

    def _forget_foreign_writes(self) -> None:
        """Evict aggregates that another process wrote since the last batch."""
        for position, aggregate_id in self.feed.changed_since(self.seen):
            if position not in self.own:
                self.cache.evict(aggregate_id)
            self.seen = max(self.seen, position)
        self.own = {p for p in self.own if p > self.seen}

    def _fail_all(self, jobs: list[Job], error: BaseException) -> None:
        for job in jobs:
            self._finish(job, error=error)

    @staticmethod
    def _finish(job: Job, outcome: Outcome | None = None,
                error: BaseException | None = None) -> None:
        job.outcome, job.error = outcome, error
        job.done.set()


def unique(aggregates: list[Aggregate]) -> list[Aggregate]:
    return list({aggregate.id: aggregate for aggregate in aggregates}.values())


def latest_tracking(jobs: list[Job]) -> Tracking | None:
    trackings = [job.tracking for job in jobs if job.tracking is not None]
    return max(trackings, key=lambda t: t.notification_id) if trackings else None

