"""Snapshots taken on a thread of their own (issue 17).

A snapshot is read back from the store at the committed version it is taken at (never from
memory: issue 10), so it costs a load of the aggregate and a serialisation of its whole state.
For a service that is its whole connection book: about 0.15 s at 2,000 endpoints, during
which the writer's next batch, and every request queued behind it, used to wait. Here the
writer hands the (aggregate, version) pairs over and goes on. ``stop`` lets the thread take
what is queued (for at most its timeout): a snapshot is only ever a shortcut for loading, so
one not taken costs a longer load later, nothing else.
"""

from __future__ import annotations

import logging
import queue
import threading
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import IntegrityError

log = logging.getLogger("privatelink")


class Snapshotter:
    """Takes ``store``'s snapshots, in the order asked for, on a daemon thread."""

    def __init__(self, store: Application[UUID]) -> None:
        self.store = store
        self.pending: queue.Queue[tuple[UUID, int] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="snapshotter", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10) -> None:
        self.pending.put(None)
        self._thread.join(timeout)

    def take(self, aggregate_id: UUID, version: int) -> None:
        self.pending.put((aggregate_id, version))

    def _run(self) -> None:
        while (item := self.pending.get()) is not None:
            try:
                self.store.take_snapshot(item[0], version=item[1])
            except IntegrityError:
                pass  # taken already (another process's writer, or a restart)
            except Exception:
                log.warning("a snapshot of %s at version %d failed", *item, exc_info=True)
