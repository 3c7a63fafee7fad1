"""The stoppable part of a serving runtime (followers, data plane, writer): their stop
callbacks, run together on close so a reset waits for the slowest, not for the sum."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


class Services:
    """Collects stop callbacks like an ``ExitStack`` (``callback``); ``close`` runs them at
    once, each in a thread of its own, and waits for all."""

    def __init__(self) -> None:
        self.stops: list[Callable[[], Any]] = []

    def callback(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        self.stops.append(lambda: fn(*args, **kwargs))

    def enter_context(self, manager: Any) -> Any:
        """Enter a context manager now; exit it on close, like ``ExitStack.enter_context``."""
        value = manager.__enter__()
        self.callback(manager.__exit__, None, None, None)
        return value

    def close(self, before: Callable[[], Any] | None = None) -> None:
        stops, self.stops = self.stops, []
        if before is not None:
            before()
        threads = [threading.Thread(target=stop, daemon=True) for stop in reversed(stops)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
