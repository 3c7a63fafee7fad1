"""Reads, in one query, the view rows the data plane follows: endpoints, their zones, their
connections, and the services' zone-affinity switch."""

from __future__ import annotations

from typing import Any

from psycopg import sql

from infra.dataplane.records import ViewRows
from infra.view_store import PostgresViews

KINDS = ["endpoint", "zone", "connection", "service"]


def read_rows(views: PostgresViews) -> ViewRows:
    """Every row of the four kinds, read in one statement (a consistent snapshot)."""
    query = sql.SQL("SELECT kind, key, parent, doc FROM {} WHERE kind = ANY(%s)").format(
        views.table)
    with views.pool.connection() as conn:
        fetched = conn.execute(query, (KINDS,)).fetchall()
    return rows_of(fetched)


def rows_of(fetched: list[Any]) -> ViewRows:
    rows = ViewRows()
    for kind, key, parent, doc in fetched:
        if kind == "endpoint":
            rows.endpoints[key] = doc
        elif kind == "zone":
            rows.zones.setdefault(parent, []).append(doc)
        elif kind == "connection":
            rows.connections[key] = doc
        elif kind == "service" and doc.get("ServiceId"):
            rows.services[doc["ServiceId"]] = doc
    return rows
