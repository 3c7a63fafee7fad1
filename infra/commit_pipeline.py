"""The writer's events, views and COMMIT in one round trip, or two (issue 17).

In the writer's turn (infra/write_session.py), a small batch goes to PostgreSQL in one
pipeline: the events' INSERT, then, in a savepoint, the views' row operations and the reads
its DNS names need; one sync brings back the events' ids and those reads. The DNS names that
changed, both tracking positions with the listeners' NOTIFY and COMMIT (which ends the
savepoint with the transaction) follow in the second. When no name needs a read (endpoints
the batch created, without zone affinity: every create), the rest goes in the first pipeline
too, with the ids predicted and checked by a statement inside the savepoint (``at_once``).
Before, the same commit took five round trips (INSERT, the names'
reads, the views' writes, COMMIT, and the hold of the views' position, now taken with the turn).

What stays as it was: the views are written only while they are exactly where the batch
begins (their held position is the id before its first); a batch whose views cannot be written
so is left to the projector (the savepoint is rolled back, the events commit). A views
statement that fails aborts only what follows it up to the sync (COMMIT included), so the
savepoint is rolled back and the events are committed after all. Large batches (more than
``PIPELINED_BYTES`` of events: psycopg's pipeline can deadlock on a Unix socket once a
megabyte or two is in flight) and batches whose names need a read first take the one-phase way.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Protocol

import psycopg
from eventsourcing.persistence import StoredEvent
from psycopg import sql
from psycopg.pq import ExecStatus

log = logging.getLogger("privatelink")

PIPELINED_BYTES = 256 * 1024


class TwoPhaseViews(Protocol):
    """The views written with the events in two phases (infra/views_in_commit.py)."""

    position: int | None
    rolled_back: bool

    def queue(self, conn: Any, stored_events: Sequence[StoredEvent], pipeline: Any) -> Any:
        """Send the savepoint, the row operations and the names' reads; None when this
        batch takes the one-phase way (nothing sent then)."""
        ...

    def complete(self, conn: Any, queued: Any, ids: list[int], held: int | None) -> None:
        """From the ids and the reads' answers: send the rest (COMMIT follows, and ends the
        savepoint), or roll the savepoint back."""
        ...

    def abandon(self, conn: Any) -> None:
        """A views statement failed: roll the savepoint back."""
        ...

    def ready(self, queued: Any) -> bool:
        """Whether the rest can be sent before the events' ids are known."""
        ...

    def __call__(
        self, conn: Any, stored_events: Sequence[StoredEvent], ids: list[int], held: int | None
    ) -> None:
        """The one-phase way, after the events' insert."""
        ...


def pipelined(stored_events: Sequence[StoredEvent], project: Any, kwargs: Any) -> bool:
    """Whether a batch takes the two round trips: it has events, a two-phase views writer,
    views that were where the log was when the turn opened (``views_at`` and ``log_at``: a
    batch after events the writer did not project leaves the views to the projector, without
    sending them at all), and few enough bytes to be in flight at once."""
    views_at = kwargs.get("views_at")
    return (
        bool(stored_events)
        and views_at is not None
        and views_at == kwargs.get("log_at")
        and hasattr(project, "queue")
        and sum(len(e.state) for e in stored_events) <= PIPELINED_BYTES
    )


def insert_with_views(
    recorder: Any,
    conn: Any,
    stored_events: Sequence[StoredEvent],
    views: TwoPhaseViews,
    **kwargs: Any,
) -> Sequence[int]:
    """Insert the events, write the views and commit, in the caller's open transaction."""
    tracking, inserted = conn.cursor(), conn.cursor()
    queued: list[Any] = [None, False]

    def first(pipeline: Any) -> None:
        recorder._insert_events(tracking, stored_events, **kwargs)
        recorder._insert_stored_events(inserted, stored_events, **kwargs)
        queued[0] = views.queue(conn, stored_events, pipeline)
        if queued[0] is not None and views.ready(queued[0]):
            queued[1] = at_once(recorder, conn, views, queued[0], (len(stored_events), kwargs))

    views_on = guarded(conn, inserted, views, first)
    ids = list(recorder._fetch_ids_after_insert_events(inserted, stored_events))
    if views_on and not queued[1]:
        second(conn, inserted, views, queued[0], (stored_events, ids, kwargs.get("views_at")))
    settle(conn, views)
    return ids


