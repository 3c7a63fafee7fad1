"""Issue 10, "Several processes": exactly one process provisions at a time (a PostgreSQL
advisory lock scoped by the schema), and another takes over when the holder stops or dies;
the writers of several processes take turns instead of losing races to each other."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from typing import Any

import psycopg
import pytest

from privatelink.api.errors import status_for
from privatelink.api.responses import is_database_outage
from privatelink.application.executor import StoreUnavailable
from privatelink.application.writer_ports import ForeignWrites
from privatelink.composition import Runtime, open_runtime
from privatelink.domain.service import EndpointService
from privatelink.infra.check import check_store
from privatelink.infra.provisioning_lease import LeasedProvisionerRunner, lease_holder
from privatelink.infra.settings import Settings
from privatelink.infra.write_session import LOCK_NAME as WRITER_LOCK
from tests.application.helpers import PROVIDER, create_endpoint, create_service
from tests.conftest import Server
from tests.integrity.helpers import tag, wait_until


def runner_of(runtime: Runtime) -> LeasedProvisionerRunner:
    return next(f for f in runtime.followers if isinstance(f, LeasedProvisionerRunner))


def provisions(runtime: Runtime) -> None:
    """A new service becomes Active: some process took the provisioning step."""
    service_id = create_service(runtime)
    key = EndpointService.create_id(service_id)
    wait_until(lambda: runtime.app.repository.get(key).status == "Active")


@pytest.fixture
def two(settings: Settings) -> Iterator[tuple[ExitStack, Runtime, ExitStack, Runtime]]:
    with ExitStack() as first_stack, ExitStack() as second_stack:
        first = first_stack.enter_context(open_runtime(settings))
        second = second_stack.enter_context(open_runtime(settings))
        yield first_stack, first, second_stack, second


def test_issue10_one_of_two_runtimes_provisions_and_the_other_takes_over_when_it_stops(
    two: tuple[ExitStack, Runtime, ExitStack, Runtime],
) -> None:
    first_stack, first, second_stack, second = two
    a, b = runner_of(first), runner_of(second)
    wait_until(lambda: (a.holding and b.attempts >= 2) or (b.holding and a.attempts >= 2))
    assert a.holding != b.holding
    holder_stack, standby = (first_stack, second) if a.holding else (second_stack, first)
    provisions(standby)
    holder_stack.close()
    wait_until(lambda: runner_of(standby).holding)
    provisions(standby)


def test_issue10_the_provisioner_is_taken_over_when_its_process_dies(
    database_url: str, schema: str, settings: Settings
) -> None:
    server = Server(database_url, schema)
    try:
        with psycopg.connect(database_url, autocommit=True) as conn:
            wait_until(lambda: lease_holder(conn, schema) is not None)
            with open_runtime(settings) as runtime:
                standby = runner_of(runtime)
                wait_until(lambda: standby.attempts >= 2)
                assert not standby.holding
                os.kill(server.process.pid, signal.SIGKILL)
                server.process.wait(10)
                wait_until(lambda: standby.holding)
                assert lease_holder(conn, schema) is not None
                provisions(runtime)
    finally:
        server.stop()


def test_issue10_two_processes_writing_one_service_take_turns_and_never_lose_a_race(
    two: tuple[ExitStack, Runtime, ExitStack, Runtime],
) -> None:
    """Endpoints of one service created at once through two runtimes all succeed, neither
    writer ever loses an optimistic-concurrency race (each decides on the current state in
    its turn), and the service holds every endpoint."""
    _, first, _, second = two
    service_id = create_service(first)
    with ThreadPoolExecutor(8) as pool:
        ids = list(
            pool.map(lambda i: create_endpoint((first, second)[i % 2], service_id), range(24))
        )
    assert first.app.executor.lost_races == 0  # type: ignore[union-attr]
    assert second.app.executor.lost_races == 0  # type: ignore[union-attr]
    service = first.app.repository.get(EndpointService.create_id(service_id))
    assert sorted(service.connections) == sorted(ids)
    assert check_store(first.app) == []


def test_issue10_a_writer_that_cannot_get_its_turn_answers_503_instead_of_waiting(
    runtime: Runtime, database_url: str
) -> None:
    """While another session holds the schema's write turn, a command fails in bounded time
    with an error the API answers 503 ServiceUnavailable; once it is free, commands pass."""
    service_id = create_service(runtime)
    with psycopg.connect(database_url, autocommit=True) as other:
        other.execute(
            "SELECT pg_advisory_lock(hashtext(%s), hashtext(%s))",
            (WRITER_LOCK, runtime.settings.db_schema),
        )
        with pytest.raises(Exception) as refused:
            tag(runtime, PROVIDER, "vpcendpointservice", [service_id], [("k", "v")])
        error = refused.value
        assert (
            isinstance(error, StoreUnavailable) and status_for(error) == 503
        ) or is_database_outage(error)  # answered 503 ServiceUnavailable by api/responses.py
    tag(runtime, PROVIDER, "vpcendpointservice", [service_id], [("k", "w")])


def test_issue17_a_batch_that_loses_a_race_is_decided_again_in_a_turn_of_its_own(
    two: tuple[ExitStack, Runtime, ExitStack, Runtime], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A writer whose cached aggregate is stale (here: it misses the other process's write
    once) loses the optimistic-concurrency race on its commit; its job is decided again
    against the store and succeeds, and nothing of the lost attempt is left."""
    _, first, _, second = two
    service_id = create_service(first)
    tag(second, PROVIDER, "vpcendpointservice", [service_id], [("by", "second")])
    missed: list[int] = []
    catch_up = ForeignWrites.catch_up

    def misses_once(self: ForeignWrites, changes: Any, cache: Any, events_after: Any) -> None:
        if not missed and changes:
            missed.append(len(changes))
            self.since_last(changes)  # seen, and not applied
            return
        catch_up(self, changes, cache, events_after)

    monkeypatch.setattr(ForeignWrites, "catch_up", misses_once)
    tag(first, PROVIDER, "vpcendpointservice", [service_id], [("by", "first")])
    assert missed
    assert first.app.executor.lost_races == 1  # type: ignore[union-attr]
    service = first.app.repository.get(EndpointService.create_id(service_id))
    assert dict(service.tags) == {"by": "first"}
    assert check_store(first.app) == []
