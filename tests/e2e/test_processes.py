"""The server as users run it: embedded PostgreSQL across restarts, and the projector as its
own process."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from alibabacloud_privatelink20200415 import models as m

from tests.conftest import PROVIDER, Server, free_port, sdk_client

pytestmark = pytest.mark.e2e


def create_service(client) -> str:  # type: ignore[no-untyped-def]
    body = client.create_vpc_endpoint_service(
        m.CreateVpcEndpointServiceRequest(
            region_id="cn-hangzhou",
            service_resource_type="nlb",
            resource=[
                m.CreateVpcEndpointServiceRequestResource(
                    resource_id="nlb-provider0001", resource_type="nlb"
                )
            ],
        )
    ).body
    return str(body.service_id)


def get_service(client, service_id: str):  # type: ignore[no-untyped-def]
    return client.get_vpc_endpoint_service_attribute(
        m.GetVpcEndpointServiceAttributeRequest(region_id="cn-hangzhou", service_id=service_id)
    ).body


class EmbeddedServer(Server):
    """``privatelink serve`` with no database URL: the embedded PostgreSQL in a data dir."""

    def __init__(self, data_dir: Path) -> None:  # same as Server
        self.port = free_port()
        self.endpoint = f"127.0.0.1:{self.port}"
        self.args = [
            sys.executable,
            "-m",
            "privatelink",
            "serve",
            "--port",
            str(self.port),
            "--data-dir",
            str(data_dir),
        ]
        import tempfile

        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - open while the server runs
            prefix="privatelink-serve-", suffix=".log", delete=False
        )
        env = {k: v for k, v in __import__("os").environ.items() if k != "DATABASE_URL"}
        self.process = subprocess.Popen(
            self.args, stdout=self.log, stderr=subprocess.STDOUT, env=env
        )
        self.wait_ready(timeout=60)


def test_embedded_store_survives_a_restart(tmp_path: Path) -> None:
    first = EmbeddedServer(tmp_path / "data")
    try:
        assert "embedded" in first.output()
        service_id = create_service(sdk_client(first.endpoint, PROVIDER))
    finally:
        first.stop()
    assert first.process.returncode == 0
    second = EmbeddedServer(tmp_path / "data")
    try:
        assert (
            get_service(sdk_client(second.endpoint, PROVIDER), service_id).service_id == service_id
        )
    finally:
        second.stop()


def test_projector_in_its_own_process_keeps_read_your_writes(
    database_url: str, schema: str
) -> None:
    server = Server(database_url, schema, "--no-projector")
    projector = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "privatelink",
            "project",
            "--database-url",
            database_url,
            "--schema",
            schema,
        ]
    )
    try:
        client = sdk_client(server.endpoint, PROVIDER)
        for _ in range(3):
            service_id = create_service(client)
            assert get_service(client, service_id).service_id == service_id
    finally:
        projector.terminate()
        projector.wait(timeout=15)
        server.stop()


def test_serve_stops_cleanly_on_sigterm(database_url: str, schema: str) -> None:
    server = Server(database_url, schema)
    started = time.monotonic()
    server.stop()
    assert server.process.returncode == 0
    assert time.monotonic() - started < 10
