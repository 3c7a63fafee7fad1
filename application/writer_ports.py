"""The command writer's jobs, ports and cache (see :mod:`application.executor`)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import Tracking

from privatelink.application.unit_of_work import Command, Decision, Outcome


class StoreUnavailable(Exception):
    """The writer could not reach the event store in time; the client may retry."""

    code = "ServiceUnavailable"

    def __init__(self) -> None:
        super().__init__("The event store is not answering; retry shortly with the same "
                         "ClientToken.")
        self.message = str(self)


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
    outcome: Outcome | None = None
    error: BaseException | None = None
    done: threading.Event = field(default_factory=threading.Event)


class ChangeFeed(Protocol):
    """Port: which aggregates were written after a position of the event log."""

    def changed_since(self, position: int) -> list[tuple[int, UUID]]: ...


class WriteTurn(Protocol):
    """Port: the writers of several processes take turns (acquire may raise)."""

    def acquire(self) -> None: ...

    def release(self) -> None: ...

    def close(self) -> None: ...


class AlwaysYourTurn:
    """The write turn of a process that writes alone."""

    def acquire(self) -> None:
        return None

    def release(self) -> None:
        return None

    def close(self) -> None:
        return None


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
