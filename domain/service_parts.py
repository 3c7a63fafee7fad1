"""What the command modules of an endpoint service use of it: its state and its parts.

The commands (``service_commands``, ``service_zone_commands``) are methods of
``EndpointService``, written per use case in their own modules; they type ``self`` with this
protocol, which the aggregate satisfies, so no module imports the aggregate back.
"""

from __future__ import annotations

from typing import Any, Protocol

from privatelink.domain.connections import ConnectionBook
from privatelink.domain.records import Connection, ResourceEntry
from privatelink.domain.service_facts import ServiceFacts
from privatelink.domain.service_resources import ServiceResources
from privatelink.domain.zone_connections import ZoneConnections


class Service(Protocol):
    """An endpoint service as its part commands see it."""

    service_id: str
    owner: str
    region: str
    payer: str
    zone_affinity: bool
    resource_type: str
    address_ip_version: str
    users: list[str]
    resource_load: dict[str, int]
    auto_accept: bool
    connect_bandwidth: int
    supported_regions: list[str]
    resources: dict[str, ResourceEntry]
    connections: dict[str, Connection]
    failed_resources: list[str]

    @property
    def name(self) -> str: ...

    @property
    def deleted(self) -> bool: ...

    @property
    def attachments(self) -> ServiceResources: ...

    @property
    def book(self) -> ConnectionBook: ...

    @property
    def zone_book(self) -> ZoneConnections: ...

    def check_owned_by(self, account: str) -> None: ...

    def check_visible_to(self, account: str) -> None: ...

    def check_region_supported(self, region: str) -> None: ...

    def check_zone_is_served(self, zone_id: str) -> None: ...

    def admits(self, account: str) -> bool: ...

    def facts(self) -> ServiceFacts: ...

    def trigger_event(self, event_class: Any, **kwargs: Any) -> None: ...
