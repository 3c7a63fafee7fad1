"""Options of ``privatelink serve`` and the top-level ``--version``.

Every option defaults to None, meaning "not given": the settings (pydantic-settings) then take
the environment (``PRIVATELINK_*``, ``DATABASE_URL``) or their own default, so a flag never
overrides the environment with a default of its own (issue 12). The defaults shown in
``--help`` are read from the settings class."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from privatelink.infra.settings import ServeSettings


def default(name: str) -> str:
    """The default of a serve setting, and its environment variable, for ``--help``."""
    value = ServeSettings.model_fields[name].default
    shown = (
        {True: "on", False: "off", None: "none"}.get(value, value)
        if isinstance(value, (bool, type(None)))
        else value
    )
    return f"{shown}; env PRIVATELINK_{name.upper()}"


def option(*names: str, setting: str, help: str, **more: Any) -> Any:
    return typer.Option(*names, help=help, show_default=default(setting), **more)


Host = Annotated[
    str | None, option("--host", setting="host", metavar="ADDRESS", help="Address to listen on.")
]
Port = Annotated[
    int | None, option("--port", setting="port", metavar="PORT", help="Port of the API.")
]
ProvisionDelay = Annotated[
    float | None,
    option(
        "--provision-delay",
        setting="provision_delay",
        help="Seconds each asynchronous step (Creating -> Active, ...) takes.",
    ),
]
Projector = Annotated[
    bool | None,
    option(
        "--projector/--no-projector",
        setting="run_projector",
        help="Run the projections in this process (--no-projector with `privatelink project`).",
    ),
]
DnsHost = Annotated[
    str | None, option("--dns-host", setting="dns_host", help="Address the DNS server listens on.")
]
DnsPort = Annotated[
    int | None,
    option("--dns-port", setting="dns_port", help="Port of the DNS server (UDP and TCP)."),
]
Dns = Annotated[
    bool | None,
    option("--dns/--no-dns", setting="dns_enabled", help="Answer DNS for the endpoint domains."),
]
Forwarders = Annotated[
    bool | None,
    option(
        "--forwarders/--no-forwarders",
        setting="forwarders_enabled",
        help="Forward ENI listener ports to the load balancers' backends.",
    ),
]
ProbeInterval = Annotated[
    float | None,
    option(
        "--probe-interval",
        setting="probe_interval",
        help="Seconds between health probes of the backends (0: no probing).",
    ),
]
LogLevel = Annotated[
    str | None,
    option(
        "--log-level",
        setting="log_level",
        metavar="DEBUG|INFO|WARNING|ERROR",
        help="Level of the server's logs; INFO logs one line per request.",
    ),
]
LogFormat = Annotated[
    str | None,
    option(
        "--log-format",
        setting="log_format",
        metavar="text|json",
        help="Log lines as text, or as one JSON object per line.",
    ),
]
RequestTimeout = Annotated[
    float | None,
    option(
        "--request-timeout",
        setting="request_timeout",
        metavar="SECONDS",
        help="Seconds a client has to send a whole request (slower: 408, or closed).",
    ),
]
MaxConnections = Annotated[
    int | None,
    option(
        "--max-connections",
        setting="max_connections",
        metavar="N",
        help="Connections served at once (more: 503 in the cloud's shape).",
    ),
]

Verbose = Annotated[
    bool | None,
    typer.Option(
        "--verbose",
        help="Show the embedded PostgreSQL's own output (always in DATA_DIR/postgres.log).",
    ),
]


def print_version(value: bool) -> None:
    if value:
        from privatelink import __version__

        typer.echo(f"privatelink {__version__}")
        raise typer.Exit()


Version = Annotated[
    bool | None,
    typer.Option(
        "--version", callback=print_version, is_eager=True, help="Print the version and exit."
    ),
]
