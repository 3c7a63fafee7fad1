"""Empty the store in place: every table of the configured schema (events, snapshots,
tracking positions, views) is emptied and its sequences restart, in one transaction. No new
PostgreSQL, no new schema. A test's store is small, and DELETE of a few hundred rows takes a
millisecond where TRUNCATE (new files for every table and index) takes a hundred; a large
table is truncated instead."""

from __future__ import annotations

from typing import Any, LiteralString

import psycopg
from psycopg import sql

LARGE = 20_000
"""Rows above which a table is truncated rather than deleted from."""


def truncate_schema(url: str, schema: str) -> list[str]:
    """Empty every table of ``schema`` and restart its sequences; the names of the tables."""
    with psycopg.connect(url, autocommit=True) as conn:
        tables = names(
            conn, "SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY 1", schema
        )
        sequences = names(
            conn, "SELECT sequencename FROM pg_sequences WHERE schemaname = %s", schema
        )
        with conn.transaction():
            empty_tables(conn, [sql.Identifier(schema, table) for table in tables])
            for sequence in sequences:
                conn.execute(
                    sql.SQL("ALTER SEQUENCE {} RESTART").format(sql.Identifier(schema, sequence))
                )
    return tables


def names(conn: psycopg.Connection[Any], query: LiteralString, schema: str) -> list[str]:
    return [row[0] for row in conn.execute(query, (schema,))]


def empty_tables(conn: psycopg.Connection[Any], tables: list[sql.Identifier]) -> None:
    """DELETE from the small tables, TRUNCATE the large ones (in one statement)."""
    large = []
    for name in tables:
        if conn.execute(
            sql.SQL("SELECT EXISTS (SELECT 1 FROM {} OFFSET %s)").format(name), (LARGE,)
        ).fetchone()[0]:  # type: ignore[index]
            large.append(name)
        else:
            conn.execute(sql.SQL("DELETE FROM {}").format(name))
    if large:
        conn.execute(sql.SQL("TRUNCATE {}").format(sql.SQL(", ").join(large)))
