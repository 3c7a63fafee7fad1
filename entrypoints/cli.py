"""The ``privatelink`` command line."""

from __future__ import annotations

import logging
import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.console import Console

if TYPE_CHECKING:
    from privatelink.infra.settings import Settings

app = typer.Typer(help="A local, event-sourced emulator of Alibaba Cloud PrivateLink.",
                  no_args_is_help=True, add_completion=False)
console = Console(stderr=True, soft_wrap=True)

DataDir = Annotated[Path, typer.Option("--data-dir", help="Where the embedded PostgreSQL keeps "
                                       "its data (when no --database-url is given).")]
DatabaseUrl = Annotated[Optional[str], typer.Option(
    "--database-url", envvar="DATABASE_URL", help="An external PostgreSQL to use instead.")]
Schema = Annotated[str, typer.Option("--schema", envvar="PRIVATELINK_DB_SCHEMA",
                                     help="PostgreSQL schema holding the event store and views.")]
InventoryOpt = Annotated[Optional[Path], typer.Option(
    "--inventory", envvar="PRIVATELINK_INVENTORY",
    help="Inventory file (accounts, VPCs, load balancers); the demo inventory otherwise.")]


def settings_for(**values: object) -> "Settings":
    from privatelink.infra.settings import Settings

    return Settings(**{k: v for k, v in values.items() if v is not None})


def fail(message: str, code: int = 2) -> None:
    console.print(f"[red]error:[/red] {message}")
    raise typer.Exit(code)


def load_settings_inventory(inventory: Path | None) -> None:
    from privatelink.infra.inventory_file import InventoryError, load_inventory

    if inventory is not None:
        try:
            load_inventory(inventory)
        except InventoryError as error:
            fail(str(error))


def graceful_server_class() -> type:
    import contextlib

    import uvicorn

    class GracefulServer(uvicorn.Server):
        """Stops on SIGINT/SIGTERM and exits 0 (uvicorn re-raises the signal otherwise)."""

        @contextlib.contextmanager
        def capture_signals(self):  # type: ignore[no-untyped-def]
            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, self.handle_exit)
            yield

    return GracefulServer


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8080,
    inventory: InventoryOpt = None,
    data_dir: DataDir = Path(".privatelink"),
    database_url: DatabaseUrl = None,
    schema: Schema = "public",
    provision_delay: Annotated[float, typer.Option(
        help="Seconds each asynchronous step (Creating -> Active, ...) takes.")] = 0.0,
    projector: Annotated[bool, typer.Option(
        help="Run the projections in this process (--no-projector with `privatelink project`)."
    )] = True,
    dns_host: Annotated[str, typer.Option(help="Address the DNS server listens on.")
                        ] = "127.0.0.1",
    dns_port: Annotated[int, typer.Option(help="Port of the DNS server (UDP and TCP).")] = 8053,
    dns: Annotated[bool, typer.Option(help="Answer DNS for the endpoint domains (--no-dns: off).")
                   ] = True,
    forwarders: Annotated[bool, typer.Option(
        help="Forward ENI listener ports to the load balancers' backends.")] = True,
    probe_interval: Annotated[float, typer.Option(
        help="Seconds between health probes of the backends (0: no probing).")] = 2.0,
    verbose: Annotated[bool, typer.Option(
        "--verbose", help="Show the embedded PostgreSQL's own output (always in "
        "DATA_DIR/postgres.log).")] = False,
) -> None:
    """Serve the cloud's API (the official SDK's wire protocol) on HOST:PORT."""
    import uvicorn

    from privatelink.composition import create_app

    GracefulServer = graceful_server_class()
    from privatelink.infra.database import describe

    load_settings_inventory(inventory)
    settings = settings_for(host=host, port=port, inventory=inventory, data_dir=data_dir,
                            database_url=database_url, db_schema=schema,
                            provision_delay=provision_delay, run_projector=projector,
                            dns_host=dns_host, dns_port=dns_port, dns_enabled=dns,
                            forwarders_enabled=forwarders, probe_interval=probe_interval,
                            verbose=verbose or None)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    from privatelink.infra.dataplane import DataPlaneError

    try:
        http_app = create_app(settings)
    except DataPlaneError as error:
        fail(str(error), code=1)
        return
    store = describe(http_app.state.runtime.url)
    kind = "external" if settings.database_url else f"embedded in {settings.data_dir}"
    console.print(f"privatelink listening on http://{host}:{port} (store: {kind}, {store}, "
                  f"schema {settings.db_schema})")
    from privatelink.api.http import CloudProtocol, cloud_http_protocol

    GracefulServer(uvicorn.Config(CloudProtocol(http_app), host=host, port=port,
                                  log_level="warning", http=cloud_http_protocol())).run()


