"""Time travel for DNS: what a name under privatelink.aliyuncs.com resolved to at a moment,
rendered from the endpoint's and its service's state then (the same pure code as the live
DNS-record view, so a past answer has the live one's shape)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from privatelink.application.history import resource_named
from privatelink.domain.errors import InvalidValue
from privatelink.domain.records import Connection
from privatelink.projections.attributes import endpoint_attribute
from privatelink.projections.dns_records import NameRow, names_as_of, normalize

if TYPE_CHECKING:
    from privatelink.application.app import PrivateLinkApp

ENDPOINT_ID_LENGTH = len("ep-") + 20


def endpoint_of_name(name: str) -> str:
    """The endpoint a name belongs to: its first label is the endpoint id (the endpoint
    domain) or the endpoint id, a dash and a zone id (a zone domain)."""
    label = normalize(name).split(".", 1)[0]
    if not label.startswith("ep-") or len(label) < ENDPOINT_ID_LENGTH:
        raise InvalidValue(f"'{name}' is not an endpoint's domain name.")
    return label[:ENDPOINT_ID_LENGTH]


def zone_health(connection: Connection | None) -> dict[str, bool]:
    """Whether each zone of the connection is healthy (RES-8, DNS-5)."""
    zones = connection["zones"] if connection else {}
    return {zone: bool(zc.get("healthy", True)) for zone, zc in zones.items()}


def dns_as_of(app: PrivateLinkApp, name: str, when: datetime) -> NameRow | None:
    """The name's records at ``when``; None when the endpoint had no such name then."""
    resource = resource_named(endpoint_of_name(name))
    endpoint, service = app.audit.as_of(resource, when, None)
    attribute = endpoint_attribute(endpoint, service)
    connection: Connection | None = (
        service.connections.get(endpoint.endpoint_id) if service is not None else None
    )
    healthy = zone_health(connection)
    affinity = bool(service.zone_affinity) if service is not None else False
    if endpoint.deleted:
        return None
    wanted = normalize(name)
    return next(
        (row for row in names_as_of(attribute, healthy, affinity) if row.name == wanted), None
    )
