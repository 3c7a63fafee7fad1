"""Events stored in an older shape (tests/fixtures/v1_events.json, written by the first
release) still load, project and answer after their classes gained fields."""

from __future__ import annotations

import json
from pathlib import Path
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from privatelink.composition import Runtime
from privatelink.domain.endpoint import Endpoint
from privatelink.domain.service import EndpointService
from privatelink.infra.rebuild import rebuild_views
from privatelink.projections.views import CONNECTION, ENDPOINT, endpoint_key

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "v1_events.json"


def load_fixture(runtime: Runtime) -> dict[str, str]:
    data = json.loads(FIXTURE.read_text())
    runtime.app.recorder.insert_events(
        [
            StoredEvent(
                originator_id=UUID(e["originator_id"]),
                originator_version=e["originator_version"],
                topic=e["topic"],
                state=json.dumps(e["state"]).encode(),
            )
            for e in data["events"]
        ]
    )
    return {"service_id": data["service_id"], "endpoint_id": data["endpoint_id"]}


def test_v1_events_load_into_current_aggregates(runtime: Runtime) -> None:
    ids = load_fixture(runtime)
    service = runtime.app.repository.get(EndpointService.create_id(ids["service_id"]))
    endpoint = runtime.app.repository.get(Endpoint.create_id(ids["endpoint_id"]))
    assert service.supported_regions == ["cn-hangzhou"]
    connection = service.connections[ids["endpoint_id"]]
    assert connection["status"] == "Connected" and connection["cross_region"] is False
    assert connection["traffic_mode"] == "BandwidthLimit" and not connection["bandwidth_set"]
    assert endpoint.cross_region_bandwidth is None and endpoint.policy_document == ""
    assert endpoint.name == "v1-endpoint"


def test_v1_events_project_into_the_current_views(runtime: Runtime) -> None:
    ids = load_fixture(runtime)
    assert runtime.wait_for_views(runtime.app.recorder.max_notification_id())
    key = endpoint_key(ids["endpoint_id"])
    endpoint = runtime.views.get(ENDPOINT, key)["doc"]
    assert endpoint["ConnectionStatus"] == "Connected"
    assert endpoint["CrossRegionBandwidth"] is None
    assert runtime.views.get(CONNECTION, key)["doc"]["TrafficControlMode"] == "BandwidthLimit"


def test_v1_aggregates_accept_new_commands(runtime: Runtime) -> None:
    from privatelink.domain.base import Caller

    ids = load_fixture(runtime)
    service = runtime.app.repository.get(EndpointService.create_id(ids["service_id"]))
    service.change_bandwidth(Caller("1210000000000001", "req-new"), ids["endpoint_id"], 2000, None)
    runtime.app.save(service)
    again = runtime.app.repository.get(EndpointService.create_id(ids["service_id"]))
    assert again.connections[ids["endpoint_id"]]["bandwidth"] == 2000


def test_rebuild_over_v1_events_equals_live_views(runtime: Runtime) -> None:
    from privatelink.infra.view_store import PostgresViews

    load_fixture(runtime)
    position = runtime.app.recorder.max_notification_id()
    assert runtime.wait_for_views(position)
    target = PostgresViews(
        runtime.views.pool, runtime.settings.db_schema, "pl_v1_rebuilt", "pl_v1_tracking"
    )
    rebuild_views(runtime.app, target, until=position)
    assert target.rows() == [r for r in runtime.views.rows()]
