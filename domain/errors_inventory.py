"""Refusals of runtime inventory changes (issue 12, ``domain/inventory_changes.py``): one
class per cloud code, the statuses in the one error table of ``api/errors.py``."""

from __future__ import annotations

from privatelink.domain.errors import InvalidValue, InventoryNotFound


class InventoryChangeRefused(InvalidValue):
    """A change that would make the inventory invalid (400)."""

    code = "InvalidInventory"


class InvalidParameterKind(InvalidValue):
    """An inventory kind that does not exist (400)."""

    code = "InvalidParameter.Kind"


class InventoryItemNotFound(InventoryNotFound):
    """Abstract: the item (or its parent) a change names is not in the inventory (404)."""


class InvalidInventoryAccountNotFound(InventoryItemNotFound):
    """No account with that uid."""

    code = "InvalidInventory.accountNotFound"


class InvalidInventoryAccessKeyNotFound(InventoryItemNotFound):
    """No access key with that id."""

    code = "InvalidInventory.access_keyNotFound"


class InvalidInventoryRegionNotFound(InventoryItemNotFound):
    """No region with that id."""

    code = "InvalidInventory.regionNotFound"


class InvalidInventoryVpcNotFound(InventoryItemNotFound):
    """No VPC with that id."""

    code = "InvalidInventory.vpcNotFound"


class InvalidInventoryVSwitchNotFound(InventoryItemNotFound):
    """No vSwitch with that id."""

    code = "InvalidInventory.vswitchNotFound"


class InvalidInventorySecurityGroupNotFound(InventoryItemNotFound):
    """No security group with that id."""

    code = "InvalidInventory.security_groupNotFound"


class InvalidInventoryLoadBalancerNotFound(InventoryItemNotFound):
    """No load balancer with that id."""

    code = "InvalidInventory.load_balancerNotFound"


class InvalidInventoryListenerNotFound(InventoryItemNotFound):
    """No listener with that load balancer and port."""

    code = "InvalidInventory.listenerNotFound"


ITEM_NOT_FOUND: dict[str, type[InventoryItemNotFound]] = {
    "account": InvalidInventoryAccountNotFound,
    "access_key": InvalidInventoryAccessKeyNotFound,
    "region": InvalidInventoryRegionNotFound,
    "vpc": InvalidInventoryVpcNotFound,
    "vswitch": InvalidInventoryVSwitchNotFound,
    "security_group": InvalidInventorySecurityGroupNotFound,
    "load_balancer": InvalidInventoryLoadBalancerNotFound,
    "listener": InvalidInventoryListenerNotFound,
}
"""The class of a missing item, by the inventory kind (the keys of ``inventory_changes.KINDS``)."""
