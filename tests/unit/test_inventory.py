"""The inventory file (docs/INVENTORY.md): the demo loads, lookups answer, bad files are refused
with one message that names the file and the path of the bad field."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from privatelink.domain.inventory import Inventory
from privatelink.infra.inventory_file import (
    InventoryError,
    demo_inventory,
    demo_inventory_text,
    load_inventory,
)

PROVIDER = "1210000000000001"
CONSUMER = "1210000000000002"
OUTSIDER = "1210000000000003"

# Copied verbatim from docs/INVENTORY.md.
SPEC_EXAMPLE = """\
accounts:
  - uid: "1210000000000001"          # Alibaba-style account UID (digits, as a string)
    name: provider                    # free text
    access_keys:                      # verified with the ACS3-HMAC-SHA256 signature (RULES SEC-1)
      - id: LTAI5tProviderDemo0001
        secret: provider-demo-secret
    quotas:                           # optional; names as in RULES RES-5 and XR-6
      privatelink_whitelist/svc_res_mgt_uat: 1
      pvl_quota_cross_region_ep_max_bandwidth_payg_china: 2000
      pvl_quota_cross_region_ep_max_bandwidth_payg_oversea: 500

regions:
  - id: cn-hangzhou
    zones: [cn-hangzhou-h, cn-hangzhou-i, cn-hangzhou-j]
  - id: cn-shanghai
    zones: [cn-shanghai-e, cn-shanghai-f]
  - id: ap-southeast-1
    zones: [ap-southeast-1a, ap-southeast-1b]

vpcs:
  - id: vpc-consumer0001
    owner: "1210000000000002"
    region: cn-hangzhou
    cidr: 10.0.0.0/16
    vswitches:
      - {id: vsw-consumer-h, zone: cn-hangzhou-h, cidr: 10.0.1.0/24}
      - {id: vsw-consumer-i, zone: cn-hangzhou-i, cidr: 10.0.2.0/24}
    security_groups: [sg-consumer0001]

load_balancers:
  - id: nlb-provider0001
    type: nlb                         # nlb | alb | clb | gwlb
    owner: "1210000000000001"
    region: cn-hangzhou
    zones: [cn-hangzhou-h, cn-hangzhou-i]   # CLB: exactly one (its primary zone)
    address_type: intranet            # intranet | internet
    dual_stack: true                  # CLB: always false
    billing: pay-as-you-go            # CLB only: pay-as-you-go | subscription (RULES SVC-2)
    upgraded: true                    # ALB only: cross-region needs an upgraded ALB (RULES XR-2)
    bandwidth_mbps: 5000              # capacity used by automatic allocation (RULES RES-4)
    listeners:                        # optional: ports it serves, and where that traffic really goes
      - {port: 80, backend: "127.0.0.1:9000"}   # (used by the data plane; see below)
