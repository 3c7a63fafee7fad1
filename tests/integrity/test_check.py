"""Issue 10 / issue 16: `privatelink check` (and `rebuild --verify`) find a version gap or a
snapshot that differs from the replay of its events, naming the aggregate and the version;
`privatelink import` explains a log with a gap precisely."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from eventsourcing.persistence import StoredEvent
from typer.testing import CliRunner

from privatelink.cli import app as cli
from privatelink.composition import Runtime
from privatelink.domain.service import EndpointService
from privatelink.domain.states import ServiceStatus
from privatelink.infra.export import export_lines
from tests.application.helpers import PROVIDER, create_service
from tests.integrity.helpers import tag, wait_until

runner = CliRunner()


def store_args(runtime: Runtime, schema: str | None = None) -> list[str]:
    return ["--database-url", runtime.url, "--schema", schema or runtime.settings.db_schema]


@pytest.fixture
def other_schema(database_url: str) -> Iterator[str]:
    name = f"t_{secrets.token_hex(6)}"
    yield name
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


def service_with_a_gap(runtime: Runtime) -> tuple[str, Any, int]:
    """A service whose log skips a version: its last event written again two versions on."""
    service_id = create_service(runtime)
    tag(runtime, PROVIDER, "vpcendpointservice", [service_id], [("k", "v")])
    key = EndpointService.create_id(service_id)
    # The provisioner has activated the service: nothing writes to it after the gap is made.
    wait_until(lambda: runtime.app.repository.get(key).status == "Active")
    last = runtime.app.recorder.select_events(key, desc=True, limit=1)[0]
    runtime.app.recorder.insert_events(
        [
            StoredEvent(
                originator_id=key,
                originator_version=last.originator_version + 2,
                topic=last.topic,
                state=last.state,
            )
        ]
    )
    return service_id, key, last.originator_version + 2


def test_issue10_check_passes_a_sound_store(runtime: Runtime) -> None:
    service_id = create_service(runtime)
    tag(runtime, PROVIDER, "vpcendpointservice", [service_id], [("k", "v")])
    result = runner.invoke(cli, ["check", *store_args(runtime)])
    assert result.exit_code == 0, result.output
    assert "versions are contiguous" in result.output


def test_issue10_check_names_the_aggregate_and_version_of_a_gap(runtime: Runtime) -> None:
    service_id, key, found = service_with_a_gap(runtime)
    result = runner.invoke(cli, ["check", *store_args(runtime)])
    assert result.exit_code == 1
    assert str(key) in result.output and service_id in result.output
    assert f"found version {found} where version {found - 1} was expected" in result.output


def test_issue10_rebuild_verify_runs_the_check(runtime: Runtime) -> None:
    _, key, _ = service_with_a_gap(runtime)
    assert runtime.wait_for_views(runtime.app.recorder.max_notification_id())
    result = runner.invoke(cli, ["rebuild", "--verify", *store_args(runtime)])
    assert result.exit_code == 1
    assert "views match the event log" in result.output and str(key) in result.output


def test_issue10_check_finds_a_snapshot_that_differs_from_replay(runtime: Runtime) -> None:
    service_id = create_service(runtime)
    key = EndpointService.create_id(service_id)
    # The provisioner activates the service on its own: the log must hold its last version
    # before the snapshots are taken, or they would be compared with a later replay.
    wait_until(lambda: runtime.app.repository.get(key).status == ServiceStatus.ACTIVE)
    service = runtime.app.repository.get(key)
    service.description = "never recorded"
    runtime.app.snapshots.put([EndpointService.Snapshot.take(service)])  # type: ignore[union-attr]
    service.version += 5
    runtime.app.snapshots.put([EndpointService.Snapshot.take(service)])  # type: ignore[union-attr]
    result = runner.invoke(cli, ["check", *store_args(runtime)])
    assert result.exit_code == 1
    assert f"version {service.version - 5}: the snapshot differs from the replay" in result.output
    assert (
        f"version {service.version}: a snapshot at version {service.version}, but the log "
        f"holds versions up to {service.version - 5} only" in result.output
    )


def test_issue16_import_explains_a_version_gap_which_check_finds_first(
    runtime: Runtime, other_schema: str, tmp_path: Path
) -> None:
    """The store's own export of a log with a gap is refused by import with the line, the
    aggregate, the expected and the found version."""
    service_id, key, found = service_with_a_gap(runtime)
    assert runner.invoke(cli, ["check", *store_args(runtime)]).exit_code == 1
    log = tmp_path / "log.jsonl"
    log.write_text("".join(line + "\n" for line in export_lines(runtime.app)))
    result = runner.invoke(cli, ["import", str(log), *store_args(runtime, other_schema)])
    assert result.exit_code == 1
    message = " ".join(result.output.split())
    assert (
        f"aggregate {key} ({service_id}): expected version {found - 1} but found version "
        f"{found}, so version {found - 1} is missing" in message
    )
    assert "privatelink check" in message
