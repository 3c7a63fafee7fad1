"""``privatelink dns NAME [--as-of T]``: what a name resolves to, now or at a past moment."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import typer
from rich.table import Table

from privatelink.cli_base import DatabaseUrl, DataDir, Schema, app, fail
from privatelink.cli_read import AsJson, Console_out, moment, print_json, runtime_for

AsOf = Annotated[
    str | None,
    typer.Option(
        "--as-of", help="ISO 8601 time, e.g. 2026-11-26T10:42:00Z: the name as it resolved then."
    ),
]


Name = Annotated[
    str,
    typer.Argument(help="An endpoint domain or zone domain under privatelink.aliyuncs.com."),
]


@app.command()
def dns(
    name: Name,
    as_of: AsOf = None,
    as_json: AsJson = False,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    schema: Schema = None,
) -> None:
    """The records of a name: now (the DNS-record view the DNS server answers from), or as it
    resolved at a past moment (--as-of, rebuilt from the event log)."""
    from privatelink.projections.dns_records import normalize

    with runtime_for(data_dir, database_url, schema) as rt:
        row = name_row(rt, name, moment(as_of))
    if row is None:
        fail(
            f"{normalize(name)} does not exist{' at ' + as_of if as_of else ''} (NXDOMAIN)", code=1
        )
    print_records(row, as_json)


def name_row(rt: Any, name: str, when: datetime | None) -> Any:
    """The name's row now (from the view) or at ``when`` (from the log); None if none."""
    from privatelink.application.dns_history import dns_as_of
    from privatelink.domain.errors import DomainError
    from privatelink.projections.dns_records import normalize

    try:
        if when is None:
            with rt.views.pool.connection() as conn:
                return rt.views.dns.lookup(conn, normalize(name))
        return dns_as_of(rt.app, name, when)
    except DomainError as error:
        fail(error.message, code=1)
        raise


def print_records(row: Any, as_json: bool) -> None:
    records = [{"type": t, "address": a, "zone": z} for t, a, z in row.records()]
    if as_json:
        print_json(
            {
                "name": row.name,
                "endpoint": row.endpoint_id,
                "vpc": row.vpc_id,
                "zoneAffinity": row.affinity,
                "records": records,
            }
        )
        return
    table = Table("name", "type", "address", "zone", title=f"{row.name} ({row.endpoint_id})")
    for r in records:
        table.add_row(row.name, r["type"], r["address"], r["zone"])
    if not records:
        table.add_row(row.name, "-", "(no address: not connected or no healthy zone)", "")
    Console_out().print(table)
