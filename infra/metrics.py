"""Projection lag: the time from an event's commit to its view row being visible."""

from __future__ import annotations

import threading
import time
from collections import deque


class LagMeter:
    """Remembers when positions were committed here and when the views reached them."""

    def __init__(self, keep: int = 100_000) -> None:
        self.lock = threading.Lock()
        self.committed: deque[tuple[int, float]] = deque()
        self.lags: deque[float] = deque(maxlen=keep)

    def commit(self, position: int) -> None:
        with self.lock:
            self.committed.append((position, time.perf_counter()))

    def applied(self, position: int) -> None:
        now = time.perf_counter()
        with self.lock:
            while self.committed and self.committed[0][0] <= position:
                self.lags.append(now - self.committed.popleft()[1])

    def summary(self, reset: bool = False) -> dict[str, float]:
        with self.lock:
            lags = sorted(self.lags)
            if reset:
                self.lags.clear()
        if not lags:
            return {"count": 0, "p50_ms": 0.0, "p99_ms": 0.0}
        return {"count": len(lags), "p50_ms": lags[len(lags) // 2] * 1000,
                "p99_ms": lags[min(len(lags) - 1, int(len(lags) * 0.99))] * 1000}
