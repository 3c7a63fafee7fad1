"""Issue 12 (health and metrics in the ecosystem's conventions) and issue 16 (health reflects
the store): ``GET /_privatelink/health``, ``/healthz`` as its alias, Prometheus text at
``/metrics``, the projection-lag JSON at ``/_privatelink/metrics.json``."""

from __future__ import annotations

import httpx
from fastapi.testclient import TestClient
from psycopg_pool import ConnectionPool

from privatelink.api.http import build_http_app
from privatelink.composition import Runtime
from tests.conftest import PROVIDER, Server, free_port, sdk_client
from tests.e2e.helpers import create_service


def test_issue12_health_reports_store_views_provisioner_writer_and_version(
    runtime: Runtime,
) -> None:
    """The health document names the store, the views' position and lag, the provisioner's
    backlog, the writer's state and the version; 200 while all hold."""
    client = TestClient(build_http_app(runtime))
    answer = client.get("/_privatelink/health")
    assert answer.status_code == 200, answer.text
    doc = answer.json()
    assert doc["status"] == "ok" and doc["problems"] == []
    assert doc["store"]["reachable"] is True and doc["store"]["kind"] == "external"
    assert isinstance(doc["store"]["log_position"], int)
    assert doc["views"]["lag_events"] >= 0 and "position" in doc["views"]
    assert doc["provisioner"]["running"] is True and doc["provisioner"]["backlog"] >= 0
    assert doc["writer"]["running"] is True and doc["writer"]["queued"] >= 0
    assert doc["version"]
    assert client.get("/healthz").json()["status"] == "ok"


def test_issue16_health_answers_503_when_the_store_is_unreachable(runtime: Runtime) -> None:
    """/healthz answered 200 while PostgreSQL was down: now both health routes answer 503
    naming the store."""
    client = TestClient(build_http_app(runtime))
    live_pool = runtime.views.pool
    dead = ConnectionPool(
        f"postgresql://nobody@127.0.0.1:{free_port()}/none", min_size=1, open=False
    )
    runtime.views.pool = dead
    try:
        for route in ("/_privatelink/health", "/healthz"):
            answer = client.get(route)
            assert answer.status_code == 503, (route, answer.text)
            assert answer.json()["store"]["reachable"] is False
            assert "store unreachable" in answer.json()["problems"][0]
    finally:
        runtime.views.pool = live_pool
    assert client.get("/healthz").status_code == 200


def test_issue12_prometheus_metrics_count_requests_latency_lag_and_batches(
    database_url: str, schema: str
) -> None:
    """/metrics is Prometheus text: requests by action and code, latency histograms, the
    projection lag and the writer's batch sizes."""
    server = Server(database_url, schema)
    try:
        provider = sdk_client(server.endpoint, PROVIDER)
        create_service(provider, users=())
        bad = httpx.post(f"http://{server.endpoint}/?Action=ListVpcEndpoints", timeout=10)
        assert bad.status_code >= 400
        text = httpx.get(f"http://{server.endpoint}/metrics", timeout=10).text
        code = bad.json()["Code"]
    finally:
        server.stop()
    assert 'privatelink_requests_total{action="CreateVpcEndpointService",code="OK"} 1.0' in text
    assert f'privatelink_requests_total{{action="ListVpcEndpoints",code="{code}"}} 1.0' in text
    assert (
        'privatelink_request_seconds_bucket{action="CreateVpcEndpointService",le="+Inf"} 1.0'
        in text
    )
    assert sample(text, "privatelink_writer_batch_size_count") >= 1
    assert sample(text, "privatelink_projection_lag_seconds_count") >= 1
    assert sample(text, "privatelink_views_position") >= 1


def test_issue12_projection_lag_json_moved_beside_the_health(runtime: Runtime) -> None:
    """The JSON the benchmark reads (formerly /metrics) is at /_privatelink/metrics.json."""
    answer = TestClient(build_http_app(runtime)).get("/_privatelink/metrics.json")
    assert answer.status_code == 200 and "count" in answer.json()["projection_lag"]


def sample(text: str, name: str) -> float:
    for line in text.splitlines():
        if line.startswith((name + " ", name + "{")):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name} not in the metrics:\n{text}")
