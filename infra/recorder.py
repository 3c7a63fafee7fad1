"""The event store's writer, without psycopg's pipeline mode (issue 10, "The embedded store
must never hang").

eventsourcing's ``insert_events`` sends its statements in pipeline mode; psycopg (3.3) then
deadlocks on a Unix socket once a batch carries more than a megabyte or two: the client waits
in ``Pipeline.sync`` while the server waits to read. The embedded PostgreSQL is reached over a
Unix socket, so every large batch could wedge the single writer for good. Here the same
statements run one after another in one ordinary transaction (each is sent whole before its
answer is read, so neither side can wait on the other), and the transaction carries a
statement timeout: a write that takes longer than its budget fails (503 to the caller)
instead of hanging.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import Any, Protocol

import psycopg
from eventsourcing.persistence import IntegrityError, OperationalError, StoredEvent
from eventsourcing.postgres import (
    PostgresAggregateRecorder,
    PostgresFactory,
    PostgresProcessRecorder,
)
from psycopg import sql

from privatelink.infra.commit_pipeline import IDS_AS_PREDICTED, insert_with_views, pipelined

TOPIC = "privatelink.infra.recorder:PlainProcessRecorder"
FACTORY_TOPIC = "privatelink.infra.recorder:PlainPostgresFactory"
WRITE_BUDGET_SECONDS = 60
VALUES_ROWS = 4000
"""Events one INSERT of plain parameters carries at most (PostgreSQL takes 65,535)."""
VALUES_ROW = "(%s, %s, %s, %s)"
VALUES_TAIL = " RETURNING notification_id"


class PlainInserts:
    """One INSERT with a row of plain parameters per event (issue 17), for a recorder of the
    library: its array of composite values is dumped in Python, about three times the CPU (an
    event's ``bytea`` state as escaped text, byte by byte). A batch too large for one
    statement's parameters takes the library's way. ``values_tail`` ends the statement."""

    values_tail = ""
    datastore: Any
    events_table_name: str

    @cached_property
    def _values_head(self) -> str:
        return (
            sql.SQL("INSERT INTO {} (originator_id, originator_version, topic, state) VALUES ")
            .format(sql.Identifier(self.datastore.schema, self.events_table_name))
            .as_string(None)
        )

    def _insert_stored_events(
        self, curs: Any, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> None:
        if len(stored_events) > VALUES_ROWS:
            super()._insert_stored_events(curs, stored_events, **kwargs)  # type: ignore[misc]
            return
        params = [
            value
            for e in stored_events
            for value in (e.originator_id, e.originator_version, e.topic, e.state)
        ]
        curs.execute(self._values_insert(len(stored_events)), params, prepare=True)

    def _values_insert(self, rows: int) -> str:
        """The INSERT for ``rows`` events, made per call from its parts rendered once: a text
        kept per batch size would keep up to 4,000 of them, tens of kilobytes each (psycopg's
        cache of prepared statements is bounded: a hundred per connection)."""
        return f"{self._values_head}{', '.join([VALUES_ROW] * rows)}{self.values_tail}"


class CommitHook(Protocol):
    """Given as ``project`` (through ``ProcessingEvent.saved_kwargs``): called in the insert's
    transaction with the events and their notification ids, to write what must commit with
    them (the views: infra/views_in_commit.py). ``held`` is the views' position when the
    transaction holds it already (``views_at``: the writer's turn took it)."""

    def __call__(
        self,
        conn: Any,
        stored_events: Sequence[StoredEvent],
        ids: list[int],
        held: int | None = None,
    ) -> None: ...


class PlainProcessRecorder(PlainInserts, PostgresProcessRecorder):
    """Inserts events (and a tracking position) in one plain transaction, bounded in time."""

    values_tail = VALUES_TAIL

    write_budget_seconds: float = WRITE_BUDGET_SECONDS

    def __init__(self, datastore: Any, **kwargs: Any) -> None:
        # Every statement on the event store's connections (reads too) has a budget; this
        # recorder is built before the pool opens its first connection.
        datastore.pool.kwargs.setdefault(
            "options", f"-c statement_timeout={int(self.write_budget_seconds * 1000)}"
        )
        super().__init__(datastore, **kwargs)

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """In a transaction of its own; or, given ``conn``, in that connection's open
        transaction, whose opening sent the prologue (the writer's turn:
        infra/write_session.py) and whose owner commits it."""
        conn = kwargs.pop("conn", None)
        if conn is not None:
            try:
                return self._insert(conn, stored_events, **kwargs)
            except psycopg.IntegrityError as error:  # as the datastore's connections raise it
                raise IntegrityError(str(error)) from error
            except psycopg.OperationalError as error:
                raise OperationalError(str(error)) from error
        with self.datastore.get_connection() as conn, conn.transaction(), conn.cursor() as curs:
            curs.execute(self.prologue(bool(stored_events)))
            return self._insert(conn, stored_events, **kwargs)

    def _insert(
        self, conn: Any, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        two_phase: Any = kwargs.get("project")
        if pipelined(stored_events, two_phase, kwargs):
            return insert_with_views(self, conn, stored_events, two_phase, **kwargs)
        with conn.cursor() as curs:
            self._insert_events(curs, stored_events, **kwargs)
            if not stored_events:
                return None
            self._insert_stored_events(curs, stored_events, **kwargs)
            ids = self._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        project: CommitHook | None = kwargs.get("project")
        if project is not None and ids:
            project(conn, stored_events, list(ids), kwargs.get("views_at"))
        return ids

    @cached_property
    def ids_as_predicted(self) -> str:
        """The check of a batch's ids (infra/commit_pipeline.py, ``at_once``), rendered once."""
        table = sql.Identifier(self.datastore.schema, self.events_table_name)
        return IDS_AS_PREDICTED.format(table).as_string(None)

    def prologue(self, events: bool) -> sql.Composed:
        """The transaction's budget and, when it inserts events, the library's table lock
        (its lock timeout, then ``LOCK TABLE``: inserts commit in the order of their ids) and
        its NOTIFY, sent as one statement string: one round trip instead of four (issue 17)."""
        budget = sql.SQL("SET LOCAL statement_timeout = {}").format(
            sql.Literal(f"{int(self.write_budget_seconds * 1000)}ms")
        )
        if not events:
            return sql.Composed([budget])
        notify = sql.SQL("NOTIFY {}").format(sql.Identifier(self.channel_name))
        return sql.SQL("; ").join([budget, *self.lock_table_statements, notify])

    def _lock_table(self, curs: Any) -> None:
        """Taken in the prologue."""

    def _notify_channel(self, curs: Any) -> None:
        """Sent in the prologue."""


class PlainAggregateRecorder(PlainInserts, PostgresAggregateRecorder):
    """The snapshots' recorder, inserting like the events' (issue 17): a snapshot's state is
    one ``bytea``, a service's whole connection book (megabytes at thousands of endpoints);
    the library's way took about a third of a service snapshot's time."""


class PlainPostgresFactory(PostgresFactory):
    """The library's PostgreSQL persistence, with the snapshots' recorder above (the events'
    is chosen by ``PROCESS_RECORDER_TOPIC``)."""

    aggregate_recorder_class = PlainAggregateRecorder
