"""The EndpointService aggregate: a provider's service, its resources, whitelist, supported
regions and the connections endpoints make to it (SVC, WL, XR, DEL-1/2)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias
from uuid import UUID

from eventsourcing.domain import event

from privatelink.domain.bandwidth import DEFAULT_CONNECT_BANDWIDTH, check_connect_bandwidth
from privatelink.domain.base import Caller, acts, aggregate_uuid, service_domain, service_name
from privatelink.domain.errors import (
    EndpointServiceNotFound,
    InvalidValue,
    ResourceNotSupported,
)
from privatelink.domain.errors_denied import (
    EndpointServiceConnectionDependence,
    EndpointServiceResourceDependence,
    EndpointServiceUserAlreadyExists,
    EndpointServiceUserNotFound,
    OperationDeniedHomeRegion,
)
from privatelink.domain.errors_invalid import (
    EndpointServiceRegionNotSupported,
    OperationDeniedPayerImmutable,
)
from privatelink.domain.resources import WIRE_RESOURCE_TYPES, ResourceFacts, entry_key
from privatelink.domain.service_facts import ServiceFacts
from privatelink.domain.service_resources import (
    MAX_RESOURCES,
    ServiceResources,
    check_cross_region_capable,
    check_same_type,
)
from privatelink.domain.states import ConnectionStatus, ServiceStatus
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


if TYPE_CHECKING:
    from privatelink.domain.events import EndpointServiceEvents


class EndpointService(ServiceResources):
    """A provider's endpoint service in its home region."""

    if TYPE_CHECKING:  # its events, as domain/events.py declares them
        Created: TypeAlias = EndpointServiceEvents.Created
        Activated: TypeAlias = EndpointServiceEvents.Activated
        AttributesUpdated: TypeAlias = EndpointServiceEvents.AttributesUpdated
        SupportedRegionsChanged: TypeAlias = EndpointServiceEvents.SupportedRegionsChanged
        UserAdded: TypeAlias = EndpointServiceEvents.UserAdded
        UserRemoved: TypeAlias = EndpointServiceEvents.UserRemoved
        Deleted: TypeAlias = EndpointServiceEvents.Deleted

    tag_kind = "service"

    @staticmethod
    def create_id(service_id: str) -> UUID:
        return aggregate_uuid("service", service_id)

    @classmethod
    def create(
        cls,
        by: Caller,
        service_id: str,
        region: str,
        resources: list[tuple[ResourceFacts, str | None]],
        options: ServiceOptions,
    ) -> EndpointService:
        """Decide the creation (SVC-1..4, WL-1, XR-1/2); raise when a rule is broken."""
        check_options(options)
        if len(resources) > MAX_RESOURCES:
            raise InvalidValue(f"An endpoint service takes at most {MAX_RESOURCES} resources.")
        resource_type = options.resource_type or (
            resources[0][0].resource_type if resources else "slb"
        )
        entries: dict[str, dict[str, Any]] = {}
        for facts, zone_id in resources:
            facts.check_can_back_a_service()
            check_same_type(facts, resource_type)
            for zone in facts.zones_to_attach(zone_id):
                entries[entry_key(facts.resource_id, zone)] = facts.entry(zone, len(entries))
        if options.address_ip_version == "DualStack" or options.ipv6:
            check_all_dual_stack(entries.values())
        regions = [region, *(r for r in dict.fromkeys(options.supported_regions) if r != region)]
        if regions[1:]:
            check_cross_region_capable(entries.values())
        return cls(
            service_id=service_id,
            actor=by.account,
            request_id=by.request_id,
            region=region,
            resource_type=resource_type,
            resources=entries,
            auto_accept=options.auto_accept,
            zone_affinity=options.zone_affinity,
            address_ip_version=options.address_ip_version,
            payer=options.payer,
            description=options.description,
            ipv6=options.ipv6,
            resource_group_id=options.resource_group_id,
            tags=[list(t) for t in options.tags],
            supported_regions=regions,
        )

    @event("Created")
    def __init__(
        self,
        service_id: str,
        actor: str,
        request_id: str,
        region: str,
        resource_type: str,
        resources: dict[str, dict[str, Any]],
        auto_accept: bool,
        zone_affinity: bool,
        address_ip_version: str,
        payer: str,
        description: str,
        ipv6: bool,
        resource_group_id: str,
        tags: list[list[str]],
        supported_regions: list[str],
    ) -> None:
        self.service_id = service_id
        self.owner = actor
        self.region = region
        self.resource_type = resource_type
        self.resources = {key: dict(entry) for key, entry in resources.items()}
        self.auto_accept = auto_accept
        self.zone_affinity = zone_affinity
        self.address_ip_version = address_ip_version
        self.payer = payer
        self.description = description
        self.ipv6 = ipv6
        self.resource_group_id = resource_group_id
        self.tags = tags
        self.supported_regions = supported_regions
        self.status = ServiceStatus.CREATING
        self.users: list[str] = [actor]
        self.connect_bandwidth = DEFAULT_CONNECT_BANDWIDTH
        self.connections: dict[str, dict[str, Any]] = {}
        self.failed_resources: list[str] = []
        self.resource_load: dict[str, int] = {}

    # -- facts -------------------------------------------------------------------------

    @property
    def name(self) -> str:
        return service_name(self.region, self.service_id)

    @property
    def domain(self) -> str:
        return service_domain(self.region, self.service_id)

    @property
    def zones(self) -> list[str]:
        return sorted({r["zone_id"] for r in self.resources.values()})

    @property
    def deleted(self) -> bool:
        return self.status == ServiceStatus.DELETED

    def facts(self) -> ServiceFacts:
        """What an endpoint of this service keeps and checks (EP-5, EP-7, XR-6)."""
        return ServiceFacts(
            self.service_id,
            self.name,
            self.region,
            self.owner,
            self.payer,
            self.address_ip_version,
            self.zone_affinity,
        )

    def admit_endpoint(self, account: str, region: str, zones: list[str]) -> ServiceFacts:
        """The service's rules on a new endpoint, checked once, before the endpoint is created
        and requests its connection: EP-1/WL-2 (visible to the consumer), EP-2/XR-1 (region
        supported), EP-3 (same-region zones served). Returns the facts the endpoint keeps."""
        self.check_visible_to(account)
        self.check_region_supported(region)
        if region == self.region:
            for zone in zones:
                self.check_zone_is_served(zone)
        return self.facts()

    def admits(self, account: str) -> bool:
        """WL-1..3: the owner, a listed UID, or everyone when '*' is listed."""
        return account == self.owner or account in self.users or "*" in self.users

    def check_owned_by(self, account: str) -> None:
        """SEC-2/3: a foreign or deleted service is answered as missing."""
        if account != self.owner or self.deleted:
            raise EndpointServiceNotFound(self.service_id)

    def check_visible_to(self, account: str) -> None:
        """WL-2: a consumer who is not on the whitelist cannot find the service."""
        if self.deleted or not self.admits(account):
            raise EndpointServiceNotFound(self.service_id)

    def check_region_supported(self, region: str) -> None:
        """EP-2/XR-1/XR-4: endpoints only in the home region or a supported one."""
        if region not in self.supported_regions:
            raise EndpointServiceRegionNotSupported(
                f"The endpoint service '{self.service_id}' in region '{self.region}' does not "
                f"support endpoints in '{region}' (EP-2, XR-4)."
            )

    # -- provisioning ------------------------------------------------------------------

    @acts
    def activate(self, by: Caller) -> None:
        """The asynchronous end of creation: Creating -> Active."""
        if self.status == ServiceStatus.CREATING:
            self._activated()

    @event("Activated")
    def _activated(self) -> None:
        self.status = ServiceStatus.ACTIVE

    # -- attributes --------------------------------------------------------------------

    @acts
    def update_attributes(self, by: Caller, changes: dict[str, Any]) -> None:
        """Change options after creation; SVC-5: never the payer; SVC-6: connections keep
        their state; BW-3: a new default bandwidth applies to later connections only."""
        self.check_owned_by(by.account)
        if "payer" in changes:
            raise OperationDeniedPayerImmutable(
                "The payer of an endpoint service cannot change (SVC-5)."
            )
        check_updatable(changes, UPDATABLE)
        if "address_ip_version" in changes:
            check_choice("AddressIpVersion", changes["address_ip_version"], IP_VERSIONS)
        if changes.get("address_ip_version") == "DualStack" or changes.get("ipv6"):
            check_all_dual_stack(self.resources.values())
        if "connect_bandwidth" in changes:
            check_connect_bandwidth(self.resource_type, changes["connect_bandwidth"])
        changed = {k: v for k, v in changes.items() if getattr(self, k) != v}
        if changed:
            self._attributes_updated(changed)

    @event("AttributesUpdated")
    def _attributes_updated(self, changes: dict[str, Any]) -> None:
        for key, value in changes.items():
            setattr(self, key, value)

    # -- supported regions (XR-1..4) ----------------------------------------------------

    @acts
    def change_supported_regions(self, by: Caller, add: list[str], remove: list[str]) -> None:
        self.check_owned_by(by.account)
        if self.region in remove:
            raise OperationDeniedHomeRegion(
                f"The home region '{self.region}' is always supported and cannot be removed (XR-3)."
            )
        regions = [r for r in self.supported_regions if r not in remove]
        regions += [r for r in dict.fromkeys(add) if r not in regions]
        if regions[1:]:
            check_cross_region_capable(self.resources.values())
        if regions != self.supported_regions:
            self._supported_regions_changed(regions)

    @event("SupportedRegionsChanged")
    def _supported_regions_changed(self, regions: list[str]) -> None:
        self.supported_regions = regions

    # -- whitelist (WL) -------------------------------------------------------------------

    @acts
    def add_user(self, by: Caller, user: str) -> None:
        self.check_owned_by(by.account)
        if user in self.users:
            raise EndpointServiceUserAlreadyExists(
                f"The user '{user}' is already on the whitelist."
            )
        self._user_added(user)

    @event("UserAdded")
    def _user_added(self, user: str) -> None:
        self.users = [*self.users, user]

    @acts
    def remove_user(self, by: Caller, user: str) -> None:
        """WL-4: existing connections of that user stay as they are."""
        self.check_owned_by(by.account)
        if user not in self.users:
            raise EndpointServiceUserNotFound(f"The user '{user}' is not on the whitelist.")
        self._user_removed(user)

    @event("UserRemoved")
    def _user_removed(self, user: str) -> None:
        self.users = [u for u in self.users if u != user]

    # -- deletion (DEL-1, DEL-2) ------------------------------------------------------------

    @acts
    def delete(self, by: Caller) -> None:
        self.check_owned_by(by.account)
        live = [
            e for e, c in self.connections.items() if c["status"] != ConnectionStatus.DISCONNECTED
        ]
        if live:
            raise EndpointServiceConnectionDependence(
                f"The endpoint service still has connections ({', '.join(sorted(live))}); "
                "deny or disconnect them first (DEL-1)."
            )
        if self.resources:
            raise EndpointServiceResourceDependence(
                "The endpoint service still has service resources; detach them first (DEL-1)."
            )
        self._deleted(sorted(self.connections))

    @event("Deleted")
    def _deleted(self, endpoint_ids: list[str]) -> None:
        self.status = ServiceStatus.DELETED


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


def check_all_dual_stack(entries: Any) -> None:
    """SVC-4: DualStack only when every resource supports it."""
    for entry in entries:
        if not entry["dual_stack"]:
            raise ResourceNotSupported(
                f"The resource '{entry['resource_id']}' does not support dual stack, so the "
                "endpoint service cannot be DualStack (SVC-4)."
            )


# -- event versions: events stored in an older shape are upcast when read ---------------------


def _created_v1_v2(state: dict[str, Any]) -> None:
    """v2 added the supported regions (XR-1); a v1 service supported its home region only."""
    state.setdefault("supported_regions", [state["region"]])


EndpointService.Created.class_version = 2  # type: ignore[attr-defined]
EndpointService.Created.upcast_v1_v2 = staticmethod(_created_v1_v2)  # type: ignore[attr-defined]
