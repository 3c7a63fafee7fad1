"""The web console, built on its first request: importing it (its pages, Jinja2, the static
files) and declaring its routes costs start-up time that the cloud API does not need.

The console's own app declares its routes with their full paths (``/console/...``); the mount
hands requests over with the parent's ``root_path``, so the console sees those full paths.
"""

from __future__ import annotations

import threading
from typing import Any

from fastapi import FastAPI
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Receive, Scope, Send

CONSOLE_PATH = "/console"


class LazyConsole:
    """An ASGI app that builds the console's FastAPI app once, on its first request."""

    def __init__(self, runtime: Any) -> None:
        self.runtime = runtime
        self._app: ASGIApp | None = None
        self._lock = threading.Lock()

    def built(self) -> ASGIApp:
        with self._lock:
            if self._app is None:
                from privatelink.api.console import mount_console
                from privatelink.api.error_handlers import install_cloud_errors

                console = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
                console.state.runtime = self.runtime
                install_cloud_errors(console)  # as on the parent: e.g. a cloud-shaped 404
                mount_console(console, self.runtime)
                self._app = console
            return self._app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        app = self._app or self.built()
        root = scope.get("app_root_path", scope.get("root_path", ""))  # the parent's
        await app({**scope, "root_path": root}, receive, send)


def mount_console_lazily(app: FastAPI, runtime: Any) -> None:
    """``/console`` and everything under it go to the console, built when first asked for."""
    console = LazyConsole(runtime)
    app.router.routes.append(Route(CONSOLE_PATH, console))
    app.router.routes.append(Mount(CONSOLE_PATH, app=console))
