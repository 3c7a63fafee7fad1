"""The views written in the writer's own commit (issue 17): read-your-writes without a
second transaction, a wake-up of the projector, or a wait.

The events of a batch are projected in the transaction that inserts them, after their
notification ids are known, in a savepoint: when the views are exactly where the batch begins
(their position is the id before its first, and its ids are consecutive), the batch's
operations, DNS names and the views' position are written with the events, under the row lock
of that position. Anything else (another process's events not yet projected, a gap in the ids,
a projection that fails) leaves the batch to the projector thread, which follows the log as
before and writes only while the views are where it read them from. Either way the views are
made by the same projection from the events as stored, so a rebuild from the log equals them.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from eventsourcing.persistence import Mapper, StoredEvent
from psycopg import Connection, Cursor, Pipeline
from psycopg.rows import tuple_row

from privatelink.infra.dns_store import NameReads, touched
from privatelink.infra.view_store import PostgresViews
from privatelink.projections.ops import Delete, DeleteChildren, Op, Patch, Put, compact
from privatelink.projections.views import ViewsProjection

log = logging.getLogger("privatelink")

SAVEPOINT = "pl_views_in_commit"


@dataclass(frozen=True)
class Queued:
    """What the first phase sent: the batch's operations on ``cursor``, and the reads of the
    names they touch (None when they touch none)."""

    cursor: Cursor[Any]
    reads: NameReads | None


class ViewsInCommit:
    """Makes one :class:`Projecting` per commit of the writer."""

    def __init__(self, mapper: Mapper[Any], views: PostgresViews) -> None:
        self.mapper = mapper
        self.views = views
        self.projection = ViewsProjection()

    def hook(self) -> Projecting:
        return Projecting(self)


class Projecting:
    """The recorder's ``project`` hook for one commit; ``position`` is where the views are
    once it commits, when it wrote them."""

    def __init__(self, owner: ViewsInCommit) -> None:
        self.owner = owner
        self.position: int | None = None
        self.rolled_back = False
        """Whether the savepoint was rolled back (infra/commit_pipeline.py settles then)."""
        self._made: list[Op] | None = None
        self._written: WrittenRows | None = None

    def __call__(
        self,
        conn: Connection[Any],
        stored_events: Sequence[StoredEvent],
        ids: list[int],
        held: int | None = None,
    ) -> None:
        if not begins_at_views(ids, held):
            return  # the projector reads this stretch from the log
        # The event store's connections make dict rows; the views read theirs as tuples.
        rows, conn.row_factory = conn.row_factory, tuple_row
        try:
            ops = self._ops(stored_events)
            written = self.owner.views.write_at(conn, ops, ids[-1], ids[0] - 1, held)
        except Exception:  # the projector thread takes the batch from the log
            log.exception("the views could not be written with the commit; the projector will")
            return
        finally:
            conn.row_factory = rows
        if written:
            self.position = ids[-1]

    # -- the two phases (infra/commit_pipeline.py) --------------------------------------------

    def queue(
        self, conn: Connection[Any], stored_events: Sequence[StoredEvent], pipeline: Pipeline
    ) -> Queued | None:
        """In the events' pipeline: a savepoint, the operations, the names' reads. None (and
        nothing sent) for a batch that takes the one-phase way: large (COPY), or whose names
        need a read first (a service's zone affinity changed), or not projectable."""
        views = self.owner.views
        try:
            ops = self._ops(stored_events)
        except Exception:  # noqa: BLE001 - the one-phase way logs it; the projector writes it
            return None
        endpoints, services = touched(ops)
        if services or views.bulk(ops):
            return None
        conn.execute(f"SAVEPOINT {SAVEPOINT}")
        cursor = conn.cursor()
        views.send_ops(cursor, pipeline, ops)
        reads = None
        if endpoints:
            written = self.written().unencoded()
            reads = views.dns.read_names(conn, sorted(endpoints), written)
        return Queued(cursor, reads)

    def complete(
        self, conn: Connection[Any], queued: Queued, ids: list[int], held: int | None
    ) -> None:
        """After the sync: the changed names and the positions (the caller's COMMIT follows);
        or, when the views are not where the batch begins, the savepoint rolled back."""
        if held is None or not begins_at_views(ids, held):
            self.abandon(conn)
            return
        views = self.owner.views
        if queued.reads is not None:
            views.dns.write_names(conn, queued.reads, ids[-1])
        views.send_finish(queued.cursor, ids[-1])
        # No RELEASE: the COMMIT sent right after in the same round trip ends the savepoint.
        self.position = ids[-1]

    @staticmethod
    def ready(queued: Queued) -> bool:
        """Whether the rest can be sent before the events' ids are known: no name of the
        batch needs a read first (new endpoints without zone affinity, or none touched)."""
        return queued.reads is None or queued.reads.ready

    def abandon(self, conn: Connection[Any]) -> None:
        """Undo the views' part (a statement or the views' code failed, or the views are
        not where the batch begins); the projector writes them."""
        self.position = None
        self.rolled_back = True
        conn.execute(f"ROLLBACK TO SAVEPOINT {SAVEPOINT}")

    def written(self) -> WrittenRows:
        """The rows this commit put into the views, by (kind, key), as a read right after it
        finds them; a row the batch only patched or deleted is absent (a read answers it).
        Made once per commit (the names' reads and the answers share it)."""
        if self._written is None:
            self._written = WrittenRows(self._made or [])
        return self._written

    def _ops(self, stored_events: Sequence[StoredEvent]) -> list[Op]:
        """The commit's operations, made once: a batch that the two phases hand to the
        one-phase way is not decoded and projected again."""
        if self._made is None:
            ops: list[Op] = []
            for stored in stored_events:
                event = self.owner.mapper.to_domain_event(stored)
                ops.extend(self.owner.projection.ops_for(event))
            self._made = compact(ops)
        return self._made


def begins_at_views(ids: list[int], held: int | None) -> bool:
    """Whether the writer may write a batch's views: its ids run without a gap and, when the
    views' position is held already (the turn took it), start right after it. (Without it,
    ``PostgresViews.write_at`` takes and compares the position itself.)"""
    return ids[-1] - ids[0] + 1 == len(ids) and (held is None or held == ids[0] - 1)


class WrittenRows(Mapping[tuple[str, str], dict[str, Any]]):
    """A commit's rows, each made only when asked for (in the answering thread, not the
    writer's): the batch's compacted operations replayed in order from its Puts (a Put
    replaces the whole row), its document through JSON as the ``jsonb`` column returns it."""

    def __init__(self, ops: Sequence[Op]) -> None:
        self._puts: dict[tuple[str, str], Put] = {}
        for op in ops:
            if isinstance(op, Put):
                self._puts[(op.kind, op.key)] = op
            elif isinstance(op, Patch) and (op.kind, op.key) in self._puts:
                put = self._puts[(op.kind, op.key)]
                self._puts[(op.kind, op.key)] = replace(put, doc={**put.doc, **op.fields})
            elif isinstance(op, Delete):
                self._puts.pop((op.kind, op.key), None)
            elif isinstance(op, DeleteChildren):
                for key, put in list(self._puts.items()):
                    if put.kind == op.kind and put.parent == op.parent:
                        del self._puts[key]

    def __getitem__(self, key: tuple[str, str]) -> dict[str, Any]:
        put = self._puts[key]
        doc = json.loads(json.dumps(put.doc))
        return {"owner": put.owner, "region": put.region, "parent": put.parent, "doc": doc}

    def unencoded(self) -> dict[tuple[str, str], dict[str, Any]]:
        """The rows with their documents as the projection made them, not through JSON (the
        DNS names made from them are written as JSON; a JSON round trip of every row cost
        about a tenth of a one-create batch's CPU)."""
        return {
            k: {"owner": p.owner, "region": p.region, "parent": p.parent, "doc": p.doc}
            for k, p in self._puts.items()
        }

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._puts)

    def __len__(self) -> int:
        return len(self._puts)
