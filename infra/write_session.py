"""The writer's turn and its transaction in one (issue 10's turns, issue 17's round trips).

Writers of several processes take turns (issue 10, "Several processes"): each decides its
batch of commands against cached aggregates, and two processes writing the same busy aggregate
(a service every endpoint touches) at the same moment would lose the race in turn. So a writer
decides and commits only in its turn, after catching up with what the others committed, and
its decisions never lose.

A turn is one transaction on one connection of the event store. Its opening is one statement
string, one round trip: BEGIN, the write budget, the turn (a transaction-level advisory lock
keyed by the schema, waited for at most ``wait_seconds``), the event table's lock (inserts
commit in the order of their ids) and its NOTIFY, then the (position, aggregate) pairs written
after the position the writer has seen, and the signature nonces of the batch's requests,
remembered (those used before come back missing, and their jobs are refused before anything is
decided). The writer decides the batch, the recorder inserts its events (and the views are
written) on the same connection, and COMMIT ends the turn, or ROLLBACK when nothing was
decided (and no nonce taken). Before, the turn was a session lock on a connection of its
own, and a batch cost eleven round trips (lock, change feed, BEGIN, prologue, insert, the
views' hold, names and writes, COMMIT, unlock), and each request one more for its nonce; now
a batch costs two: the opening, and infra/commit_pipeline.py's (the events with the views, the
names and COMMIT; a second when the names need a read first).

The writer keeps its connection from one turn to the next, instead of taking one from the
pool for each batch (the pool's check, a poll of the socket, and the hand-back cost CPU and
give up the interpreter's lock to other threads at each batch); a connection found broken
when a turn opens goes back to the pool, and the turn opens once more on a fresh one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from typing import Any
from uuid import UUID

import psycopg
from psycopg import sql

log = logging.getLogger("privatelink")

LOCK_NAME = "privatelink-writer"


def opening(recorder: Any, schema: str, wait_seconds: float, hold: str | None) -> sql.Composed:
    """A turn's opening statements, up to the position of its change query."""
    turn = sql.SQL(
        "SET LOCAL lock_timeout = {wait}; "
        "SELECT pg_advisory_xact_lock(hashtext({name}), hashtext({schema}))"
    ).format(
        wait=sql.Literal(f"{int(wait_seconds * 1000)}ms"),
        name=sql.Literal(LOCK_NAME),
        schema=sql.Literal(schema),
    )
    return sql.SQL(
        "BEGIN; {turn}; {prologue}; {hold}SELECT notification_id, originator_id FROM {table} "
        "WHERE notification_id > "
    ).format(
        turn=turn,
        prologue=recorder.prologue(events=True),
        hold=sql.SQL(f"{hold}; " if hold else ""),
        table=sql.Identifier(recorder.datastore.schema, recorder.events_table_name),
    )


