"""The provisioner: an event-driven process manager that finishes the cloud's asynchronous
steps (Creating -> Active, Connecting -> Connected, Disconnecting -> Disconnected,
Migrating -> Migrated) and carries a load balancer's failure to its services (RES-8).

Each step is recorded with the provisioner's tracking position in the same transaction, so a
crash in between resumes exactly where it stopped; each step is also idempotent.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, cast
from uuid import UUID

from eventsourcing.application import ProcessingEvent
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, Tracking, TrackingRecorder

from privatelink.application.jobs import Job
from privatelink.application.unit_of_work import UnitOfWork
from privatelink.domain.base import Caller
from privatelink.domain.endpoint import Endpoint
from privatelink.domain.service import EndpointService
from privatelink.domain.states import ReplaceMode

PROVISIONER = "provisioner"
SYSTEM_ACCOUNT = "system"
MAX_ATTEMPTS = 8
TAKEN_REMEMBERED = 100_000

Step = Callable[[UnitOfWork, Any, Caller], list[Aggregate]]


class Provisioner:
    """The policy that reacts to events, and how its steps are recorded: through the writer
    when one runs (``uow.executor``), else alone, with the tracking position."""

    def __init__(self, uow: UnitOfWork, provision_delay: timedelta) -> None:
        self.uow = uow
        self.provision_delay = provision_delay
        self.holds: Any = None  # a ProvisionerHolds (tests' time control), set at composition
        self._taken: dict[tuple[UUID, int], None] = {}
        self._taken_lock = threading.Lock()
        self._followed = 0

    # -- steps taken by the writer, in the commit of the events that call for them -----------

    def take(self, events: list[Any]) -> tuple[list[Aggregate], list[Any]]:
        """With no provisioning delay, the steps of just-decided events (not held) are taken
        at once, in the writer thread, and committed with them (issue 17): what the follower
        of the log would have done a moment later, without two more commits and view batches
        per command. The follower skips them (``was_taken``); steps are idempotent, so one
        taken twice (after a restart, or by another process's provisioner) changes nothing."""
        if self.provision_delay:
            return [], []
        triggers = [
            event
            for event in events
            if step_for(event) is not None and (self.holds is None or not self.holds.holding(event))
        ]
        return take_steps(self.uow, triggers), triggers

    def taken(self, triggers: list[Any]) -> None:
        """These events' steps are durable: remembered (a bounded number) for the follower."""
        with self._taken_lock:
            for event in triggers:
                self._taken[(event.originator_id, event.originator_version)] = None
            while len(self._taken) > TAKEN_REMEMBERED:
                del self._taken[next(iter(self._taken))]

    def covered(self, span: tuple[int, int], events: list[Any], triggers: list[Any]) -> None:
        """A commit (``span``: the log's last position when its turn opened, and its own
        last) called for no step but those the writer took in it (``triggers``): when the
        log before it needs nothing more from the follower either, neither does the log up
        to its end, and the follower skips it without reading it (issue 17)."""
        chosen = {id(trigger) for trigger in triggers}
        if any(id(e) not in chosen and step_for(e) is not None for e in events):
            return
        with self._taken_lock:
            if self._followed == span[0]:
                self._followed = span[1]

    def followed(self, position: int | None = None, restart: bool = False) -> int:
        """How far the log needs nothing more from the follower: it tells, with ``position``,
        how far it processed the log, or where it starts following (``restart``: after a
        reset, a reconnection or a lease taken, the log may have been replaced)."""
        with self._taken_lock:
            if position is not None:
                self._followed = position if restart else max(self._followed, position)
            return self._followed

    def was_taken(self, originator_id: UUID, originator_version: int) -> bool:
        """Whether the writer took this event's step already (forgotten once asked)."""
        with self._taken_lock:
            return self._taken.pop((originator_id, originator_version), 0) is None

    # -- steps taken by the follower of the log ----------------------------------------------

    def provisioning_due(self, domain_event: Any) -> datetime:
        """When the asynchronous step for this event should happen."""
        return domain_event.timestamp + self.provision_delay  # type: ignore[no-any-return]

    def provision_all(self, steps: list[tuple[Any, int]]) -> None:
        """Take the steps of several events (in log order) as one decision, recorded with the
        last one's tracking position: one commit for a burst of events."""
        if self.holds is not None:  # held resources' steps wait for their release
            steps = self.holds.park(steps)
            if not steps:
                return
        executor = self.uow.executor
        if executor is None:
            for domain_event, notification_id in steps:
                self.provision(domain_event, notification_id)
            return
        tracking = Tracking(PROVISIONER, steps[-1][1])
        events = [domain_event for domain_event, _ in steps]
        executor.submit(Job(lambda: ({}, take_steps(self.uow, events)), tracking=tracking))

    def track(self, notification_id: int) -> None:
        """Record the follower's position alone (every step before it was taken)."""
        tracking = Tracking(PROVISIONER, notification_id)
        if self.uow.executor is not None:
            self.uow.executor.submit(Job(lambda: ({}, []), tracking=tracking))
        else:
            self.uow.record(ProcessingEvent(tracking=tracking))

    def provision(self, domain_event: Any, notification_id: int) -> None:
        """Take the step this event calls for, recording it with the tracking position."""
        step = step_for(domain_event)
        if step is None or (
            self.holds is not None and not self.holds.park([(domain_event, notification_id)])
        ):
            return
        if self.uow.executor is not None:
            self.provision_all([(domain_event, notification_id)])
            return
        for _ in range(MAX_ATTEMPTS):
            if self._record_step(step, domain_event, notification_id):
                return

    def _record_step(self, step: Step, domain_event: Any, notification_id: int) -> bool:
        """One attempt; False when another writer won a race the step still has to take."""
        processing: ProcessingEvent[UUID] = ProcessingEvent(
            tracking=Tracking(PROVISIONER, notification_id)
        )
        for aggregate in step(self.uow, domain_event, caller_for(domain_event)):
            processing.collect_events(aggregate)
        try:
            self.uow.record(processing)
        except IntegrityError:
            return self.provisioner_position() >= notification_id
        self.uow.store._take_snapshots(processing)
        return True

    def provisioner_position(self) -> int:
        # The application's recorder is a process recorder (PrivateLinkApp.construct_recorder).
        recorder = cast(TrackingRecorder, self.uow.store.recorder)
        return recorder.max_tracking_id(PROVISIONER) or 0


def take_steps(uow: UnitOfWork, events: list[Any]) -> list[Aggregate]:
    """The aggregates the steps of these events changed (in log order)."""
    touched: list[Aggregate] = []
    for domain_event in events:
        step = step_for(domain_event)
        if step is not None:
            touched += step(uow, domain_event, caller_for(domain_event))
    return touched


def caller_for(event: Any) -> Caller:
    """The provisioner acts as the system, on behalf of the request that caused the step."""
    return Caller(SYSTEM_ACCOUNT, getattr(event, "request_id", ""))


def _get(uow: UnitOfWork, aggregate_id: Any) -> Any:
    return uow.fetch(aggregate_id)


def _activate(uow: UnitOfWork, event: Any, by: Caller) -> list[Aggregate]:
    aggregate = _get(uow, event.originator_id)
    if not isinstance(aggregate, (EndpointService, Endpoint)):
        return []
    aggregate.activate(by)
    return [aggregate]


def _connect(uow: UnitOfWork, event: Any, by: Caller) -> list[Aggregate]:
    service = _get(uow, event.originator_id)
    service.complete_connection(by, event.endpoint_id)
    return [service]


def _disconnect(uow: UnitOfWork, event: Any, by: Caller) -> list[Aggregate]:
    service = _get(uow, event.originator_id)
    service.complete_disconnection(by, event.endpoint_id)
    return [service]


def _disconnect_zone(uow: UnitOfWork, event: Any, by: Caller) -> list[Aggregate]:
    service = _get(uow, event.originator_id)
    service.complete_zone_disconnection(by, event.endpoint_id, event.zone_id)
    return [service]


def _migrate(uow: UnitOfWork, event: Any, by: Caller) -> list[Aggregate]:
    if event.mode != ReplaceMode.GRACEFUL:
        return []
    service = _get(uow, event.originator_id)
    service.complete_migration(by, event.endpoint_id, event.zone_id)
    return [service]


def _on_services(method: str) -> Step:
    """A load balancer failed or recovered: tell each service that uses it (RES-8)."""

    def step(uow: UnitOfWork, event: Any, by: Caller) -> list[Aggregate]:
        lb = _get(uow, event.originator_id)
        services = [_get(uow, EndpointService.create_id(s)) for s in event.services]
        for service in services:
            getattr(service, method)(by, lb.resource_id)
        return services

    return step


_STEPS: dict[str, Step] = {
    "Created": _activate,
    "ConnectionAllowed": _connect,
    "ConnectionZoneAdded": _connect,
    "ZoneConnectionEnabled": _connect,
    "ConnectionDenied": _disconnect,
    "ZoneConnectionDisabled": _disconnect_zone,
    "ResourceReplaced": _migrate,
    "Failed": _on_services("fail_resource"),
    "Recovered": _on_services("recover_resource"),
}
STEP_EVENT_NAMES = frozenset(_STEPS)


def step_for(event: Any) -> Step | None:
    """The asynchronous step an event calls for, if any."""
    return _STEPS.get(type(event).__qualname__.rsplit(".", 1)[-1])
