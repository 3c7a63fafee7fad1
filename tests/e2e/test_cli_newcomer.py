"""Issue 15 end to end: history, show and diff agree with each other; rebuild --verify names
the view, the row and the field; one access-log line per request (text and JSON)."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
from alibabacloud_privatelink20200415 import models as m
from alibabacloud_tea_openapi.exceptions import ClientException

from tests.conftest import CONSUMER, PROVIDER, Server, sdk_client
from tests.e2e.history_helpers import cli, cli_json, wait_until

pytestmark = pytest.mark.e2e
R = "cn-hangzhou"


@pytest.fixture(scope="module")
def schema(database_url: str) -> Iterator[str]:
    name = f"t_{secrets.token_hex(6)}"
    yield name
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


@pytest.fixture(scope="module")
def server(database_url: str, schema: str) -> Iterator[Server]:
    srv = Server(database_url, schema, "--log-format", "json")
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def connected(server: Server) -> dict[str, Any]:
    """A service and an auto-accepted endpoint, Connected, and the time before both."""
    before = datetime.now(UTC) - timedelta(seconds=1)
    provider, consumer = (
        sdk_client(server.endpoint, PROVIDER),
        sdk_client(server.endpoint, CONSUMER),
    )
    service_id = provider.create_vpc_endpoint_service(
        m.CreateVpcEndpointServiceRequest(
            region_id=R,
            auto_accept_enabled=True,
            service_resource_type="nlb",
            resource=[
                m.CreateVpcEndpointServiceRequestResource(
                    resource_id="nlb-provider0001", resource_type="nlb"
                )
            ],
        )
    ).body.service_id
    provider.add_user_to_vpc_endpoint_service(
        m.AddUserToVpcEndpointServiceRequest(
            region_id=R, service_id=service_id, user_id=int(CONSUMER[2])
        )
    )
    endpoint_id = consumer.create_vpc_endpoint(
        m.CreateVpcEndpointRequest(
            region_id=R,
            vpc_id="vpc-consumer0001",
            service_id=service_id,
            zone=[
                m.CreateVpcEndpointRequestZone(
                    zone_id="cn-hangzhou-h", v_switch_id="vsw-consumer-h"
                )
            ],
        )
    ).body.endpoint_id
    wait_until(
        lambda: (
            consumer.get_vpc_endpoint_attribute(
                m.GetVpcEndpointAttributeRequest(region_id=R, endpoint_id=endpoint_id)
            ).body
        ),
        lambda e: e.connection_status == "Connected",
    )
    provider.update_vpc_endpoint_service_attribute(
        m.UpdateVpcEndpointServiceAttributeRequest(
            region_id=R, service_id=service_id, service_description="changed"
        )
    )
    return {"service": service_id, "endpoint": endpoint_id, "before": before.isoformat()}


def test_issue15_history_names_each_lines_stream(
    database_url: str, schema: str, connected: dict[str, Any]
) -> None:
    """An endpoint's history merges its own stream and its service's: each line says which."""
    entries = cli_json(database_url, schema, "history", connected["endpoint"], "--json")
    assert {e["stream"] for e in entries} == {connected["endpoint"], connected["service"]}
    table = cli(database_url, schema, "history", connected["endpoint"]).stdout
    assert connected["service"] in table and "stream" in table


def test_issue15_every_version_history_prints_is_one_show_takes(
    database_url: str, schema: str, connected: dict[str, Any]
) -> None:
    entries = cli_json(database_url, schema, "history", connected["endpoint"], "--json")
    for e in entries:
        shown = cli_json(
            database_url,
            schema,
            "show",
            connected["endpoint"],
            "--version",
            e["show_version"],
            "--json",
        )
        assert shown["EndpointId"] == connected["endpoint"], e
    last = entries[-1]
    final = cli_json(database_url, schema, "show", connected["endpoint"], "--json")
    assert (
        cli_json(
            database_url,
            schema,
            "show",
            connected["endpoint"],
            "--version",
            last["show_version"],
            "--json",
        )
        == final
    )


def test_issue15_show_refuses_a_stream_not_in_the_history(
    database_url: str, schema: str, connected: dict[str, Any]
) -> None:
    refused = cli(
        database_url,
        schema,
        "show",
        connected["endpoint"],
        "--version",
        "epsrv-nothere:1",
        check=False,
    )
    assert refused.returncode == 1 and "epsrv-nothere" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_issue15_diff_of_a_service_names_its_changed_fields(
    database_url: str, schema: str, connected: dict[str, Any]
) -> None:
    """It crashed on a service's Zones (a list of ids); now it names the fields."""
    middle = cli_json(database_url, schema, "history", connected["service"], "--json")[-2]["time"]
    found = cli_json(database_url, schema, "diff", connected["service"], "--from", middle, "--json")
    assert {"field": "ServiceDescription", "from": None, "to": "changed"} in found[
        "changes"
    ] or any(c["field"] == "ServiceDescription" and c["to"] == "changed" for c in found["changes"])
    table = cli(database_url, schema, "diff", connected["service"], "--from", middle)
    assert "ServiceDescription" in table.stdout


