"""Which aggregates were written after a position of the event log: the executor's way to
notice other processes' writes (a light query on the event store's own table)."""

from __future__ import annotations

from uuid import UUID

from psycopg import sql

from privatelink.application.app import PrivateLinkApp


class PostgresChangeFeed:
    """Reads (notification id, aggregate id) pairs after a position."""

    def __init__(self, app: PrivateLinkApp) -> None:
        recorder = app.recorder
        self.datastore = recorder.datastore  # type: ignore[attr-defined]
        self.query = sql.SQL(
            "SELECT notification_id, originator_id FROM {} WHERE notification_id > %s "
            "ORDER BY notification_id"
        ).format(sql.Identifier(self.datastore.schema, recorder.events_table_name))  # type: ignore[attr-defined]

    def changed_since(self, position: int) -> list[tuple[int, UUID]]:
        with self.datastore.get_connection() as conn, conn.cursor() as cursor:
            cursor.execute(self.query, (position,), prepare=True)
            return [(row["notification_id"], row["originator_id"]) for row in cursor.fetchall()]
