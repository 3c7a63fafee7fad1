"""Service resources of an endpoint service: attach, detach, auto-allocation (RES-1..4)."""

from __future__ import annotations

from collections.abc import Iterable

from privatelink.domain.errors import (
    EndpointServiceResourceNotFound,
    InvalidValue,
    ResourceNotSupported,
    ZoneNotSupported,
)
from privatelink.domain.errors_denied import (
    EndpointServiceResourceAlreadyExists,
    OperationDeniedCrossRegionNeedsTwoZones,
    OperationDeniedLastAutoAllocatedResource,
)
from privatelink.domain.records import ResourceEntry
from privatelink.domain.resources import ResourceFacts, entry_key

MAX_RESOURCES = 20


class ServiceResources:
    """The (resource, zone) entries of a service, keyed ``resource|zone``, and the resources
    that failed (RES-8). Works on the service's own state, which it is given."""

    def __init__(
        self, service_id: str, entries: dict[str, ResourceEntry], failed: list[str]
    ) -> None:
        self.service_id = service_id
        self.entries = entries
        self.failed = failed

    # -- facts -----------------------------------------------------------------------------

    @property
    def zones(self) -> list[str]:
        return sorted({r["zone_id"] for r in self.entries.values()})

    def serves(self, zone_id: str) -> bool:
        return any(r["zone_id"] == zone_id for r in self.entries.values())

    def check_zone_is_served(self, zone_id: str) -> None:
        """EP-3: an endpoint zone must be a zone of the service's resources."""
        if not self.serves(zone_id):
            raise ZoneNotSupported(
                f"The endpoint service '{self.service_id}' does not serve zone '{zone_id}'."
            )

    def zone_of(self, resource_id: str, default: str) -> str:
        zones = [r["zone_id"] for r in self.entries.values() if r["resource_id"] == resource_id]
        return zones[0] if zones else default

    def keys_of(self, resource_id: str, zone_id: str | None) -> list[str]:
        keys = [
            k
            for k, r in self.entries.items()
            if r["resource_id"] == resource_id and zone_id in (None, r["zone_id"])
        ]
        if not keys:
            raise EndpointServiceResourceNotFound(
                f"The resource '{resource_id}' is not attached to the endpoint service."
            )
        return keys

    def attached_in_zone(self, resource_id: str, zone_id: str) -> ResourceEntry:
        for entry in self.entries.values():
            if entry["resource_id"] == resource_id and entry["zone_id"] == zone_id:
                return entry
        raise EndpointServiceResourceNotFound(
            f"The resource '{resource_id}' is not attached to the endpoint "
            f"service in zone '{zone_id}'."
        )

    def usable(self, resource_id: str | None, zone_id: str) -> bool:
        """A manually chosen resource is used while it is attached in the zone and has not
        failed; otherwise the zone is allocated automatically (RES-6, RES-8)."""
        return (
            bool(resource_id)
            and resource_id not in self.failed
            and any(
                r["resource_id"] == resource_id and r["zone_id"] == zone_id
                for r in self.entries.values()
            )
        )

    def allocate(self, zone_id: str | None, load: dict[str, int], exclude: tuple[str, ...]) -> str:
        """RES-4: the auto-allocatable, available resource of the zone (any zone when None:
        cross-region) with the least load (connections per Mbit/s); ties go to the resource
        attached first."""
        candidates = [
            r
            for r in self.entries.values()
            if zone_id in (None, r["zone_id"])
            and r["auto_allocated"]
            and r["resource_id"] not in self.failed
            and r["resource_id"] not in exclude
        ]
        if not candidates:
            raise ZoneNotSupported(
                f"The endpoint service '{self.service_id}' has no available resource to "
                f"allocate in zone '{zone_id}'."
            )
        best = min(
            candidates,
            key=lambda r: (load.get(r["resource_id"], 0) / r["bandwidth_mbps"], r["order"]),
        )
        return str(best["resource_id"])

    # -- decisions (RES-1..3) --------------------------------------------------------------

    def entries_to_attach(
        self, facts: ResourceFacts, zone_id: str | None, resource_type: str, dual_stack: bool
    ) -> list[ResourceEntry]:
        """SVC-2, SVC-4 and the service's limits; the new entries, in attachment order."""
        facts.check_can_back_a_service()
        check_same_type(facts, resource_type)
        if dual_stack and not facts.dual_stack:
            raise ResourceNotSupported(
                f"The resource '{facts.resource_id}' does not support dual stack, and the "
                "endpoint service is DualStack (SVC-4)."
            )
        zones = [
            z
            for z in facts.zones_to_attach(zone_id)
            if entry_key(facts.resource_id, z) not in self.entries
        ]
        if not zones:
            raise EndpointServiceResourceAlreadyExists(
                f"The resource '{facts.resource_id}' is already attached to the endpoint service."
            )
        resources = {r["resource_id"] for r in self.entries.values()} | {facts.resource_id}
        if len(resources) > MAX_RESOURCES:
            raise InvalidValue(f"An endpoint service takes at most {MAX_RESOURCES} resources.")
        order = max((r["order"] for r in self.entries.values()), default=-1) + 1
        return [facts.entry(z, order + i) for i, z in enumerate(zones)]

    def check_detachable(self, keys: list[str], cross_region: bool) -> None:
        """XR-2: a cross-region service keeps resources in two zones."""
        remaining = [r for k, r in self.entries.items() if k not in keys]
        if cross_region and not spans_two_zones(remaining):
            raise OperationDeniedCrossRegionNeedsTwoZones(
                "The endpoint service supports other regions, so its resources must span at "
                "least two zones (XR-2); remove the regions first."
            )

    def keys_to_switch(self, resource_id: str, zone_id: str | None, enabled: bool) -> list[str]:
        """RES-3: the entries whose auto-allocation changes; every zone keeps at least one
        auto-allocatable resource."""
        keys = [
            k
            for k in self.keys_of(resource_id, zone_id)
            if self.entries[k]["auto_allocated"] != enabled
        ]
        if not enabled:
            for key in keys:
                self.check_zone_keeps_auto(key)
        return keys

    def check_zone_keeps_auto(self, key: str) -> None:
        zone = self.entries[key]["zone_id"]
        others = [
            k
            for k, r in self.entries.items()
            if k != key and r["zone_id"] == zone and r["auto_allocated"]
        ]
        if not others:
            raise OperationDeniedLastAutoAllocatedResource(
                f"Zone '{zone}' would have no resource left for automatic allocation; every zone "
                "keeps at least one (RES-3)."
            )

    # -- mutators (the events' effects) -------------------------------------------------------

    def attached(self, entries: list[ResourceEntry]) -> None:
        for entry in entries:
            self.entries[entry_key(entry["resource_id"], entry["zone_id"])] = entry.copy()

    def detached(self, keys: list[str]) -> None:
        for key in keys:
            del self.entries[key]

    def switched(self, keys: list[str], enabled: bool) -> None:
        for key in keys:
            self.entries[key]["auto_allocated"] = enabled

    def failed_now(self, resource_id: str) -> None:
        self.failed.append(resource_id)

    def recovered(self, resource_id: str) -> None:
        self.failed[:] = [r for r in self.failed if r != resource_id]


def check_same_type(facts: ResourceFacts, resource_type: str) -> None:
    if facts.resource_type != resource_type:
        raise ResourceNotSupported(
            f"The resource '{facts.resource_id}' is of type '{facts.resource_type}', but the "
            f"endpoint service takes '{resource_type}' resources."
        )


def spans_two_zones(entries: Iterable[ResourceEntry]) -> bool:
    return len({e["zone_id"] for e in entries}) >= 2


def check_cross_region_capable(entries: Iterable[ResourceEntry]) -> None:
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


def check_all_dual_stack(entries: Iterable[ResourceEntry]) -> None:
    """SVC-4: DualStack only when every resource supports it."""
    for entry in entries:
        if not entry["dual_stack"]:
            raise ResourceNotSupported(
                f"The resource '{entry['resource_id']}' does not support dual stack, so the "
                "endpoint service cannot be DualStack (SVC-4)."
            )
