"""The ``privatelink`` command line."""

from __future__ import annotations

import signal
import threading
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
    verbose: opts.Verbose = None,
) -> None:
    """Serve the cloud's API (the official SDK's wire protocol) on HOST:PORT."""
    settings = serve_settings(**locals())  # first: locals() are the options alone
    from privatelink.serving import serve_with

    serve_with(settings)


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


LoadBalancerId = Annotated[str, typer.Argument(help="The load balancer id, e.g. lb-provider0001.")]
Down = Annotated[bool, typer.Option("--down/--up", help="Mark it failed, or recovered.")]


@app.command()
def fault(
    resource_id: LoadBalancerId,
    down: Down,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    schema: Schema = None,
    inventory: InventoryOpt = None,
) -> None:
    """Mark a load balancer failed (--down) or recovered (--up): its zone connections fail
    over to another resource in the same zone (RES-8), as events a running server follows."""
    settings = settings_for(
        data_dir=data_dir, database_url=database_url, db_schema=schema, inventory=inventory
    )
    mark_load_balancer(settings, resource_id, down)
    console.print(f"{resource_id} marked {'down' if down else 'up'}")


def mark_load_balancer(settings: Settings, resource_id: str, down: bool) -> None:
    from privatelink.application.jobs import Command
    from privatelink.application.services import MarkLoadBalancer
    from privatelink.composition import open_runtime
    from privatelink.domain.base import Caller
    from privatelink.domain.errors import DomainError

    command = Command(Caller("operator", "cli"), "AdminFault")
    with open_runtime(settings, serve=False) as runtime:
        try:
            runtime.app.dispatch(MarkLoadBalancer(resource_id, down), command)
        except DomainError as error:
            fail(f"{error.code}: {error.message}", code=1)


def main() -> None:
    app()


def _register_history_commands() -> None:
    # In the order of their commands in `privatelink --help`:
    # isort: off
    import privatelink.cli_admin  # reset, inventory, provisioner (issue 12)
    import privatelink.cli_history  # registers its commands on `app`
    import privatelink.cli_log
    import privatelink.cli_dns
    import privatelink.cli_check  # noqa: F401 - `privatelink check` (issue 10)
    # isort: on


_register_history_commands()
