"""Every event of the endpoint-service and endpoint aggregates, declared once with its payload.

Two kinds. The events of the aggregates' own life (``Created``, ``Activated``, ``Deleted``...)
are made at run time by the eventsourcing library's ``@event`` decorator from the decorated
method's signature, so a type checker cannot see them: ``EndpointServiceEvents`` and
``EndpointEvents`` declare them for it, and each aggregate names its own under
``TYPE_CHECKING``. The events of the parts an aggregate owns (its tags, resources,
connections and zone connections) are the classes below themselves: the aggregate records them
with ``trigger_event`` and applies each through its table of part mutators (``Recorded.apply``).
``tests/unit/test_events_declared.py`` holds every declaration to the library's classes and
every recorded event to a mutator.

Payloads stay plain JSON values, their records typed in :mod:`privatelink.domain.records`; old
topics of the part events (``…connections:ConnectionBook.ConnectionRequested``, from when the
parts were base classes of the aggregate) resolve to these classes (``OLD_NAMESPACES``).
"""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import AggregateCreated, AggregateEvent
from eventsourcing.utils import register_topic

from privatelink.domain.records import ConnectionEndpoint, EndpointZone, ResourceEntry
from privatelink.domain.states import AllocateMode, ReplaceMode, TrafficControlMode, ZoneStatus


class Acted(AggregateEvent):
    """Every event carries the acting account and the request that caused it."""

    actor: str
    request_id: str


class Recorded(Acted):
    """An event of a part of an aggregate: the aggregate applies it with its part mutator."""

    def apply(self, aggregate: Any) -> None:
        aggregate.apply_recorded(self)


class TagEvents:
    """Tags and resource group of a service or an endpoint (STATES §4)."""

    class TagsChanged(Recorded):
        kind: str
        tags: list[list[str]]

    class ResourceGroupChanged(Recorded):
        kind: str
        resource_group_id: str


class ConnectionEvents:
    """Events of a service's :class:`privatelink.domain.connections.ConnectionBook`."""

    class ConnectionRequested(Recorded):
        endpoint: ConnectionEndpoint
        zones: list[str]
        service_id: str
        provider: str
        service_region: str
        bandwidth: int
        traffic_mode: TrafficControlMode

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """v2 added the traffic control mode and marks cross-region connections (XR)."""
            state.setdefault("traffic_mode", TrafficControlMode.BANDWIDTH_LIMIT)
            endpoint = state["endpoint"]
            endpoint.setdefault(
                "cross_region", endpoint["endpoint_region"] != state["service_region"]
            )

    class ConnectionAllowed(Recorded):
        endpoint_id: str
        bandwidth: int
        traffic_mode: TrafficControlMode
        bandwidth_set: bool
        allocations: dict[str, str]

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """v2 added the traffic mode and whether the bandwidth was set explicitly (BW-4)."""
            state.setdefault("traffic_mode", TrafficControlMode.BANDWIDTH_LIMIT)
            state.setdefault("bandwidth_set", False)

    class ConnectionDenied(Recorded):
        endpoint_id: str
        zones: list[str]

    class BandwidthChanged(Recorded):
        endpoint_id: str
        bandwidth: int
        traffic_mode: TrafficControlMode

    class ConnectionEstablished(Recorded):
        endpoint_id: str
        zones: list[str]

    class ConnectionDisconnected(Recorded):
        endpoint_id: str
        zones: list[str]

    class ConnectionZoneAdded(Recorded):
        endpoint_id: str
        zone_id: str
        resource_id: str | None
        status: ZoneStatus

    class ConnectionZoneRemoved(Recorded):
        endpoint_id: str
        zone_id: str

    class ConnectionClosed(Recorded):
        endpoint_id: str


