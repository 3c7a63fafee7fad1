"""The event log's own commands: export, import, rebuild (AUD-3, AUD-4)."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from privatelink.cli_base import DatabaseUrl, DataDir, InventoryOpt, Schema, app, console, fail
from privatelink.cli_read import Since, Until, moment, runtime_for

Account = Annotated[str | None, typer.Option(metavar="UID", help="Only this account's resources.")]
LogFile = Annotated[
    Path, typer.Argument(metavar="FILE", help="A log written by `privatelink export`.")
]
Verify = Annotated[
    bool,
    typer.Option(
        "--verify",
        help="Compare the rebuilt views with the live ones and keep the "
        "live ones; exit 1 naming the first differing field.",
    ),
]


@app.command("export")
def export_command(
    since: Since = None,
    until: Until = None,
    account: Account = None,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    schema: Schema = None,
) -> None:
    """Write the event log as JSON lines to standard output."""
    from privatelink.infra.export import export_lines

    with runtime_for(data_dir, database_url, schema) as rt:
        for line in export_lines(rt.app, moment(since), moment(until), account):
            sys.stdout.write(line + "\n")


@app.command("import")
def import_command(
    path: LogFile,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    schema: Schema = None,
    inventory: InventoryOpt = None,
) -> None:
    """Replay an exported log into an empty store."""
    from privatelink.infra.export import ImportRefused, import_events

    try:
        source = path.open()  # before the store: a wrong path creates nothing
    except OSError as error:
        fail(f"cannot read {path}: {error.strerror}")
        return
    with source, runtime_for(data_dir, database_url, schema, inventory, create=True) as rt:
        try:
            done = import_events(rt.app, source)
        except ImportRefused as error:
            fail(f"{path}: {error}", code=1)
            return
    console.print(
        f"imported {done.events} events of {done.aggregates} resources; the views "
        "are built when a server or `privatelink project` next runs"
    )


@app.command()
def rebuild(
    verify: Verify = False,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    schema: Schema = None,
) -> None:
    """Rebuild every view from the event log alone, into fresh tables."""
    from privatelink.infra.rebuild import replace_live_views
    from privatelink.infra.view_store import PostgresViews

    with runtime_for(data_dir, database_url, schema) as rt:
        target = PostgresViews(
            rt.views.pool, rt.settings.db_schema, "pl_views_rebuild", "pl_view_tracking_rebuild"
        )
        target.drop_tables()
        until, live = (
            rt.views.snapshot() if verify else (rt.app.recorder.max_notification_id() or 0, [])
        )
        rebuild_into(rt, target, until)
        if verify:
            verify_rebuilt(rt, target, live, until)
            return
        replace_live_views(rt.views, target)
        console.print(f"views rebuilt from {until} events")


def rebuild_into(rt: Any, target: Any, until: int) -> None:
    """Project the log up to ``until`` into ``target``, with a progress bar and the rate."""
    from rich.progress import Progress

    from privatelink.infra.rebuild import rebuild_views

    started = time.perf_counter()
    with Progress(console=console) as progress:
        task = progress.add_task("rebuilding views", total=until or 1)
        rebuild_views(rt.app, target, lambda n: progress.update(task, completed=n), until=until)
    elapsed = time.perf_counter() - started
    console.print(
        f"rebuilt {until} events in {elapsed:.2f} s "
        f"({until / elapsed if elapsed else 0:.0f} events/s)"
    )


def verify_rebuilt(rt: Any, target: Any, live: list[Any], until: int) -> None:
    """Compare the rebuilt views with the live ones, drop the rebuilt ones; exit 1 on the first
    difference. Then check the log itself (issue 10)."""
    from privatelink.cli_check import report_problems
    from privatelink.infra.view_diff import first_difference

    difference = first_difference(target.rows(), live)
    target.drop_tables()
    if difference:
        fail(f"views differ from the event log: {difference}", code=1)
    console.print(f"views match the event log (position {until})")
    report_problems(rt)  # issue 10: the log itself is sound too
