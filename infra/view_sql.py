"""The SQL of the views' tables: their definitions, the statements the projector runs, and the
filters of a page query. Pure: builds statements, runs none."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from psycopg import sql
from psycopg.types.json import Jsonb

COLUMNS = "kind, key, owner, region, parent, doc"
ROWS = "(ROWS)"
"""Where ``numbered_rows`` puts the VALUES of a multi-row INSERT."""


@lru_cache(maxsize=256)
def numbered_rows(text: str, rows: int, width: int = 6) -> str:
    """``text`` (a multi-row INSERT) with the VALUES of ``rows`` rows of ``width`` columns,
    its parameters numbered (``$1``...) for a ``RawCursor``: psycopg parses a statement of
    more than 50 ``%s`` again at every call."""
    values = ", ".join(
        "(" + ", ".join(f"${width * i + n}" for n in range(1, width + 1)) + ")" for i in range(rows)
    )
    return text.replace(ROWS, values, 1)


def put_rows_statement(table: sql.Identifier) -> sql.Composed:
    """The Put of several rows, its VALUES made by :func:`numbered_rows`."""
    return sql.SQL(
        "INSERT INTO {} (kind, key, owner, region, parent, doc) VALUES " + ROWS + " "
        "ON CONFLICT (kind, key) DO UPDATE SET owner=EXCLUDED.owner, "
        "region=EXCLUDED.region, parent=EXCLUDED.parent, doc=EXCLUDED.doc"
    ).format(table)


def tables(table: sql.Identifier, tracking: sql.Identifier, name: str) -> list[sql.Composed]:
    """The views' table with its two indexes, and the tracking table."""
    return [
        sql.SQL(
            "CREATE TABLE IF NOT EXISTS {} (kind text NOT NULL, key text NOT NULL, "
            "owner text NOT NULL, region text NOT NULL, parent text NOT NULL DEFAULT '', "
            "doc jsonb NOT NULL, PRIMARY KEY (kind, key))"
        ).format(table),
        sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} (kind, owner, region, key)").format(
            sql.Identifier(f"{name}_owner_idx"), table
        ),
        sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} (kind, parent, key)").format(
            sql.Identifier(f"{name}_parent_idx"), table
        ),
        sql.SQL(
            "CREATE TABLE IF NOT EXISTS {} (name text PRIMARY KEY, position bigint NOT NULL)"
        ).format(tracking),
    ]


def hold(tracking: sql.Identifier, name: sql.Composable) -> sql.Composed:
    """A tracking position, its row locked until the transaction ends (made when missing)."""
    return sql.SQL(
        "INSERT INTO {} (name, position) VALUES ({}, 0) ON CONFLICT (name) DO UPDATE "
        "SET position = {}.position RETURNING position"
    ).format(tracking, name, tracking)


def statements(table: sql.Identifier, tracking: sql.Identifier) -> dict[str, sql.Composed]:
    """The projector's statements by name: put_rows, patch, delete, delete_children, hold,
    finish."""
    t = table
    return {
        "put_rows": put_rows_statement(t),
        "patch": sql.SQL("UPDATE {} SET doc = doc || %s WHERE kind=%s AND key=%s").format(t),
        "delete": sql.SQL("DELETE FROM {} WHERE kind=%s AND key=%s").format(t),
        "delete_children": sql.SQL("DELETE FROM {} WHERE kind=%s AND parent=%s").format(t),
        # The views' position, its row locked until the transaction ends (made when missing):
        # the writer and the projector both write the views (issue 17), one at a time.
        "hold": hold(tracking, sql.Placeholder()),
        # Both tracking positions (the views' and the DNS-record view's) and the listeners'
        # NOTIFY in one statement (issue 17): the CTE runs whether or not it is read.
        "finish": sql.SQL(
            "WITH moved AS (INSERT INTO {} (name, position) VALUES (%s, %s), (%s, %s) "
            "ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position "
            "WHERE {}.position < EXCLUDED.position RETURNING 1) SELECT pg_notify(%s, %s)"
        ).format(tracking, tracking),
    }


