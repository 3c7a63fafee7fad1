"""Service resources of an endpoint service: attach, detach, auto-allocation (RES-1..3)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

from eventsourcing.domain import event

from privatelink.domain.base import Caller, acts
from privatelink.domain.errors import (
    EndpointServiceResourceNotFound,
    InvalidValue,
    ResourceNotSupported,
)
from privatelink.domain.errors_denied import (
    EndpointServiceResourceAlreadyExists,
    EndpointServiceResourceInUse,
    OperationDeniedCrossRegionNeedsTwoZones,
    OperationDeniedLastAutoAllocatedResource,
)
from privatelink.domain.resources import ResourceFacts, entry_key
from privatelink.domain.zone_connections import ZoneConnections

MAX_RESOURCES = 20


if TYPE_CHECKING:
    from privatelink.domain.events import ServiceResourcesEvents


class ServiceResources(ZoneConnections):
    """Resource behaviour of :class:`domain.service.EndpointService`."""

    if TYPE_CHECKING:  # its events, as domain/events.py declares them
        ResourceAttached: TypeAlias = ServiceResourcesEvents.ResourceAttached
        ResourceDetached: TypeAlias = ServiceResourcesEvents.ResourceDetached
        AutoAllocationSwitched: TypeAlias = ServiceResourcesEvents.AutoAllocationSwitched

    if TYPE_CHECKING:
        address_ip_version: str
        supported_regions: list[str]

    @acts
    def attach_resource(self, by: Caller, facts: ResourceFacts, zone_id: str | None) -> None:
        self.check_owned_by(by.account)
        facts.check_can_back_a_service()
        check_same_type(facts, self.resource_type)
        if self.address_ip_version == "DualStack" and not facts.dual_stack:
            raise ResourceNotSupported(
                f"The resource '{facts.resource_id}' does not support dual stack, and the "
                "endpoint service is DualStack (SVC-4)."
            )
        zones = [
            z
            for z in facts.zones_to_attach(zone_id)
            if entry_key(facts.resource_id, z) not in self.resources
        ]
        if not zones:
            raise EndpointServiceResourceAlreadyExists(
                f"The resource '{facts.resource_id}' is already attached to the endpoint service."
            )
        if (
            len({r["resource_id"] for r in self.resources.values()} | {facts.resource_id})
            > MAX_RESOURCES
        ):
            raise InvalidValue(f"An endpoint service takes at most {MAX_RESOURCES} resources.")
        order = max((r["order"] for r in self.resources.values()), default=-1) + 1
        entries = [facts.entry(z, order + i) for i, z in enumerate(zones)]
        if self.supported_regions[1:]:
            check_cross_region_capable([*self.resources.values(), *entries])
        self._resource_attached(entries)

    @event("ResourceAttached")
    def _resource_attached(self, entries: list[dict[str, Any]]) -> None:
        for entry in entries:
            self.resources[entry_key(entry["resource_id"], entry["zone_id"])] = dict(entry)

    def entries_of(self, resource_id: str, zone_id: str | None) -> list[str]:
        keys = [
            k
            for k, r in self.resources.items()
            if r["resource_id"] == resource_id and zone_id in (None, r["zone_id"])
        ]
        if not keys:
            raise EndpointServiceResourceNotFound(
                f"The resource '{resource_id}' is not attached to the endpoint service."
            )
        return keys

    @acts
    def detach_resource(self, by: Caller, resource_id: str, zone_id: str | None) -> None:
        """RES-1: the resource leaves the service only; RES-2: not while it serves a zone."""
        self.check_owned_by(by.account)
        keys = self.entries_of(resource_id, zone_id)
        for key in keys:
            self.check_resource_idle(self.resources[key])
        remaining = {k: r for k, r in self.resources.items() if k not in keys}
        if self.supported_regions[1:] and not spans_two_zones(remaining.values()):
            raise OperationDeniedCrossRegionNeedsTwoZones(
                "The endpoint service supports other regions, so its resources must span at "
                "least two zones (XR-2); remove the regions first."
            )
        self._resource_detached(keys)

    @event("ResourceDetached")
    def _resource_detached(self, keys: list[str]) -> None:
        for key in keys:
            del self.resources[key]

    def check_resource_idle(self, entry: dict[str, Any]) -> None:
        """RES-2: a resource serving a live zone connection stays attached."""
        for endpoint_id, zone_id in self.zone_connections_on(
            entry["resource_id"], entry["zone_id"]
        ):
            raise EndpointServiceResourceInUse(
                f"The resource '{entry['resource_id']}' serves the zone connection of endpoint "
                f"'{endpoint_id}' in zone '{zone_id}'; disconnect it first (RES-2)."
            )

    @acts
    def set_auto_allocation(
        self, by: Caller, resource_id: str, zone_id: str | None, enabled: bool
    ) -> None:
        """RES-3: switch automatic allocation; existing connections keep their resource, and
        every zone keeps at least one auto-allocatable resource."""
        self.check_owned_by(by.account)
        keys = [
            k
            for k in self.entries_of(resource_id, zone_id)
            if self.resources[k]["auto_allocated"] != enabled
        ]
        if not enabled:
            for key in keys:
                self.check_zone_keeps_auto(key)
        if keys:
            self._auto_allocation_switched(keys, enabled)

    def check_zone_keeps_auto(self, key: str) -> None:
        zone = self.resources[key]["zone_id"]
        others = [
            k
            for k, r in self.resources.items()
            if k != key and r["zone_id"] == zone and r["auto_allocated"]
        ]
        if not others:
            raise OperationDeniedLastAutoAllocatedResource(
                f"Zone '{zone}' would have no resource left for automatic allocation; every zone "
                "keeps at least one (RES-3)."
            )

    @event("AutoAllocationSwitched")
    def _auto_allocation_switched(self, keys: list[str], enabled: bool) -> None:
        for key in keys:
            self.resources[key]["auto_allocated"] = enabled


def check_same_type(facts: ResourceFacts, resource_type: str) -> None:
    if facts.resource_type != resource_type:
        raise ResourceNotSupported(
            f"The resource '{facts.resource_id}' is of type '{facts.resource_type}', but the "
            f"endpoint service takes '{resource_type}' resources."
        )


def spans_two_zones(entries: Any) -> bool:
    return len({e["zone_id"] for e in entries}) >= 2


def check_cross_region_capable(entries: Any) -> None:
    """XR-2: only NLB and upgraded ALB resources, spanning at least two zones."""
    entries = list(entries)
    for entry in entries:
        if not entry.get("cross_region_capable", entry["resource_type"] == "nlb"):
            raise ResourceNotSupported(
                f"The resource '{entry['resource_id']}' does not allow cross-region access: only "
                "NLB and upgraded ALB instances do (XR-2)."
            )
    if not spans_two_zones(entries):
        raise ResourceNotSupported(
            "Cross-region access needs service resources in at least two zones (XR-2)."
        )
