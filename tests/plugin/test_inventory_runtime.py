"""Issue 12, runtime inventory: accounts and keys, regions, VPCs, vSwitches, security groups,
load balancers and listeners added and removed while the server runs, recorded as events;
the API sees them at once, and the inventory file stays the start-up seed."""

from __future__ import annotations

import pytest
from alibabacloud_privatelink20200415 import models as m
from alibabacloud_tea_openapi.exceptions import ClientException

from privatelink.application.live_inventory import change_inventory
from privatelink.application.unit_of_work import Command
from privatelink.composition import open_runtime
from privatelink.domain.base import Caller
from privatelink.infra.settings import Settings
from privatelink.testing import AdminError, PrivateLinkServer
from tests.plugin.helpers import create_endpoint, create_service, endpoint, whitelist

NEWCOMER = "1210000000000009"


def regions(client: object) -> list[str]:
    body = client.describe_regions(m.DescribeRegionsRequest(region_id="cn-hangzhou")).body  # type: ignore[attr-defined]
    return [r.region_id for r in body.regions.region]


def test_issue12_inventory_added_at_runtime_is_seen_immediately(
    privatelink: PrivateLinkServer,
) -> None:
    """A new account (and a second key), region, VPC with vSwitch and security group, load
    balancer and listener are usable by the very next request, and recorded as events."""
    privatelink.add(
        "account",
        uid=NEWCOMER,
        name="newcomer",
        access_keys=[{"id": "LTAI5tNewcomer0009", "secret": "newcomer-secret"}],
    )
    newcomer = privatelink.client("newcomer")
    assert "cn-hangzhou" in regions(newcomer)
    privatelink.add("access_key", account=NEWCOMER, id="LTAI5tNewcomer0010", secret="second")
    privatelink.add("region", id="cn-beijing", zones=["cn-beijing-a"])
    assert "cn-beijing" in regions(newcomer)
    privatelink.add(
        "vpc",
        id="vpc-newcomer01",
        owner=NEWCOMER,
        region="cn-hangzhou",
        cidr="10.50.0.0/16",
        vswitches=[],
    )
    privatelink.add(
        "vswitch",
        vpc="vpc-newcomer01",
        id="vsw-newcomer-h",
        zone="cn-hangzhou-h",
        cidr="10.50.1.0/24",
    )
    privatelink.add("security_group", vpc="vpc-newcomer01", id="sg-newcomer01")
    privatelink.add(
        "load_balancer",
        id="nlb-runtime0001",
        type="nlb",
        owner="1210000000000001",
        region="cn-hangzhou",
        zones=["cn-hangzhou-h", "cn-hangzhou-i"],
    )
    privatelink.add(
        "listener", load_balancer="nlb-runtime0001", port=8443, backend="127.0.0.1:9443"
    )

    provider = privatelink.client("provider")
    service = create_service(provider, lb="nlb-runtime0001")
    whitelist(provider, service.service_id, NEWCOMER)
    ep = create_endpoint(
        newcomer,
        service.service_name,
        vpc="vpc-newcomer01",
        vswitch="vsw-newcomer-h",
        security_group_id=["sg-newcomer01"],
    )
    privatelink.wait_until(
        lambda: endpoint(newcomer, ep.endpoint_id).connection_status == "Connected"
    )
    for kind, ident in (
        ("vpc", "vpc-newcomer01"),
        ("vswitch", "vsw-newcomer-h"),
        ("security_group", "sg-newcomer01"),
        ("load_balancer", "nlb-runtime0001"),
    ):
        with pytest.raises(AdminError) as in_use:  # what an endpoint or a service uses stays
            privatelink.remove(kind, ident)
        assert in_use.value.status == 409, in_use.value.body

    history = privatelink.admin("GET", "/_privatelink/inventory/history")["Events"]
    assert [(e["type"], e["data"].get("kind")) for e in history] == [
        ("Opened", None),
        ("ItemAdded", "account"),
        ("ItemAdded", "access_key"),
        ("ItemAdded", "region"),
        ("ItemAdded", "vpc"),
        ("ItemAdded", "vswitch"),
        ("ItemAdded", "security_group"),
        ("ItemAdded", "load_balancer"),
        ("ItemAdded", "listener"),
    ]
    lb = next(
        lb
        for lb in privatelink.inventory_document()["load_balancers"]
        if lb["id"] == "nlb-runtime0001"
    )
    assert lb["listeners"] == [{"port": 8443, "backend": "127.0.0.1:9443"}]


def test_issue12_inventory_removed_at_runtime(privatelink: PrivateLinkServer) -> None:
    """Removals take effect at once; a load balancer backing a service, an unknown item and a
    removal leaving a dangling reference are refused and change nothing."""
    outsider = privatelink.client("outsider")
    assert regions(outsider)
    provider = privatelink.client("provider")
    service = create_service(provider)
    with pytest.raises(AdminError) as in_use:
        privatelink.remove("load_balancer", "nlb-provider0001")
    assert (in_use.value.status, in_use.value.code) == (409, "OperationDenied.LoadBalancerInUse")
    with pytest.raises(AdminError) as unknown:
        privatelink.remove("vpc", "vpc-nowhere")
    assert unknown.value.status == 404
    with pytest.raises(AdminError) as dangling:
        privatelink.remove("account", "1210000000000003")  # still owns vpc-outsider0001
    assert dangling.value.code == "InvalidInventory" and "owner" in dangling.value.body["Message"]

    privatelink.remove("listener", "nlb-provider0001:80")
    privatelink.remove("security_group", "sg-consumer0001")
    privatelink.remove("vpc", "vpc-outsider0001")
    privatelink.remove("load_balancer", "nlb-outsider0001")
    privatelink.remove("access_key", "LTAI5tOutsiderDemo0003")
    with pytest.raises(ClientException) as unsigned:
        regions(outsider)
    assert unsigned.value.code == "InvalidAccessKeyId.NotFound"
    document = privatelink.inventory_document()
    nlb = next(lb for lb in document["load_balancers"] if lb["id"] == "nlb-provider0001")
    assert 80 not in {ls["port"] for ls in nlb["listeners"]}
    assert "sg-consumer0001" not in document["vpcs"][0]["security_groups"]
    assert service.service_id  # the service is untouched
    history = privatelink.admin("GET", "/_privatelink/inventory/history")["Events"]
    assert [e["data"]["ident"] for e in history if e["type"] == "ItemRemoved"] == [
        "nlb-provider0001:80",
        "sg-consumer0001",
        "vpc-outsider0001",
        "nlb-outsider0001",
        "LTAI5tOutsiderDemo0003",
    ]


def test_issue12_runtime_inventory_survives_a_restart(settings: Settings) -> None:
    """The seed plus the recorded changes is what the next start serves."""
    with open_runtime(settings, serve=False) as runtime:
        change_inventory(
            runtime.app,
            runtime.inventory,
            Command(Caller("operator", "t"), "X"),
            {
                "op": "add",
                "kind": "region",
                "item": {"id": "cn-beijing", "zones": ["cn-beijing-a"]},
            },
        )
        assert runtime.inventory.region("cn-beijing") is not None
    with open_runtime(settings, serve=False) as runtime:
        assert runtime.inventory.region("cn-beijing") is not None
        assert runtime.inventory.seed.region("cn-beijing") is None
