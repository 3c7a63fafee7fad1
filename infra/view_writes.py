"""Writing a batch of row operations to the views' table, inside the caller's transaction:
one statement per operation through a pipeline, or, for large batches, COPY and
``executemany`` per run between DeleteChildren barriers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from psycopg import Cursor, Pipeline, RawCursor, sql
from psycopg.types.json import Jsonb

from privatelink.infra import view_sql
from privatelink.projections.ops import Delete, DeleteChildren, Op, Patch, Put

PIPELINE_SYNC_EVERY = 100
"""Statements sent between two syncs of a pipeline, and rows per ``executemany`` (which
pipelines too): a few hundred kilobytes at most in flight."""


def chunked(rows: list[Any], size: int = PIPELINE_SYNC_EVERY) -> list[list[Any]]:
    return [rows[i : i + size] for i in range(0, len(rows), size)]


def segments(ops: Sequence[Op]) -> list[tuple[list[Op], DeleteChildren | None]]:
    """Runs of operations between DeleteChildren barriers, each with the barrier after it."""
    found: list[tuple[list[Op], DeleteChildren | None]] = []
    run: list[Op] = []
    for op in ops:
        if isinstance(op, DeleteChildren):
            found.append((run, op))
            run = []
        else:
            run.append(op)
    found.append((run, None))
    return found


def write_ops(
    cur: Cursor[Any], pipeline: Pipeline, texts: dict[str, str], ops: Sequence[Op]
) -> None:
    """One prepared statement per operation, but each run of Puts of different rows in one
    statement (issue 17: a create's three or four rows, a batch's dozens, were as many
    statements); the pipeline synced every ``PIPELINE_SYNC_EVERY`` rows."""
    raw, sent = RawCursor(cur.connection), 0
    for unit in runs(ops):
        rows = len(unit) if isinstance(unit, list) else 1
        if sent + rows > PIPELINE_SYNC_EVERY:
            # Bounded bytes in flight: psycopg's pipeline deadlocks on a Unix
            # socket (the embedded store) once a megabyte or two is unsynced.
            pipeline.sync()
            sent = 0
        sent += rows
        if isinstance(unit, list):
            values = [
                v for p in unit for v in (p.kind, p.key, p.owner, p.region, p.parent, Jsonb(p.doc))
            ]
            raw.execute(view_sql.numbered_rows(texts["put_rows"], rows), values, prepare=True)
        else:
            write_op(cur, texts, unit)


def runs(ops: Sequence[Op]) -> list[Op | list[Put]]:
    """The operations in order, each run of consecutive Puts of different rows (at most
    ``PIPELINE_SYNC_EVERY``) as one list: one statement may not touch a row twice."""
    found: list[Op | list[Put]] = []
    keys: set[tuple[str, str]] = set()
    for op in ops:
        run = found[-1] if found and isinstance(found[-1], list) else None
        if not isinstance(op, Put):
            found.append(op)
        elif run is None or (op.kind, op.key) in keys or len(run) >= PIPELINE_SYNC_EVERY:
            found.append([op])
            keys = {(op.kind, op.key)}
        else:
            run.append(op)
            keys.add((op.kind, op.key))
    return found


def write_op(cur: Cursor[Any], texts: dict[str, str], op: Op) -> None:
    """One operation other than a Put, as one prepared statement."""
    if isinstance(op, Patch):
        cur.execute(texts["patch"], (Jsonb(op.fields), op.kind, op.key), prepare=True)
    elif isinstance(op, Delete):
        cur.execute(texts["delete"], (op.kind, op.key), prepare=True)
    elif isinstance(op, DeleteChildren):
        cur.execute(texts["delete_children"], (op.kind, op.parent), prepare=True)


def write_bulk(
    cur: Cursor[Any], texts: dict[str, str], table: sql.Identifier, ops: Sequence[Op]
) -> None:
    """A compacted batch (one operation per row between barriers): Puts through COPY into the
    staging table, Patches and Deletes by ``executemany``, each barrier after its run."""
    for segment, barrier in segments(ops):
        copy_puts(cur, table, [op for op in segment if isinstance(op, Put)])
        patches = [(Jsonb(op.fields), op.kind, op.key) for op in segment if isinstance(op, Patch)]
        for rows in chunked(patches):
            cur.executemany(texts["patch"], rows)
        for rows in chunked([(op.kind, op.key) for op in segment if isinstance(op, Delete)]):
            cur.executemany(texts["delete"], rows)
        if barrier is not None:
            cur.execute(texts["delete_children"], (barrier.kind, barrier.parent))


def copy_puts(cur: Cursor[Any], table: sql.Identifier, puts: list[Put]) -> None:
    if not puts:
        return
    with cur.copy("COPY pl_staging (kind, key, owner, region, parent, doc) FROM STDIN") as copy:
        copy.set_types(["text", "text", "text", "text", "text", "jsonb"])
        for op in puts:
            copy.write_row((op.kind, op.key, op.owner, op.region, op.parent, Jsonb(op.doc)))
    cur.execute(view_sql.upsert_staged(table))
    cur.execute("DELETE FROM pl_staging")
