"""History commands of the ``privatelink`` command line: history, show, diff, export, import,
rebuild (AUD-1..4)."""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from privatelink.application.history import iso_moment
from privatelink.cli_base import (
    DatabaseUrl,
    DataDir,
    InventoryOpt,
    Schema,
    app,
    console,
    fail,
    settings_for,
)

ResourceId = Annotated[
    str,
    typer.Argument(
        metavar="ID",
        help="An endpoint service (epsrv-…) or endpoint (ep-…) id.",
        show_default=False,
    ),
]
Since = Annotated[
    str | None,
    typer.Option(
        metavar="TIME",
        help="Only events at or after this ISO 8601 time, e.g. 2026-11-26T10:42:00Z.",
    ),
]
Until = Annotated[
    str | None,
    typer.Option(
        metavar="TIME",
        help="Only events at or before this ISO 8601 time, e.g. 2026-11-26T10:42:00Z.",
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def moment(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return iso_moment(value)
    except ValueError:
        fail(f"'{value}' is not an ISO 8601 time")
        raise


def runtime_for(
    data_dir: Path | None,
    database_url: str | None,
    schema: str | None,
    inventory: Path | None = None,
    create: bool = False,
) -> Any:
    """The store's runtime; commands that only read refuse to create a store (issue 15)."""
    from privatelink.composition import open_runtime
    from privatelink.infra.embedded import NoStore, require_store

    settings = settings_for(
        data_dir=data_dir, database_url=database_url, db_schema=schema, inventory=inventory
    )
    if not create and not settings.database_url:
        try:
            require_store(settings.data_dir)
        except NoStore as error:
            fail(str(error))
    return open_runtime(settings, serve=False)


def resource_or_fail(app_: Any, resource_id: str) -> Any:
    from privatelink.application.history import resource_named
    from privatelink.domain.errors import DomainError

    try:
        resource = resource_named(resource_id)
        app_.audit.owner_of(resource)
    except DomainError as error:
        fail(error.message, code=1)
    return resource


def tenant_history(
    app_: Any, account: str | None, resource: Any, since: datetime | None, until: datetime | None
) -> Any:
    """What ``account`` may read of the history (all of it for the operator)."""
    from privatelink.domain.errors import DomainError

    try:
        return app_.audit.history_for(account, resource, since, until)
    except DomainError as error:
        fail(error.message, code=1)


@app.command()
def history(
    resource_id: ResourceId,
    since: Since = None,
    until: Until = None,
    as_json: AsJson = False,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    schema: Schema = None,
    account: Annotated[
        str | None, typer.Option(help="Read as this account (UID): only what it may see.")
    ] = None,
) -> None:
    """Every event of a service or endpoint (with its connection and zones), oldest first.

    An endpoint's history merges two streams: its own events and those its service keeps
    about its connection and zones. Each line names its stream; the version column is what
    `show ID --version` takes (N of the resource's own stream, STREAM:N of the other)."""
    with runtime_for(data_dir, database_url, schema) as rt:
        resource = resource_or_fail(rt.app, resource_id)
        entries = tenant_history(rt.app, account, resource, moment(since), moment(until))
    if as_json:
        sys.stdout.write(
            json.dumps(
                [
                    {
                        **e.as_json(),
                        "stream": e.resource,
                        "show_version": version_ref(resource_id, e),
                    }
                    for e in entries
                ],
                indent=1,
            )
            + "\n"
        )
        return
    table = Table("stream", "version", "time", "event", "actor", "request id", "changed")
    for e in entries:
        table.add_row(
            e.resource,
            version_ref(resource_id, e),
            e.as_json()["time"],
            e.type,
            e.actor,
            e.request_id,
            json.dumps(e.data, sort_keys=True)[:120],
        )
    Console_out().print(table)


def version_ref(resource_id: str, e: Any) -> str:
    """The --version that `show resource_id` takes for this history line."""
    return str(e.version) if e.resource == resource_id else f"{e.resource}:{e.version}"


def parse_version_ref(resource_id: str, text: str) -> tuple[str, int]:
    stream, _, number = text.rpartition(":")
    if not number.isdigit():
        fail(f"--version '{text}' is neither N nor STREAM:N (as `history` prints it)")
    return stream or resource_id, int(number)


def Console_out() -> Any:  # a factory named like the class it returns
    from rich.console import Console

    return Console(width=200)


def snapshot(rt: Any, resource_id: str, when: datetime | None, version: str | None) -> Any:
    from privatelink.api.actions.history import render_state
    from privatelink.domain.errors import DomainError

    resource = resource_or_fail(rt.app, resource_id)
    try:
        if version is None:
            return render_state(resource, *rt.app.audit.as_of(resource, when))
        stream, number = parse_version_ref(resource_id, version)
        return render_state(resource, *rt.app.audit.as_of_event(resource, stream, number))
    except DomainError as error:
        if when is not None and getattr(error, "code", "") == "InvalidParameter.AsOf":
            return {}  # it did not exist yet: the empty state, so a diff shows its creation
        fail(error.message, code=1)


@app.command()
def show(
    resource_id: ResourceId,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="TIME",
            help="The state at this ISO 8601 time, e.g. 2026-11-26T10:42:00Z.",
        ),
    ] = None,
    version: Annotated[
        str | None,
        typer.Option(
            "--version",
            metavar="N|STREAM:N",
            help="The state right after this event, as `history` prints its version: N of "
            "the resource's own stream, or STREAM:N (an endpoint's service).",
        ),
    ] = None,
    as_json: AsJson = False,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    schema: Schema = None,
) -> None:
    """The resource as it was at a time or version: the Get…Attribute answer of that moment
    (the latest state when neither is given)."""
    if as_of is not None and version is not None:
        fail("give --as-of or --version, not both")
    with runtime_for(data_dir, database_url, schema) as rt:
        doc = snapshot(rt, resource_id, moment(as_of), version)
    if not doc:
        fail(f"{resource_id} did not exist at {as_of}", code=1)
    if as_json:
        sys.stdout.write(json.dumps(doc, indent=1, sort_keys=True) + "\n")
        return
    table = Table("field", "value")
    for key, value in sorted(doc.items()):
        table.add_row(key, json.dumps(value) if not isinstance(value, str) else value)
    Console_out().print(table)


def changes(
    before: dict[str, Any], after: dict[str, Any], prefix: str = ""
) -> list[tuple[str, Any, Any]]:
    """Field-by-field differences (nested objects and lists by position)."""
    found = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if key == "Zones" and all(isinstance(z, dict) for z in [*(old or []), *(new or [])]):
            # An endpoint's zones, matched by id (a service's Zones is a list of ids).
            old, new = ({z["ZoneId"]: z for z in old or []}, {z["ZoneId"]: z for z in new or []})
        if isinstance(old, dict) and isinstance(new, dict):
            found += changes(old, new, f"{prefix}{key}.")
        elif old != new:
            found.append((f"{prefix}{key}", old, new))
    return found


@app.command()
def diff(
    resource_id: ResourceId,
    from_: Annotated[
        str,
        typer.Option(
            "--from",
            metavar="TIME",
            help="The earlier ISO 8601 time; before the resource "
            "existed, the diff shows its creation.",
        ),
    ],
    to: Annotated[
        str | None,
        typer.Option("--to", metavar="TIME", help="The later ISO 8601 time (default: now)."),
    ] = None,
    as_json: AsJson = False,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    schema: Schema = None,
) -> None:
    """What changed between two moments, field by field, and which events did it."""
    start, end = moment(from_), moment(to) or datetime.now(UTC)
    if start is not None and start > end:
        fail("--from is later than --to")
    with runtime_for(data_dir, database_url, schema) as rt:
        before = snapshot(rt, resource_id, start, None)
        after = snapshot(rt, resource_id, end, None)
        events = [
            e
            for e in rt.app.audit.history(resource_or_fail(rt.app, resource_id))
            if start < e.time <= end
        ]
    found = changes(before, after)
    if as_json:
        sys.stdout.write(
            json.dumps(
                {
                    "changes": [{"field": f, "from": o, "to": n} for f, o, n in found],
                    "events": [e.as_json() for e in events],
                },
                indent=1,
            )
            + "\n"
        )
        return
    table = Table("field", "from", "to")
    for field, old, new in found:
        table.add_row(field, json.dumps(old), json.dumps(new))
    Console_out().print(table)
    for e in events:
        Console_out().print(
            f"{e.as_json()['time']}  {e.resource} v{e.version}  {e.type}  by {e.actor} "
            f"({e.request_id})"
        )


@app.command("export")
def export_command(
    since: Since = None,
    until: Until = None,
    account: Annotated[
        str | None, typer.Option(metavar="UID", help="Only this account's resources.")
    ] = None,
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
    path: Annotated[
        Path, typer.Argument(metavar="FILE", help="A log written by `privatelink export`.")
    ],
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
    verify: Annotated[
        bool,
        typer.Option(
            "--verify",
            help="Compare the rebuilt views with the live ones and keep the "
            "live ones; exit 1 naming the first differing field.",
        ),
    ] = False,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    schema: Schema = None,
) -> None:
    """Rebuild every view from the event log alone, into fresh tables."""
    from rich.progress import Progress

    from privatelink.infra.rebuild import rebuild_views, replace_live_views
    from privatelink.infra.view_diff import first_difference
    from privatelink.infra.view_store import PostgresViews

    with runtime_for(data_dir, database_url, schema) as rt:
        target = PostgresViews(
            rt.views.pool, rt.settings.db_schema, "pl_views_rebuild", "pl_view_tracking_rebuild"
        )
        target.drop_tables()
        until, live = (
            rt.views.snapshot() if verify else (rt.app.recorder.max_notification_id() or 0, [])
        )
        started = time.perf_counter()
        with Progress(console=console) as progress:
            task = progress.add_task("rebuilding views", total=until or 1)
            rebuild_views(rt.app, target, lambda n: progress.update(task, completed=n), until=until)
        elapsed = time.perf_counter() - started
        console.print(
            f"rebuilt {until} events in {elapsed:.2f} s "
            f"({until / elapsed if elapsed else 0:.0f} events/s)"
        )
        if verify:
            difference = first_difference(target.rows(), live)
            target.drop_tables()
            if difference:
                fail(f"views differ from the event log: {difference}", code=1)
            console.print(f"views match the event log (position {until})")
            from privatelink.cli_check import report_problems

            report_problems(rt)  # issue 10: the log itself is sound too
            return
        replace_live_views(rt.views, target)
        console.print(f"views rebuilt from {until} events")