def staging(table: sql.Identifier) -> sql.Composed:
    """The temporary table a bulk write copies its Puts into."""
    return sql.SQL(
        "CREATE TEMP TABLE IF NOT EXISTS pl_staging (LIKE {}) ON COMMIT DELETE ROWS"
    ).format(table)


def upsert_staged(table: sql.Identifier) -> sql.Composed:
    """Move the staged rows into the views' table, replacing rows of the same key."""
    return sql.SQL(
        "INSERT INTO {} (kind, key, owner, region, parent, doc) SELECT kind, key, owner, "
        "region, parent, doc FROM pl_staging ON CONFLICT (kind, key) DO UPDATE SET "
        "owner=EXCLUDED.owner, region=EXCLUDED.region, parent=EXCLUDED.parent, "
        "doc=EXCLUDED.doc"
    ).format(table)


@dataclass(frozen=True)
class RowFilter:
    """What a page of one kind's rows must match; None matches anything."""

    kind: str
    owner: str | None = None
    region: str | None = None
    parent: str | None = None
    contains: dict[str, Any] | None = None
    keys: Sequence[str] | None = None
    visible_to: str | None = None


def where(table: sql.Identifier, found: RowFilter) -> tuple[sql.Composable, list[Any]]:
    """The WHERE clause (rows aliased ``v``) of ``found``, and its parameters."""
    clauses: list[sql.Composable] = [sql.SQL("kind = %s")]
    params: list[Any] = [found.kind]
    for column in ("owner", "region", "parent"):
        if (value := getattr(found, column)) is not None:
            clauses.append(sql.SQL("{} = %s").format(sql.Identifier(column)))
            params.append(value)
    if found.contains:
        clauses.append(sql.SQL("doc @> %s"))
        params.append(Jsonb(found.contains))
    if found.keys is not None:
        clauses.append(sql.SQL("key = ANY(%s)"))
        params.append(list(found.keys))
    if found.visible_to is not None:
        clauses.append(visible(table))
        params += [found.visible_to, found.visible_to]
    return sql.SQL(" AND ").join(clauses), params


def visible(table: sql.Identifier) -> sql.Composed:
    """A service row is visible to its owner and to the users on its whitelist (or ``*``)."""
    return sql.SQL(
        "(v.owner = %s OR EXISTS (SELECT 1 FROM {} u WHERE u.kind = 'user' AND "
        "u.parent = v.key AND u.key IN (v.key || '/' || %s, v.key || '/*')))"
    ).format(table)


def page_queries(
    table: sql.Identifier, where: sql.Composable, params: list[Any], after: str | None, limit: int
) -> tuple[sql.Composed, sql.Composed, list[Any]]:
    """The count of the matching rows, and one page of them (by key, after ``after``) with its
    parameters."""
    count_q = sql.SQL("SELECT count(*) FROM {} v WHERE ").format(table) + where
    page_q = sql.SQL("SELECT key, doc FROM {} v WHERE ").format(table) + where
    page_params = list(params)
    if after is not None:
        page_q += sql.SQL(" AND key > %s")
        page_params.append(after)
    page_q += sql.SQL(" ORDER BY key LIMIT %s")
    page_params.append(limit)
    return count_q, page_q, page_params


def names_changes_statement(table: sql.Identifier) -> sql.Composed:
    """Of the DNS names' table: the highest position and the names after ``after`` (all of
    them when the table was replaced, its positions all below ``after``), in one read of one
    snapshot."""
    return sql.SQL(
        "SELECT top.m, d.name, d.doc, d.removed, d.position FROM (SELECT coalesce("
        "max(position), 0) AS m FROM {t}) AS top LEFT JOIN {t} AS d ON d.position > "
        "CASE WHEN top.m < %s THEN 0 ELSE %s END ORDER BY d.position"
    ).format(t=table)
