"""AUD-1..4 end to end: history, time travel, rebuild and export/import, through the SDK and
the command line."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from alibabacloud_privatelink20200415 import models as m
from alibabacloud_tea_openapi.exceptions import ClientException

from tests.conftest import CONSUMER, OUTSIDER, PROVIDER, Server, sdk_client
from tests.e2e.history_helpers import call, cli, cli_json, wait_until

pytestmark = pytest.mark.e2e
R = "cn-hangzhou"


def make_service(provider, *resources: str, auto: bool = False, kind: str = "slb") -> str:  # type: ignore[no-untyped-def]
    body = provider.create_vpc_endpoint_service(
        m.CreateVpcEndpointServiceRequest(
            region_id=R,
            auto_accept_enabled=auto,
            service_resource_type=kind,
            resource=[
                m.CreateVpcEndpointServiceRequestResource(resource_id=r, resource_type=kind)
                for r in resources
            ],
        )
    ).body
    provider.add_user_to_vpc_endpoint_service(
        m.AddUserToVpcEndpointServiceRequest(
            region_id=R, service_id=body.service_id, user_id=int(CONSUMER[2])
        )
    )
    return str(body.service_id)


def make_endpoint(consumer, service_id: str, zones: tuple[str, ...] = ("h",)) -> str:  # type: ignore[no-untyped-def]
    return str(
        consumer.create_vpc_endpoint(
            m.CreateVpcEndpointRequest(
                region_id=R,
                vpc_id="vpc-consumer0001",
                service_id=service_id,
                zone=[
                    m.CreateVpcEndpointRequestZone(
                        zone_id=f"cn-hangzhou-{z}", v_switch_id=f"vsw-consumer-{z}"
                    )
                    for z in zones
                ],
            )
        ).body.endpoint_id
    )


def get_endpoint(consumer, endpoint_id: str) -> dict:  # type: ignore[no-untyped-def]
    doc = consumer.get_vpc_endpoint_attribute(
        m.GetVpcEndpointAttributeRequest(region_id=R, endpoint_id=endpoint_id)
    ).body.to_map()
    doc.pop("RequestId")
    zones = consumer.list_vpc_endpoint_zones(
        m.ListVpcEndpointZonesRequest(region_id=R, endpoint_id=endpoint_id)
    ).body.to_map()["Zones"]
    return {**doc, "Zones": sorted(zones, key=lambda z: z["ZoneId"])}


def connection(provider, service_id: str) -> dict:  # type: ignore[no-untyped-def]
    return provider.list_vpc_endpoint_connections(
        m.ListVpcEndpointConnectionsRequest(region_id=R, service_id=service_id)
    ).body.to_map()["Connections"][0]


def now() -> str:
    return datetime.now(UTC).isoformat()


def test_aud_2_show_as_of_each_step_equals_what_get_answered_then(
    server: Server, database_url: str, schema: str
) -> None:
    provider, consumer = (
        sdk_client(server.endpoint, PROVIDER),
        sdk_client(server.endpoint, CONSUMER),
    )
    service_id = make_service(provider, "lb-provider0001", "lb-provider0003", "lb-provider0002")
    endpoint_id = make_endpoint(consumer, service_id)
    zone_status = {"Pending": "Wait"}

    def settle(status: str) -> None:
        wait_until(
            lambda: connection(provider, service_id),
            lambda c: (
                c["ConnectionStatus"] == status
                and all(z["ZoneStatus"] == zone_status.get(status, status) for z in c["Zones"])
            ),
        )
        wait_until(
            lambda: get_endpoint(consumer, endpoint_id), lambda e: e["EndpointStatus"] == "Active"
        )

    steps: list[tuple[str, dict]] = []

    def record() -> None:
        moment = now()
        steps.append((moment, get_endpoint(consumer, endpoint_id)))

    settle("Pending")
    record()
    provider.enable_vpc_endpoint_connection(
        m.EnableVpcEndpointConnectionRequest(
            region_id=R, service_id=service_id, endpoint_id=endpoint_id, bandwidth=1000
        )
    )
    settle("Connected")
    record()
    provider.update_vpc_endpoint_connection_attribute(
        m.UpdateVpcEndpointConnectionAttributeRequest(
            region_id=R, service_id=service_id, endpoint_id=endpoint_id, bandwidth=2000
        )
    )
    record()
    consumer.add_zone_to_vpc_endpoint(
        m.AddZoneToVpcEndpointRequest(
            region_id=R,
            endpoint_id=endpoint_id,
            zone_id="cn-hangzhou-i",
            v_switch_id="vsw-consumer-i",
        )
    )
    settle("Connected")
    record()
    allocated = next(
        z for z in connection(provider, service_id)["Zones"] if z["ZoneId"] == "cn-hangzhou-h"
    )["ResourceId"]
    other = "lb-provider0003" if allocated == "lb-provider0001" else "lb-provider0001"
    provider.update_vpc_endpoint_service_resource_attribute(
        m.UpdateVpcEndpointServiceResourceAttributeRequest(
            region_id=R, service_id=service_id, resource_id=allocated, auto_allocated_enabled=False
        )
    )
    provider.update_vpc_endpoint_zone_connection_resource_attribute(
        m.UpdateVpcEndpointZoneConnectionResourceAttributeRequest(
            region_id=R,
            service_id=service_id,
            endpoint_id=endpoint_id,
            zone_id="cn-hangzhou-h",
            resource_replace_mode="Force",
            resource_id=other,
            resource_type="slb",
        )
    )
    record()
    provider.disable_vpc_endpoint_connection(
        m.DisableVpcEndpointConnectionRequest(
            region_id=R, service_id=service_id, endpoint_id=endpoint_id
        )
    )
    settle("Disconnected")
    record()
    provider.enable_vpc_endpoint_connection(
        m.EnableVpcEndpointConnectionRequest(
            region_id=R, service_id=service_id, endpoint_id=endpoint_id
        )
    )
    settle("Connected")
    record()
    for moment, answered in steps:
        shown = cli_json(database_url, schema, "show", endpoint_id, "--as-of", moment, "--json")
        shown["Zones"] = sorted(shown["Zones"], key=lambda z: z["ZoneId"])
        assert shown == answered, moment


def test_aud_1_history_lists_every_change_with_actor_and_request(
    server: Server, database_url: str, schema: str
) -> None:
    provider, consumer = (
        sdk_client(server.endpoint, PROVIDER),
        sdk_client(server.endpoint, CONSUMER),
    )
    service_id = make_service(provider, "nlb-provider0001", auto=True, kind="nlb")
    endpoint_id = make_endpoint(consumer, service_id)
    wait_until(
        lambda: connection(provider, service_id), lambda c: c["ConnectionStatus"] == "Connected"
    )
    entries = cli_json(database_url, schema, "history", endpoint_id, "--json")
    assert [set(e) for e in entries] == [
        {"version", "time", "type", "actor", "request_id", "data", "stream", "show_version"}
    ] * len(entries)
    types = [e["type"] for e in entries]
    assert types[:3] == ["Created", "ConnectionRequested", "ConnectionAllowed"]
    assert "ConnectionEstablished" in types and "Activated" in types
    assert entries[0]["actor"] == CONSUMER[2] and entries[0]["request_id"]
    assert [e["time"] for e in entries] == sorted(e["time"] for e in entries)


def test_aud_1_history_actions_through_the_sdk_honour_tenancy(server: Server) -> None:
    provider, consumer = (
        sdk_client(server.endpoint, PROVIDER),
        sdk_client(server.endpoint, CONSUMER),
    )
    service_id = make_service(provider, "nlb-provider0001", auto=True, kind="nlb")
    endpoint_id = make_endpoint(consumer, service_id)
    # Page only a settled history: the provisioner appends events until the connection is
    # Connected and the endpoint Active, which would shift the pages under the test.
    wait_until(
        lambda: connection(provider, service_id),
        lambda c: (
            c["ConnectionStatus"] == "Connected"
            and all(z["ZoneStatus"] == "Connected" for z in c["Zones"])
        ),
    )
    wait_until(
        lambda: get_endpoint(consumer, endpoint_id), lambda e: e["EndpointStatus"] == "Active"
    )
    first = call(consumer, "ListResourceEvents", ResourceId=endpoint_id, MaxResults=2)
    assert len(first["Events"]) == 2 and first["NextToken"]
    rest = call(
        consumer,
        "ListResourceEvents",
        ResourceId=endpoint_id,
        NextToken=first["NextToken"],
        MaxResults=100,
    )
    assert first["TotalCount"] == 2 + len(rest["Events"])
    as_of = call(consumer, "GetResourceAsOf", ResourceId=endpoint_id, Version=1)
    assert as_of["EndpointStatus"] == "Creating" and as_of["EndpointId"] == endpoint_id
    outsider = sdk_client(server.endpoint, OUTSIDER)
    for action, extra in (("ListResourceEvents", {}), ("GetResourceAsOf", {"Version": 1})):
        with pytest.raises(ClientException) as refused:
            call(outsider, action, ResourceId=endpoint_id, **extra)
        assert refused.value.code == "EndpointNotFound"


def test_aud_3_rebuild_verify_passes_and_catches_a_tampered_row(
    server: Server, database_url: str, schema: str
) -> None:
    provider, consumer = (
        sdk_client(server.endpoint, PROVIDER),
        sdk_client(server.endpoint, CONSUMER),
    )
    service_id = make_service(provider, "nlb-provider0001", auto=True, kind="nlb")
    for _ in range(3):
        make_endpoint(consumer, service_id, ("h", "i"))
    wait_until(
        lambda: connection(provider, service_id), lambda c: c["ConnectionStatus"] == "Connected"
    )
    assert "match" in cli(database_url, schema, "rebuild", "--verify").stderr
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            f'UPDATE "{schema}".pl_views SET doc = doc || \'{{"EndpointName": '
            f"\"tampered\"}}' WHERE kind = 'endpoint' AND key = (SELECT min(key) FROM "
            f"\"{schema}\".pl_views WHERE kind = 'endpoint')"
        )
    failed = cli(database_url, schema, "rebuild", "--verify", check=False)
    assert failed.returncode == 1 and "tampered" in failed.stderr + failed.stdout


def test_aud_4_an_imported_log_answers_like_the_original(
    server: Server, database_url: str, schema: str, tmp_path: Path
) -> None:
    provider, consumer = (
        sdk_client(server.endpoint, PROVIDER),
        sdk_client(server.endpoint, CONSUMER),
    )
    service_id = make_service(provider, "nlb-provider0001", auto=True, kind="nlb")
    endpoints = [make_endpoint(consumer, service_id, ("h", "i")) for _ in range(2)]
    consumer.delete_vpc_endpoint(m.DeleteVpcEndpointRequest(region_id=R, endpoint_id=endpoints[1]))
    wait_until(
        lambda: connection(provider, service_id), lambda c: c["ConnectionStatus"] == "Connected"
    )
    log = tmp_path / "log.jsonl"
    log.write_text(cli(database_url, schema, "export").stdout)
    copy_schema = schema + "_copy"
    cli(database_url, copy_schema, "import", str(log))
    copy = Server(database_url, copy_schema)
    try:
        for key, (make, action, request) in {
            "endpoint": (
                consumer,
                "get_vpc_endpoint_attribute",
                m.GetVpcEndpointAttributeRequest(region_id=R, endpoint_id=endpoints[0]),
            ),
            "endpoints": (consumer, "list_vpc_endpoints", m.ListVpcEndpointsRequest(region_id=R)),
            "zones": (
                consumer,
                "list_vpc_endpoint_zones",
                m.ListVpcEndpointZonesRequest(region_id=R, endpoint_id=endpoints[0]),
            ),
            "service": (
                provider,
                "get_vpc_endpoint_service_attribute",
                m.GetVpcEndpointServiceAttributeRequest(region_id=R, service_id=service_id),
            ),
            "connections": (
                provider,
                "list_vpc_endpoint_connections",
                m.ListVpcEndpointConnectionsRequest(region_id=R),
            ),
            "users": (
                provider,
                "list_vpc_endpoint_service_users",
                m.ListVpcEndpointServiceUsersRequest(region_id=R, service_id=service_id),
            ),
        }.items():
            twin = sdk_client(copy.endpoint, PROVIDER if make is provider else CONSUMER)
            original = getattr(make, action)(request).body.to_map()
            imported = wait_until(
                lambda twin=twin, action=action, request=request: getattr(twin, action)(
                    request
                ).body.to_map(),
                lambda body, original=original: strip(body) == strip(original),
            )
            assert strip(imported) == strip(original), key
    finally:
        copy.stop()
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{copy_schema}" CASCADE')


def strip(body: dict) -> dict:
    return {k: v for k, v in body.items() if k != "RequestId"}


def test_aud_4_import_refuses_a_non_empty_store_a_gap_and_a_broken_line(
    server: Server, database_url: str, schema: str, tmp_path: Path
) -> None:
    provider = sdk_client(server.endpoint, PROVIDER)
    make_service(provider, "nlb-provider0001", auto=True, kind="nlb")
    lines = cli(database_url, schema, "export").stdout.splitlines()
    full = tmp_path / "full.jsonl"
    full.write_text("\n".join(lines) + "\n")
    refused = cli(database_url, schema, "import", str(full), check=False)
    assert refused.returncode == 1 and "not empty" in refused.stderr
    gap = tmp_path / "gap.jsonl"
    gap.write_text("\n".join([lines[0], *lines[2:]]) + "\n")
    empty = schema + "_empty"
    try:
        refused = cli(database_url, empty, "import", str(gap), check=False)
        assert refused.returncode == 1 and "line 2" in refused.stderr
        broken = tmp_path / "broken.jsonl"
        broken.write_text("\n".join([lines[0], lines[1][:-5]]) + "\n")
        refused = cli(database_url, empty, "import", str(broken), check=False)
        assert refused.returncode == 1 and "line 2: broken record" in refused.stderr
    finally:
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{empty}" CASCADE')


def test_aud_2_diff_names_fields_and_events(server: Server, database_url: str, schema: str) -> None:
    provider, consumer = (
        sdk_client(server.endpoint, PROVIDER),
        sdk_client(server.endpoint, CONSUMER),
    )
    service_id = make_service(provider, "nlb-provider0001", auto=True, kind="nlb")
    endpoint_id = make_endpoint(consumer, service_id)
    wait_until(
        lambda: connection(provider, service_id), lambda c: c["ConnectionStatus"] == "Connected"
    )
    before = now()
    consumer.update_vpc_endpoint_attribute(
        m.UpdateVpcEndpointAttributeRequest(
            region_id=R, endpoint_id=endpoint_id, endpoint_name="renamed"
        )
    )
    result = cli_json(
        database_url, schema, "diff", endpoint_id, "--from", before, "--to", now(), "--json"
    )
    assert result["changes"] == [{"field": "EndpointName", "from": "", "to": "renamed"}]
    assert [e["type"] for e in result["events"]] == ["AttributesUpdated"]
