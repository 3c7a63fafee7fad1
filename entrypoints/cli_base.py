"""What every command module of the ``privatelink`` command line shares: the typer ``app``
the commands register on, the console, ``fail``, and the store options. Its own module, so
that ``cli`` (which imports the command modules) and the command modules do not import each
other."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

if TYPE_CHECKING:
    from privatelink.infra.settings import Settings

# Plain (click) help: flags show as flags, values as their metavar, not as `<bool>`.
app = typer.Typer(
    help="A local, event-sourced emulator of Alibaba Cloud PrivateLink.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
console = Console(stderr=True, soft_wrap=True)

# Store options default to None ("not given"): the settings then read the environment or
# their own default (issue 12).
DataDir = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        metavar="DIR",
        show_default=".privatelink; env PRIVATELINK_DATA_DIR",
        help="Where the embedded PostgreSQL keeps its data (when no --database-url is given).",
    ),
]
DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        metavar="URL",
        show_default="none; env DATABASE_URL",
        help="An external PostgreSQL to use instead of the embedded one.",
    ),
]
Schema = Annotated[
    str | None,
    typer.Option(
        "--schema",
        metavar="NAME",
        show_default="public; env PRIVATELINK_DB_SCHEMA",
        help="PostgreSQL schema holding the event store and views.",
    ),
]
InventoryOpt = Annotated[
    Path | None,
    typer.Option(
        "--inventory",
        metavar="FILE",
        show_default="the demo inventory; env PRIVATELINK_INVENTORY",
        help="Inventory file (accounts, VPCs, load balancers); the demo inventory otherwise.",
    ),
]


def settings_for(**values: Any) -> Settings:
    from privatelink.infra.settings import Settings

    return Settings(**{k: v for k, v in values.items() if v is not None})


def fail(message: str, code: int = 2) -> None:
    console.print(f"[red]error:[/red] {message}")
    raise typer.Exit(code)