@app.command()
def project(
    data_dir: DataDir = Path(".privatelink"),
    database_url: DatabaseUrl = None,
    schema: Schema = "public",
    inventory: InventoryOpt = None,
) -> None:
    """Run the projections (read views) as their own process until stopped."""
    from privatelink.composition import open_runtime
    from privatelink.infra.followers import Projector

    settings = settings_for(data_dir=data_dir, database_url=database_url, db_schema=schema,
                            inventory=inventory)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    with open_runtime(settings, serve=False) as runtime:
        projector = Projector(runtime.app, runtime.url, runtime.views, runtime.watcher)
        projector.start()
        console.print(f"privatelink projector following the event log from position "
                      f"{projector.position}")
        stop.wait()
        projector.stop()


@app.command()
def fault(
    resource_id: Annotated[str, typer.Argument(help="The load balancer id, e.g. lb-provider0001.")],
    down: Annotated[bool, typer.Option("--down/--up", help="Mark it failed, or recovered.")],
    data_dir: DataDir = Path(".privatelink"),
    database_url: DatabaseUrl = None,
    schema: Schema = "public",
    inventory: InventoryOpt = None,
) -> None:
    """Mark a load balancer failed (--down) or recovered (--up): its zone connections fail
    over to another resource in the same zone (RES-8), as events a running server follows."""
    from privatelink.application.unit_of_work import Command
    from privatelink.domain.base import Caller
    from privatelink.domain.errors import DomainError
    from privatelink.composition import open_runtime

    settings = settings_for(data_dir=data_dir, database_url=database_url, db_schema=schema,
                            inventory=inventory)
    with open_runtime(settings, serve=False) as runtime:
        try:
            runtime.app.mark_load_balancer(Command(Caller("operator", "cli"), "AdminFault"),
                                           resource_id, down)
        except DomainError as error:
            fail(f"{error.code}: {error.message}", code=1)
    console.print(f"{resource_id} marked {'down' if down else 'up'}")


@app.command("inventory")
def inventory_command(
    demo: Annotated[bool, typer.Option("--demo", help="Print the built-in demo inventory.")] = False,
    check: Annotated[Optional[Path], typer.Option("--check", help="Validate an inventory file.")
                     ] = None,
) -> None:
    """Print the demo inventory, or check an inventory file."""
    from privatelink.infra.inventory_file import InventoryError, demo_inventory_text, load_inventory

    if demo:
        sys.stdout.write(demo_inventory_text())
        return
    if check is None:
        fail("give --demo or --check FILE")
    try:
        inv = load_inventory(check)  # type: ignore[arg-type]
    except InventoryError as error:
        fail(str(error))
        return
    console.print(f"{check}: valid ({len(inv.accounts)} accounts, {len(inv.vpcs)} VPCs, "
                  f"{len(inv.load_balancers)} load balancers)")


def main() -> None:
    app()


def _register_history_commands() -> None:
    import privatelink.cli_history  # noqa: F401 - registers its commands on `app`


_register_history_commands()
