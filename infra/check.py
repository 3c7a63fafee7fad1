"""The store's own integrity check (`privatelink check`, also run by `rebuild --verify`):
every aggregate's versions run 1, 2, 3... without a gap, and every snapshot equals the replay
of its aggregate's events up to the snapshot's version (issue 10)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, cast
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from psycopg import sql

from privatelink.application.app import PrivateLinkApp
from privatelink.infra.export import resource_label

GAPS = """
SELECT originator_id, originator_version, expected FROM (
    SELECT originator_id, originator_version,
           lag(originator_version, 1, 0::bigint)
               OVER (PARTITION BY originator_id ORDER BY originator_version) + 1 AS expected
    FROM {table}) AS versions
WHERE originator_version <> expected
ORDER BY originator_id, originator_version
"""


@dataclass(frozen=True)
class Problem:
    """One broken promise of the store, naming the aggregate and the version."""

    aggregate_id: UUID
    version: int
    message: str
    label: str = ""

    def __str__(self) -> str:
        name = f"{self.aggregate_id} ({self.label})" if self.label else str(self.aggregate_id)
        return f"aggregate {name} version {self.version}: {self.message}"


def check_store(
    app: PrivateLinkApp, progress: Callable[[int], None] | None = None
) -> list[Problem]:
    """Every problem found, gaps first; an empty list for a sound store."""
    problems = list(version_gaps(app))
    problems += snapshot_mismatches(app, progress)
    return [
        Problem(p.aggregate_id, p.version, p.message, label_of(app, p.aggregate_id))
        for p in problems
    ]


def _rows(
    app: PrivateLinkApp, query: sql.Composable, params: tuple[Any, ...] = ()
) -> Iterator[dict[str, Any]]:
    datastore = app.recorder.datastore  # type: ignore[attr-defined]
    with datastore.get_connection() as conn, conn.cursor() as curs:
        curs.execute(query, params)
        yield from curs.fetchall()


def _table(recorder: Any) -> sql.Composable:
    return sql.Identifier(recorder.datastore.schema, recorder.events_table_name)


def version_gaps(app: PrivateLinkApp) -> Iterator[Problem]:
    """Versions that do not follow the one before (or a first version that is not 1)."""
    query = sql.SQL(GAPS).format(table=_table(app.recorder))
    for row in _rows(app, query):
        yield Problem(
            row["originator_id"],
            int(row["originator_version"]),
            f"found version {row['originator_version']} where version "
            f"{row['expected']} was expected (the log has a gap)",
        )


def snapshot_mismatches(
    app: PrivateLinkApp, progress: Callable[[int], None] | None = None
) -> list[Problem]:
    """Snapshots whose state differs from replaying the events up to their version."""
    if app.snapshots is None:
        return []
    recorder = app.snapshots.recorder
    query = sql.SQL(
        "SELECT originator_id, originator_version, topic, state FROM {} "
        "ORDER BY originator_id, originator_version"
    ).format(_table(recorder))
    problems: list[Problem] = []
    for done, row in enumerate(_rows(app, query), 1):
        stored = StoredEvent(
            originator_id=row["originator_id"],
            originator_version=row["originator_version"],
            topic=row["topic"],
            state=bytes(row["state"]),
        )
        problem = compare_snapshot(app, app.mapper.to_domain_event(stored))
        if problem is not None:
            problems.append(problem)
        if progress is not None:
            progress(done)
    return problems


def compare_snapshot(app: PrivateLinkApp, snapshot: Any) -> Problem | None:
    aggregate_id, version = snapshot.originator_id, snapshot.originator_version
    aggregate: Any = None
    for event in app.events.get(aggregate_id, lte=version):
        aggregate = cast(Any, event).mutate(aggregate)
    if aggregate is None or aggregate.version != version:
        found = 0 if aggregate is None else aggregate.version
        return Problem(
            aggregate_id,
            version,
            f"a snapshot at version {version}, but the log holds versions up to {found} only",
        )
    replayed = type(snapshot).take(aggregate)
    if (
        _plain(app, replayed.state) != _plain(app, snapshot.state)
        or replayed.topic != snapshot.topic
    ):
        return Problem(
            aggregate_id,
            version,
            f"the snapshot differs from the replay of the events up to version {version}",
        )
    return None


def _plain(app: PrivateLinkApp, state: dict[str, Any]) -> Any:
    """State as plain JSON values, so key order and object identity do not count."""
    return json.loads(app.mapper.transcoder.encode(state))


def label_of(app: PrivateLinkApp, aggregate_id: UUID) -> str:
    """The resource id a person knows the aggregate by, from its first event."""
    table = _table(app.recorder)
    query = sql.SQL(
        "SELECT state FROM {} WHERE originator_id = %s ORDER BY originator_version LIMIT 1"
    ).format(table)
    for row in _rows(app, query, (aggregate_id,)):
        try:
            state = json.loads(bytes(row["state"]))
        except ValueError:
            return ""
        return resource_label(state) if isinstance(state, dict) else ""
    return ""
