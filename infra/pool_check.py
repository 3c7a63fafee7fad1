"""Checking a pooled connection before use, without a round trip when nothing is wrong
(issue 17).

A connection that broke while idle (PostgreSQL restarted, the supervisor restarted the embedded
one, an administrator ended the session) has something on its socket: the server's goodbye,
then the end of the stream. A sound idle connection has nothing to say. So the socket is
polled without waiting, and only a connection with something to read, or one not idle, is
pinged with an empty query (psycopg_pool's own check; the pool replaces a connection that
fails it). Pinging every connection on every use had cost a round trip per use: about 5-7 %
of a create's time in the default ``serve``.
"""

from __future__ import annotations

import select
from typing import Any

import psycopg
from psycopg.pq import TransactionStatus
from psycopg_pool import ConnectionPool


def check_connection(conn: psycopg.Connection[Any]) -> None:
    """Raise when ``conn`` is not fit for use; return at once when its socket is quiet."""
    if conn.closed or conn.broken:
        raise psycopg.OperationalError("the pooled connection is closed")
    if conn.info.transaction_status == TransactionStatus.IDLE and not _readable(conn.fileno()):
        return
    ConnectionPool.check_connection(conn)


def _readable(fd: int) -> bool:
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLPRI)
    return bool(poller.poll(0))


def check_cheaply(pool: ConnectionPool[Any]) -> None:
    """Make a pool built elsewhere (the eventsourcing library's, with its pre-ping on) check
    its connections this way. The pool keeps its own full ping when its attribute is not
    where this expects it (a psycopg_pool that changed)."""
    if getattr(pool, "_check", None) is not None:
        pool._check = check_connection
