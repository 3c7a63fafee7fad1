"""The DNS-record view: which names exist under privatelink.aliyuncs.com and which ENI addresses
each one answers with (RULES DNS-1..5, ACC-4, EP-9).

Pure: built from the view rows (``ViewRows``) and asked with a name, a record type and the
asker's zone, so every rule is testable with no socket and no database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network
from math import isqrt
from typing import Any

from privatelink.domain.base import DOMAIN_SUFFIX
from privatelink.domain.inventory import Inventory
from privatelink.projections.dns_records import (
    SERVING,
    EndpointRows,
    NameRow,
    ZoneAddress,
    available_zones,
    endpoint_names,
    normalize,
)

APEX = DOMAIN_SUFFIX
TTL = 5
"""Seconds: short, so that a failed zone leaves resolvers' caches quickly (DNS-5)."""

__all__ = ["SERVING", "NameRow", "ZoneAddress", "available_zones", "normalize"]


@dataclass(frozen=True)
class ViewRows:
    """The view rows the data plane follows, keyed by the endpoint row's key."""

    endpoints: dict[str, dict[str, Any]] = field(default_factory=dict)
    zones: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    connections: dict[str, dict[str, Any]] = field(default_factory=dict)
    services: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Service docs keyed by ServiceId."""


def select(found: NameRow, asker_zone: str | None) -> tuple[ZoneAddress, ...]:
    """DNS-2/3: with affinity, an asker in an available zone gets that zone alone; everyone
    else gets every available zone."""
    if found.affinity and asker_zone is not None:
        mine = tuple(z for z in found.zones if z.zone_id == asker_zone)
        if mine:
            return mine
    return found.zones


def addresses(found: NameRow, rdtype: str, asker_zone: str | None) -> list[str]:
    chosen = select(found, asker_zone)
    if rdtype == "A":
        return [z.ipv4 for z in chosen if z.ipv4]
    if rdtype == "AAAA" and found.dual_stack:
        return [z.ipv6 for z in chosen if z.ipv6]
    return []


@dataclass(frozen=True)
class Answer:
    """The outcome of one question: a response code and the addresses to answer with."""

    rcode: str
    addresses: tuple[str, ...] = ()


FOLD_AT = 64
"""The fewest changes a record set keeps beside its base before folding them into a new one."""


@dataclass(frozen=True, eq=False)
class RecordSet:
    """Every name under the apex, and the ancestors between them and the apex.

    A change makes a new set and leaves this one as it was: the DNS server's thread answers
    from whichever set it took, whole. The names are a ``base`` that no set changes once made,
    and this set's ``changes`` since it (a name removed is None there): a change copies only
    those, so a reload of the data plane costs in proportion to what changed rather than to
    every name (issue 17: a copy of every name took ~6 ms a reload at 100,000 endpoints). The
    changes are folded into a new base once they outnumber the square root of its names (and
    ``FOLD_AT``), so copying them and folding them cost about that square root per change."""

    base: dict[str, NameRow] = field(default_factory=dict)
    changes: dict[str, NameRow | None] = field(default_factory=dict)
    ancestors: frozenset[str] = frozenset()
    beneath: dict[str, int] = field(default_factory=dict, repr=False)
    """How many names each ancestor has beneath it, so a change re-derives only the ancestors
    of the names it adds or removes (issue 17)."""

    @property
    def names(self) -> dict[str, NameRow]:
        """Every name with its row, made whole (to list them; an answer uses ``find``)."""
        return _folded(self.base, self.changes)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RecordSet):
            return NotImplemented
        return self.names == other.names and self.ancestors == other.ancestors

    def find(self, name: str) -> NameRow | None:
        return self._get(self.changes, normalize(name))

    def _get(self, changes: dict[str, NameRow | None], name: str) -> NameRow | None:
        return changes[name] if name in changes else self.base.get(name)

    def changed(self, present: Iterable[NameRow], removed: Iterable[str]) -> RecordSet:
        """This set with some names replaced, added or removed (what the DNS-record view
        says changed); only the ancestors of added or removed names are looked at."""
        changes, beneath = dict(self.changes), dict(self.beneath)
        flipped: set[str] | None = None  # None while no name came or went
        for row in present:
            if self._get(changes, row.name) is None:
                flipped = (flipped or set()).union(_count(beneath, row.name, 1))
            changes[row.name] = row
        for name in removed:
            if self._get(changes, name) is not None:
                flipped = (flipped or set()).union(_count(beneath, name, -1))
                if name in self.base:
                    changes[name] = None
                else:
                    del changes[name]
        ancestors = self.ancestors
        if flipped is not None:
            born = {parent for parent in flipped if parent in beneath}
            ancestors = (self.ancestors - flipped) | born | {APEX}
        if len(changes) <= max(FOLD_AT, isqrt(len(self.base))):
            return RecordSet(self.base, changes, ancestors, beneath)
        return RecordSet(_folded(self.base, changes), {}, ancestors, beneath)


def _folded(base: dict[str, NameRow], changes: dict[str, NameRow | None]) -> dict[str, NameRow]:
    """``base`` with ``changes`` applied, as a new dictionary (the base is copied whole, in C)."""
    names = dict(base)
    for name, row in changes.items():
        if row is None:
            del names[name]
        else:
            names[name] = row
    return names


def in_apex(name: str) -> bool:
    name = normalize(name)
    return name == APEX or name.endswith("." + APEX)


def build_records(rows: ViewRows) -> RecordSet:
    """EP-9: every endpoint has its endpoint domain and one zone domain per zone, whatever its
    state; only the connected, healthy zones of a Connected connection give addresses."""
    names: dict[str, NameRow] = {}
    for key, endpoint in rows.endpoints.items():
        service = rows.services.get(endpoint.get("ServiceId", ""), {})
        found = EndpointRows(endpoint, rows.zones.get(key, []), rows.connections.get(key), service)
        names.update((row.name, row) for row in endpoint_names(found))
    return RecordSet().changed(names.values(), ())


def _count(beneath: dict[str, int], name: str, step: int) -> list[str]:
    """Add ``step`` to the count of each ancestor of ``name``; the ancestors it took to or
    from none."""
    flipped = []
    for parent in _parents(name):
        count = beneath.get(parent, 0) + step
        if count > 0:
            beneath[parent] = count
        else:
            del beneath[parent]
        if count == (1 if step > 0 else 0):
            flipped.append(parent)
    return flipped


def _parents(name: str) -> list[str]:
    # Names between a record and the apex exist with no data (RFC 8020): NODATA, not NXDOMAIN.
    labels = name.split(".")
    found = []
    for i in range(1, len(labels)):
        parent = ".".join(labels[i:])
        if not parent.endswith(APEX):
            break
        found.append(parent)
    return found


class ZoneLocator:
    """Finds the asker's zone: the zone of the vSwitch, in the endpoint's VPC, whose CIDR
    holds the asker's address (DNS-2)."""

    def __init__(self, vswitches: Iterable[tuple[str, str, str]]) -> None:
        self._by_vpc: dict[str, list[tuple[IPv4Network | IPv6Network, str]]] = {}
        for vpc_id, zone_id, cidr in vswitches:
            self._by_vpc.setdefault(vpc_id, []).append((ip_network(cidr), zone_id))

    @classmethod
    def from_inventory(cls, inventory: Inventory) -> ZoneLocator:
        return cls((vpc.id, s.zone, str(s.cidr)) for vpc in inventory.vpcs for s in vpc.vswitches)

    def zone_of(self, vpc_id: str, address: str | None) -> str | None:
        if not address:
            return None
        try:
            ip = ip_address(address)
        except ValueError:
            return None
        for network, zone_id in self._by_vpc.get(vpc_id, []):
            if ip.version == network.version and ip in network:
                return zone_id
        return None


def answer(
    records: RecordSet, locator: ZoneLocator, name: str, rdtype: str, asker: str | None
) -> Answer:
    """The answer to one question from ``asker`` (its source address or client subnet)."""
    if not in_apex(name):
        return Answer("REFUSED")
    found = records.find(name)
    if found is None:
        return Answer("NOERROR" if normalize(name) in records.ancestors else "NXDOMAIN")
    zone = locator.zone_of(found.vpc_id, asker)
    return Answer("NOERROR", tuple(addresses(found, rdtype, zone)))
