"""End-to-end fixtures: one real ``privatelink serve`` per test module, on a schema of its own,
and SDK clients of the three demo accounts. Tests share the module's server, so each one
creates its own services and endpoints."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from tests.conftest import CONSUMER, OUTSIDER, PROVIDER, Server
from tests.e2e.helpers import SERVER_ERRORS, guarded_client


@pytest.fixture(scope="module")
def e2e_server(database_url: str) -> Iterator[Server]:
    schema = f"e2e_{secrets.token_hex(6)}"
    srv = Server(database_url, schema)
    try:
        yield srv
    finally:
        srv.stop()
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(scope="module")
def provider(e2e_server: Server) -> Any:
    return guarded_client(e2e_server.endpoint, PROVIDER)


@pytest.fixture(scope="module")
def consumer(e2e_server: Server) -> Any:
    return guarded_client(e2e_server.endpoint, CONSUMER)


@pytest.fixture(scope="module")
def outsider(e2e_server: Server) -> Any:
    return guarded_client(e2e_server.endpoint, OUTSIDER)


@pytest.fixture(autouse=True)
def no_server_errors() -> Iterator[None]:
    """No test may ever see a 5xx: a server error is a bug, whatever the test expected."""
    SERVER_ERRORS.clear()
    yield
    assert not SERVER_ERRORS, f"the server answered 5xx: {SERVER_ERRORS}"
