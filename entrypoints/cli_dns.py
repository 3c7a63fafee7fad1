"""``privatelink dns NAME [--as-of T]``: what a name resolves to, now or at a past moment."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.table import Table

from privatelink.cli_base import DatabaseUrl, DataDir, Schema, app, fail
from privatelink.cli_history import AsJson, Console_out, moment, runtime_for

AsOf = Annotated[
    str | None,
    typer.Option(
        "--as-of", help="ISO 8601 time, e.g. 2026-11-26T10:42:00Z: the name as it resolved then."
    ),
]


@app.command()
def dns(
    name: Annotated[
        str,
        typer.Argument(help="An endpoint domain or zone domain under privatelink.aliyuncs.com."),
    ],
    as_of: AsOf = None,
    as_json: AsJson = False,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    schema: Schema = None,
) -> None:
    """The records of a name: now (the DNS-record view the DNS server answers from), or as it
    resolved at a past moment (--as-of, rebuilt from the event log)."""
    from privatelink.application.dns_history import dns_as_of
    from privatelink.domain.errors import DomainError
    from privatelink.projections.dns_records import normalize

    when = moment(as_of)
    with runtime_for(data_dir, database_url, schema) as rt:
        try:
            if when is None:
                with rt.views.pool.connection() as conn:
                    row = rt.views.dns.lookup(conn, normalize(name))
            else:
                row = dns_as_of(rt.app, name, when)
        except DomainError as error:
            fail(error.message, code=1)
    if row is None:
        fail(
            f"{normalize(name)} does not exist{' at ' + as_of if as_of else ''} (NXDOMAIN)", code=1
        )
    records = [{"type": t, "address": a, "zone": z} for t, a, z in row.records()]
    if as_json:
        sys.stdout.write(
            json.dumps(
                {
                    "name": row.name,
                    "endpoint": row.endpoint_id,
                    "vpc": row.vpc_id,
                    "zoneAffinity": row.affinity,
                    "records": records,
                },
                indent=1,
            )
            + "\n"
        )
        return
    table = Table("name", "type", "address", "zone", title=f"{row.name} ({row.endpoint_id})")
    for r in records:
        table.add_row(row.name, r["type"], r["address"], r["zone"])
    if not records:
        table.add_row(row.name, "-", "(no address: not connected or no healthy zone)", "")
    Console_out().print(table)
