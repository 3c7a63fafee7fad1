"""Issue 17: with no provisioning delay, the provisioner's steps that a command's events call
for are decided into the command's own commit, so a create is one commit and one views batch;
held resources and a provisioning delay still leave the steps to the provisioner, a step that
fails in the writer never refuses the command, and the provisioner records its position."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import psycopg
import pytest
from psycopg import sql

from privatelink.application import provisioner as provisioning
from privatelink.application.endpoints import CreateEndpoint, ZoneRequest
from privatelink.application.provisioner_holds import take
from privatelink.composition import Runtime, open_runtime
from privatelink.domain.endpoint import Endpoint, EndpointOptions
from privatelink.domain.service import EndpointService
from privatelink.domain.states import EndpointStatus, ServiceStatus
from privatelink.infra.settings import Settings
from privatelink.infra.write_session import PostgresWriteSession
from tests.application.helpers import CONSUMER, REGION, cmd, create_endpoint, create_service
from tests.integrity.helpers import wait_until


def events_of(runtime: Runtime, endpoint_id: str) -> list[Any]:
    return list(runtime.app.events.get(Endpoint.create_id(endpoint_id)))


def test_issue17_a_creates_steps_commit_with_it(runtime: Runtime) -> None:
    """The steps' events (endpoint Activated, connection Established) are at or before the
    position the create answered with, so its views show them; they are the system's, on
    behalf of the create's request."""
    service_id = create_service(runtime)
    outcome = runtime.app.dispatch(
        CreateEndpoint(
            REGION,
            "vpc-consumer0001",
            service_id,
            None,
            [ZoneRequest("cn-hangzhou-h", "vsw-consumer-h", None)],
            [],
            EndpointOptions(),
        ),
        cmd(CONSUMER, "CreateVpcEndpoint"),
    )
    assert runtime.wait_for_views(outcome.position)
    endpoint_id = outcome.result["EndpointId"]
    # The answer is the state the command left, as before its steps:
    assert (outcome.result["EndpointStatus"], outcome.result["ConnectionStatus"]) == (
        "Creating",
        "Connecting",
    )
    key = Endpoint.create_id(endpoint_id)
    logged = {
        n.topic.rsplit(".", 1)[-1]: n.id
        for n in runtime.app.recorder.select_notifications(start=1, limit=10_000)
    }
    assert logged["Activated"] <= (outcome.position or 0)
    assert logged["ConnectionEstablished"] <= (outcome.position or 0)
    view = runtime.views.get("endpoint", str(key))
    assert view is not None
    assert (view["doc"]["EndpointStatus"], view["doc"]["ConnectionStatus"]) == (
        "Active",
        "Connected",
    )
    created, activated = events_of(runtime, endpoint_id)[:2]
    assert activated.actor == "system"
    assert activated.request_id == created.request_id


def test_issue17_a_held_resources_steps_are_left_to_the_provisioner(runtime: Runtime) -> None:
    service_id = create_service(runtime)
    runtime.app.holds.hold("*")
    endpoint_id = create_endpoint(runtime, service_id)
    key = Endpoint.create_id(endpoint_id)
    assert runtime.app.repository.get(key).status == EndpointStatus.CREATING
    wait_until(lambda: bool(runtime.app.holds.parked))  # the provisioner parked it
    assert runtime.app.repository.get(key).status == EndpointStatus.CREATING
    released = runtime.app.holds.release("*")
    take(runtime.app, released)
    wait_until(lambda: runtime.app.repository.get(key).status == EndpointStatus.ACTIVE)


@pytest.fixture
def delayed(settings: Settings) -> Iterator[Runtime]:
    with open_runtime(settings.model_copy(update={"provision_delay": 0.3})) as rt:
        yield rt


def test_issue17_with_a_provisioning_delay_the_steps_wait_for_it(delayed: Runtime) -> None:
    service_id = create_service(delayed)
    service = EndpointService.create_id(service_id)
    wait_until(lambda: delayed.app.repository.get(service).status == ServiceStatus.ACTIVE)
    endpoint_id = create_endpoint(delayed, service_id)
    key = Endpoint.create_id(endpoint_id)
    assert delayed.app.repository.get(key).status == EndpointStatus.CREATING
    wait_until(lambda: delayed.app.repository.get(key).status == EndpointStatus.ACTIVE)
    assert delayed.app.provisioner.provision_delay == timedelta(seconds=0.3)


