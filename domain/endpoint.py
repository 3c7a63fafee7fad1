"""The Endpoint aggregate: a consumer's interface endpoint in one of its VPCs (EP, DEL-3)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias
from uuid import UUID

from eventsourcing.domain import event

from privatelink.domain.base import (
    Caller,
    acts,
    aggregate_uuid,
    endpoint_domain,
    payload_state,
    zone_domain,
)
from privatelink.domain.endpoint_options import (
    CrossRegionCap,
    EndpointOptions,
    ZonePlacement,
    check_changes,
    check_policy,
    creation,
)
from privatelink.domain.endpoint_zones import EndpointZones
from privatelink.domain.errors import EndpointNotFound, InvalidSecurityGroupIdNotFound
from privatelink.domain.errors_denied import EndpointSecurityGroupAlreadyAttached
from privatelink.domain.records import EndpointZone, ReplacedEni
from privatelink.domain.service_facts import ServiceFacts
from privatelink.domain.states import EndpointStatus
from privatelink.domain.tags import Taggable

__all__ = ["CrossRegionCap", "Endpoint", "EndpointOptions", "ZonePlacement", "check_policy"]


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

    if TYPE_CHECKING:  # its state: the Created payload (set by __init__) and its status
        endpoint_id: str
        owner: str
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
        cross_region_bandwidth: int | None
        policy_document: str
        status: EndpointStatus

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
        """Decide the creation (``endpoint_options.creation``). The service's own rules (EP-1
        visibility, EP-2/XR-1 region, EP-3 zones served) are the service's to check, once
        (``EndpointService.admit_endpoint``)."""
        chosen = creation(region, service, zones, options, cap)
        groups = list(dict.fromkeys(security_groups))
        return cls.created_by(
            by, endpoint_id=endpoint_id, vpc_id=vpc_id, security_groups=groups, **chosen
        )

    @event("Created")
    def __init__(
        self,
        endpoint_id: str,
        actor: str,
        region: str,
        vpc_id: str,
        service_id: str,
        service_region: str,
        service_name: str,
        service_owner: str,
        payer: str,
        zones: dict[str, EndpointZone],
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
        self.__dict__.update(payload_state(locals(), "actor"))
        self.owner, self.status = actor, EndpointStatus.CREATING

    @property
    def zone_book(self) -> EndpointZones:
        return EndpointZones(self.zones)

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
        """The endpoint's rules on the changes (``endpoint_options.check_changes``)."""
        self.check_owned_by(by.account)
        check_changes(changes, self.cross_region_bandwidth is not None, service, cap)
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
        self.zone_book.check_addable(placement.zone_id)
        names = (self.endpoint_id, self.region, self.service_id, self.service_region)
        self._zone_added(placement.as_dict(), *names)

    @event("ZoneAdded")
    def _zone_added(
        self,
        zone: EndpointZone,
        endpoint_id: str,
        region: str,
        service_id: str,
        service_region: str,
    ) -> None:
        self.zone_book.added(zone)

    @acts
    def remove_zone(self, by: Caller, zone_id: str) -> EndpointZone:
        self.check_owned_by(by.account)
        self.zone_book.check_removable(zone_id)
        zone = self.zones[zone_id]
        self._zone_removed(zone_id)
        return zone

    @event("ZoneRemoved")
    def _zone_removed(self, zone_id: str) -> None:
        self.zone_book.removed(zone_id)

    # -- ENIs of a zone during resource replacement (RES-10, RES-11) ---------------------------

    @acts
    def replace_zone_eni(
        self, by: Caller, zone_id: str, eni_id: str, ip: str, keep_old: bool
    ) -> EndpointZone:
        """A new ENI for the zone; the old one is kept as the replaced ENI (graceful) or
        deleted at once (force). Returns the old zone record."""
        old = self.zones[zone_id].copy()
        self._zone_eni_replaced(zone_id, eni_id, ip, keep_old)
        return old

    @event("ZoneEniReplaced")
    def _zone_eni_replaced(self, zone_id: str, eni_id: str, ip: str, keep_old: bool) -> None:
        self.zone_book.eni_replaced(zone_id, eni_id, ip, keep_old)

    @acts
    def drop_replaced_eni(self, by: Caller, zone_id: str) -> ReplacedEni | None:
        """RES-10: once the old resource is disconnected, its ENI is deleted."""
        replaced = self.zone_book.replaced_eni(zone_id)
        if replaced is not None:
            self._replaced_eni_deleted(zone_id, replaced["eni_id"], replaced["ip"])
        return replaced

    @event("ReplacedEniDeleted")
    def _replaced_eni_deleted(self, zone_id: str, eni_id: str, ip: str) -> None:
        self.zone_book.replaced_eni_deleted(zone_id)

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
    def delete(self, by: Caller) -> list[EndpointZone]:
        """Delete at any time; returns the zones whose ENIs and addresses go with it."""
        self.check_owned_by(by.account)
        zones = list(self.zones.values())
        self._deleted()
        return zones

    @event("Deleted")
    def _deleted(self) -> None:
        self.status = EndpointStatus.DELETED


# -- event versions: events stored in an older shape are upcast when read ---------------------


def _created_v1_v2(state: dict[str, Any]) -> None:
    """v2 added inter-region bandwidth (XR-6) and the endpoint policy."""
    state.setdefault("cross_region_bandwidth", None)
    state.setdefault("policy_document", "")


Endpoint.Created.class_version = 2  # type: ignore[attr-defined]
Endpoint.Created.upcast_v1_v2 = staticmethod(_created_v1_v2)  # type: ignore[attr-defined]
