"""The EndpointService aggregate: a provider's service, its resources, whitelist, supported
regions and the connections endpoints make to it (SVC, WL, XR, DEL-1/2).

The aggregate owns its parts — :class:`ServiceResources` (``attachments``), :class:`ConnectionBook`
(``book``) and :class:`ZoneConnections` (``zone_book``), views over its typed records — and its
commands (here and in ``service_commands``) delegate the rules to them and record the event.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeAlias
from uuid import UUID

from eventsourcing.domain import event

from privatelink.domain import service_admission as admission
from privatelink.domain import service_commands as commands
from privatelink.domain import service_zone_commands as zone_commands
from privatelink.domain.bandwidth import DEFAULT_CONNECT_BANDWIDTH
from privatelink.domain.base import (
    Caller,
    acts,
    aggregate_uuid,
    payload_state,
    service_domain,
    service_name,
)
from privatelink.domain.connections import ConnectionBook
from privatelink.domain.errors import EndpointServiceNotFound
from privatelink.domain.errors_denied import (
    EndpointServiceUserAlreadyExists,
    EndpointServiceUserNotFound,
)
from privatelink.domain.events import Recorded
from privatelink.domain.records import Connection, ResourceEntry
from privatelink.domain.resources import ResourceFacts
from privatelink.domain.service_mutators import MUTATORS
from privatelink.domain.service_options import (
    ServiceOptions,
    check_changes,
    check_deletable,
    creation,
    regions_after,
)
from privatelink.domain.service_resources import ServiceResources, check_cross_region_capable
from privatelink.domain.states import ServiceStatus
from privatelink.domain.tags import Taggable
from privatelink.domain.zone_connections import ZoneConnections

__all__ = ["EndpointService", "ServiceOptions"]

if TYPE_CHECKING:
    from privatelink.domain.events import EndpointServiceEvents


class EndpointService(Taggable):
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

    if TYPE_CHECKING:  # its state: the Created payload (set by __init__) and what follows
        service_id: str
        owner: str
        region: str
        resource_type: str
        resources: dict[str, ResourceEntry]
        auto_accept: bool
        zone_affinity: bool
        address_ip_version: str
        payer: str
        description: str
        ipv6: bool
        supported_regions: list[str]
        status: ServiceStatus
        users: list[str]
        connect_bandwidth: int
        connections: dict[str, Connection]
        failed_resources: list[str]
        resource_load: dict[str, int]

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
        return cls.created_by(by, service_id=service_id, **creation(region, resources, options))

    @event("Created")
    def __init__(
        self,
        service_id: str,
        actor: str,
        region: str,
        resource_type: str,
        resources: dict[str, ResourceEntry],
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
        self.__dict__.update(payload_state(locals(), "actor"))
        self.owner, self.users = actor, [actor]
        self.status, self.connect_bandwidth = ServiceStatus.CREATING, DEFAULT_CONNECT_BANDWIDTH
        self.connections, self.failed_resources, self.resource_load = {}, [], {}

    # -- parts: views over the aggregate's state -----------------------------------------

    @property
    def attachments(self) -> ServiceResources:
        return ServiceResources(self.service_id, self.resources, self.failed_resources)

    @property
    def book(self) -> ConnectionBook:
        return ConnectionBook(self.connections, self.resource_load, self.attachments)

    @property
    def zone_book(self) -> ZoneConnections:
        return ZoneConnections(self.book)

    def apply_recorded(self, event: Recorded) -> None:
        mutate: Callable[[EndpointService, Any], None] | None = MUTATORS.get(type(event))
        if mutate is None:
            super().apply_recorded(event)
        else:
            mutate(self, event)

    # -- the commands on its parts, one module per use case ----------------------------------

    attach_resource = commands.attach_resource
    detach_resource = commands.detach_resource
    set_auto_allocation = commands.set_auto_allocation
    request_connection = commands.request_connection
    allow_connection = commands.allow_connection
    deny_connection = commands.deny_connection
    change_bandwidth = commands.change_bandwidth
    complete_connection = commands.complete_connection
    complete_disconnection = commands.complete_disconnection
    add_connection_zone = commands.add_connection_zone
    remove_connection_zone = commands.remove_connection_zone
    close_connection = commands.close_connection
    disable_zone_connection = zone_commands.disable_zone_connection
    complete_zone_disconnection = zone_commands.complete_zone_disconnection
    enable_zone_connection = zone_commands.enable_zone_connection
    set_zone_allocation = zone_commands.set_zone_allocation
    replace_zone_resource = zone_commands.replace_zone_resource
    complete_migration = zone_commands.complete_migration
    agree_with_load_balancer = zone_commands.agree_with_load_balancer
    fail_resource = zone_commands.fail_resource
    recover_resource = zone_commands.recover_resource
    facts = admission.facts
    admit_endpoint = admission.admit_endpoint
    admits = admission.admits
    check_visible_to = admission.check_visible_to
    check_region_supported = admission.check_region_supported
    connection = admission.connection
    load = admission.load
    allocate = admission.allocate
    check_zone_is_served = admission.check_zone_is_served

    # -- facts -------------------------------------------------------------------------

    @property
    def name(self) -> str:
        return service_name(self.region, self.service_id)

    @property
    def domain(self) -> str:
        return service_domain(self.region, self.service_id)

    @property
    def zones(self) -> list[str]:
        return self.attachments.zones

    @property
    def deleted(self) -> bool:
        return self.status == ServiceStatus.DELETED

    def check_owned_by(self, account: str) -> None:
        """SEC-2/3: a foreign or deleted service is answered as missing."""
        if account != self.owner or self.deleted:
            raise EndpointServiceNotFound(self.service_id)

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
        check_changes(changes, list(self.resources.values()), self.resource_type)
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
        regions = regions_after(self.region, self.supported_regions, add, remove)
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
        check_deletable(self.book.live(), bool(self.resources))
        self._deleted(sorted(self.connections))

    @event("Deleted")
    def _deleted(self, endpoint_ids: list[str]) -> None:
        self.status = ServiceStatus.DELETED


# -- event versions: events stored in an older shape are upcast when read ---------------------


def _created_v1_v2(state: dict[str, Any]) -> None:
    """v2 added the supported regions (XR-1); a v1 service supported its home region only."""
    state.setdefault("supported_regions", [state["region"]])


EndpointService.Created.class_version = 2  # type: ignore[attr-defined]
EndpointService.Created.upcast_v1_v2 = staticmethod(_created_v1_v2)  # type: ignore[attr-defined]
