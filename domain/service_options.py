"""What a provider chooses for an endpoint service, and the rules on it at creation and
update (SVC-1..6, WL-1, XR-1/2)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from privatelink.domain.bandwidth import check_connect_bandwidth
from privatelink.domain.errors import InvalidValue
from privatelink.domain.errors_denied import (
    EndpointServiceConnectionDependence,
    EndpointServiceResourceDependence,
    OperationDeniedHomeRegion,
)
from privatelink.domain.errors_invalid import OperationDeniedPayerImmutable
from privatelink.domain.records import ResourceEntry
from privatelink.domain.resources import WIRE_RESOURCE_TYPES, ResourceFacts, entry_key
from privatelink.domain.service_resources import (
    MAX_RESOURCES,
    check_all_dual_stack,
    check_cross_region_capable,
    check_same_type,
)
from privatelink.domain.tags import check_tags

IP_VERSIONS = ("IPv4", "DualStack")
UPDATABLE = frozenset(
    (
        "description",
        "auto_accept",
        "zone_affinity",
        "ipv6",
        "address_ip_version",
        "connect_bandwidth",
    )
)
PAYERS = ("Endpoint", "EndpointService")


@dataclass(frozen=True)
class ServiceOptions:
    """Options chosen at creation (SVC-3)."""

    auto_accept: bool = False
    zone_affinity: bool = False
    address_ip_version: str = "IPv4"
    payer: str = "Endpoint"
    description: str = ""
    ipv6: bool = False
    resource_group_id: str = ""
    resource_type: str | None = None
    tags: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    supported_regions: tuple[str, ...] = field(default_factory=tuple)

    def dual_stack(self) -> bool:
        return self.address_ip_version == "DualStack" or self.ipv6


def check_choice(name: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise InvalidValue(f"{name} must be one of {', '.join(allowed)}; got '{value}'.")


def check_updatable(changes: dict[str, Any], allowed: frozenset[str]) -> None:
    """Only the attributes an update action offers can change; never identity or owner."""
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise InvalidValue(f"These attributes cannot be updated: {', '.join(unknown)}.")


def check_options(options: ServiceOptions) -> None:
    check_choice("AddressIpVersion", options.address_ip_version, IP_VERSIONS)
    check_choice("Payer", options.payer, PAYERS)
    if options.resource_type is not None:
        check_choice("ServiceResourceType", options.resource_type, WIRE_RESOURCE_TYPES)
    check_tags(options.tags)


def check_changes(
    changes: dict[str, Any], entries: list[ResourceEntry], resource_type: str
) -> None:
    """SVC-5: never the payer; SVC-4: DualStack needs dual-stack resources; BW-3."""
    if "payer" in changes:
        raise OperationDeniedPayerImmutable(
            "The payer of an endpoint service cannot change (SVC-5)."
        )
    check_updatable(changes, UPDATABLE)
    if "address_ip_version" in changes:
        check_choice("AddressIpVersion", changes["address_ip_version"], IP_VERSIONS)
    if changes.get("address_ip_version") == "DualStack" or changes.get("ipv6"):
        check_all_dual_stack(entries)
    if "connect_bandwidth" in changes:
        check_connect_bandwidth(resource_type, changes["connect_bandwidth"])


def initial_entries(
    resources: list[tuple[ResourceFacts, str | None]], resource_type: str
) -> dict[str, ResourceEntry]:
    """SVC-2: the resources a new service starts with, one entry per (resource, zone)."""
    if len(resources) > MAX_RESOURCES:
        raise InvalidValue(f"An endpoint service takes at most {MAX_RESOURCES} resources.")
    entries: dict[str, ResourceEntry] = {}
    for facts, zone_id in resources:
        facts.check_can_back_a_service()
        check_same_type(facts, resource_type)
        for zone in facts.zones_to_attach(zone_id):
            entries[entry_key(facts.resource_id, zone)] = facts.entry(zone, len(entries))
    return entries


def creation(
    region: str, resources: list[tuple[ResourceFacts, str | None]], options: ServiceOptions
) -> dict[str, Any]:
    """Decide a creation (SVC-1..4, WL-1, XR-1/2): the Created event's options and resources."""
    check_options(options)
    resource_type = options.resource_type or (resources[0][0].resource_type if resources else "slb")
    entries = initial_entries(resources, resource_type)
    if options.dual_stack():
        check_all_dual_stack(entries.values())
    regions = [region, *(r for r in dict.fromkeys(options.supported_regions) if r != region)]
    if regions[1:]:
        check_cross_region_capable(entries.values())
    return {
        **asdict(options),
        "region": region,
        "resource_type": resource_type,
        "resources": entries,
        "tags": [list(t) for t in options.tags],
        "supported_regions": regions,
    }


def regions_after(home: str, regions: list[str], add: list[str], remove: list[str]) -> list[str]:
    """XR-1..3: the supported regions after a change; the home region always stays first."""
    if home in remove:
        raise OperationDeniedHomeRegion(
            f"The home region '{home}' is always supported and cannot be removed (XR-3)."
        )
    kept = [r for r in regions if r not in remove]
    return kept + [r for r in dict.fromkeys(add) if r not in kept]


def check_deletable(live_connections: list[str], has_resources: bool) -> None:
    """DEL-1: no live connection and no resource left."""
    if live_connections:
        raise EndpointServiceConnectionDependence(
            f"The endpoint service still has connections ({', '.join(sorted(live_connections))}); "
            "deny or disconnect them first (DEL-1)."
        )
    if has_resources:
        raise EndpointServiceResourceDependence(
            "The endpoint service still has service resources; detach them first (DEL-1)."
        )