def at_once(recorder: Any, conn: Any, views: TwoPhaseViews, queued: Any, batch: Any) -> bool:
    """The rest in the same round trip, when no name needs a read: the batch's ids are
    predicted (the turn holds the event table's lock, and the log was at ``log_at`` when it
    opened: they follow it, unless the sequence skipped numbers, after a rolled-back insert),
    and a statement checks them before the positions are written, inside the savepoint, so a
    wrong guess rolls back to it and leaves the views to the projector, as a failed views
    statement does. A create is then two round trips: the turn's opening (with the requests'
    signature nonces), and this one."""
    count, kwargs = batch
    log_at = kwargs["log_at"]
    conn.execute(recorder.ids_as_predicted, (count, log_at + count, log_at, count), prepare=True)
    views.complete(conn, queued, list(range(log_at + 1, log_at + count + 1)), kwargs["views_at"])
    conn.execute("COMMIT")  # not run by the server when a statement before it fails
    return True


IDS_AS_PREDICTED = sql.SQL(
    "SELECT CASE WHEN count(*) = %s AND max(id) = %s THEN 1 ELSE "
    "('the batch''s ids are not the ones predicted: ' || count(*))::int END "
    "FROM (SELECT notification_id AS id FROM {} WHERE notification_id > %s "
    "ORDER BY notification_id LIMIT %s + 1) AS batch"
)
"""The LIMIT keeps it a walk of the batch's own ids in the index: without it, the plan
PostgreSQL keeps for the prepared statement (made for any position) scanned a third of the
table, more at every create as the log grew (0.15-0.2 ms at a thousand events)."""


def settle(conn: Any, views: TwoPhaseViews) -> None:
    """After a ROLLBACK TO SAVEPOINT sent in a pipeline: psycopg forgets its prepared
    statements when it reads that answer, and deallocates them on the server at the end of the
    next statement it runs. In a pipeline the answer is read late, and that next statement may
    be one it has just prepared, which is then gone while psycopg thinks it is there
    ("prepared statement does not exist" on that connection from then on; seen when a server
    restarted with its views behind). A statement that prepares nothing, run at once,
    deallocates them first."""
    if views.rolled_back:
        views.rolled_back = False
        conn.execute("SELECT 1", prepare=False)


def second(
    conn: Any, inserted: Any, views: TwoPhaseViews, queued: Any, batch: tuple[Any, Any, Any]
) -> None:
    """The second round trip: the rest of the views and COMMIT; or, for a batch that takes
    the one-phase way, that way, outside a pipeline (COPY cannot be in one)."""
    stored_events, ids, held = batch
    if queued is None:
        views(conn, stored_events, ids, held)
        return

    def send(_: Any) -> None:
        views.complete(conn, queued, ids, held)
        conn.execute("COMMIT")  # not run by the server when a views statement before it fails

    guarded(conn, inserted, views, send)


def guarded(conn: Any, inserted: Any, views: TwoPhaseViews, send: Any) -> bool:
    """Send in one pipeline, whose end is its one sync: psycopg sends a Sync when a pipeline
    block ends, and waits for it, so a ``sync()`` inside the block cost a second round trip
    (issue 17). False when the views failed (a statement PostgreSQL refused, which psycopg
    reports at a later statement or at the sync and which aborts the transaction up to the
    sync, COMMIT included; or an error in the views' own code) while the events' insert did
    not: the savepoint is rolled back, the views are left to the projector, and the writer's
    session commits the events."""
    try:
        with conn.pipeline() as pipeline:
            send(pipeline)
        return True
    except Exception as error:
        result = inserted.pgresult  # every answer up to the sync has arrived
        if result is None or result.status != ExecStatus.TUPLES_OK:
            raise  # the events' insert failed: the batch fails as a whole
        try:
            views.abandon(conn)
        except psycopg.Error:
            raise error from None  # e.g. COMMIT itself failed: the transaction is gone
        log.warning(
            "the views could not be written with the commit (%s); the projector will", error
        )
        return False
