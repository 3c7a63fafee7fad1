"""The EndpointService aggregate: a provider's service, its resources, whitelist and the
connections endpoints make to it (SVC, WL, ACC, RES-1/2/4, DEL-1/2)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from domain.base import Caller, PrivateLinkAggregate, aggregate_uuid, service_domain, service_name
from domain.connections import ConnectionBook
from domain.errors import (
    AlreadyExists,
    EndpointServiceNotFound,
    InvalidValue,
    NotFound,
    OperationDenied,
    ResourceNotSupported,
)
from domain.resources import WIRE_RESOURCE_TYPES, ResourceFacts, entry_key

MAX_RESOURCES = 20
DEFAULT_CONNECT_BANDWIDTH = 3072
IP_VERSIONS = ("IPv4", "DualStack")
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


class EndpointService(ConnectionBook, PrivateLinkAggregate):
    """A provider's endpoint service in its home region."""

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
        """Decide the creation (SVC-1..4, WL-1); raise when a rule is broken."""
        check_choice("AddressIpVersion", options.address_ip_version, IP_VERSIONS)
        check_choice("Payer", options.payer, PAYERS)
        if options.resource_type is not None:
            check_choice("ServiceResourceType", options.resource_type, WIRE_RESOURCE_TYPES)
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
        if options.address_ip_version == "DualStack":
            check_all_dual_stack(entries.values())
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
    ) -> None:
        self.service_id = service_id
        self.owner = actor
        self.region = region
        self.resource_type = resource_type
        self.resources = dict(resources)
        self.auto_accept = auto_accept
        self.zone_affinity = zone_affinity
        self.address_ip_version = address_ip_version
        self.payer = payer
        self.description = description
        self.ipv6 = ipv6
        self.resource_group_id = resource_group_id
        self.tags = tags
        self.status = "Creating"
        self.users: list[str] = [actor]
        self.connect_bandwidth = DEFAULT_CONNECT_BANDWIDTH
        self.connections: dict[str, dict[str, Any]] = {}

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
        return self.status == "Deleted"

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

    # -- provisioning ------------------------------------------------------------------

    def activate(self, by: Caller) -> None:
        """The asynchronous end of creation: Creating -> Active."""
        if self.status == "Creating":
            self._activated(by.account, by.request_id)

    @event("Activated")
    def _activated(self, actor: str, request_id: str) -> None:
        self.status = "Active"

    # -- attributes --------------------------------------------------------------------

    def update_attributes(self, by: Caller, changes: dict[str, Any]) -> None:
        """Change options after creation; SVC-6: connections keep their state."""
        self.check_owned_by(by.account)
        if "address_ip_version" in changes:
            check_choice("AddressIpVersion", changes["address_ip_version"], IP_VERSIONS)
            if changes["address_ip_version"] == "DualStack":
                check_all_dual_stack(self.resources.values())
        changed = {k: v for k, v in changes.items() if getattr(self, k) != v}
        if changed:
            self._attributes_updated(by.account, by.request_id, changed)

    @event("AttributesUpdated")
    def _attributes_updated(self, actor: str, request_id: str, changes: dict[str, Any]) -> None:
        for key, value in changes.items():
            setattr(self, key, value)

    # -- resources (RES-1, RES-2) --------------------------------------------------------

    def attach_resource(self, by: Caller, facts: ResourceFacts, zone_id: str | None) -> None:
        self.check_owned_by(by.account)
        facts.check_can_back_a_service()
        check_same_type(facts, self.resource_type)
        if self.address_ip_version == "DualStack" and not facts.dual_stack:
            raise ResourceNotSupported(
                f"The resource '{facts.resource_id}' does not support dual stack, and the "
                "endpoint service is DualStack (SVC-4)."
            )
        zones = [z for z in facts.zones_to_attach(zone_id)
                 if entry_key(facts.resource_id, z) not in self.resources]
        if not zones:
            raise AlreadyExists(
                f"The resource '{facts.resource_id}' is already attached to the endpoint "
                "service.",
                code="EndpointServiceResourceAlreadyExists",
            )
        if len({r["resource_id"] for r in self.resources.values()} | {facts.resource_id}) > MAX_RESOURCES:
            raise InvalidValue(f"An endpoint service takes at most {MAX_RESOURCES} resources.")
        entries = [facts.entry(z, self._next_order() + i) for i, z in enumerate(zones)]
        self._resource_attached(by.account, by.request_id, entries)

    def _next_order(self) -> int:
        return max((r["order"] for r in self.resources.values()), default=-1) + 1

    @event("ResourceAttached")
    def _resource_attached(self, actor: str, request_id: str, entries: list[dict[str, Any]]) -> None:
        for entry in entries:
            self.resources[entry_key(entry["resource_id"], entry["zone_id"])] = entry

    def detach_resource(self, by: Caller, resource_id: str, zone_id: str | None) -> None:
        self.check_owned_by(by.account)
        keys = [k for k, r in self.resources.items()
                if r["resource_id"] == resource_id and zone_id in (None, r["zone_id"])]
        if not keys:
            raise NotFoundResource(resource_id)
        for key in keys:
            self.check_resource_idle(self.resources[key])
        self._resource_detached(by.account, by.request_id, keys)

    @event("ResourceDetached")
    def _resource_detached(self, actor: str, request_id: str, keys: list[str]) -> None:
        for key in keys:
            del self.resources[key]

    def check_resource_idle(self, entry: dict[str, Any]) -> None:
        """RES-2: a resource serving a live zone connection stays attached."""
        for endpoint_id, zone_id in self.zone_connections_on(entry["resource_id"], entry["zone_id"]):
            raise OperationDenied(
                f"The resource '{entry['resource_id']}' serves the zone connection of endpoint "
                f"'{endpoint_id}' in zone '{zone_id}'; disconnect it first (RES-2).",
                code="EndpointServiceResourceInUse",
            )

    # -- whitelist (WL) -------------------------------------------------------------------

    def add_user(self, by: Caller, user: str) -> None:
        self.check_owned_by(by.account)
        if user in self.users:
            raise AlreadyExists(
                f"The user '{user}' is already on the whitelist.", code="EndpointServiceUserAlreadyExists"
            )
        self._user_added(by.account, by.request_id, user)

    @event("UserAdded")
    def _user_added(self, actor: str, request_id: str, user: str) -> None:
        self.users = [*self.users, user]

    def remove_user(self, by: Caller, user: str) -> None:
        """WL-4: existing connections of that user stay as they are."""
        self.check_owned_by(by.account)
        if user not in self.users:
            raise OperationDenied(
                f"The user '{user}' is not on the whitelist.", code="EndpointServiceUserNotFound"
            )
        self._user_removed(by.account, by.request_id, user)

    @event("UserRemoved")
    def _user_removed(self, actor: str, request_id: str, user: str) -> None:
        self.users = [u for u in self.users if u != user]

    # -- deletion (DEL-1, DEL-2) ------------------------------------------------------------

    def delete(self, by: Caller) -> None:
        self.check_owned_by(by.account)
        live = [e for e, c in self.connections.items() if c["status"] != "Disconnected"]
        if live:
            raise OperationDenied(
                f"The endpoint service still has connections ({', '.join(sorted(live))}); "
                "deny or disconnect them first (DEL-1).",
                code="EndpointServiceConnectionDependence",
            )
        if self.resources:
            raise OperationDenied(
                "The endpoint service still has service resources; detach them first (DEL-1).",
                code="EndpointServiceResourceDependence",
            )
        self._deleted(by.account, by.request_id, sorted(self.connections))

    @event("Deleted")
    def _deleted(self, actor: str, request_id: str, endpoint_ids: list[str]) -> None:
        self.status = "Deleted"


class NotFoundResource(NotFound):
    """The resource is not attached to the service."""

    code = "EndpointServiceResourceNotFound"

    def __init__(self, resource_id: str) -> None:
        super().__init__(f"The resource '{resource_id}' is not attached to the endpoint service.")


def check_choice(name: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise InvalidValue(f"{name} must be one of {', '.join(allowed)}; got '{value}'.")


def check_same_type(facts: ResourceFacts, resource_type: str) -> None:
    if facts.resource_type != resource_type:
        raise ResourceNotSupported(
            f"The resource '{facts.resource_id}' is of type '{facts.resource_type}', but the "
            f"endpoint service takes '{resource_type}' resources."
        )


def check_all_dual_stack(entries: Any) -> None:
    """SVC-4: DualStack only when every resource supports it."""
    for entry in entries:
        if not entry["dual_stack"]:
            raise ResourceNotSupported(
                f"The resource '{entry['resource_id']}' does not support dual stack, so the "
                "endpoint service cannot be DualStack (SVC-4)."
            )
