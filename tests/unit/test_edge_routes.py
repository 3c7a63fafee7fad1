"""Issue 13, the HTTP edge uses the framework honestly: admin JSON bodies are pydantic models,
errors a route lets out answer through the exception handlers (one ``error_response``), and the
cloud protocol has one route, FastAPI's."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import psycopg
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from privatelink.api.admin_routes import include_admin_routes
from privatelink.api.errors import error_response
from privatelink.api.http import build_http_app
from privatelink.application.provisioner_holds import ProvisionerHolds
from privatelink.domain.errors import EndpointNotFound

KEY = {"X-PrivateLink-Admin-Key": "k3y"}


class Failing:
    """A provisioner whose ``describe`` raises what it is given."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def describe(self) -> dict[str, Any]:
        raise self.error


def admin_client(holds: Any = None) -> TestClient:
    runtime = SimpleNamespace(
        settings=SimpleNamespace(admin_key="k3y"),
        app=SimpleNamespace(holds=holds or ProvisionerHolds()),
    )
    app = FastAPI()
    include_admin_routes(app, runtime)
    return TestClient(app, raise_server_exceptions=False)


def test_issue13_admin_bodies_are_validated_by_their_models() -> None:
    """A field of the wrong type or range is refused as InvalidParameter naming it (400), in
    the cloud's shape; a hostile nesting depth is a 400 too, never a 500."""
    client = admin_client()
    cases = [
        ("/_privatelink/provisioner/step", {"ResourceId": "*", "WaitSeconds": 61}, "WaitSeconds"),
        ("/_privatelink/provisioner/step", {"ResourceId": "*", "WaitSeconds": True}, "WaitSeconds"),
        ("/_privatelink/provisioner/hold", {"ResourceId": ""}, "ResourceId"),
        ("/_privatelink/provisioner/hold", {}, "ResourceId"),
        ("/_privatelink/reset", {"Inventory": "nope"}, "Inventory"),
    ]
    for path, body, field in cases:
        answer = client.post(path, json=body, headers=KEY)
        assert answer.status_code == 400, (path, body, answer.text)
        assert answer.json()["Code"] == "InvalidParameter"
        assert field in answer.json()["Message"] and answer.json()["RequestId"]
    deep = client.post(
        "/_privatelink/provisioner/hold",
        headers=KEY,
        content=b'{"ResourceId":' * 5000 + b"1" + b"}" * 5000,
    )
    assert deep.status_code == 400 and deep.json()["Code"] == "InvalidParameter"
    held = client.post("/_privatelink/provisioner/hold", json={"ResourceId": "ep-x"}, headers=KEY)
    assert held.status_code == 200 and held.json()["Held"] == ["ep-x"]


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (EndpointNotFound("ep-nope"), 404, "EndpointNotFound"),
        (psycopg.OperationalError("connection refused"), 503, "ServiceUnavailable"),
        (RuntimeError("a bug"), 500, "InternalError"),
    ],
)
def test_issue13_an_error_a_route_lets_out_answers_through_the_exception_handlers(
    error: Exception, status: int, code: str
) -> None:
    """The admin route does not catch: the app's handlers answer, with ``error_response``'s
    status and body (a table error, an unreachable store, anything else)."""
    answer = admin_client(Failing(error)).get("/_privatelink/provisioner", headers=KEY)
    assert answer.status_code == status
    assert answer.json()["Code"] == code and answer.json()["RequestId"]
    assert error_response(error, "r", "h")[0] == status


def test_issue13_the_cloud_protocol_has_one_route_and_the_faults_body_a_model() -> None:
    """``GET``/``POST /`` is one FastAPI route (no duplicate, no path around the framework);
    ``/admin/faults`` takes ``{"ResourceId": str, "Down": bool}`` and names a bad field."""
    from privatelink.infra.inventory_file import demo_inventory

    app = build_http_app(
        SimpleNamespace(settings=SimpleNamespace(admin_key=None), inventory=demo_inventory())
    )
    roots = [route for route in app.routes if getattr(route, "path", None) == "/"]
    assert len(roots) == 1 and set(getattr(roots[0], "methods", ())) >= {"GET", "POST"}
    client = TestClient(app, raise_server_exceptions=False, client=("127.0.0.1", 5000))
    answer = client.post("/admin/faults", json={"ResourceId": "lb-1", "Down": "yes"})
    assert answer.status_code == 400 and "Down" in answer.json()["Message"]
    answer = client.post("/admin/faults", json={"Down": True})
    assert answer.status_code == 400 and "ResourceId" in answer.json()["Message"]
