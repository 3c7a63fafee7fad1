"""The DNS-record view (the design's second read model): for each endpoint, the names it owns
under privatelink.aliyuncs.com and the ENI addresses each name answers with (RULES DNS-1..5,
ACC-4, EP-9).

Pure: an endpoint's view rows (or its state at a past moment) in, name rows out. The view
store keeps them in their own table, in the same transaction as the rows they come from, so
the DNS server follows only what changed; time travel renders the same rows from the
aggregates' past state.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from privatelink.domain.states import SERVING_ZONE, ConnectionStatus

SERVING = SERVING_ZONE
"""Zone-connection states that carry traffic (a migrating zone's new ENI already does, RES-10)."""


@dataclass(frozen=True)
class ZoneAddress:
    """One available zone's ENI addresses."""

    zone_id: str
    ipv4: str
    ipv6: str = ""


@dataclass(frozen=True)
class NameRow:
    """One name (an endpoint domain or a zone domain) and what it resolves to."""

    name: str
    endpoint_id: str
    vpc_id: str
    zones: tuple[ZoneAddress, ...] = ()
    affinity: bool = False
    dual_stack: bool = False
    forwarding: dict[str, Any] | None = None
    """On the endpoint domain's row only: what the ENI forwarders follow for this endpoint
    (its connection status and bandwidth, each zone's state, ENI, resource and migration), so
    the data plane plans them from this view too, without reading the other views."""

    def as_doc(self) -> dict[str, Any]:
        """The row's document, field by field (``dataclasses.asdict`` deep-copies through
        every field; this runs for each name a commit touches, in the writer)."""
        return {
            "name": self.name,
            "endpoint_id": self.endpoint_id,
            "vpc_id": self.vpc_id,
            "zones": [{"zone_id": z.zone_id, "ipv4": z.ipv4, "ipv6": z.ipv6} for z in self.zones],
            "affinity": self.affinity,
            "dual_stack": self.dual_stack,
            "forwarding": self.forwarding,  # made for this row, never changed after
        }

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> NameRow:
        zones = tuple(ZoneAddress(**z) for z in doc.get("zones", ()))
        return cls(
            doc["name"],
            doc["endpoint_id"],
            doc["vpc_id"],
            zones,
            bool(doc.get("affinity")),
            bool(doc.get("dual_stack")),
            doc.get("forwarding"),
        )

    def records(self) -> list[tuple[str, str, str]]:
        """(type, address, zone) of every record of the name."""
        found = [("A", z.ipv4, z.zone_id) for z in self.zones if z.ipv4]
        if self.dual_stack:
            found += [("AAAA", z.ipv6, z.zone_id) for z in self.zones if z.ipv6]
        return found


@dataclass(frozen=True)
class EndpointRows:
    """The view rows one endpoint's names are made of."""

    endpoint: dict[str, Any]
    zones: list[dict[str, Any]] = field(default_factory=list)
    connection: dict[str, Any] | None = None
    service: dict[str, Any] | None = None


def normalize(name: str) -> str:
    return name.rstrip(".").lower()


def endpoint_names(rows: EndpointRows) -> list[NameRow]:
    """EP-9: every endpoint has its endpoint domain and one zone domain per zone, whatever its
    state; only the connected, healthy zones of a Connected connection give addresses."""
    endpoint, zones = rows.endpoint, rows.zones
    available = available_zones(endpoint, zones)
    endpoint_id, vpc_id = str(endpoint.get("EndpointId", "")), str(endpoint.get("VpcId", ""))
    dual = endpoint.get("AddressIpVersion") == "DualStack"
    affinity = bool(endpoint.get("ZoneAffinityEnabled")) and bool(
        (rows.service or {}).get("ZoneAffinityEnabled")
    )
    forwarding = _forwarding(endpoint, zones, rows.connection)
    names: list[NameRow] = []
    if endpoint.get("EndpointDomain"):
        domain = normalize(endpoint["EndpointDomain"])
        names.append(NameRow(domain, endpoint_id, vpc_id, available, affinity, dual, forwarding))
    # Zone domains carry no forwarding facts: the endpoint domain's row has them all.
    for zone in zones:
        if zone.get("ZoneDomain"):
            in_zone = tuple(a for a in available if a.zone_id == zone["ZoneId"])
            domain = normalize(zone["ZoneDomain"])
            names.append(NameRow(domain, endpoint_id, vpc_id, in_zone, False, dual))
    return names


def available_zones(
    endpoint: dict[str, Any], zones: Iterable[dict[str, Any]]
) -> tuple[ZoneAddress, ...]:
    """ACC-4: nothing unless the provider accepted the connection; DNS-5: no unhealthy zone."""
    if endpoint.get("ConnectionStatus") != ConnectionStatus.CONNECTED:
        return ()
    return tuple(
        ZoneAddress(z["ZoneId"], z.get("EniIp", ""), z.get("ZoneIpv6Address", ""))
        for z in sorted(zones, key=lambda z: str(z.get("ZoneId", "")))
        if z.get("ZoneStatus") in SERVING
        and z.get("_healthy", True) is not False
        and z.get("EniIp")
    )


FORWARDING_ZONE_FIELDS = (
    "ZoneId",
    "ZoneStatus",
    "EniId",
    "EniIp",
    "ResourceId",
    "ReplacedEniId",
    "ReplacedResourceId",
)


def _forwarding(
    endpoint: dict[str, Any], zones: list[dict[str, Any]], connection: dict[str, Any] | None
) -> dict[str, Any]:
    bandwidth = (connection or endpoint).get("Bandwidth") or 0
    return {
        "ConnectionStatus": endpoint.get("ConnectionStatus", ""),
        "Bandwidth": bandwidth,
        "Zones": [
            {k: z.get(k, "") for k in FORWARDING_ZONE_FIELDS}
            for z in sorted(zones, key=lambda z: str(z.get("ZoneId", "")))
        ],
    }


def names_as_of(
    attribute: dict[str, Any], healthy: dict[str, bool], service_affinity: bool
) -> list[NameRow]:
    """The name rows of an endpoint from its Get answer of a past moment (time travel):
    ``attribute`` is ``projections.attributes.endpoint_attribute``'s document, ``healthy``
    the zones' health in the service at that moment."""
    zones = [{**z, "_healthy": healthy.get(z["ZoneId"], True)} for z in attribute["Zones"]]
    endpoint = {k: v for k, v in attribute.items() if k != "Zones"}
    return endpoint_names(
        EndpointRows(endpoint, zones, None, {"ZoneAffinityEnabled": service_affinity})
    )
