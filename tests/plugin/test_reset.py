"""Issue 12, reset: ``POST /_privatelink/reset`` empties the store in place (the same schema,
every table truncated) and every in-memory state with it; the inventory is kept or replaced."""

from __future__ import annotations

import psycopg
import pytest

from privatelink.testing import AdminError, PrivateLinkServer, admin_call
from tests.plugin.helpers import create_service, service_ids, service_status


def stored_events(server: PrivateLinkServer) -> int:
    assert server.database_url
    with psycopg.connect(server.database_url) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = %s", (server.schema,)
            )
        ]
        return sum(
            conn.execute(f'SELECT count(*) FROM "{server.schema}"."{t}"').fetchone()[0]
            for t in tables
        )


def test_issue12_reset_gives_an_empty_store_in_place(privatelink: PrivateLinkServer) -> None:
    """Reset: every row of every table of the server's schema is gone; the API sees nothing."""
    provider = privatelink.client("provider")
    service = create_service(provider)
    assert service.service_id in service_ids(provider)
    assert stored_events(privatelink) > 0
    answer = privatelink.reset()
    assert answer["Tables"] >= 4 and answer["InventoryRecorded"] is False
    assert stored_events(privatelink) == 0
    assert service_ids(provider) == []
    again = create_service(provider)  # and the server goes on working, asynchronous steps too
    privatelink.wait_until(lambda: service_status(provider, again.service_id) == "Active")


def test_issue12_reset_forgets_cached_client_tokens(privatelink: PrivateLinkServer) -> None:
    """Runtime.reset drops the writer's aggregate cache: a ClientToken seen before the reset is
    new again after it (a stale cache would replay the first answer for a missing service)."""
    provider = privatelink.client("provider")
    first = create_service(provider, client_token="same-token")
    privatelink.reset()
    second = create_service(provider, client_token="same-token")
    assert second.service_id != first.service_id
    assert service_ids(provider) == [second.service_id]


def test_issue12_reset_keeps_or_replaces_the_inventory(privatelink: PrivateLinkServer) -> None:
    """The inventory in force survives a reset (recorded as the new store's first event) unless
    the reset replaces it, or goes back to the start-up seed."""
    privatelink.add("security_group", vpc="vpc-consumer0001", id="sg-kept0001")
    assert privatelink.reset()["InventoryRecorded"] is True
    groups = privatelink.inventory_document()["vpcs"][0]["security_groups"]
    assert "sg-kept0001" in groups
    replaced = privatelink.inventory_document()
    replaced["vpcs"] = [v for v in replaced["vpcs"] if v["id"] != "vpc-outsider0001"]
    privatelink.reset(replaced)
    assert "vpc-outsider0001" not in {v["id"] for v in privatelink.inventory_document()["vpcs"]}
    privatelink.reset("seed")
    document = privatelink.inventory_document()
    assert "vpc-outsider0001" in {v["id"] for v in document["vpcs"]}
    assert "sg-kept0001" not in document["vpcs"][0]["security_groups"]
    assert stored_events(privatelink) == 0


def test_issue12_reset_refuses_an_invalid_inventory(privatelink: PrivateLinkServer) -> None:
    """A replacement inventory is validated first: a bad one is a 400 and nothing is reset."""
    create_service(privatelink.client("provider"))
    with pytest.raises(AdminError) as refused:
        privatelink.reset({"accounts": [], "regions": "nope"})
    assert refused.value.status == 400 and refused.value.code == "InvalidInventory"
    assert stored_events(privatelink) > 0


def test_issue12_admin_routes_refuse_remote_callers_without_the_key(
    privatelink: PrivateLinkServer,
) -> None:
    """The admin routes answer loopback callers; others need the admin key (403 otherwise)."""
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from privatelink.api.admin_routes import include_admin_routes
    from privatelink.application.provisioner_holds import ProvisionerHolds

    class Runtime:  # what the provisioner route reads
        class settings:
            admin_key = "k3y"

        class app:
            holds = ProvisionerHolds()

    app = FastAPI()
    include_admin_routes(app, Runtime())
    client = TestClient(app)  # its client address is not loopback
    answer = client.post("/_privatelink/provisioner/hold", json={"ResourceId": "*"})
    assert answer.status_code == 403 and answer.json()["Code"] == "Forbidden.AdminOnly"
    wrong = client.post(
        "/_privatelink/provisioner/hold",
        json={"ResourceId": "*"},
        headers={"X-PrivateLink-Admin-Key": "nope"},
    )
    assert wrong.status_code == 403
    right = client.get("/_privatelink/provisioner", headers={"X-PrivateLink-Admin-Key": "k3y"})
    assert right.status_code == 200 and right.json()["Held"] == []
    assert admin_call(privatelink.url, "GET", "/_privatelink/provisioner")["Held"] == []


@pytest.mark.parametrize("large", [0, 20_000])
def test_issue12_empty_schema_deletes_or_truncates_and_restarts_ids(
    settings: object, large: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Small tables are deleted from, large ones truncated; either way every table is empty
    and the event log's ids start again at 1 (the followers start again from 0)."""
    from privatelink.application.live_inventory import change_inventory
    from privatelink.application.unit_of_work import Command
    from privatelink.composition import open_runtime
    from privatelink.domain.base import Caller
    from privatelink.infra import reset

    monkeypatch.setattr(reset, "LARGE", large)
    command = Command(Caller("operator", "t"), "X")
    region = {"op": "add", "kind": "region", "item": {"id": "cn-x", "zones": ["cn-x-a"]}}
    with open_runtime(settings, serve=False) as runtime:  # type: ignore[arg-type]
        change_inventory(runtime.app, runtime.inventory, command, region)
        assert runtime.app.recorder.max_notification_id() == 2
        reset.truncate_schema(runtime.url, runtime.settings.db_schema)
        assert runtime.app.recorder.max_notification_id() in (None, 0)
        runtime.inventory.restore(runtime.app)
        assert runtime.inventory.region("cn-x") is None
        change_inventory(runtime.app, runtime.inventory, command, region)
        assert runtime.app.recorder.max_notification_id() == 2


def test_issue12_reset_restarts_the_data_plane(privatelink: PrivateLinkServer) -> None:
    """After a reset the DNS server answers again on the same port, from the new store: an
    endpoint domain of before the reset is gone, one created after it resolves."""
    import dns.message
    import dns.query
    import dns.rcode

    from tests.plugin.helpers import create_endpoint, endpoint, whitelist

    def resolve(name: str) -> dns.message.Message:
        query = dns.message.make_query(name, "A")
        return dns.query.udp(query, "127.0.0.1", port=privatelink.dns_port, timeout=3)

    provider, consumer = privatelink.client("provider"), privatelink.client("consumer")

    def connected_domain() -> str:
        service = create_service(provider)
        whitelist(provider, service.service_id)
        ep = create_endpoint(consumer, service.service_name)
        privatelink.wait_until(
            lambda: endpoint(consumer, ep.endpoint_id).connection_status == "Connected"
        )
        return str(ep.endpoint_domain)

    before = connected_domain()
    privatelink.wait_until(lambda: resolve(before).answer)
    privatelink.reset()
    privatelink.wait_until(lambda: resolve(before).rcode() == dns.rcode.NXDOMAIN)
    after = connected_domain()
    privatelink.wait_until(lambda: resolve(after).answer)
