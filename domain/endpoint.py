"""The Endpoint aggregate: a consumer's interface endpoint in one of its VPCs (EP, DEL-3)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias
from uuid import UUID

from eventsourcing.domain import event

from privatelink.domain import json_documents
from privatelink.domain.base import Caller, acts, aggregate_uuid, endpoint_domain, zone_domain
from privatelink.domain.errors import (
    EndpointNotFound,
    InvalidSecurityGroupIdNotFound,
    InvalidValue,
)
from privatelink.domain.errors_denied import (
    EndpointOperationDenied,
    EndpointSecurityGroupAlreadyAttached,
    EndpointZoneAlreadyExists,
)
from privatelink.domain.errors_invalid import (
    EndpointZoneNotFound,
    InvalidParameterAddressIpVersion,
    InvalidParameterCrossRegionBandwidth,
    InvalidParameterPolicyDocument,
    InvalidParameterZoneAffinityEnabled,
    MissingValue,
)
from privatelink.domain.service_facts import ServiceFacts
from privatelink.domain.service_options import IP_VERSIONS, check_choice, check_updatable
from privatelink.domain.states import EndpointStatus
from privatelink.domain.tags import Taggable, check_tags


@dataclass(frozen=True)
class ZonePlacement:
    """Where an endpoint zone's ENI sits (EP-3, EP-4)."""

    zone_id: str
    vswitch_id: str
    eni_id: str
    ip: str
    ipv6: str = ""

    def as_dict(self) -> dict[str, str]:
        return {
            "zone_id": self.zone_id,
            "vswitch_id": self.vswitch_id,
            "eni_id": self.eni_id,
            "ip": self.ip,
            "ipv6": self.ipv6,
        }


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


if TYPE_CHECKING:
    from privatelink.domain.events import EndpointEvents


