"""The pytest plugin (entry point ``pytest11``), loaded wherever ``privatelink`` is installed.

Fixtures (all prefixed ``privatelink``, so they clash with no suite's own):

- ``privatelink_server`` (session): one ``privatelink serve`` on free ports, with an embedded
  PostgreSQL in a temporary directory (or a fresh schema of ``--privatelink-database-url`` /
  ``PRIVATELINK_DATABASE_URL``), DNS on a free port, no forwarders or prober;
- ``privatelink`` (each test): the same server, reset to an empty store before the test;
- ``privatelink_clients`` (each test): official SDK clients by account name or uid,
  ``privatelink_clients["provider"]``.

Options: ``--privatelink-database-url``, ``--privatelink-inventory`` (``PRIVATELINK_INVENTORY``),
``--privatelink-provision-delay``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from privatelink.testing import Clients, PrivateLinkServer


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("privatelink", "PrivateLink emulator")
    group.addoption(
        "--privatelink-database-url",
        default=os.environ.get("PRIVATELINK_DATABASE_URL"),
        help="A PostgreSQL to keep the emulator's store in (a "
        "fresh schema, dropped at the end); an embedded one in a temporary directory otherwise.",
    )
    group.addoption(
        "--privatelink-inventory",
        default=os.environ.get("PRIVATELINK_INVENTORY"),
        help="The inventory file the emulator starts with (the demo inventory otherwise).",
    )
    group.addoption(
        "--privatelink-provision-delay",
        type=float,
        default=0.0,
        help="Seconds each asynchronous step takes.",
    )


@pytest.fixture(scope="session")
def privatelink_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PrivateLinkServer]:
    """One emulator for the whole session (started on first use)."""
    option = request.config.getoption
    server = PrivateLinkServer(
        database_url=option("--privatelink-database-url"),
        inventory=option("--privatelink-inventory"),
        provision_delay=option("--privatelink-provision-delay"),
        data_dir=tmp_path_factory.mktemp("privatelink"),
    )
    with server:
        yield server


@pytest.fixture
def privatelink(privatelink_server: PrivateLinkServer) -> PrivateLinkServer:
    """The session's emulator, reset for this test: an empty store, the start-up inventory
    and no held steps."""
    privatelink_server.reset("seed")
    return privatelink_server


@pytest.fixture
def privatelink_clients(privatelink: PrivateLinkServer) -> Any:
    """Official SDK clients by account name or uid, signed with the account's first key."""
    return Clients(privatelink)
