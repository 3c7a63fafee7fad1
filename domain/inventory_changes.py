"""Runtime changes to the inventory (issue 12): accounts and keys, regions, VPCs, vSwitches,
security groups, load balancers and listeners added or removed while the server runs.

The inventory file is the start-up seed; the ``InventoryLog`` aggregate records every change
as an event (so history shows them), and the inventory in force is the seed with the changes
applied in order (``fold``). Every change is checked by validating the whole resulting
inventory, so a change can never leave a dangling reference (a VPC of an unknown account...).
"""

from __future__ import annotations

import copy
from typing import Any
from uuid import UUID

from eventsourcing.domain import event
from pydantic import ValidationError

from privatelink.domain.base import Caller, PrivateLinkAggregate, acts, aggregate_uuid
from privatelink.domain.errors import InvalidValue, InventoryNotFound, missing
from privatelink.domain.errors_inventory import (
    ITEM_NOT_FOUND,
    InvalidParameterKind,
    InventoryChangeRefused,
)
from privatelink.domain.inventory import Inventory
from privatelink.domain.records import InventoryChange, InventoryReplaced, ItemAdded, ItemRemoved

# kind -> (list of the document, the parent's kind and key, the field naming an item)
KINDS: dict[str, tuple[str, str | None, str]] = {
    "account": ("accounts", None, "uid"),
    "access_key": ("access_keys", "account", "id"),
    "region": ("regions", None, "id"),
    "vpc": ("vpcs", None, "id"),
    "vswitch": ("vswitches", "vpc", "id"),
    "security_group": ("security_groups", "vpc", ""),
    "load_balancer": ("load_balancers", None, "id"),
    "listener": ("listeners", "load_balancer", "port"),
}
PARENT_LIST = {
    "account": ("accounts", "uid"),
    "vpc": ("vpcs", "id"),
    "load_balancer": ("load_balancers", "id"),
}


def check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise InvalidParameterKind(
            f"'{kind}' is not an inventory kind; one of: {', '.join(KINDS)}."
        )


def _parents(document: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    parent_kind = KINDS[kind][1]
    if parent_kind is None:
        return [document]
    return list(document.get(PARENT_LIST[parent_kind][0], []))


def _item_id(kind: str, parent: dict[str, Any], item: Any) -> str:
    field = KINDS[kind][2]
    ident = str(item if not field else item.get(field))
    if kind == "listener":
        return f"{parent['id']}:{ident}"
    return ident


def _add(document: dict[str, Any], kind: str, item: dict[str, Any]) -> None:
    list_name, parent_kind, _ = KINDS[kind]
    item = dict(item)
    if parent_kind is None:
        document.setdefault(list_name, []).append(item)
        return
    parent_list, parent_key = PARENT_LIST[parent_kind]
    parent_id = str(item.pop(parent_kind, ""))
    parent = next((p for p in document.get(parent_list, []) if p[parent_key] == parent_id), None)
    if parent is None:
        raise ITEM_NOT_FOUND[parent_kind](missing(parent_kind, parent_id))
    value: Any = item.get("id") if kind == "security_group" else item
    parent.setdefault(list_name, []).append(value)


def _remove(document: dict[str, Any], kind: str, ident: str) -> None:
    list_name = KINDS[kind][0]
    for parent in _parents(document, kind):
        items = parent.get(list_name, [])
        for i, item in enumerate(items):
            if _item_id(kind, parent, item) == ident:
                del items[i]
                return
    raise ITEM_NOT_FOUND[kind](missing(kind.replace("_", " "), ident))


def apply_change(inventory: Inventory, change: InventoryChange) -> Inventory:
    """The inventory after ``change`` (``{"op": "add", "kind", "item"}``, ``{"op": "remove",
    "kind", "id"}`` or ``{"op": "replace", "inventory"}``); refused if it would be invalid."""
    if change["op"] == "replace":
        document = copy.deepcopy(change["inventory"])
    else:
        document = inventory.model_dump(mode="json")
        check_kind(change["kind"])
        if change["op"] == "add":
            _add(document, change["kind"], change["item"])
        else:
            _remove(document, change["kind"], str(change["id"]))
    try:
        return Inventory.model_validate(document)
    except ValidationError as error:
        raise InventoryChangeRefused(describe(error)) from None


def describe(error: ValidationError) -> str:
    first = error.errors()[0]
    path = ".".join(str(p) for p in first["loc"])
    message = first["msg"].removeprefix("Value error, ")
    return f"{path}: {message}" if path else message


def fold(seed: Inventory, changes: list[InventoryChange]) -> tuple[Inventory, list[str]]:
    """The seed with the recorded changes applied in order; a change that no longer applies
    (the seed file changed since) is skipped and named in the second result."""
    inventory, skipped = seed, []
    for change in changes:
        try:
            inventory = apply_change(inventory, change)
        except (InvalidValue, InventoryNotFound) as error:
            kind = "" if change["op"] == "replace" else change["kind"]
            skipped.append(f"{change['op']} {kind}: {error.message}")
    return inventory, skipped


class InventoryLog(PrivateLinkAggregate):
    """The runtime changes to the inventory, one event each, in order."""

    @staticmethod
    def create_id() -> UUID:
        return aggregate_uuid("inventory", "runtime")

    created_event = "Opened"

    @event("Opened")
    def __init__(self) -> None:
        self.changes: list[InventoryChange] = []

    @acts
    def add(self, by: Caller, kind: str, item: dict[str, Any]) -> None:
        self._added(kind, item)

    @event("ItemAdded")
    def _added(self, kind: str, item: dict[str, Any]) -> None:
        self.changes = [*self.changes, ItemAdded(op="add", kind=kind, item=item)]

    @acts
    def remove(self, by: Caller, kind: str, ident: str) -> None:
        self._removed(kind, ident)

    @event("ItemRemoved")
    def _removed(self, kind: str, ident: str) -> None:
        self.changes = [*self.changes, ItemRemoved(op="remove", kind=kind, id=ident)]

    @acts
    def replace(self, by: Caller, inventory: dict[str, Any]) -> None:
        self._replaced(inventory)

    @event("Replaced")
    def _replaced(self, inventory: dict[str, Any]) -> None:
        self.changes = [InventoryReplaced(op="replace", inventory=inventory)]
