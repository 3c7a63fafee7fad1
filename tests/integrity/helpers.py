"""Helpers for the integrity tests: put chosen jobs into one writer batch, and drive an
aggregate to a chosen version."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from privatelink.application.executor import CommandExecutor, Job
from privatelink.application.tagging import TagResources
from privatelink.composition import Runtime
from tests.application.helpers import cmd


@contextmanager
def one_batch(executor: CommandExecutor) -> Iterator[Callable[[Callable[[], Any]], dict[str, Any]]]:
    """Hold the writer on a job of ours; the calls queued meanwhile are decided together, in
    the order they were queued, as the next batch once the block ends."""
    release, holding = threading.Event(), threading.Event()

    def hold() -> tuple[dict[str, Any], list[Any]]:
        holding.set()
        release.wait(30)
        return {}, []

    holder = threading.Thread(target=executor.submit, args=(Job(hold),), daemon=True)
    holder.start()
    assert holding.wait(30)
    threads: list[threading.Thread] = []
    answers: list[dict[str, Any]] = []

    def queue(call: Callable[[], Any]) -> dict[str, Any]:
        answer: dict[str, Any] = {}
        answers.append(answer)

        def run() -> None:
            try:
                answer["outcome"] = call()
            except Exception as error:  # noqa: BLE001 - the test inspects it
                answer["error"] = error

        queued = executor.jobs.qsize()
        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        threads.append(thread)
        wait_until(lambda: executor.jobs.qsize() == queued + 1)
        return answer

    try:
        yield queue
    finally:
        release.set()
        for thread in [holder, *threads]:
            thread.join(30)


def wait_until(condition: Callable[[], bool], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached")
        time.sleep(0.005)


def tag(rt: Runtime, account: str, kind: str, ids: list[str], tags: list[tuple[str, str]]) -> Any:
    return rt.app.dispatch(
        TagResources("cn-hangzhou", kind, ids, tags), cmd(account, "TagResources")
    )


def drive_to_version(
    rt: Runtime, account: str, kind: str, resource_id: str, aggregate_id: Any, version: int
) -> None:
    """Change a tag back and forth until the aggregate is at ``version``."""
    while (current := rt.app.repository.get(aggregate_id).version) < version:
        tag(rt, account, kind, [resource_id], [("pump", str(current))])
