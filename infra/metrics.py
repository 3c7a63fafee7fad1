"""Projection lag (the time from an event's commit to its view row being visible), and the
server's Prometheus metrics."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING


class LagMeter:
    """Remembers when positions were committed here and when the views reached them."""

    def __init__(self, keep: int = 100_000) -> None:
        self.lock = threading.Lock()
        self.committed: deque[tuple[int, float]] = deque()
        self.lags: deque[float] = deque(maxlen=keep)
        self.listeners: list[Callable[[float], None]] = []

    def commit(self, position: int) -> None:
        with self.lock:
            self.committed.append((position, time.perf_counter()))

    def applied(self, position: int) -> None:
        now = time.perf_counter()
        with self.lock:
            lags = []
            while self.committed and self.committed[0][0] <= position:
                lags.append(now - self.committed.popleft()[1])
            self.lags.extend(lags)
        for listener in self.listeners:
            for lag in lags:
                listener(lag)

    def summary(self, reset: bool = False) -> dict[str, float]:
        with self.lock:
            lags = sorted(self.lags)
            if reset:
                self.lags.clear()
        if not lags:
            return {"count": 0, "p50_ms": 0.0, "p99_ms": 0.0}
        return {
            "count": len(lags),
            "p50_ms": lags[len(lags) // 2] * 1000,
            "p99_ms": lags[min(len(lags) - 1, int(len(lags) * 0.99))] * 1000,
        }


if TYPE_CHECKING:
    from prometheus_client import Histogram


class ServerMetrics:
    """The server's Prometheus metrics, in a registry of its own (one per server app)."""

    LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)

    def __init__(self, runtime: object) -> None:
        from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

        self.registry = CollectorRegistry()
        self.requests = Counter(
            "privatelink_requests",
            "Cloud API requests answered",
            ["action", "code"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "privatelink_request_seconds",
            "Cloud API answer time",
            ["action"],
            buckets=self.LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.projection_lag, self.batch_size = self._pipeline_histograms()
        views = Gauge(
            "privatelink_views_position",
            "Last event position the views applied",
            registry=self.registry,
        )
        views.set_function(lambda: float(runtime.watcher.position))  # type: ignore[attr-defined]

    def _pipeline_histograms(self) -> tuple[Histogram, Histogram]:
        """The projection's lag and the writer's batch sizes."""
        from prometheus_client import Histogram

        projection_lag = Histogram(
            "privatelink_projection_lag_seconds",
            "Commit of an event to its view rows",
            buckets=self.LATENCY_BUCKETS,
            registry=self.registry,
        )
        batch_size = Histogram(
            "privatelink_writer_batch_size",
            "Commands per writer commit",
            buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256),
            registry=self.registry,
        )
        return projection_lag, batch_size

    def observe_request(self, action: str, code: str, seconds: float) -> None:
        self.requests.labels(action, code).inc()
        self.latency.labels(action).observe(seconds)

    def render(self) -> tuple[bytes, str]:
        from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

        return generate_latest(self.registry), CONTENT_TYPE_LATEST
