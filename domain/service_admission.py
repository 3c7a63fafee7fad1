"""What an endpoint service tells and admits: its facts for an endpoint, the whitelist and
region rules on a new endpoint (EP-1..3, WL-1..3, XR-1/4), and queries on its parts.

Each is a method of :class:`privatelink.domain.service.EndpointService` (its class body names
them all).
"""

from __future__ import annotations

from privatelink.domain.errors import EndpointServiceNotFound
from privatelink.domain.errors_invalid import EndpointServiceRegionNotSupported
from privatelink.domain.records import Connection
from privatelink.domain.service_facts import ServiceFacts
from privatelink.domain.service_parts import Service


def facts(self: Service) -> ServiceFacts:
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


def admit_endpoint(self: Service, account: str, region: str, zones: list[str]) -> ServiceFacts:
    """The service's rules on a new endpoint, checked once, before the endpoint is created
    and requests its connection: EP-1/WL-2 (visible to the consumer), EP-2/XR-1 (region
    supported), EP-3 (same-region zones served). Returns the facts the endpoint keeps."""
    self.check_visible_to(account)
    self.check_region_supported(region)
    if region == self.region:
        for zone in zones:
            self.check_zone_is_served(zone)
    return self.facts()


def admits(self: Service, account: str) -> bool:
    """WL-1..3: the owner, a listed UID, or everyone when '*' is listed."""
    return account == self.owner or account in self.users or "*" in self.users


def check_visible_to(self: Service, account: str) -> None:
    """WL-2: a consumer who is not on the whitelist cannot find the service."""
    if self.deleted or not self.admits(account):
        raise EndpointServiceNotFound(self.service_id)


def check_region_supported(self: Service, region: str) -> None:
    """EP-2/XR-1/XR-4: endpoints only in the home region or a supported one."""
    if region not in self.supported_regions:
        raise EndpointServiceRegionNotSupported(
            f"The endpoint service '{self.service_id}' in region '{self.region}' does not "
            f"support endpoints in '{region}' (EP-2, XR-4)."
        )


def connection(self: Service, endpoint_id: str) -> Connection:
    return self.book.connection(endpoint_id)


def load(self: Service) -> dict[str, int]:
    """Live zone connections per resource (RES-4)."""
    return dict(self.resource_load)


def allocate(self: Service, zone_id: str | None) -> str:
    return self.book.allocate(zone_id)


def check_zone_is_served(self: Service, zone_id: str) -> None:
    self.attachments.check_zone_is_served(zone_id)
