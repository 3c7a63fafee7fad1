"""Issue 17: the writer writes the views of its own commits in the same transaction, so an
answer needs no projector; whatever it cannot write so (events another writer saved, a
projection that fails) the projector thread writes from the log, and never twice."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from psycopg import Pipeline

from privatelink.composition import Runtime
from privatelink.domain.base import Caller
from privatelink.domain.endpoint import Endpoint
from privatelink.infra.commit_pipeline import settle
from privatelink.infra.dns_store import DnsRecords
from privatelink.infra.followers import Projector
from privatelink.infra.rebuild import rebuild_views
from privatelink.infra.view_store import PostgresViews
from privatelink.infra.views_in_commit import SAVEPOINT, ViewsInCommit
from privatelink.projections.views import ViewsProjection
from tests.application.helpers import create_endpoint, create_service
from tests.integrity.helpers import wait_until


def projector_of(runtime: Runtime) -> Projector:
    return next(f for f in runtime.followers if isinstance(f, Projector))


def view_of(runtime: Runtime, endpoint_id: str) -> dict[str, Any]:
    row = runtime.views.get("endpoint", str(Endpoint.create_id(endpoint_id)))
    assert row is not None
    return dict(row["doc"])


def test_issue17_an_answer_needs_no_projector(runtime: Runtime) -> None:
    projector_of(runtime).stop()
    service_id = create_service(runtime)
    endpoint_id = create_endpoint(runtime, service_id)  # waits for its views
    assert view_of(runtime, endpoint_id)["EndpointStatus"] == "Active"
    assert runtime.views.position() == runtime.app.recorder.max_notification_id()


def test_issue17_events_saved_by_another_writer_are_projected_from_the_log(
    runtime: Runtime,
) -> None:
    """Events saved outside the writer leave the views behind; the writer's next commit
    does not write views over the gap, the projector writes both from the log, and then the
    writer writes its own again."""
    service_id = create_service(runtime)
    endpoint_id = create_endpoint(runtime, service_id)
    key = Endpoint.create_id(endpoint_id)
    endpoint = runtime.app.repository.get(key)
    endpoint.tag(Caller("1210000000000002", "outside"), [("saved", "outside")])
    runtime.app.save(endpoint)  # no writer, no views in the commit
    second = create_endpoint(runtime, service_id)
    assert {"Key": "saved", "Value": "outside"} in view_of(runtime, endpoint_id)["Tags"]
    assert view_of(runtime, second)["EndpointStatus"] == "Active"
    projector_of(runtime).stop()
    third = create_endpoint(runtime, service_id)
    assert view_of(runtime, third)["EndpointStatus"] == "Active"
    assert_views_equal_a_rebuild(runtime)


def fail_once(monkeypatch: pytest.MonkeyPatch, owner: type, name: str, how: str) -> list[str]:
    """Make ``owner.name`` fail the first time it is called: with a statement that PostgreSQL
    refuses, sent on the cursor or connection it was given (``how="sql"``; reported at a later
    statement or at the next sync), or with an exception in Python (``how="python"``)."""
    failed: list[str] = []
    original = getattr(owner, name)

    def failing(self: Any, *args: Any, **kwargs: Any) -> Any:
        if not failed:
            failed.append(name)
            if how == "python":
                raise RuntimeError("the views went wrong")
            sender = next(a for a in args if hasattr(a, "execute"))
            sender.execute("SELECT 1 / 0")  # division by zero
        return original(self, *args, **kwargs)

    monkeypatch.setattr(owner, name, failing)
    return failed


@pytest.mark.parametrize(
    ("owner", "name", "how"),
    [
        (ViewsProjection, "ops_for", "python"),  # the projection itself raises
        (PostgresViews, "send_ops", "sql"),  # a row statement fails, with the events' insert
        (PostgresViews, "send_finish", "sql"),  # a statement fails in the round trip with COMMIT
        (DnsRecords, "write_names", "python"),  # the names' code raises before COMMIT is sent
    ],
)
def test_issue17_a_projection_that_fails_in_the_commit_leaves_the_events_committed(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch, owner: type, name: str, how: str
) -> None:
    service_id = create_service(runtime)
    failed = fail_once(monkeypatch, owner, name, how)
    endpoint_id = create_endpoint(runtime, service_id)  # answered: its events are committed
    assert failed
    assert view_of(runtime, endpoint_id)["EndpointStatus"] == "Active"  # the projector's
    assert_views_equal_a_rebuild(runtime)


def test_issue17_a_rollback_in_the_commit_pipeline_leaves_prepared_statements_usable(
    runtime: Runtime,
) -> None:
    """psycopg forgets its prepared statements when it reads the answer to a ROLLBACK TO
    SAVEPOINT and deallocates them at the end of the next statement; read late in a pipeline,
    that could take a statement prepared just before with it ("prepared statement does not
    exist" on the connection from then on, seen after a server restart)."""
    views = ViewsInCommit(runtime.app.mapper, runtime.views).hook()
    with runtime.app.recorder.datastore.get_connection() as conn:  # type: ignore[attr-defined]
        conn.execute("SELECT %s::int", (0,), prepare=True)
        conn.execute("BEGIN")
        with conn.pipeline() as pipeline:
            conn.execute(f"SAVEPOINT {SAVEPOINT}")
            views.abandon(conn)
            pipeline.sync()
        settle(conn, views)
        conn.commit()
        for n in range(3):
            assert conn.execute("SELECT %s::bigint", (n,), prepare=True).fetchone() == {"int8": n}


def assert_views_equal_a_rebuild(runtime: Runtime) -> None:
    """The live views and DNS names, row for row, as a rebuild from the log makes them."""
    top = runtime.app.recorder.max_notification_id()
    wait_until(lambda: runtime.views.position() == top)
    rebuilt = PostgresViews(
        runtime.views.pool, runtime.settings.db_schema, "pl_views_check", "pl_tracking_check"
    )
    assert rebuild_views(runtime.app, rebuilt, until=top) == top
    assert rebuilt.snapshot() == runtime.views.snapshot()


def test_issue17_a_create_commits_in_one_round_trip_after_the_turn_opens(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The names of new endpoints without zone affinity need no read: the events, the views,
    the names, the positions and COMMIT go in one pipeline sync, and the views written so
    equal a rebuild from the log. One Sync message, one round trip: the end of a pipeline
    block sends one too, so none is asked for inside it."""
    service_id = create_service(runtime)
    syncs: list[str] = []
    enqueue_sync = Pipeline._enqueue_sync

    def counted(pipeline: Pipeline) -> None:
        syncs.append(threading.current_thread().name)
        enqueue_sync(pipeline)

    monkeypatch.setattr(Pipeline, "_enqueue_sync", counted)
    endpoint_id = create_endpoint(runtime, service_id)
    # the writer was idle: this thread held its turn (application/writer_turns.py)
    assert syncs.count(threading.current_thread().name) == 1
    assert view_of(runtime, endpoint_id)["EndpointStatus"] == "Active"  # written in the commit
    assert_views_equal_a_rebuild(runtime)


def test_issue17_ids_not_as_predicted_leave_the_views_to_the_projector(
    runtime: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    """A rolled-back insert leaves the event sequence past the log's last id: the next
    batch's ids are not the ones its single round trip assumed, its check fails inside the
    savepoint, the events commit all the same and the projector writes their views."""
    service_id = create_service(runtime)
    recorder: Any = runtime.app.recorder
    table = f"{recorder.datastore.schema}.{recorder.events_table_name}"
    with recorder.datastore.get_connection() as conn:
        conn.execute("SELECT nextval(pg_get_serial_sequence(%s, 'notification_id'))", (table,))
    endpoint_id = create_endpoint(runtime, service_id)
    assert "not the ones predicted" in caplog.text
    assert view_of(runtime, endpoint_id)["EndpointStatus"] == "Active"  # the projector's
    assert_views_equal_a_rebuild(runtime)
    create_endpoint(runtime, service_id)  # the next batch follows the log again
    assert_views_equal_a_rebuild(runtime)


def test_issue17_the_check_of_predicted_ids_walks_only_the_batchs_ids(runtime: Runtime) -> None:
    """The check runs as a prepared statement, whose plan PostgreSQL makes once for any
    position: that plan must walk the index from the turn's position under a limit, not scan
    the part of the log it estimates to be past it (a third of the table, at every create)."""
    create_endpoint(runtime, create_service(runtime))
    recorder: Any = runtime.app.recorder
    numbered = recorder.ids_as_predicted
    for n in range(1, 5):
        numbered = numbered.replace("%s", f"${n}", 1)
    with recorder.datastore.get_connection() as conn:
        conn.execute("SET plan_cache_mode = force_generic_plan")
        conn.execute(f"PREPARE pl_check_plan (bigint, bigint, bigint, bigint) AS {numbered}")
        try:
            plan = "\n".join(
                str(next(iter(row.values())))
                for row in conn.execute("EXPLAIN EXECUTE pl_check_plan (2, 12, 10, 2)")
            )
        finally:
            conn.execute("DEALLOCATE pl_check_plan")
            conn.execute("RESET plan_cache_mode")
    assert "Limit" in plan and "Index" in plan and "Seq Scan" not in plan, plan
