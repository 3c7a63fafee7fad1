"""Issue 12, runtime inventory, the pure part: a change is checked against the whole
inventory, and the inventory in force is the seed with the recorded changes folded in."""

from __future__ import annotations

import pytest

from privatelink.domain.base import Caller
from privatelink.domain.errors import InvalidValue, InventoryNotFound
from privatelink.domain.inventory_changes import InventoryLog, apply_change, fold
from privatelink.infra.inventory_file import demo_inventory

SEED = demo_inventory()
VSWITCH = {
    "op": "add",
    "kind": "vswitch",
    "item": {
        "vpc": "vpc-consumer0001",
        "id": "vsw-new",
        "zone": "cn-hangzhou-h",
        "cidr": "10.0.9.0/24",
    },
}


def test_issue12_add_nested_item_goes_under_its_parent() -> None:
    vpc = SEED.vpc("vpc-consumer0001")
    assert vpc is not None
    changed = apply_change(SEED, {**VSWITCH, "item": {**VSWITCH["item"], "cidr": "127.16.9.0/24"}})
    assert changed.vswitch("vsw-new") is not None
    assert SEED.vswitch("vsw-new") is None  # the seed itself is never changed


def test_issue12_changes_are_validated_as_a_whole() -> None:
    """A vSwitch outside its VPC's CIDR, an unknown parent, an unknown kind, a removal that
    leaves a dangling owner: each refused with what is wrong."""
    with pytest.raises(InvalidValue) as outside:
        apply_change(SEED, VSWITCH)  # 10.0.9.0/24 is not inside the demo VPC's block
    assert "cidr" in outside.value.message and outside.value.code == "InvalidInventory"
    with pytest.raises(InventoryNotFound):
        apply_change(SEED, {**VSWITCH, "item": {**VSWITCH["item"], "vpc": "vpc-nowhere"}})
    with pytest.raises(InvalidValue) as kind:
        apply_change(SEED, {"op": "add", "kind": "bucket", "item": {}})
    assert kind.value.code == "InvalidParameter.Kind"
    with pytest.raises(InvalidValue) as dangling:
        apply_change(SEED, {"op": "remove", "kind": "account", "id": "1210000000000002"})
    assert "owner" in dangling.value.message


def test_issue12_fold_skips_changes_the_seed_no_longer_allows() -> None:
    """A recorded change that no longer applies to a changed seed file is skipped, named."""
    add = {"op": "add", "kind": "region", "item": {"id": "cn-x", "zones": ["cn-x-a"]}}
    remove = {"op": "remove", "kind": "vpc", "id": "vpc-gone"}
    inventory, skipped = fold(SEED, [add, remove])
    assert inventory.region("cn-x") is not None
    assert len(skipped) == 1 and "vpc-gone" in skipped[0]


def test_issue12_inventory_log_records_each_change_and_replace_restarts_it() -> None:
    by = Caller("operator", "r1")
    log = InventoryLog.created_by(by)
    log.add(by, "region", {"id": "cn-x", "zones": ["cn-x-a"]})
    log.remove(by, "vpc", "vpc-outsider0001")
    assert [type(e).__name__ for e in log.collect_events()] == [
        "Opened",
        "ItemAdded",
        "ItemRemoved",
    ]
    log.replace(by, SEED.model_dump(mode="json"))
    assert fold(SEED, log.changes)[0] == SEED
