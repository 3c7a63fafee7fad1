"""Issue 16: when the embedded PostgreSQL cannot be started again, the supervisor keeps
trying and says why (its state and last error feed the health answer); issue 12: metric
labels stay bounded whatever a client sends."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from privatelink.api.ops_routes import action_of
from privatelink.infra.embedded_supervisor import Supervisor


class Unstartable:
    """An embedded store whose postmaster is dead and whose restarts fail, then succeed."""

    def __init__(self, failures: int) -> None:
        self.data_dir = Path("/nowhere")
        self.log_path = self.data_dir / "postgres.log"
        self.failures = failures
        self.attempts = 0
        self.up = threading.Event()

    @property
    def alive(self) -> bool:
        return self.up.is_set()

    def restart(self) -> None:
        self.attempts += 1
        if self.attempts <= self.failures:
            raise RuntimeError("pre-existing shared memory block is still in use")
        self.up.set()


def test_issue16_supervisor_says_why_it_cannot_restart_then_recovers() -> None:
    store = Unstartable(failures=2)
    supervisor = Supervisor(store, interval=0.01, max_pause=0.05)  # type: ignore[arg-type]
    supervisor.start()
    try:
        assert store.up.wait(timeout=30), "the supervisor never started it again"
    finally:
        supervisor.stop()
    described = supervisor.describe()
    assert store.attempts == 3
    assert described["state"] == "running" and described["restarts"] == 1
    assert "shared memory block is still in use" in described["last_error"]


def test_issue16_supervisor_reports_restarting_while_it_fails() -> None:
    store = Unstartable(failures=10**6)
    supervisor = Supervisor(store, interval=0.01, max_pause=0.02)  # type: ignore[arg-type]
    supervisor.start()
    try:
        deadline = time.monotonic() + 30
        while store.attempts < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        described = supervisor.describe()
    finally:
        supervisor.stop()
    assert described["state"].startswith("restarting (attempt")
    assert "RuntimeError" in described["last_error"]


def test_issue12_request_metric_labels_are_known_actions_only() -> None:
    scope = {"headers": [(b"x-acs-action", b"CreateVpcEndpoint")], "query_string": b""}
    assert action_of(scope, b"") == "CreateVpcEndpoint"
    hostile = {"headers": [], "query_string": b"Action=Drop%20everything%20" + b"x" * 500}
    assert action_of(hostile, b"") == "unknown"
    legacy = {"headers": [], "query_string": b"Action=ListVpcEndpoints&Format=JSON"}
    assert action_of(legacy, b"") == "ListVpcEndpoints"
