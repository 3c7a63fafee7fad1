"""Snapshots taken on a thread of their own (issue 17).

A snapshot is read back from the store at the committed version it is taken at (never from
memory: issue 10), so it costs a load of the aggregate and a serialisation of its whole state.
For a service that is its whole connection book: about 0.15 s at 2,000 endpoints, during
which the writer's next batch, and every request queued behind it, used to wait. Here the
writer hands the (aggregate, version) pairs over and goes on. ``stop`` lets the thread take
what is queued (for at most its timeout): a snapshot is only ever a shortcut for loading, so
one not taken costs a longer load later, nothing else.

The thread keeps the last few aggregates it snapshotted (read from the store, never the
writer's): the next snapshot of one applies only the events committed since, read from the
store, instead of decoding the previous snapshot (megabytes of JSON for a busy service, whose
decoding holds the interpreter's lock throughout) and replaying from it. Between two snapshots
of a kept aggregate the writer asks the thread every ``STEP`` versions to apply what was
committed since (``advance``): the replay is spread in small steps instead of one burst of
thousands of events at the snapshot, which held the interpreter from the writer for ~100 ms
and made the slowest 1 % of answers at 8 clients (issue 17).
"""

from __future__ import annotations

import logging
import queue
import threading
from collections import OrderedDict
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import IntegrityError

from privatelink.application.replay import mutate_in_turn

KEPT = 4
"""Aggregates the thread keeps from one snapshot of theirs to the next."""
STEP = 200
"""Versions between two steps of a kept aggregate towards its next snapshot."""

log = logging.getLogger("privatelink")


class Snapshotter:
    """Takes ``store``'s snapshots, in the order asked for, on a daemon thread."""

    def __init__(self, store: Application[UUID]) -> None:
        self.store = store
        self.pending: queue.Queue[tuple[UUID, int, bool] | None] = queue.Queue()
        self.kept: OrderedDict[UUID, Any] = OrderedDict()
        self._thread = threading.Thread(target=self._run, name="snapshotter", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10) -> None:
        self.pending.put(None)
        self._thread.join(timeout)

    def take(self, aggregate_id: UUID, version: int) -> None:
        self.pending.put((aggregate_id, version, True))

    def advance(self, aggregate_id: UUID, version: int) -> None:
        """A step towards the next snapshot: a kept aggregate applies the events committed
        up to ``version`` (one not kept is left alone: its next snapshot reads it)."""
        self.pending.put((aggregate_id, version, False))

    def _run(self) -> None:
        while (item := self.pending.get()) is not None:
            aggregate_id, version, snapshot = item
            try:
                if snapshot:
                    self._take(aggregate_id, version)
                else:
                    self._advance(aggregate_id, version)
            except IntegrityError:
                pass  # taken already (another process's writer, or a restart)
            except Exception:
                self.kept.pop(aggregate_id, None)
                log.warning("a snapshot of %s at version %d failed", *item[:2], exc_info=True)

    def _advance(self, aggregate_id: UUID, version: int) -> None:
        aggregate = self.kept.get(aggregate_id)
        if aggregate is not None and aggregate.version < version:
            self.kept[aggregate_id] = self._since(aggregate, version)

    def _take(self, aggregate_id: UUID, version: int) -> None:
        """The snapshot at ``version``: the kept aggregate and the events committed since it,
        or (the first time, or when the kept one is ahead) the aggregate read from the
        store at that version."""
        aggregate = self.kept.pop(aggregate_id, None)
        if aggregate is None or aggregate.version > version:
            aggregate = self.store.repository.get(aggregate_id, version=version)
        else:
            aggregate = self._since(aggregate, version)
        snapshot_class = getattr(type(aggregate), "Snapshot", self.store.snapshot_class)
        assert snapshot_class is not None and self.store.snapshots is not None
        self.store.snapshots.put([snapshot_class.take(aggregate)])
        self.kept[aggregate_id] = aggregate
        while len(self.kept) > KEPT:
            self.kept.popitem(last=False)

    def _since(self, aggregate: Any, version: int) -> Any:
        """``aggregate`` with the events committed after its version, up to ``version``."""
        since = self.store.events.get(aggregate.id, gt=aggregate.version, lte=version)
        return mutate_in_turn(aggregate, since)
