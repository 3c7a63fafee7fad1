"""Helpers for test suites that use the emulator (issue 12): a ``privatelink serve`` process
on free ports with its own store, SDK clients per account, reset, runtime inventory and
time control over HTTP. The pytest plugin (``privatelink.pytest_plugin``) builds on these;
they work without pytest too::

    with PrivateLinkServer() as server:
        provider = server.client("provider")
        ...
        server.reset()
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any, Self, TypeVar

T = TypeVar("T")


class ServerExited(RuntimeError):
    """``privatelink serve`` stopped before it was ready (its output is the message)."""


class AdminError(Exception):
    """An admin route refused: its HTTP status and the cloud-shaped body."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(f"HTTP {status} {body.get('Code')}: {body.get('Message')}")
        self.status, self.body, self.code = status, body, body.get("Code")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def admin_call(
    base_url: str,
    method: str,
    path: str,
    body: Any = None,
    admin_key: str | None = None,
    timeout: float = 30,
) -> dict[str, Any]:
    """Call an admin route (``/_privatelink/...``); its JSON answer, or AdminError."""
    data = None if body is None else json.dumps(body).encode()
    headers = {"content-type": "application/json"}
    if admin_key:
        headers["X-PrivateLink-Admin-Key"] = admin_key
    request = urllib.request.Request(
        base_url.rstrip("/") + path, data=data, method=method, headers=headers
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read() or b"{}")  # type: ignore[no-any-return]
    except urllib.error.HTTPError as error:
        raise AdminError(error.code, error_payload(error.read())) from None


def error_payload(raw: bytes) -> dict[str, Any]:
    """An admin route's error answer; its text when it is not JSON."""
    try:
        return json.loads(raw)  # type: ignore[no-any-return]
    except ValueError:
        return {"Code": "HTTP", "Message": raw.decode(errors="replace")}