def test_issue15_diff_from_before_the_resource_existed_shows_its_creation(
    database_url: str, schema: str, connected: dict[str, Any]
) -> None:
    for resource in (connected["service"], connected["endpoint"]):
        found = cli_json(
            database_url, schema, "diff", resource, "--from", connected["before"], "--json"
        )
        id_field = "ServiceId" if resource.startswith("epsrv-") else "EndpointId"
        assert {"field": id_field, "from": None, "to": resource} in found["changes"]
        assert found["events"][0]["version"] == 1


def test_issue15_rebuild_verify_names_the_view_row_and_field(
    database_url: str, schema: str, connected: dict[str, Any]
) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            f'UPDATE "{schema}".pl_views SET doc = doc || '
            "'{\"EndpointName\": \"tampered\"}' WHERE kind = 'endpoint' AND doc->>'EndpointId' = %s",
            (connected["endpoint"],),
        )
    try:
        failed = cli(database_url, schema, "rebuild", "--verify", check=False)
    finally:
        cli(database_url, schema, "rebuild")  # the views, from the log again
    message = failed.stderr + failed.stdout
    assert failed.returncode == 1
    assert "view 'endpoint'" in message and connected["endpoint"] in message
    assert "field doc.EndpointName" in message and "tampered" in message
    assert "VpcId" not in message  # the field, not the whole row


def test_issue15_one_json_access_log_line_per_request(
    server: Server, connected: dict[str, Any]
) -> None:
    consumer = sdk_client(server.endpoint, CONSUMER)
    marker = "ep-notthere000000000"
    with pytest.raises(ClientException):
        consumer.get_vpc_endpoint_attribute(
            m.GetVpcEndpointAttributeRequest(region_id=R, endpoint_id=marker)
        )
    consumer.list_vpc_endpoints(m.ListVpcEndpointsRequest(region_id=R))

    def access_lines() -> list[dict[str, Any]]:
        lines = [json.loads(line) for line in server.output().splitlines() if line.startswith("{")]
        return [line for line in lines if line.get("logger") == "privatelink.access"]

    lines = wait_until(
        access_lines, lambda found: any(x["action"] == "ListVpcEndpoints" for x in found)
    )
    refused = [
        x
        for x in lines
        if x["action"] == "GetVpcEndpointAttribute" and x["code"] == "EndpointNotFound"
    ]
    assert len(refused) == 1
    assert refused[0]["account"] == CONSUMER[2] and refused[0]["status"] == 404
    assert refused[0]["level"] == "INFO" and isinstance(refused[0]["ms"], float)
    listed = [x for x in lines if x["action"] == "ListVpcEndpoints"]
    assert listed[-1]["code"] == "OK" and listed[-1]["status"] == 200
