"""Reads, in one query, the view rows the data plane follows: endpoints, their zones, their
connections, and the services' zone-affinity switch; only the fields it uses, so a reload
of thousands of endpoints stays small."""

from __future__ import annotations

from typing import Any

from psycopg import sql

from privatelink.infra.dataplane.records import ViewRows
from privatelink.infra.view_store import PostgresViews

FIELDS = {
    "endpoint": ("EndpointId", "EndpointDomain", "ServiceId", "VpcId", "ConnectionStatus",
                 "Bandwidth", "ZoneAffinityEnabled", "AddressIpVersion"),
    "zone": ("ZoneId", "ZoneStatus", "EniId", "EniIp", "ZoneIpv6Address", "ZoneDomain",
             "ResourceId", "ReplacedEniId", "ReplacedResourceId", "_healthy"),
    "connection": ("ConnectionStatus", "Bandwidth"),
    "service": ("ServiceId", "ZoneAffinityEnabled"),
}


def _query(views: PostgresViews) -> sql.Composed:
    cases = sql.SQL(" ").join(
        sql.SQL("WHEN {} THEN jsonb_strip_nulls(jsonb_build_object({}))").format(
            sql.Literal(kind),
            sql.SQL(", ").join(sql.SQL("{}, doc->{}").format(sql.Literal(f), sql.Literal(f))
                               for f in fields))
        for kind, fields in FIELDS.items())
    return sql.SQL("SELECT kind, key, parent, CASE kind {} END FROM {} WHERE kind = ANY(%s)"
                   ).format(cases, views.table)


def read_rows(views: PostgresViews) -> ViewRows:
    """The rows of the four kinds, read in one statement (a consistent snapshot)."""
    with views.pool.connection() as conn:
        fetched = conn.execute(_query(views), (list(FIELDS),)).fetchall()
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
