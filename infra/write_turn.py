"""Writers of several processes take turns (issue 10, "Several processes").

Each process decides its batch of commands against cached aggregates. Two processes writing
the same busy aggregate (a service every endpoint touches) at the same moment lost the race
in turn, and every lost batch was decided again job by job. With a turn, a process decides and
commits a batch only while it holds a PostgreSQL advisory lock (keyed by the schema) on a
connection of its own, after catching up with what the others committed; so its decisions are
made on the current state and never lose. PostgreSQL already serialises the commits of the
event log (a table lock), so the turn costs two short statements per batch.
"""

from __future__ import annotations

import logging
from typing import Any

import psycopg

log = logging.getLogger("privatelink")

LOCK_NAME = "privatelink-writer"


class PostgresWriteTurn:
    """The schema's write turn: ``acquire`` waits for it (at most ``wait_seconds``)."""

    def __init__(self, url: str, schema: str, wait_seconds: float) -> None:
        self.url = url
        self.schema = schema
        self.wait_seconds = wait_seconds
        self.conn: psycopg.Connection[Any] | None = None

    def _connection(self) -> psycopg.Connection[Any]:
        if self.conn is None or self.conn.closed:
            self.conn = psycopg.connect(
                self.url, autocommit=True, connect_timeout=max(1, round(self.wait_seconds))
            )
            self.conn.execute(f"SET lock_timeout = '{int(self.wait_seconds * 1000)}ms'")
        return self.conn

    def acquire(self) -> None:
        """Wait for the turn; raises (the batch then answers 503) when it does not come."""
        for attempt in (1, 2):
            try:
                self._connection().execute(
                    "SELECT pg_advisory_lock(hashtext(%s), hashtext(%s))", (LOCK_NAME, self.schema)
                )
                return
            except psycopg.OperationalError:
                # A connection that broke while idle (PostgreSQL restarted), as opposed to a
                # lock timeout on a sound one: one fresh try.
                broken = self.conn is None or self.conn.broken or self.conn.closed
                self.close()
                if attempt == 2 or not broken:
                    raise
            except psycopg.Error:
                self.close()
                raise

    def release(self) -> None:
        """Give the turn back; a broken connection has released it already."""
        if self.conn is None:
            return
        try:
            self.conn.execute(
                "SELECT pg_advisory_unlock(hashtext(%s), hashtext(%s))", (LOCK_NAME, self.schema)
            )
        except psycopg.Error:
            log.warning("the write turn's connection broke; it is released with it")
            self.close()

    def close(self) -> None:
        if self.conn is not None:
            try:
                self.conn.close()
            except psycopg.Error:
                pass
        self.conn = None
