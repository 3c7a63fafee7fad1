"""Detects a command writer that is stuck on one batch, and says so (issue 10).

The writer's callers already get 503 ServiceUnavailable after their own deadline; this is the
operator's side: one log line when a batch outlives its budget (naming how long and how many
jobs wait behind it), one when the writer moves again, and ``stuck`` for health checks.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

log = logging.getLogger("privatelink")


class WriterWatchdog:
    """Looks at the writer every ``interval`` seconds from a thread of its own."""

    def __init__(self, executor: Any, budget: float, interval: float = 0.5) -> None:
        self.executor = executor
        self.budget = budget
        self.interval = interval
        self.stuck = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="writer-watchdog", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def check(self) -> bool:
        """Whether the writer is stuck now; logs when that changes."""
        busy = float(self.executor.stuck_for())
        stuck = busy > self.budget
        if stuck and not self.stuck:
            log.error(
                "the command writer has been stuck for %.1f s on one batch (budget "
                "%.1f s; %d jobs waiting); callers are answered 503 ServiceUnavailable",
                busy,
                self.budget,
                self.executor.jobs.qsize(),
            )
        elif self.stuck and not stuck:
            log.warning("the command writer is moving again")
        self.stuck = stuck
        return stuck

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.check()


@contextmanager
def watch_writer(executor: Any, budget: float) -> Iterator[WriterWatchdog]:
    """A running watchdog for ``executor``, stopped at the end of the block."""
    watchdog = WriterWatchdog(executor, budget)
    executor.watchdog = watchdog
    watchdog.start()
    try:
        yield watchdog
    finally:
        watchdog.stop()