def test_issue17_a_step_that_fails_in_the_writer_does_not_refuse_the_command(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The create answers; the failed step leaves no event and is taken by the provisioner
    from the log, once the writer's cached aggregates were dropped."""
    failures: list[Any] = []
    activate = provisioning._STEPS["Created"]

    def fails_once(uow: Any, event: Any, by: Any) -> Any:
        if not failures:
            failures.append(event)
            aggregate = activate(uow, event, by)  # records the event, then fails
            raise RuntimeError(f"a step went wrong after {aggregate}")
        return activate(uow, event, by)

    service_id = create_service(runtime)
    monkeypatch.setitem(provisioning._STEPS, "Created", fails_once)
    endpoint_id = create_endpoint(runtime, service_id)
    key = Endpoint.create_id(endpoint_id)
    wait_until(lambda: runtime.app.repository.get(key).status == EndpointStatus.ACTIVE)
    assert [event.originator_id for event in failures] == [key]
    names = [type(e).__name__ for e in events_of(runtime, endpoint_id)]
    assert names.count("Activated") == 1


def test_issue17_the_provisioner_records_its_position_when_idle(runtime: Runtime) -> None:
    service_id = create_service(runtime)
    create_endpoint(runtime, service_id)
    top = runtime.app.recorder.max_notification_id() or 0
    wait_until(lambda: runtime.app.provisioner.provisioner_position() >= top)


def test_issue17_the_provisioner_does_not_read_commits_whose_steps_the_writer_took(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The follower of the log skips the commits that called for no step but those the
    writer took in them (``Provisioner.covered``), instead of reading each to find that out;
    one whose step the writer could not take is still read, and that step taken."""
    service_id = create_service(runtime)
    top = runtime.app.recorder.max_notification_id() or 0
    wait_until(lambda: runtime.app.provisioner.followed() >= top)
    read: list[int] = []
    select = runtime.app.recorder.select_notifications

    def counted(*args: Any, **kwargs: Any) -> Any:
        rows = select(*args, **kwargs)
        if threading.current_thread().name == "provisioner":
            read.extend(row.id for row in rows)
        return rows

    monkeypatch.setattr(runtime.app.recorder, "select_notifications", counted)
    for _ in range(12):
        create_endpoint(runtime, service_id)
    last = runtime.app.recorder.max_notification_id() or 0
    wait_until(lambda: runtime.app.provisioner.provisioner_position() >= last)
    assert runtime.app.provisioner.followed() == last
    # At most one commit read, should the follower have looked between a COMMIT and its
    # coverage being told (a few microseconds); each create is a commit of several events.
    assert len(read) < (last - top) / 12
    runtime.app.holds.hold("*")  # held: the writer leaves the step to the follower
    key = Endpoint.create_id(create_endpoint(runtime, service_id))
    wait_until(lambda: bool(runtime.app.holds.parked))
    assert any(row > last for row in read)
    take(runtime.app, runtime.app.holds.release("*"))
    wait_until(lambda: runtime.app.repository.get(key).status == EndpointStatus.ACTIVE)


def test_issue17_the_followers_read_for_another_sessions_commits_only(
    runtime: Runtime, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The projector and the provisioner know this process's writer's NOTIFYs by its
    backend pids, and make no read for its commits (it wrote their views and took their
    steps); a NOTIFY from any other session makes each read the log."""
    service_id = create_service(runtime)
    create_endpoint(runtime, service_id)
    top = runtime.app.recorder.max_notification_id() or 0
    wait_until(lambda: runtime.app.provisioner.followed() >= top)
    reads: list[str] = []
    select = runtime.app.recorder.select_notifications

    def counted(*args: Any, **kwargs: Any) -> Any:
        reads.append(threading.current_thread().name)
        return select(*args, **kwargs)

    monkeypatch.setattr(runtime.app.recorder, "select_notifications", counted)
    for _ in range(12):
        create_endpoint(runtime, service_id)
    time.sleep(0.2)  # four of the followers' looks
    assert len(reads) <= 2  # a look between a COMMIT and the writer telling them, at most
    reads.clear()
    with psycopg.connect(settings.database_url, autocommit=True) as other:
        other.execute(
            sql.SQL("NOTIFY {}").format(sql.Identifier(runtime.app.recorder.channel_name))
        )  # type: ignore[attr-defined]
    wait_until(lambda: {"projector", "provisioner"} <= set(reads))


def test_issue17_the_writers_pids_are_those_of_the_connection_it_keeps(runtime: Runtime) -> None:
    """A connection the writer gives back to the pool may carry another session's inserts
    next: its pid is no longer the writer's. Taking a connection pokes the followers, since
    a NOTIFY of its previous user may still be queued."""
    session = PostgresWriteSession(runtime.app.recorder, runtime.settings.db_schema, 5.0)
    poked: list[bool] = []
    session.on_connection = lambda: poked.append(True)
    session.begin(0)
    assert session.conn is not None
    pid = session.conn.info.backend_pid
    assert session.pids == {pid} and poked == [True]
    session.end()
    session.begin(0)  # the same connection, kept between turns
    assert session.pids == {pid} and poked == [True]
    session.close()
    assert session.pids == set()


def test_issue17_a_broken_connections_pid_is_no_longer_the_writers(
    runtime: Runtime, settings: Settings
) -> None:
    """A connection that broke answers 0 for its pid: the pid it had when taken is the one
    given up, or a later session with that pid would be taken for the writer."""
    session = PostgresWriteSession(runtime.app.recorder, runtime.settings.db_schema, 5.0)
    session.begin(0)
    assert session.conn is not None
    pid = session.conn.info.backend_pid
    with psycopg.connect(settings.database_url, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", (pid,))
    with pytest.raises(psycopg.Error):
        session.conn.execute("SELECT 1")
    session.end()  # broken: given back to the pool
    assert session.pids == set()
    session.close()
