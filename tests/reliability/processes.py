"""The product's processes as the fault tests drive them: ``privatelink serve`` on a fixed port
(so clients keep their endpoint across a SIGKILL and a restart), ``privatelink project``, the
history CLI, and two read-only probes of the store (where the event log and the views are)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from tests.conftest import Server
from tests.e2e.history_helpers import cli as history_cli


class Serve(Server):
    """``privatelink serve`` that can be SIGKILLed and started again on the same port."""

    def start(self) -> None:
        self.process = subprocess.Popen(self.args, stdout=self.log, stderr=subprocess.STDOUT)
        try:
            self.wait_ready()
        except BaseException:
            if self.process.poll() is None:  # not ready in time: leave nothing running
                self.kill()
            raise

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, exactly like a crash."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def running(self) -> bool:
        return self.process.poll() is None


class Projector:
    """``privatelink project``: the views follower in a process of its own."""

    def __init__(self, database_url: str, schema: str) -> None:
        self.args = [
            sys.executable,
            "-m",
            "privatelink",
            "project",
            "--database-url",
            database_url,
            "--schema",
            schema,
        ]
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - open while the server runs
            prefix="privatelink-project-",
            suffix=".log",
            delete=False,
        )
        self.kills = 0
        self.start()

    def start(self) -> None:
        self.process = subprocess.Popen(self.args, stdout=self.log, stderr=subprocess.STDOUT)

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        self.kills += 1

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def output(self) -> str:
        return Path(self.log.name).read_text()


def cli(
    database_url: str, schema: str, *args: str, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """A ``privatelink`` command on the test's store, with room for a loaded machine."""
    return history_cli(database_url, schema, *args, check=check, timeout=180)


def rebuild_verify(database_url: str, schema: str) -> str:
    """``privatelink rebuild --verify``: the views equal a rebuild from the log (AUD-3)."""
    result = cli(database_url, schema, "rebuild", "--verify", check=False)
    assert result.returncode == 0, f"rebuild --verify failed:\n{result.stdout}\n{result.stderr}"
    return result.stderr + result.stdout


def exported_events(database_url: str, schema: str) -> list[dict[str, Any]]:
    """The whole event log, through ``privatelink export``."""
    out = cli(database_url, schema, "export").stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def event_counts(events: list[dict[str, Any]]) -> Counter[str]:
    """Events by ``Class.Event`` name, e.g. ``Endpoint.Created``."""
    return Counter(e["topic"].rsplit(":", 1)[-1] for e in events)


def history(database_url: str, schema: str, resource_id: str) -> list[dict[str, Any]]:
    return json.loads(cli(database_url, schema, "history", resource_id, "--json").stdout)  # type: ignore[no-any-return]


def store_mark(database_url: str, schema: str) -> tuple[int, int]:
    """(highest notification id, number of events): any write to the event log moves it."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        row = conn.execute(
            sql.SQL("SELECT coalesce(max(notification_id), 0), count(*) FROM {}").format(
                sql.Identifier(schema, "privatelink_events")
            )
        ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def settled_mark(
    database_url: str, schema: str, quiet: float = 0.3, timeout: float = 20
) -> tuple[int, int]:
    """The store's mark once nothing moves: the views hold every event, and no event came for
    ``quiet`` seconds (the provisioner's follow-up steps of earlier commands are done), so a
    later difference is the doing of what the test sends next."""
    deadline = time.monotonic() + timeout
    last, since = store_mark(database_url, schema), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.05)
        now = store_mark(database_url, schema)
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet and views_position(database_url, schema) >= now[0]:
            return now
    return last


def views_position(database_url: str, schema: str) -> int:
    """Where the projector's tracking record says the views are (0 before the first batch)."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT to_regclass(%s)", (f'"{schema}".pl_view_tracking',)
        ).fetchone()
        if not exists or exists[0] is None:
            return 0
        row = conn.execute(
            sql.SQL("SELECT position FROM {} WHERE name = 'views'").format(
                sql.Identifier(schema, "pl_view_tracking")
            )
        ).fetchone()
    return int(row[0]) if row else 0


def view_counts(database_url: str, schema: str) -> Counter[str]:
    """View rows by kind."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        rows = conn.execute(
            sql.SQL("SELECT kind, count(*) FROM {} GROUP BY kind").format(
                sql.Identifier(schema, "pl_views")
            )
        ).fetchall()
    return Counter({kind: int(n) for kind, n in rows})


def drop_schema(database_url: str, schema: str) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
