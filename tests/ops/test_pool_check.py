"""Issue 17: pooled connections are checked before use without a round trip when their socket
is quiet, and a connection that broke while idle is still found out and replaced."""

from __future__ import annotations

import time
from typing import Any

import psycopg
import pytest
from psycopg_pool import ConnectionPool

from privatelink.composition import Runtime
from privatelink.infra import pool_check
from privatelink.infra.pool_check import check_connection


@pytest.fixture
def pings(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The full checks (an empty query) made through the cheap check."""
    made: list[Any] = []
    full = ConnectionPool.check_connection

    def counted(conn: Any) -> None:
        made.append(conn)
        full(conn)

    monkeypatch.setattr(pool_check.ConnectionPool, "check_connection", staticmethod(counted))
    return made


def test_a_quiet_idle_connection_is_not_pinged(database_url: str, pings: list[Any]) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        check_connection(conn)
    assert pings == []


def test_a_connection_ended_by_the_server_fails_the_check(
    database_url: str, pings: list[Any]
) -> None:
    with (
        psycopg.connect(database_url, autocommit=True) as victim,
        psycopg.connect(database_url, autocommit=True) as admin,
    ):
        admin.execute("SELECT pg_terminate_backend(%s)", (victim.info.backend_pid,))
        deadline = time.monotonic() + 5
        while not pool_check._readable(victim.fileno()) and time.monotonic() < deadline:
            time.sleep(0.01)
        with pytest.raises(psycopg.OperationalError):
            check_connection(victim)
    assert len(pings) == 1


def test_a_closed_connection_fails_the_check_without_a_query(database_url: str) -> None:
    conn = psycopg.connect(database_url, autocommit=True)
    conn.close()
    with pytest.raises(psycopg.OperationalError):
        check_connection(conn)


def test_the_pool_replaces_a_connection_the_server_ended(database_url: str) -> None:
    with (
        ConnectionPool(database_url, min_size=1, max_size=1, check=check_connection) as pool,
        psycopg.connect(database_url, autocommit=True) as admin,
    ):
        with pool.connection() as conn:
            first = conn.info.backend_pid
        admin.execute("SELECT pg_terminate_backend(%s)", (first,))
        time.sleep(0.2)
        with pool.connection() as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
            assert conn.info.backend_pid != first


def test_the_event_stores_pool_uses_the_cheap_check(runtime: Runtime) -> None:
    pool = runtime.app.recorder.datastore.pool  # type: ignore[attr-defined]
    assert pool._check is check_connection
