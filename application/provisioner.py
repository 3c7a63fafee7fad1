"""The provisioner: an event-driven process manager that finishes the cloud's asynchronous
steps (Creating -> Active, Connecting -> Connected, Disconnecting -> Disconnected).

Each step is recorded with the provisioner's tracking position in the same transaction, so a
crash in between resumes exactly where it stopped; each step is also idempotent.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from eventsourcing.application import ProcessingEvent
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, Tracking

from domain.base import Caller
from domain.connections import ConnectionBook
from domain.endpoint import Endpoint
from domain.service import EndpointService

PROVISIONER = "provisioner"
SYSTEM_ACCOUNT = "system"
MAX_ATTEMPTS = 8


class Provisioner:
    """Mixin for the application: the policy that reacts to events, and how it records."""

    provision_delay: timedelta

    def provisioning_due(self, domain_event: Any) -> datetime:
        """When the asynchronous step for this event should happen."""
        return domain_event.timestamp + self.provision_delay  # type: ignore[no-any-return]

    def provision(self, domain_event: Any, notification_id: int) -> None:
        """Take the step this event calls for, recording it with the tracking position."""
        for _ in range(MAX_ATTEMPTS):
            processing = ProcessingEvent(tracking=Tracking(PROVISIONER, notification_id))
            for aggregate in self._step(domain_event):
                processing.collect_events(aggregate)
            try:
                self._record(processing)  # type: ignore[attr-defined]
            except IntegrityError:
                if self.provisioner_position() >= notification_id:
                    return
                continue
            self._take_snapshots(processing)  # type: ignore[attr-defined]
            return

    def provisioner_position(self) -> int:
        return self.recorder.max_tracking_id(PROVISIONER) or 0  # type: ignore[attr-defined,no-any-return]

    def _step(self, event: Any) -> list[Aggregate]:
        by = Caller(SYSTEM_ACCOUNT, getattr(event, "request_id", ""))
        step = step_for(event)
        if step is None:
            return []
        aggregate = self.repository.get(event.originator_id)  # type: ignore[attr-defined]
        if not isinstance(aggregate, STEPPED):
            return []
        step(aggregate, by, event)
        return [aggregate]


def _activate(aggregate: Any, by: Caller, _: Any) -> None:
    aggregate.activate(by)


def _connect(service: ConnectionBook, by: Caller, event: Any) -> None:
    service.complete_connection(by, event.endpoint_id)


def _disconnect(service: ConnectionBook, by: Caller, event: Any) -> None:
    service.complete_disconnection(by, event.endpoint_id)


_STEPS: dict[str, Callable[[Any, Caller, Any], None]] = {
    "Created": _activate,
    "ConnectionAllowed": _connect,
    "ConnectionZoneAdded": _connect,
    "ConnectionDenied": _disconnect,
}

# Only these aggregates have asynchronous steps.
STEPPED = (EndpointService, Endpoint)


STEP_EVENT_NAMES = frozenset(_STEPS)


def step_for(event: Any) -> Callable[[Any, Caller, Any], None] | None:
    """The asynchronous step an event calls for, if any."""
    return _STEPS.get(type(event).__qualname__.rsplit(".", 1)[-1])