def wait_until(probe: Callable[[], T], timeout: float = 10, interval: float = 0.05) -> T:
    """Poll ``probe`` until it answers something truthy; that answer (AssertionError after
    ``timeout`` seconds)."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not true after {timeout} s (last answer: {value!r})")
        time.sleep(interval)


class PrivateLinkServer:
    """A ``privatelink serve`` subprocess: free HTTP and DNS ports, no forwarders or prober,
    and a store of its own (an embedded PostgreSQL in ``data_dir`` or a temporary directory,
    removed on ``stop``; or a fresh schema of ``database_url``, dropped on ``stop``). The
    server's output is in ``data_dir/serve.log`` (``output()``)."""

    def __init__(
        self,
        *,
        database_url: str | None = None,
        inventory: str | Path | None = None,
        provision_delay: float = 0.0,
        data_dir: str | Path | None = None,
        extra_args: tuple[str, ...] = (),
    ) -> None:
        self.database_url = database_url
        self.schema = f"pl_{secrets.token_hex(6)}" if database_url else "public"
        self.inventory = inventory
        self.provision_delay = provision_delay
        self.data_dir = Path(data_dir) if data_dir else None
        self._own_dir: str | None = None
        self.extra_args = extra_args
        self.port = self.dns_port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path: Path | None = None

    # -- lifecycle ------------------------------------------------------------------------

    @property
    def endpoint(self) -> str:
        """``host:port``, as the SDK's ``Config(endpoint=...)`` takes it."""
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.endpoint}"

    def start(self, timeout: float = 60) -> Self:
        try:
            return self._start(timeout)
        except ServerExited:
            if self.database_url:
                raise
            # The embedded PostgreSQL's pg_ctl gives up after 10 s on a loaded machine: once
            # more, with what the first attempt already initialised.
            return self._start(timeout)

    def _start(self, timeout: float) -> Self:
        self.port, self.dns_port = free_port(), free_port()
        if self.data_dir is None:
            self._own_dir = tempfile.mkdtemp(prefix="privatelink-")
            self.data_dir = Path(self._own_dir)
        args = self._serve_args(self.data_dir)
        self.log_path = self.data_dir / "serve.log"
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=env)
        self._wait_ready(timeout)
        return self

    def _serve_args(self, data_dir: Path) -> list[str]:
        """``privatelink serve`` on this server's ports and store, without forwarders or
        prober."""
        args = [sys.executable, "-m", "privatelink", "serve"]
        args += ["--port", str(self.port), "--dns-port", str(self.dns_port), "--no-forwarders"]
        args += ["--probe-interval", "0", "--provision-delay", str(self.provision_delay)]
        args += ["--data-dir", str(data_dir), *self.extra_args]
        if self.database_url:
            args += ["--database-url", self.database_url, "--schema", self.schema]
        if self.inventory:
            args += ["--inventory", str(self.inventory)]
        return args

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        assert self.process is not None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerExited(f"privatelink serve exited: {self.output()}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1):
                    return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"privatelink serve not ready after {timeout} s: {self.output()}")

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path else ""

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None
        if self.database_url:
            import psycopg

            with psycopg.connect(self.database_url, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE')
        if self._own_dir:
            shutil.rmtree(self._own_dir, ignore_errors=True)
        elif self.data_dir is not None and not self.database_url:
            shutil.rmtree(self.data_dir / "pg", ignore_errors=True)  # the log stays

    def __enter__(self) -> Self:
        return self.start() if self.process is None else self

    def __exit__(self, *_: object) -> None:
        self.stop()

    # -- admin ----------------------------------------------------------------------------

    def admin(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        return admin_call(self.url, method, path, body)

    def reset(self, inventory: dict[str, Any] | str | None = None) -> dict[str, Any]:
        """An empty store; the inventory kept, replaced (a dict), or the seed (``"seed"``)."""
        return self.admin(
            "POST", "/_privatelink/reset", {} if inventory is None else {"Inventory": inventory}
        )

    def inventory_document(self) -> dict[str, Any]:
        return self.admin("GET", "/_privatelink/inventory")["Inventory"]  # type: ignore[no-any-return]

    def add(self, kind: str, **item: Any) -> dict[str, Any]:
        """Add an inventory item while serving: ``add("vpc", id=..., owner=..., ...)``."""
        return self.admin("POST", f"/_privatelink/inventory/{kind}", item)

    def remove(self, kind: str, ident: str) -> dict[str, Any]:
        return self.admin("DELETE", f"/_privatelink/inventory/{kind}/{ident}")

    def hold(self, resource_id: str = "*") -> dict[str, Any]:
        """Keep ``resource_id`` (``*``: every resource) in its transitional states."""
        return self.admin("POST", "/_privatelink/provisioner/hold", {"ResourceId": resource_id})

    def release(self, resource_id: str = "*") -> dict[str, Any]:
        return self.admin("POST", "/_privatelink/provisioner/release", {"ResourceId": resource_id})

    def step(self, resource_id: str) -> dict[str, Any]:
        """Take the next held step of ``resource_id`` (it stays held)."""
        return self.admin("POST", "/_privatelink/provisioner/step", {"ResourceId": resource_id})

    # -- the official SDK -----------------------------------------------------------------

    def client(self, account: str, region_id: str = "cn-hangzhou", **config: Any) -> Any:
        """An official SDK client signing as ``account`` (its name or uid in the inventory)
        with the account's first access key."""
        from alibabacloud_privatelink20200415.client import Client
        from alibabacloud_tea_openapi.models import Config

        for entry in self.inventory_document()["accounts"]:
            if account in (entry["name"], entry["uid"]) and entry["access_keys"]:
                key = entry["access_keys"][0]
                return Client(
                    Config(
                        access_key_id=key["id"],
                        access_key_secret=key["secret"],
                        endpoint=self.endpoint,
                        protocol="http",
                        region_id=region_id,
                        **config,
                    )
                )
        raise KeyError(f"no account named {account!r} with an access key in the inventory")

    def clients(self) -> Clients:
        return Clients(self)

    wait_until = staticmethod(wait_until)


class Clients:
    """SDK clients by account name or uid, made on first use: ``clients["provider"]``."""

    def __init__(self, server: PrivateLinkServer) -> None:
        self.server = server
        self._made: dict[str, Any] = {}

    def __getitem__(self, account: str) -> Any:
        if account not in self._made:
            self._made[account] = self.server.client(account)
        return self._made[account]
