"""``privatelink serve`` and its data plane as a process: a taken DNS port is a clear error."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest

from tests.conftest import free_port
from tests.dataplane.conftest import free_dns_port

pytestmark = pytest.mark.e2e


def test_serve_fails_clearly_when_the_dns_port_is_taken(database_url: str, schema: str) -> None:
    port = free_dns_port()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as taken:
        taken.bind(("127.0.0.1", port))
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "privatelink",
                "serve",
                "--port",
                str(free_port()),
                "--database-url",
                database_url,
                "--schema",
                schema,
                "--dns-port",
                str(port),
            ],
            check=False,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2  # a usage error, found before anything starts (issue 15)
    message = " ".join(result.stderr.split())
    assert f"cannot answer DNS on 127.0.0.1:{port}" in message
    assert "--dns-port" in message and "--no-dns" in message