class PostgresWriteSession:
    """The schema's write turn: ``begin`` waits for it; ``commit`` or ``end`` give it back."""

    nonces: Any = None
    """The signature nonces' store (infra/edge_store.py), when the turn is to remember the
    nonces of the requests it decides (issue 17: no round trip of their own); ``fresh`` is
    then, while a turn is open, the (AccessKey, nonce) pairs it remembered, not used before."""

    def __init__(
        self, recorder: Any, schema: str, wait_seconds: float, hold: str | None = None
    ) -> None:
        self.recorder = recorder
        self.hold = hold
        """A statement the opening also runs, answering one position that the turn then
        holds (the views' position, when the writer writes the views: ``views_at``)."""
        self.held: int | None = None
        self.log_at = 0  # the log's last position when the turn opened
        self.datastore = recorder.datastore
        self.conn: psycopg.Connection[Any] | None = None  # while a turn is open
        self._kept: psycopg.Connection[Any] | None = None
        self._stack: ExitStack | None = None
        self.pids: set[int] = set()
        """The backend pid of the connection the writer keeps, while it keeps one: the
        followers of the log know its NOTIFYs by it."""
        self._kept_pid = 0  # read when taken: a broken connection answers 0
        self._taken: list[Any] = []  # the nonces the open turn remembered
        self.on_connection: Callable[[], None] = lambda: None
        """Called when the writer takes a connection: a NOTIFY its previous user sent may
        still be queued, and the followers must not take it for the writer's."""
        # Rendered once; the position is appended.
        self._opening = opening(recorder, schema, wait_seconds, hold).as_string(None)

    @property
    def open(self) -> bool:
        return self.conn is not None

    def begin(self, seen: int, nonces: Sequence[Any] = ()) -> list[tuple[int, UUID]]:
        """Take the turn in a new transaction: the (position, aggregate) pairs written after
        ``seen``; with the requests' ``nonces`` remembered in it (``fresh`` says which were
        not used before). A connection that broke while idle (PostgreSQL restarted) gets one
        fresh try; a turn that does not come in time raises (the batch answers 503)."""
        for attempt in (1, 2):
            try:
                return self._begin(seen, nonces if self.nonces is not None else ())
            except psycopg.OperationalError:
                broken = self.conn is None or self.conn.broken or self.conn.closed
                self.end()
                if attempt == 2 or not broken:
                    raise
        raise AssertionError("unreachable")

    def _begin(self, seen: int, nonces: Sequence[Any]) -> list[tuple[int, UUID]]:
        self.end()
        if self._kept is None:
            self._stack = ExitStack()
            self._kept = self._stack.enter_context(self.datastore.get_connection())
            self._kept_pid = self._kept.info.backend_pid
            self.pids.add(self._kept_pid)
            self.on_connection()
        self.conn = self._kept
        opening = f"{self._opening}{int(seen)} ORDER BY notification_id"
        if nonces:
            opening += "; " + self.nonces.remembering(self.conn, nonces)
        with self.conn.cursor() as cursor:
            cursor.execute(opening)
            answered = [cursor.fetchall() if cursor.description else None]
            while cursor.nextset():
                answered.append(cursor.fetchall() if cursor.description else None)
        if nonces:
            self._remembered(nonces, answered.pop() or [])
        changes = answered[-1] or []
        self.held = int(answered[-2][0]["position"]) if self.hold and answered[-2] else None
        self.log_at = max([seen, *(row["notification_id"] for row in changes)])
        return [(row["notification_id"], row["originator_id"]) for row in changes]

    def remember(self, nonces: Sequence[Any]) -> set[tuple[str, str]]:
        """Remember more requests' nonces in the open turn (one round trip): the (AccessKey,
        nonce) pairs of those not used before, this turn's own included."""
        if not nonces or self.nonces is None or self.conn is None:
            return set()
        with self.conn.cursor() as cursor:
            cursor.execute(self.nonces.remembering(self.conn, nonces))
            return self._remembered(nonces, cursor.fetchall())

    def _remembered(self, nonces: Sequence[Any], rows: list[Any]) -> set[tuple[str, str]]:
        fresh = {(row["access_key_id"], row["nonce"]) for row in rows}
        self._taken += [nonce for nonce in nonces if nonce.key in fresh]
        return fresh

    @property
    def fresh(self) -> set[tuple[str, str]]:
        """The (AccessKey, nonce) pairs the open turn remembered, not used before."""
        return {nonce.key for nonce in self._taken}

    def record_kwargs(self) -> dict[str, Any]:
        """What the recorder's insert takes to write in this transaction (and the position
        the turn holds)."""
        return {"conn": self.conn, "views_at": self.held, "log_at": self.log_at}

    def commit(self) -> None:
        """Commit the turn's transaction and give the turn back."""
        assert self.conn is not None
        try:
            self.conn.commit()
            for nonce in self._taken:  # remembered for good: no later turn takes them again
                nonce.settled = True
        finally:
            self.end()

    def end(self) -> None:
        """Give the turn back without committing (a rollback). The connection is kept for
        the next turn (no pool check and hand-back per batch); a broken one goes back to the
        pool, which replaces it, and the next turn takes another."""
        conn, self.conn = self.conn, None
        self.held = None
        self._taken = []  # rolled back: a later turn takes them again
        if conn is None:
            return
        if not conn.closed and not conn.broken:
            try:
                conn.rollback()
                return
            except psycopg.Error:
                log.warning("the write turn's connection broke; it is released with it")
        self._release()

    def _release(self) -> None:
        self.pids.discard(self._kept_pid)
        stack, self._stack, self._kept = self._stack, None, None
        if stack is not None:
            try:
                stack.close()
            except Exception:  # noqa: BLE001 - the pool replaces the connection
                log.warning("the write turn's connection could not go back to the pool")

    def close(self) -> None:
        self.end()
        self._release()