"""

# A small valid inventory that each refusal test breaks in exactly one place.
BASE: dict[str, Any] = {
    "accounts": [
        {"uid": "1", "name": "provider", "access_keys": [{"id": "AK1", "secret": "s1"}]},
        {"uid": "2", "name": "consumer", "access_keys": [{"id": "AK2", "secret": "s2"}]},
    ],
    "regions": [
        {"id": "cn-hangzhou", "zones": ["cn-hangzhou-h", "cn-hangzhou-i"]},
        {"id": "cn-shanghai", "zones": ["cn-shanghai-e"]},
    ],
    "vpcs": [
        {
            "id": "vpc-1",
            "owner": "2",
            "region": "cn-hangzhou",
            "cidr": "10.0.0.0/16",
            "vswitches": [
                {"id": "vsw-h", "zone": "cn-hangzhou-h", "cidr": "10.0.1.0/24"},
                {"id": "vsw-i", "zone": "cn-hangzhou-i", "cidr": "10.0.2.0/24"},
            ],
            "security_groups": ["sg-1"],
        },
    ],
    "load_balancers": [
        {
            "id": "nlb-1",
            "type": "nlb",
            "owner": "1",
            "region": "cn-hangzhou",
            "zones": ["cn-hangzhou-h", "cn-hangzhou-i"],
        },
        {
            "id": "clb-1",
            "type": "clb",
            "owner": "1",
            "region": "cn-hangzhou",
            "zones": ["cn-hangzhou-h"],
        },
    ],
}

Edit = Callable[[dict[str, Any]], None]


def write(tmp_path: Path, data: dict[str, Any] | str, name: str = "inventory.yaml") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data), encoding="utf-8")
    return path


def broken(edit: Edit) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    edit(data)
    return data


def refusal(tmp_path: Path, data: dict[str, Any] | str) -> str:
    path = write(tmp_path, data)
    with pytest.raises(InventoryError) as caught:
        load_inventory(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: "), message
    return message.removeprefix(f"{path}: ")


# The demo inventory


def test_demo_inventory_loads_with_its_documented_ids() -> None:
    inventory = demo_inventory()
    assert [a.name for a in inventory.accounts] == ["provider", "consumer", "outsider"]
    assert [r.id for r in inventory.regions] == ["cn-hangzhou", "cn-shanghai", "ap-southeast-1"]
    assert len(inventory.vpcs) == 5
    assert len(inventory.load_balancers) == 13


def test_demo_inventory_text_is_the_yaml_the_demo_is_read_from() -> None:
    assert Inventory.model_validate(yaml.safe_load(demo_inventory_text())) == demo_inventory()


def test_account_lookups_by_uid_and_access_key() -> None:
    inventory = demo_inventory()
    assert inventory.account(CONSUMER).name == "consumer"  # type: ignore[union-attr]
    assert inventory.account("999") is None
    assert inventory.account_for_key("LTAI5tOutsiderDemo0003").uid == OUTSIDER  # type: ignore[union-attr]
    assert inventory.account_for_key("LTAI5tNobody") is None
    assert inventory.secret_for("LTAI5tProviderDemo0001") == "provider-demo-secret"
    assert inventory.secret_for("LTAI5tNobody") is None


def test_quota_answers_the_raised_value_or_the_default() -> None:
    inventory = demo_inventory()
    assert inventory.quota(PROVIDER, "privatelink_whitelist/svc_res_mgt_uat", 0) == 1
    assert (
        inventory.quota(PROVIDER, "pvl_quota_cross_region_ep_max_bandwidth_payg_oversea", 100)
        == 500
    )
    assert inventory.quota(CONSUMER, "privatelink_whitelist/svc_res_mgt_uat", 0) == 0
    assert inventory.quota("999", "anything", 7) == 7


def test_region_vpc_and_vswitch_lookups() -> None:
    inventory = demo_inventory()
    assert inventory.region("cn-shanghai").zones == ["cn-shanghai-e", "cn-shanghai-f"]  # type: ignore[union-attr]
    assert inventory.region("us-west-1") is None
    assert inventory.vpc("vpc-provider0001").owner == PROVIDER  # type: ignore[union-attr]
    assert inventory.vpc("vpc-nope") is None
    vpc, vswitch = inventory.vswitch("vsw-consumer-sh-f")  # type: ignore[misc]
    assert (vpc.id, vswitch.zone, str(vswitch.cidr)) == (
        "vpc-consumer0002",
        "cn-shanghai-f",
        "127.17.2.0/24",
    )
    assert inventory.vswitch("vsw-nope") is None


def test_load_balancer_lookup_carries_the_facts_the_rules_need() -> None:
    inventory = demo_inventory()
    nlb = inventory.load_balancer("nlb-provider0001")
    assert nlb is not None
    assert (nlb.type, nlb.dual_stack, nlb.bandwidth_mbps) == ("nlb", True, 5000)
    assert [(ls.port, ls.backend) for ls in nlb.listeners] == [(80, "127.0.0.1:9000")]
    clb = inventory.load_balancer("lb-provider0004")
    assert clb is not None
    assert (clb.type, clb.billing, clb.address_type) == ("clb", "subscription", "intranet")
    assert inventory.load_balancer("lb-nope") is None


def test_omitted_optional_fields_take_their_documented_defaults() -> None:
    lb = demo_inventory().load_balancer("gwlb-provider0001")
    assert lb is not None
    assert (
        lb.address_type,
        lb.dual_stack,
        lb.billing,
        lb.upgraded,
        lb.bandwidth_mbps,
        lb.listeners,
    ) == ("intranet", False, "pay-as-you-go", False, 5000, [])


# Loading files


# The spec's example lists only the provider account, yet its VPC is owned by the consumer
# "1210000000000002"; the loader rightly refuses that, so the test adds the one missing account.
CONSUMER_ACCOUNT = """\
  - uid: "1210000000000002"
    name: consumer
