"""The shapes of the records the aggregates keep in their state and carry in event payloads.

Each is a :class:`typing.TypedDict`: at run time a plain ``dict``, so the snapshots' JSON and
the events' stored payloads are what they were, while ``mypy --strict`` checks every key read
and write. A field typed with a ``StrEnum`` of :mod:`privatelink.domain.states` holds the
member when the record is made, and the plain string when it is read back from a stored event
or snapshot; the two compare equal (see that module).
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict

from privatelink.domain.states import (
    AllocateMode,
    ConnectionStatus,
    TrafficControlMode,
    ZoneStatus,
)

# -- a service's connections (domain/connections.py, domain/zone_connections.py) --------------


class ZoneConnection(TypedDict):
    """One zone of a connection: the service resource serving it (RES-4..11)."""

    resource_id: str | None
    status: ZoneStatus
    mode: AllocateMode
    replaced_resource_id: str | None
    replaced_eni_id: str | None
    healthy: bool


class ZoneChanges(TypedDict, total=False):
    """What one change to a zone connection sets (``ConnectionBook.set_zone``): the keys of
    ``ZoneConnection``, each optional (Python 3.11 cannot derive a partial TypedDict)."""

    resource_id: str | None
    status: ZoneStatus
    mode: AllocateMode
    replaced_resource_id: str | None
    replaced_eni_id: str | None
    healthy: bool


def new_zone(
    status: ZoneStatus = ZoneStatus.WAIT, resource_id: str | None = None
) -> ZoneConnection:
    """A zone connection in ``status``, allocated automatically."""
    return ZoneConnection(
        resource_id=resource_id,
        status=status,
        mode=AllocateMode.AUTO,
        replaced_resource_id=None,
        replaced_eni_id=None,
        healthy=True,
    )


class ConnectionFacts(TypedDict):
    """What the service keeps about the endpoint on the other end of a connection."""

    endpoint_id: str
    consumer: str
    endpoint_region: str
    vpc_id: str


class ConnectionEndpoint(ConnectionFacts):
    """The endpoint of ``ConnectionRequested``: its facts, and whether it is in another
    region than the service (XR; the event's v1 → v2 upcast sets it on old events)."""

    cross_region: bool


class Connection(ConnectionEndpoint):
    """One connection of a service, by endpoint id (ACC, BW, EP-8)."""

    status: ConnectionStatus
    bandwidth: int
    bandwidth_set: bool
    traffic_mode: TrafficControlMode
    zones: dict[str, ZoneConnection]


# -- the decisions of the connection books: each the payload of the event to record ---------


class Allowing(TypedDict):
    """``ConnectionAllowed`` (ACC-3, BW-4/5)."""

    endpoint_id: str
    bandwidth: int
    traffic_mode: TrafficControlMode
    bandwidth_set: bool
    allocations: dict[str, str]


class BandwidthChange(TypedDict):
    """``BandwidthChanged`` (BW-5)."""

    endpoint_id: str
    bandwidth: int
    traffic_mode: TrafficControlMode


class ConnectionZones(TypedDict):
    """``ConnectionDenied``, ``ConnectionEstablished`` and ``ConnectionDisconnected``."""

    endpoint_id: str
    zones: list[str]


class ZoneAdding(TypedDict):
    """``ConnectionZoneAdded`` (EP-8)."""

    endpoint_id: str
    zone_id: str
    resource_id: str | None
    status: ZoneStatus


class ZoneEnabling(TypedDict):
    """``ZoneConnectionEnabled`` (RES-6)."""

    endpoint_id: str
    zone_id: str
    resource_id: str


class ZoneAllocation(TypedDict):
    """``ZoneAllocationSet`` (RES-6/7)."""

    endpoint_id: str
    zone_id: str
    mode: AllocateMode
    resource_id: str | None


class ReplacedDisconnecting(TypedDict):
    """``ReplacedResourceDisconnected`` (RES-10)."""

    endpoint_id: str
    zone_id: str
    resource_id: str
    eni_id: str | None  # set with the replaced resource, by ``ResourceReplaced``


class ResourceFailure(TypedDict):
    """``ResourceFailed`` (RES-8): [endpoint, zone, target] moves, [endpoint, zone] stranded."""

    resource_id: str
    moves: list[list[str]]
    stranded: list[list[str]]


class ResourceRecovery(TypedDict):
    """``ResourceRecovered`` (RES-8): the [endpoint, zone] pairs healthy again."""

    resource_id: str
    healed: list[list[str]]


# -- a service's resources (domain/service_resources.py) ---------------------------------------


class ResourceEntry(TypedDict):
    """One attached (resource, zone) pair, keyed ``resource|zone`` (RES-1..4, RES-8)."""

    resource_id: str
    resource_type: str
    zone_id: str
    region: str
    dual_stack: bool
    bandwidth_mbps: int
    # Absent from entries recorded before XR: then only an NLB is capable.
    cross_region_capable: NotRequired[bool]
    auto_allocated: bool
    order: int


# -- an endpoint's zones (domain/endpoint_zones.py) --------------------------------------------


class EniPlace(TypedDict):
    """An ENI and its addresses, with the address its replaced ENI keeps (RES-10) if any:
    what releasing a zone's addresses needs (``Aggregates.release``)."""

    vswitch_id: str
    eni_id: str
    ip: str
    ipv6: NotRequired[str]
    replaced_ip: NotRequired[str]


ReplacedEni = EniPlace
"""The ENI a migrated zone kept for its old resource (RES-10): ``eni_id``, ``ip`` and
``vswitch_id`` only."""


class EndpointZone(EniPlace):
    """Where an endpoint zone's ENI sits (EP-3, EP-4), and the ENI a replaced resource keeps
    until it is disconnected (RES-10)."""

    zone_id: str
    replaced_eni_id: NotRequired[str]


# -- runtime changes to the inventory (domain/inventory_changes.py, issue 12) ----------------


class ItemAdded(TypedDict):
    """An item of ``kind`` added, in the inventory file's shape (naming its parent)."""

    op: Literal["add"]
    kind: str
    item: dict[str, Any]


class ItemRemoved(TypedDict):
    """The item of ``kind`` named ``id`` removed."""

    op: Literal["remove"]
    kind: str
    id: str


class InventoryReplaced(TypedDict):
    """The whole inventory replaced, as an inventory file's document."""

    op: Literal["replace"]
    inventory: dict[str, Any]


InventoryChange = ItemAdded | ItemRemoved | InventoryReplaced
"""One change of ``InventoryLog.changes``, told apart by ``op``."""