class Endpoint(Taggable):
    """An interface endpoint of a consumer's VPC, connected to one endpoint service."""

    if TYPE_CHECKING:  # its events, as domain/events.py declares them
        Created: TypeAlias = EndpointEvents.Created
        Activated: TypeAlias = EndpointEvents.Activated
        AttributesUpdated: TypeAlias = EndpointEvents.AttributesUpdated
        ZoneAdded: TypeAlias = EndpointEvents.ZoneAdded
        ZoneRemoved: TypeAlias = EndpointEvents.ZoneRemoved
        ZoneEniReplaced: TypeAlias = EndpointEvents.ZoneEniReplaced
        ReplacedEniDeleted: TypeAlias = EndpointEvents.ReplacedEniDeleted
        SecurityGroupAttached: TypeAlias = EndpointEvents.SecurityGroupAttached
        SecurityGroupDetached: TypeAlias = EndpointEvents.SecurityGroupDetached
        Deleted: TypeAlias = EndpointEvents.Deleted

    tag_kind = "endpoint"

    @staticmethod
    def create_id(endpoint_id: str) -> UUID:
        return aggregate_uuid("endpoint", endpoint_id)

    @classmethod
    def create(
        cls,
        by: Caller,
        endpoint_id: str,
        region: str,
        vpc_id: str,
        service: ServiceFacts,
        zones: list[ZonePlacement],
        security_groups: list[str],
        options: EndpointOptions,
        cap: CrossRegionCap | None = None,
    ) -> Endpoint:
        """Decide the creation: EP-3 (distinct zones), EP-5, EP-7, XR-6. The service's own rules
        (EP-1 visibility, EP-2/XR-1 region, EP-3 zones served) are the service's to check, when
        the endpoint requests its connection."""
        check_choice("AddressIpVersion", options.address_ip_version, IP_VERSIONS)
        check_tags(options.tags)
        if options.policy_document:
            check_policy(options.policy_document)
        check_dual_stack(options.address_ip_version, service)
        check_zone_affinity(options.zone_affinity, service)
        check_distinct_zones([z.zone_id for z in zones])
        bandwidth = cross_region_bandwidth(region, service, options, cap)
        return cls(
            endpoint_id=endpoint_id,
            actor=by.account,
            request_id=by.request_id,
            region=region,
            vpc_id=vpc_id,
            service_id=service.service_id,
            service_region=service.region,
            service_name=service.name,
            service_owner=service.owner,
            payer=service.payer,
            zones={z.zone_id: z.as_dict() for z in zones},
            security_groups=list(dict.fromkeys(security_groups)),
            name=options.name,
            description=options.description,
            address_ip_version=options.address_ip_version,
            zone_affinity=options.zone_affinity,
            protected=options.protected,
            resource_group_id=options.resource_group_id,
            tags=[list(t) for t in options.tags],
            cross_region_bandwidth=bandwidth,
            policy_document=options.policy_document,
        )

    @event("Created")
    def __init__(
        self,
        endpoint_id: str,
        actor: str,
        request_id: str,
        region: str,
        vpc_id: str,
        service_id: str,
        service_region: str,
        service_name: str,
        service_owner: str,
        payer: str,
        zones: dict[str, dict[str, str]],
        security_groups: list[str],
        name: str,
        description: str,
        address_ip_version: str,
        zone_affinity: bool,
        protected: bool,
        resource_group_id: str,
        tags: list[list[str]],
        cross_region_bandwidth: int | None,
        policy_document: str,
    ) -> None:
        self.endpoint_id = endpoint_id
        self.owner = actor
        self.region = region
        self.vpc_id = vpc_id
        self.service_id = service_id
        self.service_region = service_region
        self.service_name = service_name
        self.service_owner = service_owner
        self.payer = payer
        self.zones = {zone_id: dict(zone) for zone_id, zone in zones.items()}
        self.security_groups = security_groups
        self.name = name
        self.description = description
        self.address_ip_version = address_ip_version
        self.zone_affinity = zone_affinity
        self.protected = protected
        self.resource_group_id = resource_group_id
        self.tags = tags
        self.cross_region_bandwidth = cross_region_bandwidth
        self.policy_document = policy_document
        self.status = EndpointStatus.CREATING

    @property
    def domain(self) -> str:
        return endpoint_domain(self.endpoint_id, self.service_id, self.service_region)

    def zone_domain(self, zone_id: str) -> str:
        return zone_domain(self.endpoint_id, zone_id, self.service_id, self.service_region)

    @property
    def deleted(self) -> bool:
        return self.status == EndpointStatus.DELETED

    def check_owned_by(self, account: str) -> None:
        """SEC-2/3: a foreign or deleted endpoint is answered as missing."""
        if account != self.owner or self.deleted:
            raise EndpointNotFound(self.endpoint_id)

    @acts
    def activate(self, by: Caller) -> None:
        if self.status == EndpointStatus.CREATING:
            self._activated()

    @event("Activated")
    def _activated(self) -> None:
        self.status = EndpointStatus.ACTIVE

    @acts
    def update_attributes(
        self,
        by: Caller,
        changes: dict[str, Any],
        service: ServiceFacts | None,
        cap: CrossRegionCap | None = None,
    ) -> None:
        """Name, description, zone affinity (EP-7: only if the service supports it) and the
        inter-region bandwidth (XR-6)."""
        self.check_owned_by(by.account)
        check_updatable(changes, UPDATABLE)
        if "cross_region_bandwidth" in changes:
            if self.cross_region_bandwidth is None or cap is None:
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
        changed = {k: v for k, v in changes.items() if getattr(self, k) != v}
        if changed:
            self._attributes_updated(changed)

    @event("AttributesUpdated")
    def _attributes_updated(self, changes: dict[str, Any]) -> None:
        for key, value in changes.items():
            setattr(self, key, value)

    # -- zones (EP-8) ----------------------------------------------------------------------

    @acts
    def add_zone(self, by: Caller, placement: ZonePlacement) -> None:
        """EP-8: one more zone; whether the service serves it is the service's rule (EP-3),
        checked when the connection gains the zone."""
        self.check_owned_by(by.account)
        if placement.zone_id in self.zones:
            raise EndpointZoneAlreadyExists(
                f"The endpoint already has a zone '{placement.zone_id}'."
            )
        self._zone_added(
            placement.as_dict(),
            self.endpoint_id,
            self.region,
            self.service_id,
            self.service_region,
        )

    @event("ZoneAdded")
    def _zone_added(
        self,
        zone: dict[str, str],
        endpoint_id: str,
        region: str,
        service_id: str,
        service_region: str,
    ) -> None:
        self.zones[zone["zone_id"]] = dict(zone)

    @acts
    def remove_zone(self, by: Caller, zone_id: str) -> dict[str, str]:
        self.check_owned_by(by.account)
        if zone_id not in self.zones:
            raise EndpointZoneNotFound(f"The endpoint has no zone '{zone_id}'.")
        if len(self.zones) == 1:
            raise EndpointOperationDenied(
                "An endpoint keeps at least one zone; delete the endpoint instead."
            )
        zone = self.zones[zone_id]
        self._zone_removed(zone_id)
        return zone

    @event("ZoneRemoved")
    def _zone_removed(self, zone_id: str) -> None:
        del self.zones[zone_id]

    # -- ENIs of a zone during resource replacement (RES-10, RES-11) ---------------------------

    @acts
    def replace_zone_eni(
        self, by: Caller, zone_id: str, eni_id: str, ip: str, keep_old: bool
    ) -> dict[str, str]:
        """A new ENI for the zone; the old one is kept as the replaced ENI (graceful) or
        deleted at once (force). Returns the old zone record."""
        old = dict(self.zones[zone_id])
        self._zone_eni_replaced(zone_id, eni_id, ip, keep_old)
        return old

    @event("ZoneEniReplaced")
    def _zone_eni_replaced(self, zone_id: str, eni_id: str, ip: str, keep_old: bool) -> None:
        zone = self.zones[zone_id]
        replaced = (
            {"replaced_eni_id": zone["eni_id"], "replaced_ip": zone["ip"]} if keep_old else {}
        )
        self.zones[zone_id] = {**zone, "eni_id": eni_id, "ip": ip, **replaced}

    @acts
    def drop_replaced_eni(self, by: Caller, zone_id: str) -> dict[str, str] | None:
        """RES-10: once the old resource is disconnected, its ENI is deleted."""
        zone = self.zones.get(zone_id)
        if not zone or not zone.get("replaced_eni_id"):
            return None
        self._replaced_eni_deleted(zone_id, zone["replaced_eni_id"], zone["replaced_ip"])
        return {
            "eni_id": zone["replaced_eni_id"],
            "ip": zone["replaced_ip"],
            "vswitch_id": zone["vswitch_id"],
        }

    @event("ReplacedEniDeleted")
    def _replaced_eni_deleted(self, zone_id: str, eni_id: str, ip: str) -> None:
        zone = {
            k: v
            for k, v in self.zones[zone_id].items()
            if k not in ("replaced_eni_id", "replaced_ip")
        }
        self.zones[zone_id] = zone

    # -- security groups (EP-6) -------------------------------------------------------------

    @acts
    def attach_security_group(self, by: Caller, group_id: str) -> None:
        self.check_owned_by(by.account)
        if group_id in self.security_groups:
            raise EndpointSecurityGroupAlreadyAttached(
                f"The security group '{group_id}' is already attached."
            )
        self._security_group_attached(group_id)

    @event("SecurityGroupAttached")
    def _security_group_attached(self, group_id: str) -> None:
        self.security_groups = [*self.security_groups, group_id]

    @acts
    def detach_security_group(self, by: Caller, group_id: str) -> None:
        self.check_owned_by(by.account)
        if group_id not in self.security_groups:
            raise InvalidSecurityGroupIdNotFound(
                f"The security group '{group_id}' is not attached to the endpoint."
            )
        self._security_group_detached(group_id)

    @event("SecurityGroupDetached")
    def _security_group_detached(self, group_id: str) -> None:
        self.security_groups = [g for g in self.security_groups if g != group_id]

    # -- deletion (DEL-3) ----------------------------------------------------------------------

    @acts
    def delete(self, by: Caller) -> list[dict[str, str]]:
        """Delete at any time; returns the zones whose ENIs and addresses go with it."""
        self.check_owned_by(by.account)
        zones = list(self.zones.values())
        self._deleted()
        return zones

    @event("Deleted")
    def _deleted(self) -> None:
        self.status = EndpointStatus.DELETED


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


# -- event versions: events stored in an older shape are upcast when read ---------------------


def _created_v1_v2(state: dict[str, Any]) -> None:
    """v2 added inter-region bandwidth (XR-6) and the endpoint policy."""
    state.setdefault("cross_region_bandwidth", None)
    state.setdefault("policy_document", "")


Endpoint.Created.class_version = 2  # type: ignore[attr-defined]
Endpoint.Created.upcast_v1_v2 = staticmethod(_created_v1_v2)  # type: ignore[attr-defined]