"""


def test_the_example_in_the_spec_loads_once_its_vpc_owner_is_listed(tmp_path: Path) -> None:
    text = SPEC_EXAMPLE.replace("\nregions:", CONSUMER_ACCOUNT + "\nregions:", 1)
    inventory = load_inventory(write(tmp_path, text))
    assert inventory.vswitch("vsw-consumer-i") is not None
    assert inventory.load_balancer("nlb-provider0001").upgraded  # type: ignore[union-attr]


def test_the_example_in_the_spec_verbatim_is_refused_for_its_unlisted_owner(tmp_path: Path) -> None:
    assert refusal(tmp_path, SPEC_EXAMPLE) == "vpcs[0].owner: unknown account '1210000000000002'"


def test_a_json_file_loads(tmp_path: Path) -> None:
    inventory = load_inventory(write(tmp_path, json.dumps(BASE), name="inventory.json"))
    assert inventory.vpc("vpc-1") is not None


def test_the_base_of_the_refusal_tests_is_valid(tmp_path: Path) -> None:
    assert load_inventory(write(tmp_path, BASE)).load_balancer("clb-1") is not None


def test_a_missing_file_is_refused_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    with pytest.raises(InventoryError, match=r"nope\.yaml: cannot read"):
        load_inventory(missing)


def test_yaml_syntax_error_is_refused_with_its_line(tmp_path: Path) -> None:
    message = refusal(tmp_path, "accounts: [\nregions: {\n")
    assert message.startswith("not valid YAML or JSON:")
    assert "line" in message


def test_a_key_repeated_in_one_mapping_is_refused(tmp_path: Path) -> None:
    text = yaml.safe_dump(BASE) + "regions: []\n"
    assert "duplicate key 'regions'" in refusal(tmp_path, text)


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    assert refusal(tmp_path, "# nothing\n") == "the inventory file is empty"


def test_a_top_level_that_is_not_a_mapping_is_refused(tmp_path: Path) -> None:
    assert refusal(tmp_path, "[1, 2]\n").startswith("top level: ")


def _set(path: tuple[str | int, ...], value: Any) -> Edit:
    def edit(data: dict[str, Any]) -> None:
        target: Any = data
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value

    return edit


def _append(path: tuple[str | int, ...], value: Any) -> Edit:
    def edit(data: dict[str, Any]) -> None:
        target: Any = data
        for part in path:
            target = target[part]
        target.append(value)

    return edit


REFUSALS: list[tuple[str, Edit, str]] = [
    (
        "duplicate load balancer id",
        _set(("load_balancers", 1, "id"), "nlb-1"),
        "load_balancers[1].id: duplicate load balancer id 'nlb-1' (already at load_balancers[0].id)",
    ),
    (
        "duplicate vpc id",
        _append(
            ("vpcs",),
            {
                "id": "vpc-1",
                "owner": "2",
                "region": "cn-shanghai",
                "cidr": "10.1.0.0/16",
                "vswitches": [],
            },
        ),
        "vpcs[1].id: duplicate VPC id 'vpc-1'",
    ),
    (
        "duplicate vswitch id",
        _set(("vpcs", 0, "vswitches", 1, "id"), "vsw-h"),
        "vpcs[0].vswitches[1].id: duplicate vSwitch id 'vsw-h'",
    ),
    (
        "duplicate account uid",
        _set(("accounts", 1, "uid"), "1"),
        "accounts[1].uid: duplicate account uid '1'",
    ),
    (
        "duplicate access key id",
        _set(("accounts", 1, "access_keys", 0, "id"), "AK1"),
        "accounts[1].access_keys[0].id: duplicate access key id 'AK1'",
    ),
    (
        "duplicate security group",
        _append(("vpcs", 0, "security_groups"), "sg-1"),
        "vpcs[0].security_groups[1]: duplicate security group id 'sg-1'",
    ),
    (
        "duplicate zone across regions",
        _append(("regions", 1, "zones"), "cn-hangzhou-h"),
        "regions[1].zones[1]: duplicate zone id 'cn-hangzhou-h'",
    ),
    ("unknown vpc owner", _set(("vpcs", 0, "owner"), "3"), "vpcs[0].owner: unknown account '3'"),
    (
        "unknown load balancer owner",
        _set(("load_balancers", 1, "owner"), "3"),
        "load_balancers[1].owner: unknown account '3'",
    ),
    (
        "unknown vpc region",
        _set(("vpcs", 0, "region"), "us-west-1"),
        "vpcs[0].region: unknown region 'us-west-1'",
    ),
    (
        "load balancer zone not in region",
        _set(("load_balancers", 0, "zones", 1), "cn-shanghai-e"),
        "load_balancers[0].zones[1]: zone 'cn-shanghai-e' is not a zone of region 'cn-hangzhou'",
    ),
    (
        "vswitch zone not in region",
        _set(("vpcs", 0, "vswitches", 0, "zone"), "cn-hangzhou-x"),
        "vpcs[0].vswitches[0].zone: zone 'cn-hangzhou-x' is not a zone of region 'cn-hangzhou'",
    ),
    (
        "vswitch outside vpc cidr",
        _set(("vpcs", 0, "vswitches", 1, "cidr"), "10.9.0.0/24"),
        "vpcs[0].vswitches[1].cidr: 10.9.0.0/24 is not inside the VPC's CIDR 10.0.0.0/16",
    ),
    (
        "overlapping vswitches",
        _set(("vpcs", 0, "vswitches", 1, "cidr"), "10.0.1.128/25"),
        "vpcs[0].vswitches[1].cidr: 10.0.1.128/25 overlaps 10.0.1.0/24 of vpcs[0].vswitches[0]",
    ),
    (
        "clb with two zones",
        _set(("load_balancers", 1, "zones"), ["cn-hangzhou-h", "cn-hangzhou-i"]),
        "load_balancers[1].zones: a CLB has exactly one zone",
    ),
    (
        "clb dual stack",
        _set(("load_balancers", 1, "dual_stack"), True),
        "load_balancers[1].dual_stack: a CLB is never dual-stack",
    ),
    (
        "repeated zone in a load balancer",
        _set(("load_balancers", 0, "zones"), ["cn-hangzhou-h", "cn-hangzhou-h"]),
        "load_balancers[0].zones[1]: duplicate zone 'cn-hangzhou-h'",
    ),
    (
        "unknown key",
        _set(("load_balancers", 0, "colour"), "red"),
        "load_balancers[0].colour: unknown key 'colour'; expected one of: id, type, owner",
    ),
    (
        "unknown top-level key",
        _set(("dns",), []),
        "dns: unknown key 'dns'; expected one of: accounts, regions, vpcs, load_balancers",
    ),
    (
        "bad cidr",
        _set(("vpcs", 0, "cidr"), "10.0.0.0/33"),
        "vpcs[0].cidr: Input is not a valid IPv4 network (got '10.0.0.0/33')",
    ),
    (
        "cidr with host bits",
        _set(("vpcs", 0, "vswitches", 0, "cidr"), "10.0.1.1/24"),
        "vpcs[0].vswitches[0].cidr: Input is not a valid IPv4 network (got '10.0.1.1/24')",
    ),
    (
        "unknown load balancer type",
        _set(("load_balancers", 0, "type"), "elb"),
        "load_balancers[0].type: Input should be 'nlb', 'alb', 'clb' or 'gwlb' (got 'elb')",
    ),
    (
        "uid not digits",
        _set(("accounts", 0, "uid"), "provider"),
        "accounts[0].uid: String should match pattern",
    ),
    (
        "uid written as a number",
        _set(("accounts", 0, "uid"), 1),
        "accounts[0].uid: Input should be a valid string (got 1)",
    ),
    (
        "no zones",
        _set(("load_balancers", 0, "zones"), []),
        "load_balancers[0].zones: List should have at least 1 item",
    ),
    (
        "zero bandwidth",
        _set(("load_balancers", 0, "bandwidth_mbps"), 0),
        "load_balancers[0].bandwidth_mbps: Input should be greater than 0 (got 0)",
    ),
    (
        "listener port out of range",
        _set(("load_balancers", 0, "listeners"), [{"port": 70000, "backend": "127.0.0.1:1"}]),
        "load_balancers[0].listeners[0].port: Input should be less than or equal to 65535",
    ),
    (
        "listener backend without port",
        _set(("load_balancers", 0, "listeners"), [{"port": 80, "backend": "127.0.0.1"}]),
        "load_balancers[0].listeners[0].backend: backend '127.0.0.1' is not 'host:port'",
    ),
    (
        "repeated listener port",
        _set(
            ("load_balancers", 0, "listeners"),
            [{"port": 80, "backend": "127.0.0.1:1"}, {"port": 80, "backend": "127.0.0.1:2"}],
        ),
        "load_balancers[0].listeners[1].port: duplicate listener port '80'",
    ),
    (
        "missing required field",
        lambda data: data["vpcs"][0].pop("cidr"),
        "vpcs[0].cidr: Field required",
    ),
]


@pytest.mark.parametrize(
    ("edit", "expected"),
    [(edit, expected) for _, edit, expected in REFUSALS],
    ids=[name for name, _, _ in REFUSALS],
)
def test_a_bad_field_is_refused_naming_its_path(tmp_path: Path, edit: Edit, expected: str) -> None:
    message = refusal(tmp_path, broken(edit))
    assert message.startswith(expected), message
    assert "Value error," not in message
