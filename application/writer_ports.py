"""The command writer's ports and cache (see :mod:`application.executor`; its jobs are in
:mod:`application.jobs`)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.domain import Aggregate

from privatelink.application.jobs import PendingNonce

__all__ = [
    "AggregateCache",
    "CommitViews",
    "ForeignWrites",
    "ImmediateSteps",
    "StoreUnavailable",
    "WriteSession",
]


class StoreUnavailable(Exception):
    """The writer could not reach the event store in time; the client may retry."""

    code = "ServiceUnavailable"

    def __init__(self) -> None:
        super().__init__(
            "The event store is not answering; retry shortly with the same ClientToken."
        )
        self.message = str(self)


class ForeignWrites:
    """Which aggregates other processes wrote since the writer last looked: the changes after
    ``seen`` (read when a turn begins), less the positions of the writer's own commits."""

    def __init__(self, seen: int) -> None:
        self.seen = seen
        self.own: set[int] = set()

    def mine(self, positions: list[int]) -> None:
        self.own.update(positions)

    def since_last(self, changes: list[tuple[int, UUID]]) -> list[UUID]:
        foreign: dict[UUID, None] = {}
        for position, aggregate_id in changes:
            if position not in self.own:
                foreign[aggregate_id] = None
            self.seen = max(self.seen, position)
        self.own = {p for p in self.own if p > self.seen}
        return list(foreign)

    def catch_up(
        self,
        changes: list[tuple[int, UUID]],
        cache: AggregateCache,
        events_after: Callable[[UUID, int], Iterable[Any]],
    ) -> None:
        """Apply to the cached aggregates the events other processes wrote since the last
        look (an aggregate is evicted when that fails: the store has the truth)."""
        for aggregate_id in self.since_last(changes):
            cached = cache.items.get(aggregate_id)
            if cached is None:
                continue
            try:
                for event in events_after(aggregate_id, cached.version):
                    event.mutate(cached)
            except Exception:  # noqa: BLE001 - whatever went wrong, reload from the store
                cache.evict(aggregate_id)


class CommitView(Protocol):
    """One commit's views writer: given to the event store's insert as ``project``;
    ``position`` is where the views are once the insert commits, when it wrote them."""

    position: int | None

    def written(self) -> Mapping[tuple[str, str], Any]:
        """The view rows the commit wrote, by (kind, key), as a read right after it finds
        them (only meaningful when ``position`` is set)."""
        ...


class CommitViews(Protocol):
    """Port: the views written in the commit's own transaction (infra.views_in_commit)."""

    def hook(self) -> CommitView: ...


class ImmediateSteps(Protocol):
    """Port: the asynchronous steps that just-decided events call for and that may be taken
    in the same commit (the provisioner, when it takes its steps without delay)."""

    def take(self, events: list[Any]) -> tuple[list[Aggregate], list[Any]]:
        """Take the steps now (in the writer thread): the aggregates they changed, and the
        events whose steps were taken."""
        ...

    def taken(self, triggers: list[Any]) -> None:
        """Those steps are committed: the provisioner need not take them again."""
        ...

    def covered(self, span: tuple[int, int], events: list[Any], triggers: list[Any]) -> None:
        """A commit (the log's position when its turn opened, its last) of these events, of
        which the writer took the steps of ``triggers``."""
        ...


class WriteSession(Protocol):
    """Port: the writers of several processes take turns, one transaction a turn
    (infra/write_session.py). ``begin`` waits for the turn (it may raise) and answers the
    (position, aggregate) pairs written after ``seen``, and remembers the requests' ``nonces``
    (``fresh``: the (AccessKey, nonce) pairs not used before); the events are recorded with
    ``record_kwargs()``; ``commit`` ends the turn, and so does ``end``, without committing."""

    @property
    def fresh(self) -> set[tuple[str, str]]: ...

    @property
    def open(self) -> bool: ...

    def begin(self, seen: int, nonces: Sequence[PendingNonce] = ()) -> list[tuple[int, UUID]]: ...

    def remember(self, nonces: Sequence[PendingNonce]) -> set[tuple[str, str]]: ...

    def record_kwargs(self) -> dict[str, Any]: ...

    def commit(self) -> None: ...

    def end(self) -> None: ...

    def close(self) -> None: ...


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
