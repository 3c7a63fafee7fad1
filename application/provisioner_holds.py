"""Time control for tests (issue 12): hold the provisioner's asynchronous steps for one
resource, so it stays in its transitional state (Creating, Connecting, Disconnecting,
Migrating...) until the test releases it, or takes its steps one at a time.

A held step is parked in memory, in log order, and the provisioner goes on with every other
resource. ``hold("*")`` holds every resource (ids are not known before they are created);
``release(id)`` then lets that one resource go on while the others stay held. Holding an endpoint service also holds the
steps of its connections (they are its events); holding an endpoint holds its own creation
and its connection's steps. Parked steps are forgotten when the server stops or resets.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any
from uuid import UUID

from privatelink.application.jobs import Command
from privatelink.application.provisioner import caller_for, take_steps
from privatelink.domain.endpoint import Endpoint
from privatelink.domain.load_balancers import LoadBalancerState
from privatelink.domain.service import EndpointService

if TYPE_CHECKING:
    from privatelink.application.app import PrivateLinkApp

ALL = "*"


def _aggregate_ids(resource_id: str) -> set[UUID]:
    return {
        EndpointService.create_id(resource_id),
        Endpoint.create_id(resource_id),
        LoadBalancerState.create_id(resource_id),
    }


def concerns(event: Any, resource_id: str) -> bool:
    """Whether a step-calling event is about ``resource_id``."""
    if resource_id == ALL:
        return True
    named = {getattr(event, f, None) for f in ("service_id", "endpoint_id", "resource_id")}
    return resource_id in named or event.originator_id in _aggregate_ids(resource_id)


class ProvisionerHolds:
    """Which resources are held, and the steps parked for them (in log order)."""

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self.held: set[str] = set()
        self.exempt: set[str] = set()  # released one by one while "*" holds the rest
        self.parked: list[tuple[Any, int]] = []

    def hold(self, resource_id: str) -> None:
        with self._lock:
            self.held.add(resource_id)
            self.exempt.discard(resource_id)

    def is_held(self, event: Any) -> bool:
        if any(concerns(event, r) for r in self.held if r != ALL):
            return True
        return ALL in self.held and not any(concerns(event, r) for r in self.exempt)

    def holding(self, event: Any) -> bool:
        """``is_held``, safe beside a hold or release in another thread."""
        with self._lock:
            return self.is_held(event)

    def park(self, steps: list[tuple[Any, int]]) -> list[tuple[Any, int]]:
        """Park the held steps; the rest, to take now."""
        with self._lock:
            free: list[tuple[Any, int]] = []
            for step in steps:
                (self.parked if self.is_held(step[0]) else free).append(step)
            if len(free) < len(steps):
                self._lock.notify_all()
            return free

    def release(self, resource_id: str) -> list[tuple[Any, int]]:
        """Stop holding ``resource_id`` (``*``: everything); the parked steps now free."""
        with self._lock:
            self.held.discard(resource_id)
            if resource_id == ALL:
                self.held.clear()
                self.exempt.clear()
            elif ALL in self.held:
                self.exempt.add(resource_id)
            free = [s for s in self.parked if not self.is_held(s[0])]
            self.parked = [s for s in self.parked if self.is_held(s[0])]
            return free

    def step(self, resource_id: str, wait: float = 0.0) -> list[tuple[Any, int]]:
        """The oldest parked step of ``resource_id`` (still held afterwards); waits up to
        ``wait`` seconds for one to be parked (the provisioner reaches a new event a moment
        after the command that caused it answered)."""
        found: list[tuple[Any, int]] = []

        def take_oldest() -> bool:
            for i, parked in enumerate(self.parked):
                if concerns(parked[0], resource_id):
                    del self.parked[i]
                    found.append(parked)
                    return True
            return False

        with self._lock:
            self._lock.wait_for(take_oldest, wait)
        return found

    def describe(self) -> dict[str, Any]:
        with self._lock:
            return {
                "Held": sorted(self.held),
                "Released": sorted(self.exempt),
                "Parked": [
                    {
                        "Event": type(e).__qualname__.rsplit(".", 1)[-1],
                        "Position": n,
                        "ResourceIds": sorted(
                            {
                                str(v)
                                for v in (
                                    getattr(e, "service_id", None),
                                    getattr(e, "endpoint_id", None),
                                    getattr(e, "resource_id", None),
                                )
                                if v
                            }
                        ),
                    }
                    for e, n in self.parked
                ],
            }


def take(app: PrivateLinkApp, steps: list[tuple[Any, int]]) -> int | None:
    """Take released steps now (without a tracking position: the provisioner's own position
    moved past them when they were parked). The position of what they recorded."""
    if not steps:
        return None
    events = [domain_event for domain_event, _ in steps]

    def decide() -> tuple[dict[str, Any], list[Any]]:
        return {}, take_steps(app.uow, events)

    outcome = app.uow.execute(Command(caller_for(steps[0][0]), "ProvisionerStep"), decide)
    return outcome.position