class ZoneConnectionEvents:
    """Events of one zone of a connection (:mod:`privatelink.domain.zone_connections`)."""

    class ZoneConnectionDisabled(Recorded):
        endpoint_id: str
        zone_id: str

    class ZoneConnectionDisconnected(Recorded):
        endpoint_id: str
        zone_id: str

    class ZoneConnectionEnabled(Recorded):
        endpoint_id: str
        zone_id: str
        resource_id: str

    class ZoneAllocationSet(Recorded):
        endpoint_id: str
        zone_id: str
        mode: AllocateMode
        resource_id: str | None

    class ResourceReplaced(Recorded):
        endpoint_id: str
        zone_id: str
        old_resource_id: str
        resource_id: str
        mode: ReplaceMode
        old_eni_id: str
        new_eni_id: str

    class MigrationCompleted(Recorded):
        endpoint_id: str
        zone_id: str

    class ReplacedResourceDisconnected(Recorded):
        endpoint_id: str
        zone_id: str
        resource_id: str
        eni_id: str

    class ResourceFailed(Recorded):
        resource_id: str
        moves: list[list[str]]
        stranded: list[list[str]]

    class ResourceRecovered(Recorded):
        resource_id: str
        healed: list[list[str]]


class ResourceEvents:
    """Events of a service's :class:`privatelink.domain.service_resources.ServiceResources`."""

    class ResourceAttached(Recorded):
        entries: list[ResourceEntry]

    class ResourceDetached(Recorded):
        keys: list[str]

    class AutoAllocationSwitched(Recorded):
        keys: list[str]
        enabled: bool


class EndpointServiceEvents:
    """Events of :class:`privatelink.domain.service.EndpointService`."""

    class Created(AggregateCreated):
        service_id: str
        actor: str
        request_id: str
        region: str
        resource_type: str
        resources: dict[str, ResourceEntry]
        auto_accept: bool
        zone_affinity: bool
        address_ip_version: str
        payer: str
        description: str
        ipv6: bool
        resource_group_id: str
        tags: list[list[str]]
        supported_regions: list[str]

    class Activated(Acted):
        pass

    class AttributesUpdated(Acted):
        changes: dict[str, Any]

    class SupportedRegionsChanged(Acted):
        regions: list[str]

    class UserAdded(Acted):
        user: str

    class UserRemoved(Acted):
        user: str

    class Deleted(Acted):
        endpoint_ids: list[str]


class EndpointEvents:
    """Events of :class:`privatelink.domain.endpoint.Endpoint`."""

    class Created(AggregateCreated):
        endpoint_id: str
        actor: str
        request_id: str
        region: str
        vpc_id: str
        service_id: str
        service_region: str
        service_name: str
        service_owner: str
        payer: str
        zones: dict[str, EndpointZone]
        security_groups: list[str]
        name: str
        description: str
        address_ip_version: str
        zone_affinity: bool
        protected: bool
        resource_group_id: str
        tags: list[list[str]]
        cross_region_bandwidth: int | None
        policy_document: str

    class Activated(Acted):
        pass

    class AttributesUpdated(Acted):
        changes: dict[str, Any]

    class ZoneAdded(Acted):
        zone: EndpointZone
        endpoint_id: str
        region: str
        service_id: str
        service_region: str

    class ZoneRemoved(Acted):
        zone_id: str

    class ZoneEniReplaced(Acted):
        zone_id: str
        eni_id: str
        ip: str
        keep_old: bool

    class ReplacedEniDeleted(Acted):
        zone_id: str
        eni_id: str
        ip: str

    class SecurityGroupAttached(Acted):
        group_id: str

    class SecurityGroupDetached(Acted):
        group_id: str

    class Deleted(Acted):
        pass


# module:class of the base classes that defined the part events before, and their namespace now
OLD_NAMESPACES = {
    "tags:Taggable": TagEvents,
    "connections:ConnectionBook": ConnectionEvents,
    "zone_connections:ZoneConnections": ZoneConnectionEvents,
    "service_resources:ServiceResources": ResourceEvents,
}
for _old, _namespace in OLD_NAMESPACES.items():
    for _package in ("privatelink.domain", "domain"):
        register_topic(f"{_package}.{_old}", _namespace)
