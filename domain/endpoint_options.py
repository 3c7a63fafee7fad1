"""What a consumer chooses for an interface endpoint, and the endpoint's own rules on it at
creation and update (EP-3, EP-5, EP-7, XR-6, the endpoint policy)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from privatelink.domain import json_documents
from privatelink.domain.errors import InvalidValue
from privatelink.domain.errors_invalid import (
    InvalidParameterAddressIpVersion,
    InvalidParameterCrossRegionBandwidth,
    InvalidParameterPolicyDocument,
    InvalidParameterZoneAffinityEnabled,
    MissingValue,
)
from privatelink.domain.records import EndpointZone
from privatelink.domain.service_facts import ServiceFacts
from privatelink.domain.service_options import IP_VERSIONS, check_choice, check_updatable
from privatelink.domain.tags import check_tags


@dataclass(frozen=True)
class ZonePlacement:
    """Where an endpoint zone's ENI sits (EP-3, EP-4)."""

    zone_id: str
    vswitch_id: str
    eni_id: str
    ip: str
    ipv6: str = ""

    def as_dict(self) -> EndpointZone:
        return EndpointZone(
            zone_id=self.zone_id,
            vswitch_id=self.vswitch_id,
            eni_id=self.eni_id,
            ip=self.ip,
            ipv6=self.ipv6,
        )


@dataclass(frozen=True)
class EndpointOptions:
    """Options the consumer chooses at creation."""

    name: str = ""
    description: str = ""
    address_ip_version: str = "IPv4"
    zone_affinity: bool = False
    protected: bool = False
    resource_group_id: str = ""
    tags: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    cross_region_bandwidth: int | None = None
    policy_document: str = ""


@dataclass(frozen=True)
class CrossRegionCap:
    """XR-6: the inter-region bandwidth an endpoint may have: a default and the account's cap."""

    default: int
    maximum: int

    def check(self, bandwidth: int) -> None:
        if not 100 <= bandwidth <= self.maximum:
            raise InvalidParameterCrossRegionBandwidth(
                f"CrossRegionBandwidth must be between 100 and {self.maximum} Mbit/s for this "
                f"account and pair of regions; got {bandwidth} (XR-6)."
            )


UPDATABLE = frozenset(
    (
        "name",
        "description",
        "zone_affinity",
        "address_ip_version",
        "cross_region_bandwidth",
        "policy_document",
    )
)


def check_dual_stack(version: str, service: ServiceFacts) -> None:
    """EP-5: DualStack endpoints only for DualStack services."""
    if version == "DualStack" and service.address_ip_version != "DualStack":
        raise InvalidParameterAddressIpVersion(
            f"The endpoint service '{service.service_id}' is not DualStack, so the endpoint "
            "must be IPv4 (EP-5)."
        )


def check_zone_affinity(enabled: bool, service: ServiceFacts) -> None:
    """EP-7: zone affinity on the endpoint only when the service supports it."""
    if enabled and not service.zone_affinity:
        raise InvalidParameterZoneAffinityEnabled(
            f"The endpoint service '{service.service_id}' does not support zone affinity (EP-7)."
        )


def check_policy(document: str) -> None:
    """An endpoint policy is a JSON object (a RAM policy document)."""
    try:
        parsed = json_documents.loads(document)
    except json_documents.TooDeep as error:
        raise InvalidParameterPolicyDocument(f"PolicyDocument is {error}.") from None
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict):
        raise InvalidParameterPolicyDocument(
            "PolicyDocument must be a JSON object (a RAM policy document)."
        )


def cross_region_bandwidth(
    region: str, service: ServiceFacts, options: EndpointOptions, cap: CrossRegionCap | None
) -> int | None:
    """XR-6: inter-region endpoints get a bandwidth within the cap; others have none."""
    if region == service.region:
        if options.cross_region_bandwidth is not None:
            raise InvalidParameterCrossRegionBandwidth(
                "CrossRegionBandwidth applies to inter-region endpoints only."
            )
        return None
    if cap is None:
        raise InvalidValue("An inter-region endpoint needs a bandwidth cap.")
    chosen = options.cross_region_bandwidth or cap.default
    cap.check(chosen)
    return chosen


def check_distinct_zones(zone_ids: list[str]) -> None:
    if not zone_ids:
        raise MissingValue("An interface endpoint needs at least one zone (Zone.N).")
    if len(set(zone_ids)) != len(zone_ids):
        raise InvalidValue("Each endpoint zone may be given only once.")


def check_options(options: EndpointOptions, service: ServiceFacts) -> None:
    check_choice("AddressIpVersion", options.address_ip_version, IP_VERSIONS)
    check_tags(options.tags)
    if options.policy_document:
        check_policy(options.policy_document)
    check_dual_stack(options.address_ip_version, service)
    check_zone_affinity(options.zone_affinity, service)


def creation(
    region: str,
    service: ServiceFacts,
    zones: list[ZonePlacement],
    options: EndpointOptions,
    cap: CrossRegionCap | None,
) -> dict[str, Any]:
    """Decide a creation: EP-3 (distinct zones), EP-5, EP-7, XR-6; the Created payload's
    options, service facts and zones."""
    check_options(options, service)
    check_distinct_zones([z.zone_id for z in zones])
    return {
        **asdict(options),
        "region": region,
        "service_id": service.service_id,
        "service_region": service.region,
        "service_name": service.name,
        "service_owner": service.owner,
        "payer": service.payer,
        "zones": {z.zone_id: z.as_dict() for z in zones},
        "tags": [list(t) for t in options.tags],
        "cross_region_bandwidth": cross_region_bandwidth(region, service, options, cap),
    }


def check_changes(
    changes: dict[str, Any],
    cross_region: bool,
    service: ServiceFacts | None,
    cap: CrossRegionCap | None,
) -> None:
    """Name, description, zone affinity (EP-7: only if the service supports it), the address
    version (EP-5), the policy and the inter-region bandwidth (XR-6)."""
    check_updatable(changes, UPDATABLE)
    if "cross_region_bandwidth" in changes:
        if not cross_region or cap is None:
            raise InvalidParameterCrossRegionBandwidth(
                "CrossRegionBandwidth applies to inter-region endpoints only."
            )
        cap.check(changes["cross_region_bandwidth"])
    if changes.get("zone_affinity") and service is not None:
        check_zone_affinity(True, service)
    if "address_ip_version" in changes:
        check_choice("AddressIpVersion", changes["address_ip_version"], IP_VERSIONS)
        if service is not None:
            check_dual_stack(changes["address_ip_version"], service)
    if changes.get("policy_document"):
        check_policy(changes["policy_document"])
