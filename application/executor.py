"""The command executor: one writer per process that decides commands one after another
against cached aggregates and commits them in batches (group commit). Its batches are run by
the thread holding its turn: its own thread, or the caller's when it was idle
(:mod:`application.writer_turns`).

Why: every endpoint of a service touches that service's aggregate (its connection book), so
concurrent requests conflict on it. Deciding them in one thread removes the conflicts inside a
process, and committing a batch of decisions in one transaction amortises the commit, while
every answer still waits for its own events to be durable. The writers of several processes
take turns (a :class:`WriteSession`: one transaction per turn, begun before the batch is
decided and committed with it); in its turn a writer first applies the events other processes
wrote to its cached aggregates, so it decides on the current state. A batch that still loses
an optimistic-concurrency race (to a writer outside the turns) is decided again, job by job,
each in a turn of its own, against fresh state.

A refused job leaves nothing behind (issue 10): how a job is decided, and undone when it is
refused, is :class:`application.decider.Decider`'s; the jobs decided before a refused one are
committed before the next one is decided when they share an aggregate, and snapshots are taken
from the store at a committed version, never from memory.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from contextlib import suppress
from typing import Any
from uuid import UUID

from eventsourcing.application import ProcessingEvent
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from privatelink.application.decider import Decider
from privatelink.application.jobs import Job, Outcome, latest_tracking
from privatelink.application.nonce_turns import refuse_replays, take_late, turn_nonces
from privatelink.application.notices import emit
from privatelink.application.unit_of_work import MAX_ATTEMPTS, UnitOfWork, backoff
from privatelink.application.writer_ports import (
    AggregateCache,
    CommitViews,
    ForeignWrites,
    ImmediateSteps,
    StoreUnavailable,
    WriteSession,
)
from privatelink.application.writer_turns import WriterTurns
from privatelink.domain.errors import ConcurrentModification

log = logging.getLogger("privatelink")


class CommandExecutor(WriterTurns):
    """Decides and commits jobs, one batch at a time; see the module docstring."""

    on_batch: Callable[[int], None] | None = None  # told each commit's number of jobs

    def __init__(
        self,
        uow: UnitOfWork,
        session: WriteSession,
        on_commit: Callable[[int, bool], None],
        cache_size: int = 20_000,
        answer_within: float = 4.0,
        steps: ImmediateSteps | None = None,
        views: CommitViews | None = None,
    ) -> None:
        self.uow = uow
        self.session = session
        self.answer_within = answer_within
        self.on_commit = on_commit  # told each commit's position, and if it wrote the views
        self.views = views
        self.cache = AggregateCache(cache_size)
        self.decider = Decider(uow, self.cache, steps)
        self.busy_since: float | None = None
        self.lost_races = 0
        self.watchdog: Any = None  # set by writer_watchdog.watch_writer; `.stuck` for health
        self.foreign = ForeignWrites(uow.store.recorder.max_notification_id() or 0)
        super().__init__()

    def stop(self) -> None:
        self.jobs.put(None)
        self.thread.join(timeout=10)
        self.session.close()

    def submit(self, job: Job) -> Outcome:
        """Hand a job to the writer (or decide it here, when the writer is idle) and wait for
        its answer. A writer stuck on an unreachable store answers StoreUnavailable in time
        instead (the job may still commit later: a retry with the same ClientToken then gets
        its first answer); a caller deciding its own batch answers when its store calls end,
        each bounded by the store's timeout."""
        with self._handed_over(job):
            if not job.wait(self.answer_within):
                job.abandoned = True
                raise StoreUnavailable()
        if job.error is not None:
            raise job.error
        assert job.outcome is not None
        emit(job.notices)  # here, not in the writer's thread
        return job.outcome

    @property
    def takes_nonces(self) -> bool:  # whether its turns remember the requests' nonces
        return getattr(self.session, "nonces", None) is not None

    def load(self, aggregate_id: UUID) -> Aggregate:
        """An aggregate for the job being decided: cached, or read from the store."""
        return self.decider.load(aggregate_id)

    def stuck_for(self) -> float:
        """Seconds the writer has spent on its current batch (0 when idle)."""
        started = self.busy_since
        return 0.0 if started is None else time.monotonic() - started

    # -- the writer's side: every method below runs in the thread holding the turn --------

    def _run_timed(self, batch: list[Job]) -> None:
        self.busy_since = time.monotonic()
        try:
            self._run_batch(batch)
        finally:
            self.busy_since = None

    def _run_batch(self, batch: list[Job]) -> None:
        if not self._begin_turn(batch):
            return
        try:
            late: list[Job] = []
            self._drain(batch, late)  # the jobs that came while the turn opened
            if self._take_late(batch, late):
                self._run_in_turn(batch)
        finally:
            self.session.end()

    def _take_late(self, batch: list[Job], late: list[Job]) -> bool:
        try:
            take_late(self.session, late)
        except Exception as error:  # noqa: BLE001 - the store is down: every job answers so
            self._fail_all(batch + late, error)
            return False
        batch.extend(late)
        return True

    def _begin_turn(self, jobs: list[Job]) -> bool:
        """Take the turn and bring cached aggregates that another process wrote since the
        last turn up to date with its events (evicted when that fails). When the store is
        down, every job answers so."""
        nonces = turn_nonces(jobs)
        try:
            changes = self.session.begin(self.foreign.seen, nonces)
        except Exception as error:  # noqa: BLE001 - the store is down: every job answers so
            self._fail_all(jobs, error)
            return False
        refuse_replays(jobs, nonces, self.session.fresh)
        events = self.uow.store.events
        self.foreign.catch_up(
            changes, self.cache, lambda aggregate_id, v: events.get(aggregate_id, gt=v)
        )
        return True

    def _run_in_turn(self, batch: list[Job]) -> None:
        decided: list[Job] = []
        for index, job in enumerate(batch):
            if not self.session.open and not self._begin_turn(batch[index:]):
                return
            if self.decider.decide(job):
                decided.append(job)
            if self.decider.evicted:
                # A refused job's (or a failed step's) aggregates were evicted: when a job
                # decided holds one, commit now (ending the turn), so the jobs after it reload
                # the committed state, in a turn of their own.
                evicted, self.decider.evicted = self.decider.evicted, set()
                if any(a.id in evicted for done in decided for a in done.aggregates):
                    self._commit(decided)
                    decided = []
        self._commit(decided)

    def _commit(self, jobs: list[Job]) -> None:
        """Record the jobs' events in the turn's transaction and commit it (the turn ends).
        With no job decided, the nonces the turn took are committed all the same."""
        if not jobs:
            if self.session.open and self.session.fresh:
                with suppress(Exception):  # the store is down; their requests were answered
                    self.session.commit()
            return
        processing = ProcessingEvent[UUID](tracking=latest_tracking(jobs))
        processing.events = [event for job in jobs for event in job.events]
        processing.saved_kwargs.update(self.session.record_kwargs())
        views = self.views.hook() if self.views is not None and processing.events else None
        if views is not None:
            processing.saved_kwargs["project"] = views
        try:
            recordings = (
                self.uow.record(processing) if processing.events or processing.tracking else []
            )
            self.session.commit()
        except IntegrityError:
            self.session.end()
            self._decide_again(jobs)
            return
        except Exception as error:  # noqa: BLE001 - e.g. the store is down
            self.session.end()
            self.decider.evict(jobs)
            self._fail_all(jobs, error)
            return
        ids = [r.notification.id for r in recordings]
        self.foreign.mine(ids)
        position = max(ids) if ids else None
        rows = views.written() if views is not None and views.position == position else None
        before = processing.saved_kwargs.get("log_at")
        span = (before, position) if before is not None and position is not None else None
        self._committed(jobs, processing.events, position, rows, span)

    def _committed(
        self,
        jobs: list[Job],
        events: list[Any],
        position: int | None,
        rows: Mapping[tuple[str, str], Any] | None,
        span: tuple[int, int] | None = None,
    ) -> None:
        """The batch is durable: tell the provisioner which steps it took (and whether the
        commit calls for others: ``span``), the views (or that they were written with it),
        answer, then snapshot what crossed an interval."""
        aggregates = [aggregate for job in jobs for aggregate in job.aggregates]
        for aggregate in aggregates:
            del aggregate.pending_events[:]
        self.decider.committed(jobs, span)
        if position is not None:
            self.on_commit(position, rows is not None)
        if self.on_batch is not None:
            self.on_batch(len(jobs))
        for job in jobs:
            answered = self._position_for(job, position)
            mine = rows if rows is not None and answered == position else {}
            job.finish(outcome=Outcome(job.result, answered, mine))
        self.uow.snapshot_after(events, aggregates)

    def _position_for(self, job: Job, batch_position: int | None) -> int | None:
        """What the views must reach before the job answers: its batch, or for a replayed
        ClientToken whatever the store holds now (the first answer may be another's)."""
        if job.replayed:
            return int(self.uow.store.recorder.max_notification_id() or 0)
        return batch_position if job.events else None

    def _decide_again(self, jobs: list[Job]) -> None:
        """Another process won a race: decide each job again, alone, in a turn of its own,
        against fresh state."""
        self.lost_races += 1
        self.decider.evict(jobs)
        for index, job in enumerate(jobs):
            job.attempts += 1
            if job.attempts >= MAX_ATTEMPTS:
                job.finish(error=ConcurrentModification())
                continue
            backoff(job.attempts)
            if not self._begin_turn(jobs[index:]):
                return
            if self.decider.decide(job):
                self._commit([job])
            self.session.end()
            self.decider.evicted = set()

    def _fail_all(self, jobs: list[Job], error: BaseException) -> None:
        log.warning(
            "a batch of %d command(s) could not be written: %s",
            len(jobs),
            str(error).splitlines()[0] if str(error) else type(error).__name__,
        )
        for job in jobs:
            job.finish(error=error)
