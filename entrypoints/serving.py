"""What ``privatelink serve`` does once its settings are read, in the order that makes start to
ready short (issue 12): the cheap checks first, then PostgreSQL starting on a thread while the
server's modules import, with the collector paused, then the listeners."""

from __future__ import annotations

import contextlib
import gc
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from privatelink.cli_base import console, fail

if TYPE_CHECKING:
    from fastapi import FastAPI

    from privatelink.infra.settings import ServeSettings


def serve_with(settings: ServeSettings) -> None:
    """Check, start and run the server until SIGINT or SIGTERM."""
    prepare(settings)
    with collector_paused():
        http_app = build_app(settings)
    if http_app is None:
        return
    announce(settings, http_app)
    run_server(settings, http_app)


def prepare(settings: ServeSettings) -> None:
    """The inventory file, both ports and logging; then PostgreSQL begins to start."""
    from privatelink.infra.log_setup import configure_logging

    load_settings_inventory(settings.inventory)  # the flag's or PRIVATELINK_INVENTORY's
    check_ports(settings)
    configure_logging(settings.log_level, settings.log_format)
    if not settings.database_url:  # PostgreSQL starts while the server's modules import
        from privatelink.infra.embedded import prestart

        prestart(settings.data_dir, settings.verbose)


SERVING_COLLECTOR = (20_000, 20, 10)
"""The collector's thresholds while serving (Python's are 700, 10, 10). A server allocates
fast and keeps a large heap (the writer's cache of aggregates): at Python's thresholds a full
collection ran every two or three seconds under load, each a 20-60 ms pause of every thread
(the slowest percent of answers), and collections took ~3 % of the CPU. Now the youngest
generation is collected every 20,000 allocations, a full collection comes minutes apart, and
garbage cycles are still collected."""


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No garbage collection while thousands of classes and functions are made at import; what
    start-up made is then frozen out of the collector's way (``gc.freeze``), and the collector
    runs at the server's thresholds."""
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.set_threshold(*SERVING_COLLECTOR)
        gc.enable()


def build_app(settings: ServeSettings) -> FastAPI | None:
    """The composition root's app, or None (said why) when the data plane cannot start."""
    from privatelink.composition import create_app
    from privatelink.infra.dataplane import DataPlaneError

    try:
        return create_app(settings)
    except DataPlaneError as error:
        fail(str(error), code=1)
        return None


def announce(settings: ServeSettings, http_app: FastAPI) -> None:
    """One line per listener: the API with its store, and the data plane when it runs."""
    from privatelink.infra.database import describe

    store = describe(http_app.state.runtime.url)
    kind = "external" if settings.database_url else f"embedded in {settings.data_dir}"
    console.print(
        f"privatelink listening on http://{settings.host}:{settings.port} "
        f"(store: {kind}, {store}, schema {settings.db_schema})"
    )
    dataplane = getattr(http_app.state.runtime, "dataplane", None)
    if dataplane is not None:
        console.print(f"privatelink data plane: {dataplane.describe()}")


def run_server(settings: ServeSettings, http_app: FastAPI) -> None:
    import uvicorn

    from privatelink.api.http import cloud_http_protocol
    from privatelink.api.limits import limit_server

    config = uvicorn.Config(
        http_app,
        host=settings.host,
        port=settings.port,
        log_level="warning",
        access_log=False,
        log_config=None,
        http=cloud_http_protocol(),
    )
    graceful_server_class()(limit_server(config, settings)).run()


def graceful_server_class() -> type:
    import uvicorn

    class GracefulServer(uvicorn.Server):
        """Stops on SIGINT/SIGTERM and exits 0 (uvicorn re-raises the signal otherwise)."""

        @contextlib.contextmanager
        def capture_signals(self):  # type: ignore[no-untyped-def]
            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, self.handle_exit)
            yield

    return GracefulServer


def load_settings_inventory(inventory: Path | None) -> None:
    from privatelink.infra.inventory_file import InventoryError, load_inventory

    if inventory is not None:
        try:
            load_inventory(inventory)
        except InventoryError as error:
            fail(str(error))


def check_ports(settings: ServeSettings) -> None:
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
