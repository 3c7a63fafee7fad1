"""Who holds the writer's turn (issue 17, application/writer_turns.py): an idle writer lets
the calling thread decide and commit its own job; while a turn is held, jobs wait for the
writer's thread and are decided together, never two turns at once."""

from __future__ import annotations

import threading
from typing import Any

from privatelink.application.jobs import Job
from privatelink.composition import Runtime
from privatelink.domain.service import EndpointService
from tests.application.helpers import create_endpoint, create_service
from tests.integrity.helpers import one_batch


def deciding_thread(runtime: Runtime, seen: list[tuple[str, bool]]) -> Job:
    executor: Any = runtime.app.executor

    def decide() -> tuple[dict[str, Any], list[Any]]:
        seen.append((threading.current_thread().name, executor.in_writer()))
        return {"ok": True}, []

    return Job(decide)


def test_issue17_an_idle_writer_lets_the_caller_decide_its_own_job(runtime: Runtime) -> None:
    """Nothing waits and no turn is held: the job is decided in the submitting thread, which
    counts as the writer while it decides (cached aggregates, the turn's session)."""
    seen: list[tuple[str, bool]] = []
    outcome = runtime.app.executor.submit(deciding_thread(runtime, seen))  # type: ignore[union-attr]
    assert outcome.result == {"ok": True}
    assert seen == [(threading.current_thread().name, True)]
    assert not runtime.app.executor.in_writer()  # type: ignore[union-attr]


def test_issue17_jobs_that_come_while_a_turn_is_held_wait_for_the_writers_thread(
    runtime: Runtime,
) -> None:
    """While one thread holds the turn, the jobs submitted meanwhile queue, untaken, and the
    writer's own thread decides them together in its next turn, one after another."""
    executor: Any = runtime.app.executor
    seen: list[tuple[str, bool]] = []
    batches: list[int] = []
    executor.on_batch = batches.append
    with one_batch(executor) as queue:
        answers = [queue(lambda: executor.submit(deciding_thread(runtime, seen))) for _ in range(3)]
        assert executor.jobs.qsize() == 3  # the writer's thread took none while the turn is held
    assert [a["outcome"].result for a in answers] == [{"ok": True}] * 3
    assert seen == [("command-executor", True)] * 3
    assert batches[-1] == 3


def test_issue17_concurrent_creates_share_turns_and_all_commit(runtime: Runtime) -> None:
    """Many threads creating at once (some holding the turn themselves, the rest queued for
    the writer's thread): every create is answered, each once, and the service's connection
    book holds them all."""
    service_id = create_service(runtime)
    ids: list[str] = []
    errors: list[BaseException] = []

    def create() -> None:
        try:
            ids.append(create_endpoint(runtime, service_id))
        except BaseException as error:  # noqa: BLE001 - the test reports it
            errors.append(error)

    threads = [threading.Thread(target=create) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == [] and len(set(ids)) == 16
    service = runtime.app.repository.get(EndpointService.create_id(service_id))
    assert set(service.connections) == set(ids)
