"""What the ENI forwarders should be, from the views: which ENI address and port forwards to
which backend, each ENI's bandwidth limit (BW-1), and which load balancers to probe.

Pure, like the record view: the forwarders and the prober only carry a plan out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from privatelink.domain.inventory import Inventory, Listener
from privatelink.infra.dataplane.records import SERVING, ViewRows

ListenersOf = Callable[[str], Sequence[Listener]]
ReplacedIp = Callable[[dict[str, Any], dict[str, Any]], str | None]
"""The old ENI address of a zone in graceful migration (endpoint doc, zone doc), if known."""


@dataclass(frozen=True)
class Route:
    """One listener of one ENI: what arrives on ``ip:port`` goes to ``backend``."""

    ip: str
    port: int
    backend: str
    resource_id: str


@dataclass(frozen=True)
class Plan:
    """The forwarders, ENI limits and probe targets that the views call for."""

    routes: dict[tuple[str, int], Route] = field(default_factory=dict)
    bandwidth: dict[str, int] = field(default_factory=dict)
    """Mbit/s per ENI address: its connection's limit (BW-1)."""
    probes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Backends per load balancer serving a connected zone (only those with listeners)."""


@dataclass(frozen=True)
class PlanChanges:
    """What moved in a plan: each changed key's new value, None where the key left it."""

    routes: dict[tuple[str, int], Route | None] = field(default_factory=dict)
    bandwidth: dict[str, int | None] = field(default_factory=dict)
    probes: dict[str, tuple[str, ...] | None] = field(default_factory=dict)

    @classmethod
    def of(cls, plan: Plan) -> PlanChanges:
        """From no plan to ``plan``: how a forwarder set that carries nothing yet starts."""
        return cls(dict(plan.routes), dict(plan.bandwidth), dict(plan.probes))

    def __bool__(self) -> bool:
        return bool(self.routes or self.bandwidth or self.probes)

    def began(self) -> list[str]:
        """The load balancers that serve a connected zone now and did not before."""
        return [lb for lb, backends in self.probes.items() if backends is not None]


def listeners_from(inventory: Inventory) -> ListenersOf:
    def listeners(resource_id: str) -> Sequence[Listener]:
        lb = inventory.load_balancer(resource_id)
        return lb.listeners if lb else ()

    return listeners


def forwarding_rows(facts: dict[str, dict[str, Any]]) -> ViewRows:
    """View rows from each endpoint's forwarding facts (what the DNS-record view's endpoint
    domain rows carry), keyed by endpoint id in the order of ``facts``."""
    rows = ViewRows()
    for endpoint_id, found in facts.items():
        rows.endpoints[endpoint_id] = {
            "EndpointId": endpoint_id,
            "ConnectionStatus": found["ConnectionStatus"],
            "Bandwidth": found["Bandwidth"],
        }
        rows.zones[endpoint_id] = list(found["Zones"])
    return rows


def plan_forwarders(
    rows: ViewRows, listeners: ListenersOf, replaced_ip: ReplacedIp = lambda _endpoint, _zone: None
) -> Plan:
    """Forwarders for every serving zone of a Connected connection whose resource has
    listeners; a gracefully migrating zone also keeps its old ENI on the old resource until
    the provider disconnects that resource (RES-10)."""
    plan = Plan()
    for key, endpoint in rows.endpoints.items():
        if endpoint.get("ConnectionStatus") != "Connected":
            continue
        bandwidth = int(rows.connections.get(key, endpoint).get("Bandwidth") or 0)
        for zone in rows.zones.get(key, []):
            if zone.get("ZoneStatus") not in SERVING:
                continue
            _add(plan, zone.get("EniIp", ""), zone.get("ResourceId", ""), bandwidth, listeners)
            if zone.get("ReplacedEniId") and zone.get("ReplacedResourceId"):
                _add(
                    plan,
                    replaced_ip(endpoint, zone) or "",
                    zone["ReplacedResourceId"],
                    bandwidth,
                    listeners,
                )
    return plan


def _add(plan: Plan, ip: str, resource_id: str, bandwidth: int, listeners: ListenersOf) -> None:
    found = listeners(resource_id) if resource_id else ()
    if not ip or not found:
        return
    for listener in found:
        plan.routes[(ip, listener.port)] = Route(ip, listener.port, listener.backend, resource_id)
    plan.bandwidth[ip] = bandwidth
    plan.probes[resource_id] = tuple(listener.backend for listener in found)


class EniAddresses:
    """Remembers each ENI's address while some zone row names the ENI.

    A graceful migration's zone row names only the new ENI's address (and the old ENI's id),
    so the old address is the one remembered from when it was the zone's ENI; ``fallback``
    answers for an ENI never seen (the data plane started mid-migration).
    """

    def __init__(
        self,
        fallback: ReplacedIp = lambda _endpoint, _zone: None,
        known: dict[str, str] | None = None,
    ) -> None:
        self.known: dict[str, str] = {} if known is None else known
        self.fallback = fallback
        self.settled = True
        """False when planning the same rows again may give another plan: an old ENI's
        address was not found (the fallback may know it later), or remembering the rows'
        ENIs changed an address the plan used."""
        self._used: dict[str, str | None] = {}

    def replaced_ip(self, endpoint: dict[str, Any], zone: dict[str, Any]) -> str | None:
        eni_id = zone["ReplacedEniId"]
        if eni_id not in self.known:
            found = self.fallback(endpoint, zone)
            if found:
                self.known[eni_id] = found
        self._used[eni_id] = self.known.get(eni_id)
        return self._used[eni_id]

    def plan(self, rows: ViewRows, listeners: ListenersOf) -> Plan:
        """The plan for ``rows``; then remember their ENIs and forget ENIs no row names."""
        self._used = {}
        plan = plan_forwarders(rows, listeners, self.replaced_ip)
        zones = [z for found in rows.zones.values() for z in found]
        for zone in zones:
            if zone.get("EniId") and zone.get("EniIp"):
                self.known[zone["EniId"]] = zone["EniIp"]
        named = {z.get(k) for z in zones for k in ("EniId", "ReplacedEniId")}
        self.known = {k: v for k, v in self.known.items() if k in named}
        self.settled = all(ip and self.known.get(e) == ip for e, ip in self._used.items())
        return plan
