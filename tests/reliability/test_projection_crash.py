"""Projection crash: the views follower, ``privatelink project``, is SIGKILLed mid-stream.
On restart the views catch up with no event skipped or applied twice: the tracking position
reaches the end of the log, ``rebuild --verify`` passes, and the rows equal views that were
built with no crash at all."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from tests.conftest import CONSUMER, PROVIDER, sdk_client
from tests.e2e.helpers import CONSUMER_UID, create_service
from tests.reliability import figures
from tests.reliability.audit import audit
from tests.reliability.load import Load
from tests.reliability.processes import (
    Projector,
    Serve,
    cli,
    drop_schema,
    event_counts,
    exported_events,
    rebuild_verify,
    store_mark,
    view_counts,
    views_position,
)

pytestmark = pytest.mark.reliability

KILLS = 3


def wait_for_position(database_url: str, schema: str, position: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while views_position(database_url, schema) < position:
        assert time.monotonic() < deadline, (
            f"views stuck at {views_position(database_url, schema)} < {position}"
        )
        time.sleep(0.02)


def view_rows(database_url: str, schema: str) -> list[tuple[object, ...]]:
    with psycopg.connect(database_url, autocommit=True) as conn:
        return list(
            conn.execute(
                sql.SQL(
                    "SELECT kind, key, owner, region, parent, doc FROM {} ORDER BY kind, key"
                ).format(sql.Identifier(schema, "pl_views"))
            ).fetchall()
        )


@pytest.fixture
def second_schema(database_url: str, schema: str) -> Iterator[str]:
    name = f"{schema}_b"
    yield name
    drop_schema(database_url, name)


BACKLOG = 3000  # events: six of the projector's 500-event batches, so every kill is mid-stream


def seed(database_url: str, schema: str, events: int, limit: float = 20) -> None:
    """A store with a history of at least ``events`` events from a served load, views built
    live."""
    server = Serve(database_url, schema)
    try:
        provider = sdk_client(server.endpoint, PROVIDER)
        service_id = create_service(
            provider, "nlb-provider0001", "nlb-provider0002", users=(CONSUMER_UID,)
        )
        load = Load([server.endpoint], service_id, consumers=3, max_endpoints=600)
        load.start()
        deadline = time.monotonic() + limit
        while store_mark(database_url, schema)[1] < events and time.monotonic() < deadline:
            time.sleep(0.2)
        load.stop()
        wait_for_position(database_url, schema, store_mark(database_url, schema)[0])
    finally:
        server.stop()


def test_projector_killed_while_catching_up_skips_nothing_and_applies_nothing_twice(
    database_url: str, schema: str, second_schema: str, tmp_path: Path
) -> None:
    seed(database_url, schema, BACKLOG)
    log = tmp_path / "events.jsonl"
    log.write_text(cli(database_url, schema, "export").stdout)
    cli(database_url, second_schema, "import", str(log))
    end, events = store_mark(database_url, second_schema)
    rng = random.Random()
    projector = Projector(database_url, second_schema)
    kill_positions = []
    try:
        for _ in range(KILLS):
            before = views_position(database_url, second_schema)
            deadline = time.monotonic() + 60
            while views_position(database_url, second_schema) == before:
                assert time.monotonic() < deadline, projector.output()
                assert before < end, (
                    f"the backlog ({end}) ran out before kill {len(kill_positions) + 1}"
                )
                time.sleep(0.002)
            # A batch was just committed: the next one is being applied right now.
            time.sleep(rng.uniform(0, 0.01))
            projector.kill()
            kill_positions.append(views_position(database_url, second_schema))
            projector.start()
        wait_for_position(database_url, second_schema, end)
    finally:
        projector.stop()
    mid_stream = [p for p in kill_positions if 0 < p < end]
    figures.record(
        "projection_crash_backlog",
        events=events,
        kills=projector.kills,
        kill_positions=kill_positions,
        kills_mid_stream=len(mid_stream),
        final_position=views_position(database_url, second_schema),
    )
    assert len(mid_stream) == KILLS, f"a kill missed the stream: {kill_positions} (end {end})"
    assert views_position(database_url, second_schema) == end
    rebuild_verify(database_url, second_schema)
    assert view_rows(database_url, second_schema) == view_rows(database_url, schema), (
        "views built across SIGKILLs differ from views built with no crash"
    )
    counts = event_counts(exported_events(database_url, second_schema))
    views = view_counts(database_url, second_schema)
    assert views["endpoint"] == counts["Endpoint.Created"] - counts["Endpoint.Deleted"]
    assert views["service"] == counts["EndpointService.Created"] - counts["EndpointService.Deleted"]


def test_projector_killed_under_load_keeps_read_your_writes_and_catches_up(
    database_url: str, schema: str
) -> None:
    server = Serve(database_url, schema, "--no-projector")
    projector = Projector(database_url, schema)
    rng = random.Random()
    try:
        provider, consumer = (
            sdk_client(server.endpoint, PROVIDER),
            sdk_client(server.endpoint, CONSUMER),
        )
        service_id = create_service(
            provider, "nlb-provider0001", "nlb-provider0002", users=(CONSUMER_UID,)
        )
        load = Load([server.endpoint], service_id)
        load.start()
        try:
            for _ in range(KILLS):
                time.sleep(rng.uniform(0.5, 1.5))
                projector.kill()
                time.sleep(rng.uniform(0.1, 1.0))  # commands wait for the views meanwhile
                projector.start()
            load.pause()
            wait_for_position(database_url, schema, store_mark(database_url, schema)[0])
            found = audit(load.ledger, consumer, provider, service_id)
        finally:
            load.stop()
        figures.record(
            "projection_crash_live",
            kills=projector.kills,
            commands_acknowledged=load.ledger.total_acknowledged(),
            retries=load.ledger.retries,
            lost=len(found.lost),
            duplicates=len(found.extra),
            server_errors_5xx=len(load.ledger.server_errors),
        )
        assert not found.problems(), found.problems()
        assert not load.ledger.server_errors, load.ledger.server_errors[:5]
        rebuild_verify(database_url, schema)
    finally:
        projector.stop()
        server.stop()
