"""The read views in PostgreSQL: one table of JSON documents keyed by (kind, key), and the
projector's tracking position, written together in one transaction per batch."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from psycopg import sql
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool

from privatelink.infra.dns_store import PROJECTION as DNS_PROJECTION
from privatelink.infra.dns_store import DnsRecords
from privatelink.projections.ops import Delete, DeleteChildren, Op, Patch, Put

VIEWS_TABLE = "pl_views"
TRACKING_TABLE = "pl_view_tracking"
PROJECTION = "views"
BULK = 200
PIPELINE_SYNC_EVERY = 100
"""Statements sent between two syncs of a pipeline, and rows per ``executemany`` (which
pipelines too): a few hundred kilobytes at most in flight."""


def chunked(rows: list[Any], size: int = PIPELINE_SYNC_EVERY) -> list[list[Any]]:
    return [rows[i : i + size] for i in range(0, len(rows), size)]


def dns_table_for(views_table: str) -> str:
    """The DNS-record view's table beside a views table (the live one, or a rebuild's)."""
    return "pl_dns_records" if views_table == VIEWS_TABLE else f"{views_table}_dns"


def segments(ops: Sequence[Op]) -> list[tuple[list[Op], DeleteChildren | None]]:
    """Runs of operations between DeleteChildren barriers, each with the barrier after it."""
    found: list[tuple[list[Op], DeleteChildren | None]] = []
    run: list[Op] = []
    for op in ops:
        if isinstance(op, DeleteChildren):
            found.append((run, op))
            run = []
        else:
            run.append(op)
    found.append((run, None))
    return found


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
        self._statements = self._build_statements()
        # Composed SQL is rendered once, not on every execution (it is the projector's hot path).
        self._texts = {
            name: statement.as_string(None) for name, statement in self._statements.items()
        }

    def create_tables(self) -> None:
        t, k, name = self.table, self.tracking, self.table_name
        with self.pool.connection() as conn:
            conn.execute(
                sql.SQL(
                    "CREATE TABLE IF NOT EXISTS {} (kind text NOT NULL, key text NOT NULL, "
                    "owner text NOT NULL, region text NOT NULL, parent text NOT NULL DEFAULT '', "
                    "doc jsonb NOT NULL, PRIMARY KEY (kind, key))"
                ).format(t)
            )
            conn.execute(
                sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} (kind, owner, region, key)").format(
                    sql.Identifier(f"{name}_owner_idx"), t
                )
            )
            conn.execute(
                sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} (kind, parent, key)").format(
                    sql.Identifier(f"{name}_parent_idx"), t
                )
            )
            conn.execute(
                sql.SQL(
                    "CREATE TABLE IF NOT EXISTS {} (name text PRIMARY KEY, position bigint NOT NULL)"
                ).format(k)
            )
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

    def _build_statements(self) -> dict[str, sql.Composed]:
        t = self.table
        return {
            "put": sql.SQL(
                "INSERT INTO {} (kind, key, owner, region, parent, doc) VALUES (%s,%s,%s,%s,%s,%s) "
                "ON CONFLICT (kind, key) DO UPDATE SET owner=EXCLUDED.owner, "
                "region=EXCLUDED.region, parent=EXCLUDED.parent, doc=EXCLUDED.doc"
            ).format(t),
            "patch": sql.SQL("UPDATE {} SET doc = doc || %s WHERE kind=%s AND key=%s").format(t),
            "delete": sql.SQL("DELETE FROM {} WHERE kind=%s AND key=%s").format(t),
            "delete_children": sql.SQL("DELETE FROM {} WHERE kind=%s AND parent=%s").format(t),
            "track": sql.SQL(
                "INSERT INTO {} (name, position) VALUES (%s, %s) ON CONFLICT (name) DO UPDATE "
                "SET position = EXCLUDED.position WHERE {}.position < EXCLUDED.position"
            ).format(self.tracking, self.tracking),
        }

    # -- writing --------------------------------------------------------------------------

    def apply(self, ops: Sequence[Op], position: int) -> None:
        """Apply a batch's operations and move the tracking position, atomically; then
        tell listeners in other processes where the views are. Large batches (a rebuild, a
        catch-up) go through COPY; they must be compacted (one operation per row between
        DeleteChildren barriers), as ``projections.ops.compact`` makes them."""
        if sum(isinstance(op, Put) for op in ops) >= BULK:
            self._apply_bulk(ops, position)
            return
        s = self._texts
        with self.pool.connection() as conn, conn.pipeline() as pipeline, conn.transaction():
            # The views are rebuilt from the log after a crash anyway: their commit need not
            # wait for the disk (the tracking position commits with them, so none is skipped).
            conn.execute("SET LOCAL synchronous_commit TO OFF")
            with conn.cursor() as cur:
                for count, op in enumerate(ops, 1):
                    if count % PIPELINE_SYNC_EVERY == 0:
                        # Bounded bytes in flight: psycopg's pipeline deadlocks on a Unix
                        # socket (the embedded store) once a megabyte or two is unsynced.
                        pipeline.sync()
                    if isinstance(op, Put):
                        cur.execute(
                            s["put"],
                            (op.kind, op.key, op.owner, op.region, op.parent, Jsonb(op.doc)),
                            prepare=True,
                        )
                    elif isinstance(op, Patch):
                        cur.execute(s["patch"], (Jsonb(op.fields), op.kind, op.key), prepare=True)
                    elif isinstance(op, Delete):
                        cur.execute(s["delete"], (op.kind, op.key), prepare=True)
                    elif isinstance(op, DeleteChildren):
                        cur.execute(s["delete_children"], (op.kind, op.parent), prepare=True)
                self.dns.refresh(conn, ops, position)
                cur.execute(s["track"], (PROJECTION, position), prepare=True)
                cur.execute(s["track"], (DNS_PROJECTION, position), prepare=True)
                cur.execute("SELECT pg_notify(%s, %s)", (self.channel, str(position)))

    def _apply_bulk(self, ops: Sequence[Op], position: int) -> None:
        s = self._texts
        with self.pool.connection() as conn, conn.transaction():
            conn.execute("SET LOCAL synchronous_commit TO OFF")
            conn.execute(
                sql.SQL(
                    "CREATE TEMP TABLE IF NOT EXISTS pl_staging (LIKE {}) ON COMMIT DELETE ROWS"
                ).format(self.table)
            )
            with conn.cursor() as cur:
                for segment, barrier in segments(ops):
                    self._copy_puts(cur, [op for op in segment if isinstance(op, Put)])
                    for rows in chunked(
                        [
                            (Jsonb(op.fields), op.kind, op.key)
                            for op in segment
                            if isinstance(op, Patch)
                        ]
                    ):
                        cur.executemany(s["patch"], rows)
                    for rows in chunked(
                        [(op.kind, op.key) for op in segment if isinstance(op, Delete)]
                    ):
                        cur.executemany(s["delete"], rows)
                    if barrier is not None:
                        cur.execute(s["delete_children"], (barrier.kind, barrier.parent))
                self.dns.refresh(conn, ops, position)
                cur.execute(s["track"], (PROJECTION, position))
                cur.execute(s["track"], (DNS_PROJECTION, position))
                cur.execute("SELECT pg_notify(%s, %s)", (self.channel, str(position)))

    def _copy_puts(self, cur: Any, puts: list[Put]) -> None:
        if not puts:
            return
        with cur.copy("COPY pl_staging (kind, key, owner, region, parent, doc) FROM STDIN") as copy:
            copy.set_types(["text", "text", "text", "text", "text", "jsonb"])
            for op in puts:
                copy.write_row((op.kind, op.key, op.owner, op.region, op.parent, Jsonb(op.doc)))
        cur.execute(
            sql.SQL(
                "INSERT INTO {} (kind, key, owner, region, parent, doc) SELECT kind, key, owner, "
                "region, parent, doc FROM pl_staging ON CONFLICT (kind, key) DO UPDATE SET "
                "owner=EXCLUDED.owner, region=EXCLUDED.region, parent=EXCLUDED.parent, "
                "doc=EXCLUDED.doc"
            ).format(self.table)
        )
        cur.execute("DELETE FROM pl_staging")

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
        where, params = self._where(kind, owner, region, parent, contains, keys, visible_to)
        count_q = sql.SQL("SELECT count(*) FROM {} v WHERE ").format(self.table) + where
        page_q = sql.SQL("SELECT key, doc FROM {} v WHERE ").format(self.table) + where
        page_params = list(params)
        if after is not None:
            page_q += sql.SQL(" AND key > %s")
            page_params.append(after)
        page_q += sql.SQL(" ORDER BY key LIMIT %s")
        page_params.append(limit)
        with self.pool.connection() as conn:
            total = conn.execute(count_q, params).fetchone()
            rows = conn.execute(page_q, page_params).fetchall()
        return [(r[0], r[1]) for r in rows], int(total[0]) if total else 0

    def _where(
        self,
        kind: str,
        owner: str | None,
        region: str | None,
        parent: str | None,
        contains: dict[str, Any] | None,
        keys: Sequence[str] | None,
        visible_to: str | None,
    ) -> tuple[sql.Composable, list[Any]]:
        clauses: list[sql.Composable] = [sql.SQL("kind = %s")]
        params: list[Any] = [kind]
        for column, value in (("owner", owner), ("region", region), ("parent", parent)):
            if value is not None:
                clauses.append(sql.SQL("{} = %s").format(sql.Identifier(column)))
                params.append(value)
        if contains:
            clauses.append(sql.SQL("doc @> %s"))
            params.append(Jsonb(contains))
        if keys is not None:
            clauses.append(sql.SQL("key = ANY(%s)"))
            params.append(list(keys))
        if visible_to is not None:
            clauses.append(
                sql.SQL(
                    "(v.owner = %s OR EXISTS (SELECT 1 FROM {} u WHERE u.kind = 'user' AND "
                    "u.parent = v.key AND u.key IN (v.key || '/' || %s, v.key || '/*')))"
                ).format(self.table)
            )
            params += [visible_to, visible_to]
        return sql.SQL(" AND ").join(clauses), params

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
