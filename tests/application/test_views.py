"""The read side on PostgreSQL: provisioning, crash-resume and rebuild (AUD-3)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from privatelink.application.connections import EnableConnection
from privatelink.application.endpoints import DeleteEndpoint
from privatelink.composition import Runtime, open_runtime
from privatelink.infra.rebuild import rebuild_views
from privatelink.infra.settings import Settings
from privatelink.infra.view_store import PostgresViews
from privatelink.projections.views import ENDPOINT, SERVICE, endpoint_key, service_key
from tests.application.helpers import PROVIDER, REGION, cmd, create_endpoint, create_service


def eventually(check: Callable[[], bool], timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.02)
    return False


def status(rt: Runtime, kind: str, key: str, field: str) -> str:
    row = rt.views.get(kind, key)
    return "" if row is None else str(row["doc"][field])


def test_provisioner_activates_service_and_connects_endpoint(runtime: Runtime) -> None:
    service_id = create_service(runtime)
    endpoint_id = create_endpoint(runtime, service_id, zones=("h", "i"))
    assert eventually(
        lambda: status(runtime, SERVICE, service_key(service_id), "ServiceStatus") == "Active"
    )
    assert eventually(
        lambda: (
            status(runtime, ENDPOINT, endpoint_key(endpoint_id), "ConnectionStatus") == "Connected"
        )
    )


def test_provisioner_resumes_after_a_stop_between_request_and_step(settings: Settings) -> None:
    slow = settings.model_copy(update={"provision_delay": 3600.0})
    with open_runtime(slow) as rt:
        service_id = create_service(rt)
        assert status(rt, SERVICE, service_key(service_id), "ServiceStatus") == "Creating"
    with open_runtime(settings) as rt:
        assert eventually(
            lambda: status(rt, SERVICE, service_key(service_id), "ServiceStatus") == "Active"
        )
        events = [n.topic for n in rt.app.recorder.select_notifications(start=1, limit=1000)]
        assert sum(t.endswith("EndpointService.Activated") for t in events) == 1


def test_aud_3_views_rebuilt_from_the_log_equal_the_live_views(runtime: Runtime) -> None:
    service_id = create_service(runtime, auto_accept=False)
    kept = create_endpoint(runtime, service_id, zones=("h", "i"))
    gone = create_endpoint(runtime, service_id)
    runtime.app.dispatch(EnableConnection(REGION, service_id, kept), cmd(PROVIDER))
    runtime.app.dispatch(DeleteEndpoint(REGION, gone), cmd("1210000000000002"))
    assert eventually(
        lambda: status(runtime, ENDPOINT, endpoint_key(kept), "ConnectionStatus") == "Connected"
    )
    position, live = stable_views(runtime)
    rebuilt = PostgresViews(
        runtime.views.pool,
        runtime.settings.db_schema,
        "pl_views_rebuilt",
        "pl_view_tracking_rebuilt",
    )
    rebuild_views(runtime.app, rebuilt, until=position)
    assert rebuilt.rows() == live


def stable_views(rt: Runtime) -> tuple[int, list[tuple[object, ...]]]:
    """The live rows together with the position they reflect."""
    while True:
        before = rt.views.position()
        rows = rt.views.rows()
        if rt.views.position() == before:
            return before, rows


def test_aud_3_bulk_catch_up_and_rebuild_agree_row_for_row(
    settings: Settings, tmp_path: Path
) -> None:
    """A log written faster than it is projected is caught up in large batches (the COPY
    path), and a rebuild of it gives the same rows."""
    from bench.generate import endpoints
    from bench.run import inventory_file

    big = settings.model_copy(update={"inventory": inventory_file(tmp_path)})
    with open_runtime(big) as rt:
        endpoints(rt.app, 300, per_service=120)
        assert rt.wait_for_views(rt.app.recorder.max_notification_id())
        position, live = stable_views(rt)
        assert sum(1 for row in live if row[0] == "endpoint") == 300
        rebuilt = PostgresViews(
            rt.views.pool, rt.settings.db_schema, "pl_views_bulk", "pl_view_tracking_bulk"
        )
        rebuild_views(rt.app, rebuilt, until=position)
        assert rebuilt.rows() == live
