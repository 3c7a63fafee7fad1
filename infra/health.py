"""The server's health (issue 12, 16): is the store reachable, how far behind are the views and
the provisioner, is the writer alive, is the embedded PostgreSQL running. ``healthy`` is
false (and the HTTP answer 503) whenever an API call could not be served."""

from __future__ import annotations

import time
from importlib import metadata
from typing import Any

STORE_TIMEOUT = 1.0


def version() -> str:
    try:
        return metadata.version("privatelink")
    except metadata.PackageNotFoundError:
        return "unknown"


def probe_store(runtime: Any) -> tuple[bool, str, int | None]:
    """(reachable, error, head of the event log): one short query on the views' pool."""
    started = time.perf_counter()
    last = ""
    for _ in range(2):  # a connection broken by a restart is dropped; the second is fresh
        try:
            with runtime.views.pool.connection(timeout=STORE_TIMEOUT) as conn:
                conn.execute("SELECT 1")
            head = runtime.app.recorder.max_notification_id() or 0
            return True, "", int(head)
        except Exception as error:  # noqa: BLE001 - any failure means "not reachable"
            last = f"{type(error).__name__}: {error}".strip()[:300]
            if time.perf_counter() - started > STORE_TIMEOUT:
                break
    return False, last, None


def follower_state(follower: Any, head: int | None) -> dict[str, Any]:
    thread = getattr(follower, "_thread", None)
    position = int(getattr(follower, "position", 0))
    return {
        "running": bool(thread and thread.is_alive()),
        "position": position,
        "backlog": None if head is None else max(0, head - position),
    }


def writer_state(runtime: Any) -> dict[str, Any] | None:
    executor = getattr(runtime.app, "executor", None)
    if executor is None:
        return None
    stuck_for = getattr(executor, "stuck_for", None)
    return {
        "running": executor.thread.is_alive(),
        "queued": executor.jobs.qsize(),
        "busy_seconds": round(stuck_for(), 3) if callable(stuck_for) else None,
    }


def store_state(runtime: Any) -> dict[str, Any]:
    from privatelink.infra.embedded import describe_store

    return describe_store(runtime.url)


def check_health(runtime: Any) -> tuple[bool, dict[str, Any]]:
    """(healthy, the health document)."""
    reachable, error, head = probe_store(runtime)
    followers = {
        getattr(f, "name", type(f).__name__): follower_state(f, head)
        for f in getattr(runtime, "followers", [])
    }
    writer = writer_state(runtime)
    views_position = int(runtime.watcher.position)
    problems = [] if reachable else [f"store unreachable: {error}"]
    problems += worker_problems(followers, writer) + views_problems(runtime.watcher, views_position)
    lag = runtime.lag.summary() if getattr(runtime, "lag", None) else {}
    store = {"reachable": reachable, "error": error, "log_position": head, **store_state(runtime)}
    document = {
        "status": "ok" if not problems else "unavailable",
        "problems": problems,
        "version": version(),
        "store": store,
        "views": views_state(views_position, head, lag),
        "provisioner": followers.get("provisioner"),
        "projector": followers.get("projector"),
        "writer": writer,
    }
    return not problems, document


def views_state(position: int, head: int | None, lag: dict[str, Any]) -> dict[str, Any]:
    return {
        "position": position,
        "lag_events": None if head is None else max(0, head - position),
        "lag_ms_p50": lag.get("p50_ms"),
        "lag_ms_p99": lag.get("p99_ms"),
    }


def worker_problems(
    followers: dict[str, dict[str, Any]], writer: dict[str, Any] | None
) -> list[str]:
    problems = [
        f"{name} is not running" for name, state in followers.items() if not state["running"]
    ]
    if writer is not None and not writer["running"]:
        problems.append("the writer is not running")
    return problems


def views_problems(watcher: Any, views_position: int) -> list[str]:
    problems = []
    behind = int(getattr(watcher, "high_water", views_position)) - views_position
    if getattr(watcher, "unsure", False):
        problems.append("the projector lost the store; the views are not confirmed yet")
    if behind > 0:
        problems.append(
            f"the views are being rebuilt after the store restarted ({behind} events to go)"
        )
    return problems
