"""The ``privatelink`` command line."""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from privatelink import cli_options as opts
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

if TYPE_CHECKING:
    from privatelink.infra.settings import ServeSettings, Settings


@app.callback()
def main_options(version: opts.Version = None) -> None:
    """A local, event-sourced emulator of Alibaba Cloud PrivateLink."""


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
    host: opts.Host = None,
    port: opts.Port = None,
    inventory: InventoryOpt = None,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    schema: Schema = None,
    provision_delay: opts.ProvisionDelay = None,
    projector: opts.Projector = None,
    dns_host: opts.DnsHost = None,
    dns_port: opts.DnsPort = None,
    dns: opts.Dns = None,
    forwarders: opts.Forwarders = None,
    probe_interval: opts.ProbeInterval = None,
    log_level: opts.LogLevel = None,
    log_format: opts.LogFormat = None,
    request_timeout: opts.RequestTimeout = None,
    max_connections: opts.MaxConnections = None,
    verbose: Annotated[
        bool | None,
        typer.Option(
            "--verbose",
            help="Show the embedded PostgreSQL's own output (always in DATA_DIR/postgres.log).",
        ),
    ] = None,
) -> None:
    """Serve the cloud's API (the official SDK's wire protocol) on HOST:PORT."""
    settings = serve_settings(**locals())  # first: locals() are the options alone
    import uvicorn

    from privatelink.composition import create_app
    from privatelink.infra.database import describe
    from privatelink.infra.log_setup import configure_logging

    GracefulServer = graceful_server_class()
    load_settings_inventory(settings.inventory)  # the flag's or PRIVATELINK_INVENTORY's
    check_ports(settings)
    configure_logging(settings.log_level, settings.log_format)
    from privatelink.infra.dataplane import DataPlaneError

    try:
        http_app = create_app(settings)
    except DataPlaneError as error:
        fail(str(error), code=1)
        return
    store = describe(http_app.state.runtime.url)
    kind = "external" if settings.database_url else f"embedded in {settings.data_dir}"
    console.print(
        f"privatelink listening on http://{settings.host}:{settings.port} "
        f"(store: {kind}, {store}, schema {settings.db_schema})"
    )
    dataplane = getattr(http_app.state.runtime, "dataplane", None)
    if dataplane is not None:
        console.print(f"privatelink data plane: {dataplane.describe()}")
    from privatelink.api.http import cloud_http_protocol
    from privatelink.api.limits import limit_server

    GracefulServer(
        limit_server(
            uvicorn.Config(
                http_app,
                host=settings.host,
                port=settings.port,
                log_level="warning",
                access_log=False,
                log_config=None,
                http=cloud_http_protocol(),
            ),
            settings,
        )
    ).run()


def serve_settings(**options: Any) -> ServeSettings:
    """The settings of `serve` from its options: an option not given (None) leaves the setting
    to the environment or its default."""
    from pydantic import ValidationError

    from privatelink.infra.settings import ServeSettings

    names = {
        "schema": "db_schema",
        "projector": "run_projector",
        "dns": "dns_enabled",
        "forwarders": "forwarders_enabled",
    }
    given = {names.get(k, k): v for k, v in options.items() if v is not None}
    if "log_level" in given:
        given["log_level"] = str(given["log_level"]).upper()
    try:
        return ServeSettings(**given)
    except ValidationError as error:
        fail("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()))
        raise


def check_ports(settings: Settings) -> None:
    """Both listeners' ports, before PostgreSQL starts: a busy one fails at once, naming it."""
    import socket

    from privatelink.infra.ports import Listener, busy

    listeners = [Listener(settings.host, settings.port, "--port")]
    if settings.dns_enabled:
        listeners.append(
            Listener(
                settings.dns_host,
                settings.dns_port,
                "--dns-port",
                (socket.SOCK_DGRAM, socket.SOCK_STREAM),
                "answer DNS",
                "turn DNS off with --no-dns",
            )
        )
    problem = busy(listeners)
    if problem is not None:
        fail(problem)


@app.command()
def project(
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    schema: Schema = None,
    inventory: InventoryOpt = None,
) -> None:
    """Run the projections (read views) as their own process until stopped."""
    from privatelink.composition import open_runtime
    from privatelink.infra.followers import Projector

    settings = settings_for(
        data_dir=data_dir, database_url=database_url, db_schema=schema, inventory=inventory
    )
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    with open_runtime(settings, serve=False) as runtime:
        projector = Projector(runtime.app, runtime.url, runtime.views, runtime.watcher)
        projector.start()
        console.print(
            f"privatelink projector following the event log from position {projector.position}"
        )
        stop.wait()
        projector.stop()


@app.command()
def fault(
    resource_id: Annotated[str, typer.Argument(help="The load balancer id, e.g. lb-provider0001.")],
    down: Annotated[bool, typer.Option("--down/--up", help="Mark it failed, or recovered.")],
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    schema: Schema = None,
    inventory: InventoryOpt = None,
) -> None:
    """Mark a load balancer failed (--down) or recovered (--up): its zone connections fail
    over to another resource in the same zone (RES-8), as events a running server follows."""
    from privatelink.application.jobs import Command
    from privatelink.application.services import MarkLoadBalancer
    from privatelink.composition import open_runtime
    from privatelink.domain.base import Caller
    from privatelink.domain.errors import DomainError

    settings = settings_for(
        data_dir=data_dir, database_url=database_url, db_schema=schema, inventory=inventory
    )
    with open_runtime(settings, serve=False) as runtime:
        try:
            runtime.app.dispatch(
                MarkLoadBalancer(resource_id, down),
                Command(Caller("operator", "cli"), "AdminFault"),
            )
        except DomainError as error:
            fail(f"{error.code}: {error.message}", code=1)
    console.print(f"{resource_id} marked {'down' if down else 'up'}")


def main() -> None:
    app()


def _register_history_commands() -> None:
    # In the order of their commands in `privatelink --help`:
    # isort: off
    import privatelink.cli_admin  # reset, inventory, provisioner (issue 12)
    import privatelink.cli_history  # registers its commands on `app`
    import privatelink.cli_dns
    import privatelink.cli_check  # noqa: F401 - `privatelink check` (issue 10)
    # isort: on


_register_history_commands()
