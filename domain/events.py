"""Every event of the endpoint-service and endpoint aggregates, declared once with its payload.

The aggregates make their event classes at run time with the eventsourcing library's ``@event``
decorator (from the decorated method's signature), so a type checker cannot see them. Here they
are declared for the type checker, one namespace class per aggregate class that defines them;
each aggregate names its own under ``TYPE_CHECKING`` (``Activated: TypeAlias =
EndpointServiceEvents.Activated``), so ``EndpointService.Activated`` is a typed class to mypy and
the library's class at run time. ``tests/unit/test_events_declared.py`` holds every declaration
to the library's class: same fields, and no event left undeclared.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import AggregateCreated, AggregateEvent


class Acted(AggregateEvent):
    """Every event carries the acting account and the request that caused it."""

    actor: str
    request_id: str


class TaggableEvents:
    """Events of :class:`privatelink.domain.tags.Taggable`."""

    class TagsChanged(Acted):
        kind: str
        tags: list[list[str]]

    class ResourceGroupChanged(Acted):
        kind: str
        resource_group_id: str


class ConnectionBookEvents:
    """Events of :class:`privatelink.domain.connections.ConnectionBook`."""

    class ConnectionRequested(Acted):
        endpoint: dict[str, Any]
        zones: list[str]
        service_id: str
        provider: str
        service_region: str
        bandwidth: int
        traffic_mode: str

    class ConnectionAllowed(Acted):
        endpoint_id: str
        bandwidth: int
        traffic_mode: str
        bandwidth_set: bool
        allocations: dict[str, str]

    class ConnectionDenied(Acted):
        endpoint_id: str
        zones: list[str]

    class BandwidthChanged(Acted):
        endpoint_id: str
        bandwidth: int
        traffic_mode: str

    class ConnectionEstablished(Acted):
        endpoint_id: str
        zones: list[str]

    class ConnectionDisconnected(Acted):
        endpoint_id: str
        zones: list[str]

    class ConnectionZoneAdded(Acted):
        endpoint_id: str
        zone_id: str
        resource_id: str | None
        status: str

    class ConnectionZoneRemoved(Acted):
        endpoint_id: str
        zone_id: str

    class ConnectionClosed(Acted):
        endpoint_id: str


class ZoneConnectionsEvents:
    """Events of :class:`privatelink.domain.zone_connections.ZoneConnections`."""

    class ZoneConnectionDisabled(Acted):
        endpoint_id: str
        zone_id: str

    class ZoneConnectionDisconnected(Acted):
        endpoint_id: str
        zone_id: str

    class ZoneConnectionEnabled(Acted):
        endpoint_id: str
        zone_id: str
        resource_id: str

    class ZoneAllocationSet(Acted):
        endpoint_id: str
        zone_id: str
        mode: str
        resource_id: str | None

    class ResourceReplaced(Acted):
        endpoint_id: str
        zone_id: str
        old_resource_id: str
        resource_id: str
        mode: str
        old_eni_id: str
        new_eni_id: str

    class MigrationCompleted(Acted):
        endpoint_id: str
        zone_id: str

    class ReplacedResourceDisconnected(Acted):
        endpoint_id: str
        zone_id: str
        resource_id: str
        eni_id: str

    class ResourceFailed(Acted):
        resource_id: str
        moves: list[list[str]]
        stranded: list[list[str]]

    class ResourceRecovered(Acted):
        resource_id: str
        healed: list[list[str]]


class ServiceResourcesEvents:
    """Events of :class:`privatelink.domain.service_resources.ServiceResources`."""

    class ResourceAttached(Acted):
        entries: list[dict[str, Any]]

    class ResourceDetached(Acted):
        keys: list[str]

    class AutoAllocationSwitched(Acted):
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
        resources: dict[str, dict[str, Any]]
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
        zones: dict[str, dict[str, str]]
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
        zone: dict[str, str]
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
