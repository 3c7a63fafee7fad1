"""What the commands that read the store share: its runtime (never created by a read), the
resource an id names, the time options and the JSON or table output."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from privatelink.cli_base import fail, settings_for

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
    from privatelink.application.history import iso_moment  # not at import: start-up time

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


def Console_out() -> Any:  # a factory named like the class it returns
    from rich.console import Console

    return Console(width=200)


def print_json(value: Any, **options: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=1, **options) + "\n")
