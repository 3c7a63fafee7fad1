"""The read views in PostgreSQL: one table of JSON documents keyed by (kind, key), and the
projector's tracking position, written together in one transaction per batch."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from typing import Any

from psycopg import Connection, Cursor, Pipeline, sql
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool

from privatelink.infra import view_sql, view_writes
from privatelink.infra.dns_store import PROJECTION as DNS_PROJECTION
from privatelink.infra.dns_store import DnsRecords
from privatelink.projections.ops import Op, Put

VIEWS_TABLE = "pl_views"
TRACKING_TABLE = "pl_view_tracking"
PROJECTION = "views"
BULK = 200


def dns_table_for(views_table: str) -> str:
    """The DNS-record view's table beside a views table (the live one, or a rebuild's)."""
    return "pl_dns_records" if views_table == VIEWS_TABLE else f"{views_table}_dns"


class PostgresViews:
    """Writes and reads the views of one schema."""

    def __init__(
        self,
        pool: ConnectionPool,
        schema: str,
        table: str = VIEWS_TABLE,
        tracking: str = TRACKING_TABLE,
    ) -> None:
        self.pool = pool
        self.schema = schema
        self.table_name = table
        self.table = sql.Identifier(schema, table)
        self.tracking_name = tracking
        self.tracking = sql.Identifier(schema, tracking)
        self.channel = f"pl_views_{schema}"[:63]
        self.dns = DnsRecords(schema, dns_table_for(table), self.table)
        self._statements = view_sql.statements(self.table, self.tracking)
        # Composed SQL is rendered once, not on every execution (it is the projector's hot path).
        self._texts = {
            name: statement.as_string(None) for name, statement in self._statements.items()
        }
        self.hold_in_turn = view_sql.hold(self.tracking, sql.Literal(PROJECTION)).as_string(None)
        """The hold as the writer's turn opening sends it (infra/write_session.py)."""

    def create_tables(self) -> None:
        with self.pool.connection() as conn:
            for statement in view_sql.tables(self.table, self.tracking, self.table_name):
                conn.execute(statement)
            self.dns.create_table(conn)

    def drop_tables(self) -> None:
        with self.pool.connection() as conn:
            conn.execute(
                sql.SQL("DROP TABLE IF EXISTS {}, {}, {}").format(
                    self.table, self.tracking, self.dns.table
                )
            )

    def snapshot(self) -> tuple[int, list[tuple[str, str, str, str, str, Any]]]:
        """The rows together with the position they reflect, read in one transaction."""
        with self.pool.connection() as conn, conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            row = conn.execute(
                sql.SQL("SELECT position FROM {} WHERE name=%s").format(self.tracking),
                (PROJECTION,),
            ).fetchone()
            rows = conn.execute(
                sql.SQL(
                    "SELECT kind, key, owner, region, parent, doc FROM {} ORDER BY kind, key"
                ).format(self.table)
            ).fetchall()
            names = self.dns.current(conn)
        return (int(row[0]) if row else 0), [*(tuple(r) for r in rows), *names]

    # -- writing --------------------------------------------------------------------------

    def apply(self, ops: Sequence[Op], position: int, after: int | None = None) -> bool:
        """Apply a batch's operations and move the tracking position, atomically, in a
        transaction of its own; then tell listeners in other processes where the views are.
        With ``after``, only while the views are still at ``after``: the writer may have
        written them in its own commit meanwhile (issue 17); then nothing is written and the
        answer is False."""
        with self.pool.connection() as conn, self._batch(conn, ops):
            # The views are rebuilt from the log after a crash anyway: their commit need not
            # wait for the disk (the tracking position commits with them, so none is skipped).
            conn.execute("SET LOCAL synchronous_commit TO OFF")
            return self._write_at(conn, ops, position, after)

    def write_at(
        self,
        conn: Connection[Any],
        ops: Sequence[Op],
        position: int,
        after: int,
        held: int | None = None,
    ) -> bool:
        """In a savepoint of the caller's transaction (a failure leaves the rest of it to
        commit), write a batch only while the views are at ``after``: the writer's commit
        (infra/views_in_commit.py). False, and nothing written, otherwise. ``held`` is the
        views' position when the transaction holds it already (the writer's turn took it)."""
        with self._batch(conn, ops):
            return self._write_at(conn, ops, position, after, held)

    @contextmanager
    def _batch(self, conn: Connection[Any], ops: Sequence[Op]) -> Iterator[None]:
        """A transaction (a savepoint within one) for a batch, in a pipeline unless the batch
        goes through COPY, which a pipeline cannot carry: its first statements and the locked
        position then cost one round trip."""
        with nullcontext() if self.bulk(ops) else conn.pipeline(), conn.transaction():
            yield

    def _write_at(
        self,
        conn: Connection[Any],
        ops: Sequence[Op],
        position: int,
        after: int | None,
        held: int | None = None,
    ) -> bool:
        if after is not None and (self.hold(conn) if held is None else held) != after:
            return False
        self.write_in(conn, ops, position)
        return True

    @staticmethod
    def bulk(ops: Sequence[Op]) -> bool:
        """Whether a batch is written by COPY (large) rather than statement by statement."""
        return sum(isinstance(op, Put) for op in ops) >= BULK

    def hold(self, conn: Connection[Any]) -> int:
        """The views' position, locked until the caller's transaction ends."""
        row = conn.execute(self._texts["hold"], (PROJECTION,), prepare=True).fetchone()
        return int(row[0]) if row else 0

    def write_in(self, conn: Connection[Any], ops: Sequence[Op], position: int) -> None:
        """Write a batch's operations, its DNS names and the tracking positions in the
        caller's transaction. Large batches (a rebuild, a catch-up) go through COPY; they must
        be compacted (one operation per row between DeleteChildren barriers), as
        ``projections.ops.compact`` makes them."""
        if self.bulk(ops):
            conn.execute(view_sql.staging(self.table))
            with conn.cursor() as cur:
                view_writes.write_bulk(cur, self._texts, self.table, ops)
                self._finish(conn, cur, ops, position, prepare=None)
            return
        with conn.pipeline() as pipeline, conn.cursor() as cur:
            self.send_ops(cur, pipeline, ops)
            self._finish(conn, cur, ops, position, prepare=True)

    def send_ops(self, cur: Cursor[Any], pipeline: Pipeline, ops: Sequence[Op]) -> None:
        """Send a batch's row operations in the caller's pipeline."""
        view_writes.write_ops(cur, pipeline, self._texts, ops)

    def send_finish(self, cur: Cursor[Any], position: int, prepare: bool | None = True) -> None:
        """Send both tracking positions and the listeners' NOTIFY."""
        cur.execute(
            self._texts["finish"],
            (PROJECTION, position, DNS_PROJECTION, position, self.channel, str(position)),
            prepare=prepare,
        )

    def _finish(
        self,
        conn: Connection[Any],
        cur: Cursor[Any],
        ops: Sequence[Op],
        position: int,
        *,
        prepare: bool | None,
    ) -> None:
        """Refresh the DNS names, move both tracking positions and tell the listeners."""
        self.dns.refresh(conn, ops, position)
        self.send_finish(cur, position, prepare)

    def position(self) -> int:
        with self.pool.connection() as conn:
            row = conn.execute(
                sql.SQL("SELECT position FROM {} WHERE name=%s").format(self.tracking),
                (PROJECTION,),
            ).fetchone()
        return int(row[0]) if row else 0

    # -- reading --------------------------------------------------------------------------

    def get(self, kind: str, key: str) -> dict[str, Any] | None:
        with self.pool.connection() as conn:
            row = conn.execute(
                sql.SQL(
                    "SELECT owner, region, parent, doc FROM {} WHERE kind=%s AND key=%s"
                ).format(self.table),
                (kind, key),
                prepare=True,
            ).fetchone()
        if row is None:
            return None
        return {"owner": row[0], "region": row[1], "parent": row[2], "doc": row[3]}

    def page(
        self,
        kind: str,
        *,
        owner: str | None = None,
        region: str | None = None,
        parent: str | None = None,
        contains: dict[str, Any] | None = None,
        keys: Sequence[str] | None = None,
        visible_to: str | None = None,
        after: str | None = None,
        limit: int = 50,
    ) -> tuple[list[tuple[str, dict[str, Any]]], int]:
        """One page of rows (ordered by key, after ``after``) and the total that match."""
        found = view_sql.RowFilter(kind, owner, region, parent, contains, keys, visible_to)
        where, params = view_sql.where(self.table, found)
        count_q, page_q, page_params = view_sql.page_queries(
            self.table, where, params, after, limit
        )
        with self.pool.connection() as conn:
            total = conn.execute(count_q, params).fetchone()
            rows = conn.execute(page_q, page_params).fetchall()
        return [(r[0], r[1]) for r in rows], int(total[0]) if total else 0

    def count(
        self, kind: str, contains: dict[str, Any], exclude: dict[str, Any] | None = None
    ) -> int:
        """How many rows of a kind contain ``contains`` and not ``exclude``."""
        query = sql.SQL("SELECT count(*) FROM {} WHERE kind=%s AND doc @> %s").format(self.table)
        params: list[Any] = [kind, Jsonb(contains)]
        if exclude:
            query += sql.SQL(" AND NOT doc @> %s")
            params.append(Jsonb(exclude))
        with self.pool.connection() as conn:
            row = conn.execute(query, params).fetchone()
        return int(row[0]) if row else 0

    def children(self, kind: str, parents: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        """Every row of a kind under each parent, ordered by key."""
        found: dict[str, list[dict[str, Any]]] = {p: [] for p in parents}
        if not parents:
            return found
        with self.pool.connection() as conn:
            rows = conn.execute(
                sql.SQL(
                    "SELECT parent, doc FROM {} WHERE kind=%s AND parent = ANY(%s) ORDER BY key"
                ).format(self.table),
                (kind, list(parents)),
            ).fetchall()
        for parent, doc in rows:
            found[parent].append(doc)
        return found

    def rows(self) -> list[tuple[str, str, str, str, str, Any]]:
        """Every row, in key order, then the DNS names: for rebuild verification and tests."""
        with self.pool.connection() as conn:
            rows = [
                tuple(r)
                for r in conn.execute(
                    sql.SQL(
                        "SELECT kind, key, owner, region, parent, doc FROM {} ORDER BY kind, key"
                    ).format(self.table)
                ).fetchall()
            ]
            return [*rows, *self.dns.current(conn)]
