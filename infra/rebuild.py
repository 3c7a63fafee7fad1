"""Rebuild read views from the event log alone, with the projection's own code (AUD-3)."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable

from psycopg import sql

from privatelink.application.app import PrivateLinkApp
from privatelink.infra.view_store import PostgresViews
from privatelink.projections.ops import Op, compact
from privatelink.projections.views import ViewsProjection

BATCH = 5000


def rebuild_views(
    app: PrivateLinkApp,
    target: PostgresViews,
    progress: Callable[[int], None] | None = None,
    until: int | None = None,
) -> int:
    """Project every event (up to ``until``) into ``target``, a batch per transaction; answer
    the position reached, and tell ``progress`` the position after each batch. Reading and
    projecting the next batch overlaps with writing the last one (a writer thread), since the
    writes wait on the database and the projection on the CPU."""
    target.create_tables()
    writes: queue.Queue[tuple[list[Op], int] | None] = queue.Queue(maxsize=2)
    failures: list[BaseException] = []
    args = (target, writes, failures, progress)
    writer = threading.Thread(target=_write, args=args, name="rebuild-writer", daemon=True)
    writer.start()
    try:
        position = _project(app, target.position(), until, writes, failures)
    finally:
        writes.put(None)
        writer.join()
    if failures:
        raise failures[0]
    return position


def _project(
    app: PrivateLinkApp,
    position: int,
    until: int | None,
    writes: queue.Queue[tuple[list[Op], int] | None],
    failures: list[BaseException],
) -> int:
    projection = ViewsProjection()
    while not failures:
        batch = list(app.recorder.select_notifications(start=position + 1, limit=BATCH, stop=until))
        if not batch:
            break
        ops: list[Op] = []
        for notification in batch:
            ops.extend(projection.ops_for(app.mapper.to_domain_event(notification)))
        position = batch[-1].id
        writes.put((compact(ops), position))
    return position


def _write(
    target: PostgresViews,
    writes: queue.Queue[tuple[list[Op], int] | None],
    failures: list[BaseException],
    progress: Callable[[int], None] | None,
) -> None:
    while (item := writes.get()) is not None:
        if failures:
            continue
        try:
            target.apply(*item)
        except BaseException as error:  # noqa: BLE001 - handed to the caller's thread
            failures.append(error)
            continue
        if progress is not None:
            progress(item[1])


def replace_live_views(live: PostgresViews, rebuilt: PostgresViews) -> None:
    """Swap the rebuilt tables in for the live ones, atomically."""
    with live.pool.connection() as conn, conn.transaction():
        conn.execute(
            sql.SQL("DROP TABLE {}, {}, {}").format(live.table, live.tracking, live.dns.table)
        )
        for statement in _renames(live, rebuilt):
            conn.execute(statement)
        conn.execute("SELECT pg_notify(%s, %s)", (live.channel, "0"))


def _renames(live: PostgresViews, rebuilt: PostgresViews) -> list[sql.Composed]:
    """Give the rebuilt tables and their indexes the live ones' names."""
    schema = live.schema
    tables = [
        (rebuilt.table_name, live.table_name),
        (rebuilt.tracking_name, live.tracking_name),
        (rebuilt.dns.table_name, live.dns.table_name),
    ]
    indexes = [
        *((rebuilt.table_name + s, live.table_name + s) for s in ("_owner_idx", "_parent_idx")),
        *(
            (rebuilt.dns.table_name + s, live.dns.table_name + s)
            for s in ("_endpoint_idx", "_position_idx")
        ),
    ]
    rename = "ALTER {} {} RENAME TO {}"
    return [
        sql.SQL(rename).format(sql.SQL(kind), sql.Identifier(schema, old), sql.Identifier(new))
        for kind, pairs in (("TABLE", tables), ("INDEX", indexes))
        for old, new in pairs
    ]
