"""The DNS-record view in PostgreSQL: one row per name, kept in the same transaction as the
view rows it is made of, with the position of the batch that last changed it.

The DNS server reads only the rows changed after the position it has (removed names stay as
tombstones, ``removed = true``, so a follower learns of them too); ``rebuild --verify``
compares the live names with the ones rebuilt from the log.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from psycopg import Connection, Cursor, RawCursor, sql
from psycopg.rows import tuple_row
from psycopg.types.json import Jsonb

from privatelink.infra.view_sql import ROWS, names_changes_statement, numbered_rows
from privatelink.projections.dns_records import EndpointRows, NameRow, endpoint_names
from privatelink.projections.ops import DeleteChildren, Op, Patch
from privatelink.projections.view_rows import service_key

PROJECTION = "dns_records"
CHUNK = 100
ENDPOINT, ZONE, CONNECTION, SERVICE = "endpoint", "zone", "connection", "service"


def touched(ops: Iterable[Op]) -> tuple[set[str], set[str]]:
    """The endpoint keys whose names a batch may change, and the service keys whose
    zone-affinity switch changed (their endpoints' names follow it)."""
    endpoints: set[str] = set()
    services: set[str] = set()
    for op in ops:
        if isinstance(op, DeleteChildren):
            if op.kind == ZONE:
                endpoints.add(op.parent)
            continue
        if op.kind in (ENDPOINT, CONNECTION):
            endpoints.add(op.key)
        elif op.kind == ZONE:
            endpoints.add(op.key.split("/", 1)[0])
        elif op.kind == SERVICE and isinstance(op, Patch) and "ZoneAffinityEnabled" in op.fields:
            # A new service (Put) has no endpoints yet; a deleted one patches each of its
            # endpoints' rows, which touches them.
            services.add(op.key)
    return endpoints, services


def statements(table: sql.Identifier, views: sql.Identifier) -> dict[str, sql.Composed]:
    """The statements the projector writes the name rows with, in the views' transaction."""
    return {
        "current": sql.SQL(
            "SELECT name, endpoint_key, doc, removed FROM {} WHERE endpoint_key = ANY(%s)"
        ).format(table),
        "upsert": sql.SQL(
            "INSERT INTO {} (name, endpoint_key, doc, position) VALUES " + ROWS + " "
            "ON CONFLICT (name) DO UPDATE SET endpoint_key = EXCLUDED.endpoint_key, "
            "doc = EXCLUDED.doc, removed = false, position = EXCLUDED.position, since = now()"
        ).format(table),
        "remove": sql.SQL(
            "UPDATE {} SET removed = true, position = %s, since = now() WHERE name = %s"
        ).format(table),
        **view_reads(views),
    }


def view_reads(views: sql.Identifier) -> dict[str, sql.Composed]:
    """The reads of the views' rows that names are made of."""
    return {
        "endpoints_of": sql.SQL(
            "SELECT e.key FROM {v} e JOIN {v} s ON s.kind = 'service' AND s.key = ANY(%s) "
            "AND e.kind = 'endpoint' AND e.doc->>'ServiceId' = s.doc->>'ServiceId'"
        ).format(v=views),
        "services": sql.SQL(
            "SELECT kind, key, parent, doc FROM {v} WHERE kind = 'service' AND key = ANY(%s)"
        ).format(v=views),
        # Three parts, each on the primary key or the parent index (joined by OR, they were
        # one scan of the whole table: ~0.3 ms more a create at a thousand endpoints, and
        # growing with them); the services are found among the rows of their kind.
        "rows": sql.SQL(
            "SELECT kind, key, parent, doc FROM {v} WHERE kind IN ('endpoint', 'connection') "
            "AND key = ANY(%s) UNION ALL SELECT kind, key, parent, doc FROM {v} WHERE "
            "kind = 'zone' AND parent = ANY(%s) UNION ALL SELECT kind, key, parent, doc FROM {v} "
            "WHERE kind = 'service' AND doc->>'ServiceId' IN (SELECT doc->>'ServiceId' FROM {v} "
            "WHERE kind = 'endpoint' AND key = ANY(%s)) ORDER BY kind, key"
        ).format(v=views),
    }


@dataclass(frozen=True)
class NameReads:
    """The reads a batch's names are made from, sent and not yet read: the view rows of the
    touched endpoints and their stored names; or, for endpoints the batch itself created,
    their rows as the batch wrote them (``known``), no stored names (there can be none yet),
    and their services' rows only when one asked for zone affinity (``made`` is None else)."""

    made: Cursor[Any] | None
    stored: Cursor[Any] | None
    known: tuple[tuple[str, str, str, Any], ...] = ()

    @property
    def ready(self) -> bool:
        """Whether the names can be made without waiting for a read."""
        return self.made is None and self.stored is None


class DnsRecords:
    """Reads and writes the name rows of one schema (``table`` beside the views' table)."""

    def __init__(self, schema: str, table: str, views_table: sql.Identifier) -> None:
        self.table_name = table
        self.table = sql.Identifier(schema, table)
        self.views = views_table
        # Rendered once: the projector runs these in every batch (issue 17).
        self._sql = {
            name: statement.as_string(None)
            for name, statement in statements(self.table, views_table).items()
        }
        self._sql["changes"] = names_changes_statement(self.table).as_string(None)

    def create_table(self, conn: Connection[Any]) -> None:
        conn.execute(
            sql.SQL(
                "CREATE TABLE IF NOT EXISTS {} (name text PRIMARY KEY, endpoint_key text NOT NULL, "
                "doc jsonb NOT NULL, removed boolean NOT NULL DEFAULT false, "
                "position bigint NOT NULL, since timestamptz NOT NULL DEFAULT now())"
            ).format(self.table)
        )
        conn.execute(
            sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} (endpoint_key)").format(
                sql.Identifier(f"{self.table_name}_endpoint_idx"), self.table
            )
        )
        conn.execute(
            sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} (position)").format(
                sql.Identifier(f"{self.table_name}_position_idx"), self.table
            )
        )

    # -- writing (inside the views' transaction) --------------------------------------------

    def refresh(self, conn: Connection[Any], ops: Sequence[Op], position: int) -> None:
        """Re-derive the names of every endpoint the batch touched; write what changed."""
        endpoints, services = touched(ops)
        if services:
            endpoints |= self._endpoints_of(conn, services)
        if endpoints:
            self.write_names(conn, self.read_names(conn, sorted(endpoints)), position)

    def read_names(
        self,
        conn: Connection[Any],
        keys: list[str],
        written: Mapping[tuple[str, str], dict[str, Any]] | None = None,
    ) -> NameReads:
        """Send the two reads the names of these endpoints need (in a pipeline they wait for
        its next sync: the writer's commit sends them with its events, issue 17). Given the
        rows the batch wrote, endpoints it created all need only their services' rows."""
        if written is not None and all((ENDPOINT, key) in written for key in keys):
            return self._read_services(conn, set(keys), written)
        made = conn.cursor(row_factory=tuple_row)
        made.execute(self._sql["rows"], (keys, keys, keys), prepare=True)
        stored = conn.cursor(row_factory=tuple_row)
        stored.execute(self._sql["current"], (keys,), prepare=True)
        return NameReads(made, stored)

    def _read_services(
        self, conn: Connection[Any], keys: set[str], written: Mapping[tuple[str, str], Any]
    ) -> NameReads:
        """New endpoints' rows from the batch (a Put made each of them, and what the batch
        did after it is folded in), and when one asked for zone affinity, one read of their
        services' rows by key (sent after the batch's own changes to them)."""
        known = []
        for kind, key in written:
            if kind in (ENDPOINT, CONNECTION, ZONE):
                row = written[(kind, key)]
                if (key if kind != ZONE else row["parent"]) in keys:
                    known.append((kind, key, row["parent"], row["doc"]))
        asked = {
            d["ServiceId"] for k, _, _, d in known if k == ENDPOINT and d.get("ZoneAffinityEnabled")
        }
        if not asked:
            return NameReads(None, None, tuple(known))
        made = conn.cursor(row_factory=tuple_row)
        made.execute(self._sql["services"], (sorted(map(service_key, asked)),), prepare=True)
        return NameReads(made, None, tuple(known))

    def write_names(self, conn: Connection[Any], reads: NameReads, position: int) -> None:
        """Write the names that changed, from the reads' answers."""
        wanted, current = self._names(reads)
        docs = {name: row.as_doc() for name, (_, row) in wanted.items()}
        upserts = [
            (name, key, Jsonb(docs[name]), position)
            for name, (key, _) in wanted.items()
            if name not in current or current[name][2] or current[name][1] != docs[name]
        ]
        removals = [
            (position, name)
            for name, (_, _, removed) in current.items()
            if name not in wanted and not removed
        ]
        self._write(conn, upserts, removals)

    def _write(
        self, conn: Connection[Any], upserts: list[tuple[Any, ...]], removals: list[tuple[Any, ...]]
    ) -> None:
        raw = RawCursor(conn)
        with conn.cursor() as cur:
            # In chunks: an unbounded pipeline can deadlock on the embedded store's Unix
            # socket. The names (all different) of a chunk are one statement.
            for i in range(0, len(upserts), CHUNK):
                rows = upserts[i : i + CHUNK]
                text = numbered_rows(self._sql["upsert"], len(rows), 4)
                raw.execute(text, [v for row in rows for v in row], prepare=True)
            for i in range(0, len(removals), CHUNK):
                cur.executemany(self._sql["remove"], removals[i : i + CHUNK])

    def _endpoints_of(self, conn: Connection[Any], services: set[str]) -> set[str]:
        rows = conn.execute(self._sql["endpoints_of"], (sorted(services),)).fetchall()
        return {r[0] for r in rows}

    def _names(
        self, reads: NameReads
    ) -> tuple[dict[str, tuple[str, NameRow]], dict[str, tuple[str, Any, bool]]]:
        """The names the endpoints' view rows make (name -> (endpoint key, row)), and the
        stored ones (name -> (endpoint key, doc, removed))."""
        fetched = reads.made.fetchall() if reads.made is not None else []
        if reads.known:  # in the order of the read they stand for
            fetched = sorted([*reads.known, *fetched], key=lambda row: (row[0], row[1]))
        wanted = {
            row.name: (key, row)
            for key, rows in self._rows(fetched).items()
            for row in endpoint_names(rows)
        }
        stored = reads.stored.fetchall() if reads.stored is not None else []
        return wanted, {name: (k, doc, gone) for name, k, doc, gone in stored}

    @staticmethod
    def _rows(fetched: list[Any]) -> dict[str, EndpointRows]:
        """The view rows the names are made of, by endpoint key."""
        endpoints = {key: doc for kind, key, _, doc in fetched if kind == ENDPOINT}
        services = {doc.get("ServiceId"): doc for kind, _, _, doc in fetched if kind == SERVICE}
        found = {
            key: EndpointRows(doc, [], None, services.get(doc.get("ServiceId")))
            for key, doc in endpoints.items()
        }
        for kind, key, parent, doc in fetched:
            if kind == ZONE and parent in found:
                found[parent].zones.append(doc)
            elif kind == CONNECTION and key in found:
                found[key] = EndpointRows(
                    found[key].endpoint, found[key].zones, doc, found[key].service
                )
        return found

    # -- reading ------------------------------------------------------------------------

    def changes(
        self, conn: Connection[Any], after: int
    ) -> tuple[list[NameRow], list[str], int, bool]:
        """Names changed after ``after``: (present rows, removed names, last position, whether
        the table was replaced since: a rebuild swaps in a table whose positions may all be
        below ``after``, and then every name is given, as from position 0)."""
        rows = conn.execute(self._sql["changes"], (after, after), prepare=True).fetchall()
        top = int(rows[0][0])
        replaced = top < after
        if replaced:
            after = 0
        changed = [row[1:] for row in rows if row[1] is not None]
        present = [NameRow.from_doc(doc) for _, doc, removed, _ in changed if not removed]
        removed = [name for name, _, gone, _ in changed if gone]
        return present, removed, max((r[3] for r in changed), default=after), replaced

    def current(self, conn: Connection[Any]) -> list[tuple[str, str, str, str, str, Any]]:
        """The names that exist, as rows shaped like the views' (for ``rebuild --verify``)."""
        return [
            ("dns", name, "", "", key, doc)
            for name, key, doc in conn.execute(
                sql.SQL(
                    "SELECT name, endpoint_key, doc FROM {} WHERE NOT removed ORDER BY name"
                ).format(self.table)
            ).fetchall()
        ]

    def read_changes(self, pool: Any, after: int) -> tuple[list[NameRow], list[str], int, bool]:
        with pool.connection() as conn:
            return self.changes(conn, after)

    def lookup(self, conn: Connection[Any], name: str) -> NameRow | None:
        row = conn.execute(
            sql.SQL("SELECT doc FROM {} WHERE name = %s AND NOT removed").format(self.table),
            (name,),
        ).fetchone()
        return NameRow.from_doc(row[0]) if row else None
