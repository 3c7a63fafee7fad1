"""Exactly one process provisions at a time (issue 10, "Several processes").

Every ``serve`` follows the log with a provisioner under one tracking name; two of them took
the same steps at the same moment, collided on the tracking row and dragged whole batches of
user commands into retries. Now a provisioner first takes a PostgreSQL session advisory lock
(its key scoped by the schema) on a connection of its own and provisions only while it holds
it. The others wait and try again: when the holder stops, or dies (PostgreSQL ends its session
and with it the lock), one of them takes over from the tracking position in the store.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import psycopg
from psycopg import sql

from privatelink.application.app import PrivateLinkApp
from privatelink.infra.followers import ProvisionerRunner

log = logging.getLogger("privatelink")

LOCK_NAME = "privatelink-provisioner"
RETRY_SECONDS = 0.5
CHECK_SECONDS = 1.0


class LeaseLost(Exception):
    """The lease's connection broke: another process may provision now."""


class ProvisioningLease:
    """A session advisory lock keyed by (provisioner, schema), held on its own connection."""

    def __init__(self, url: str, schema: str, connect_timeout: float = 2.0) -> None:
        self.url = url
        self.schema = schema
        self.connect_timeout = connect_timeout
        self.conn: psycopg.Connection[Any] | None = None

    def acquire(self) -> bool:
        """Take the lock if it is free; False when another session holds it."""
        if self.conn is None or self.conn.closed:
            self.conn = psycopg.connect(
                self.url, autocommit=True, connect_timeout=max(1, round(self.connect_timeout))
            )
        row = self.conn.execute(
            "SELECT pg_try_advisory_lock(hashtext(%s), hashtext(%s))", (LOCK_NAME, self.schema)
        ).fetchone()
        return bool(row and row[0])

    def alive(self) -> bool:
        """Whether the session (and with it the lock) still exists."""
        try:
            return self.conn is not None and self.conn.execute("SELECT 1").fetchone() is not None
        except psycopg.Error:
            return False

    def release(self) -> None:
        """Closing the session releases the lock."""
        if self.conn is not None:
            try:
                self.conn.close()
            except psycopg.Error:
                pass
        self.conn = None


def lease_holder(conn: psycopg.Connection[Any], schema: str) -> int | None:
    """The backend pid of the session holding the provisioning lease of ``schema``."""
    row = conn.execute(
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 2 "
        "AND classid = hashtext(%s)::oid AND objid = hashtext(%s)::oid",
        (LOCK_NAME, schema),
    ).fetchone()
    return int(row[0]) if row else None


class LeasedProvisionerRunner(ProvisionerRunner):
    """The provisioner, run only while this process holds the schema's provisioning lease."""

    def __init__(
        self, app: PrivateLinkApp, url: str, schema: str, retry: float = RETRY_SECONDS
    ) -> None:
        super().__init__(app, url)
        self.lease = ProvisioningLease(url, schema)
        self.retry = retry
        self.holding = False
        self.attempts = 0
        self._checked = 0.0

    def _run(self) -> None:
        waited = False
        while not self._stop.is_set():
            if not self._try_lease():
                waited = True
                self._stop.wait(self.retry)
                continue
            # Worth a line when it was taken over from another process; otherwise routine.
            log.log(
                logging.INFO if waited else logging.DEBUG,
                "provisioner: this process holds the provisioning lease",
            )
            try:
                self.position = self.initial_position_safe()
                self._follow_while_leased()
            except LeaseLost:
                log.warning("provisioner: the provisioning lease was lost; standing by")
            except Exception:
                log.exception("provisioner failed; retrying")
                self._stop.wait(self.retry)
            finally:
                self.holding = False
                self.lease.release()

    def _follow_while_leased(self) -> None:
        with psycopg.connect(self.url, autocommit=True) as listener:
            listener.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
            self._follow(listener)

    def _try_lease(self) -> bool:
        self.attempts += 1
        try:
            self.holding = self.lease.acquire()
        except psycopg.Error:
            self.lease.release()
            self.holding = False
        return self.holding

    def _check_lease(self) -> None:
        now = time.monotonic()
        if now - self._checked < CHECK_SECONDS:
            return
        self._checked = now
        if not self.lease.alive():
            raise LeaseLost()

    def process(self, notifications: list) -> int:  # type: ignore[type-arg]
        self._check_lease()
        return super().process(notifications)

    def _wait_for_news(self, listener: psycopg.Connection[Any]) -> None:
        self._check_lease()
        super()._wait_for_news(listener)
