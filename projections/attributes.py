"""The Get…Attribute answer of a service or endpoint rendered from aggregate state, for time
travel (AUD-2). It reuses the view documents' builders, so a past answer has the same shape
as a live one."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from privatelink.domain.endpoint import Endpoint
from privatelink.domain.records import Connection, EndpointZone
from privatelink.domain.service import EndpointService
from privatelink.domain.states import ConnectionStatus
from privatelink.projections import docs


def service_attribute(service: EndpointService) -> dict[str, Any]:
    """What GetVpcEndpointServiceAttribute answers for this state of the service."""
    facts = SimpleNamespace(**vars(service), timestamp=service.created_on)
    doc = docs.service_doc(facts)
    doc.update(
        ServiceStatus=service.status,
        ConnectBandwidth=service.connect_bandwidth,
        Zones=service.zones,
    )
    return doc


def endpoint_attribute(endpoint: Endpoint, service: EndpointService | None) -> dict[str, Any]:
    """What GetVpcEndpointAttribute answers for this state of the endpoint (with the state of
    its service at the same moment), plus its zones as ListVpcEndpointZones gives them."""
    facts = endpoint_facts(endpoint)
    connection = service.connections.get(endpoint.endpoint_id) if service else None
    doc = docs.endpoint_doc(facts)
    doc["EndpointStatus"] = endpoint.status
    if service is not None and service.deleted:
        doc["ConnectionStatus"] = ConnectionStatus.SERVICE_DELETED
    elif connection is not None:
        doc.update(ConnectionStatus=connection["status"], Bandwidth=connection["bandwidth"])
    doc["Zones"] = [
        zone_attribute(facts, zone, connection) for _, zone in sorted(endpoint.zones.items())
    ]
    return doc


def endpoint_facts(endpoint: Endpoint) -> SimpleNamespace:
    return SimpleNamespace(**vars(endpoint), actor=endpoint.owner, timestamp=endpoint.created_on)


def zone_attribute(facts: Any, zone: EndpointZone, connection: Connection | None) -> dict[str, Any]:
    doc = docs.zone_doc(facts, zone)
    zc = connection["zones"].get(zone["zone_id"]) if connection else None
    if zc is not None:
        doc.update(
            ZoneStatus=zc["status"],
            ResourceId=zc["resource_id"] or "",
            ReplacedResourceId=zc["replaced_resource_id"] or "",
            ReplacedEniId=zc["replaced_eni_id"] or "",
        )
    return doc
