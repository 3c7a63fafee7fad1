"""History commands of the ``privatelink`` command line: history, show, diff (AUD-1, AUD-2);
the log's own commands (export, import, rebuild) are in ``cli_log.py``."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from rich.table import Table

from privatelink.cli_base import DatabaseUrl, DataDir, Schema, app, fail
from privatelink.cli_read import (
    AsJson,
    Console_out,
    ResourceId,
    Since,
    Until,
    moment,
    print_json,
    resource_or_fail,
    runtime_for,
    tenant_history,
)

Account = Annotated[
    str | None, typer.Option(help="Read as this account (UID): only what it may see.")
]
AsOf = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        metavar="TIME",
        help="The state at this ISO 8601 time, e.g. 2026-11-26T10:42:00Z.",
    ),
]
Version = Annotated[
    str | None,
    typer.Option(
        "--version",
        metavar="N|STREAM:N",
        help="The state right after this event, as `history` prints its version: N of "
        "the resource's own stream, or STREAM:N (an endpoint's service).",
    ),
]
From = Annotated[
    str,
    typer.Option(
        "--from",
        metavar="TIME",
        help="The earlier ISO 8601 time; before the resource existed, the diff shows its creation.",
    ),
]
To = Annotated[
    str | None,
    typer.Option("--to", metavar="TIME", help="The later ISO 8601 time (default: now)."),
]


@app.command()
def history(
    resource_id: ResourceId,
    since: Since = None,
    until: Until = None,
    as_json: AsJson = False,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    schema: Schema = None,
    account: Account = None,
) -> None:
    """Every event of a service or endpoint (with its connection and zones), oldest first.

    An endpoint's history merges two streams: its own events and those its service keeps
    about its connection and zones. Each line names its stream; the version column is what
    `show ID --version` takes (N of the resource's own stream, STREAM:N of the other)."""
    with runtime_for(data_dir, database_url, schema) as rt:
        resource = resource_or_fail(rt.app, resource_id)
        entries = tenant_history(rt.app, account, resource, moment(since), moment(until))
    if as_json:
        print_json([history_line(resource_id, e) for e in entries])
        return
    table = Table("stream", "version", "time", "event", "actor", "request id", "changed")
    for e in entries:
        table.add_row(*history_row(resource_id, e))
    Console_out().print(table)


def history_line(resource_id: str, e: Any) -> dict[str, Any]:
    return {**e.as_json(), "stream": e.resource, "show_version": version_ref(resource_id, e)}


def history_row(resource_id: str, e: Any) -> tuple[str, ...]:
    changed = json.dumps(e.data, sort_keys=True)[:120]
    time = e.as_json()["time"]
    return (e.resource, version_ref(resource_id, e), time, e.type, e.actor, e.request_id, changed)


def version_ref(resource_id: str, e: Any) -> str:
    """The --version that `show resource_id` takes for this history line."""
    return str(e.version) if e.resource == resource_id else f"{e.resource}:{e.version}"


def parse_version_ref(resource_id: str, text: str) -> tuple[str, int]:
    stream, _, number = text.rpartition(":")
    if not number.isdigit():
        fail(f"--version '{text}' is neither N nor STREAM:N (as `history` prints it)")
    return stream or resource_id, int(number)


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
    as_of: AsOf = None,
    version: Version = None,
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
        print_json(doc, sort_keys=True)
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
    from_: From,
    to: To = None,
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
        history = rt.app.audit.history(resource_or_fail(rt.app, resource_id))
        events = [e for e in history if start < e.time <= end]
    print_diff(changes(before, after), events, as_json)


def print_diff(found: list[tuple[str, Any, Any]], events: list[Any], as_json: bool) -> None:
    if as_json:
        print_json(
            {
                "changes": [{"field": f, "from": o, "to": n} for f, o, n in found],
                "events": [e.as_json() for e in events],
            }
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
