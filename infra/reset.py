"""Empty the store in place: every table of the configured schema is truncated (events,
snapshots, tracking positions, views) and its sequences restart, in one statement. No new
PostgreSQL, no new schema: it takes milliseconds."""

from __future__ import annotations

import psycopg
from psycopg import sql


def truncate_schema(url: str, schema: str) -> list[str]:
    """TRUNCATE every table of ``schema`` (RESTART IDENTITY); the names of the tables."""
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY 1",
                            (schema,)).fetchall()
        tables = [row[0] for row in rows]
        if tables:
            conn.execute(sql.SQL("TRUNCATE {} RESTART IDENTITY CASCADE").format(
                sql.SQL(", ").join(sql.Identifier(schema, t) for t in tables)))
    return tables
