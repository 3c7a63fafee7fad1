"""How the writer decides one job (see :mod:`application.executor`, which batches and
commits them): against cached aggregates, with marks of where each aggregate's pending events
stood, so that a refused job leaves nothing behind (issue 10). Every aggregate a refused job
touched is dropped from the cache at once (its in-memory state may hold the refused events, or
half of one); the jobs decided before it keep their own references and pending events.

With no provisioning delay, the provisioner's steps that a job's events call for are decided
into the same job (issue 17), so a create is one commit and one views batch, not three.
"""

from __future__ import annotations

import logging
from uuid import UUID

from eventsourcing.domain import Aggregate

from privatelink.application.jobs import Job, new_events, unique
from privatelink.application.notices import collecting
from privatelink.application.unit_of_work import UnitOfWork
from privatelink.application.writer_ports import AggregateCache, ImmediateSteps, StoreUnavailable

log = logging.getLogger("privatelink")


class Decider:
    """Decides jobs in the writer thread, one after another."""

    def __init__(
        self, uow: UnitOfWork, cache: AggregateCache, steps: ImmediateSteps | None = None
    ) -> None:
        self.uow = uow
        self.cache = cache
        self.steps = steps
        self.marks: dict[UUID, tuple[Aggregate, int]] | None = None
        self.evicted: set[UUID] = set()
        """Aggregates dropped from the cache since the writer last looked."""

    def load(self, aggregate_id: UUID) -> Aggregate:
        """An aggregate for the job being decided: cached, or read from the store."""
        aggregate = self.cache.get(aggregate_id)
        if aggregate is None:
            aggregate = self.uow.store.repository.get(aggregate_id)
            self.cache.put(aggregate)
        if self.marks is not None and aggregate_id not in self.marks:
            self.marks[aggregate_id] = (aggregate, len(aggregate.pending_events))
        return aggregate

    def decide(self, job: Job) -> bool:
        """Decide one job on the cached aggregates; False when refused (and answered)."""
        if answered_already(job):
            return False
        self.marks = {}
        try:
            replayed = self.uow.replay(job.command) if job.command else None
            if replayed is not None:
                job.result, job.events, job.aggregates, job.replayed = replayed, [], [], True
                return True
            result, aggregates = collecting(job.decide, job.notices)
            aggregates = self.uow.with_token_record(job.command, result, aggregates)
        except Exception as error:  # noqa: BLE001 - a refusal (or a bug) answers this job only
            self._roll_back(self.marks)
            job.finish(error=error)
            return False
        finally:
            marks, self.marks = self.marks, None
        job.result, job.aggregates = result, unique(aggregates)
        job.events = new_events(job.aggregates, marks)
        for aggregate in job.aggregates:
            self.cache.put(aggregate)
        self._take_steps_now(job)
        return True

    def evict(self, jobs: list[Job]) -> None:
        """Their aggregates are read again from the store when next needed."""
        for job in jobs:
            for aggregate in job.aggregates:
                self.cache.evict(aggregate.id)

    def _take_steps_now(self, job: Job) -> None:
        """The provisioner's steps the job's events call for, decided into the same commit
        when it takes them without delay (issue 17): one commit and one views batch per
        create, not three. A step that fails is undone (its aggregates reloaded later) and
        left to the provisioner, which takes it again from the log; the job stands."""
        if self.steps is None or not job.events:
            return
        self.marks = {a.id: (a, len(a.pending_events)) for a in job.aggregates}
        try:
            touched, job.stepped = self.steps.take(job.events)
        except Exception:  # a bug in a step must not refuse the user's command
            log.exception("a provisioning step failed in the writer; the provisioner retries it")
            self._roll_back(self.marks)
            return
        finally:
            marks, self.marks = self.marks, None
        job.aggregates = unique([*job.aggregates, *touched])
        job.events += new_events(job.aggregates, marks)

    def _roll_back(self, marks: dict[UUID, tuple[Aggregate, int]]) -> None:
        """Drop what a failed job recorded, and every aggregate it touched from the cache:
        their in-memory state may hold its events (or half of one, when an event's body
        raised), so they are never used from memory again. The jobs decided before it keep
        their own references and their own pending events."""
        for aggregate_id, (aggregate, mark) in marks.items():
            del aggregate.pending_events[mark:]
            self.cache.evict(aggregate_id)
            self.evicted.add(aggregate_id)

    def committed(self, jobs: list[Job], span: tuple[int, int] | None = None) -> None:
        """The jobs are durable: the provisioner need not take their steps again, nor read
        the commit (``span``) when it called for no others."""
        if self.steps is not None:
            triggers = [trigger for job in jobs for trigger in job.stepped]
            self.steps.taken(triggers)
            if span is not None:
                self.steps.covered(span, [e for job in jobs for e in job.events], triggers)


def answered_already(job: Job) -> bool:
    """A job not to decide: its caller was answered 503 already (it is not acted on later),
    or its turn refused its nonce, used before."""
    if job.abandoned:
        job.finish(error=StoreUnavailable())
        return True
    return job.done.is_set()
