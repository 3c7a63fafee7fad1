"""The forwarding plan kept up to date one endpoint at a time.

Re-planning every endpoint on every write made each CreateVpcEndpoint cost the data plane time
in proportion to all endpoints (issue 17). Here each endpoint's part of the plan (its routes,
ENI limits and probed load balancers) is planned alone, by the same ``plan_forwarders``, and
merged into the whole; a change re-plans only the endpoints it touched and reports only the
keys whose value moved, so the forwarders change only those.

The result is the plan ``EniAddresses.plan`` makes of every endpoint's rows at once: where two
endpoints (or an old and a new ENI in a migration, RES-10) name the same route, ENI or load
balancer, the endpoint the full plan walks last (the one first seen last) wins, as its write
comes last there; and a key stays while any endpoint still names it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from privatelink.infra.dataplane.plan import (
    EniAddresses,
    ListenersOf,
    Plan,
    PlanChanges,
    ReplacedIp,
    Route,
    forwarding_rows,
)

K = TypeVar("K", bound=Hashable)
V = TypeVar("V", bound=Hashable)


class Owned(Generic[K, V]):
    """One of the plan's dicts, whose keys several endpoints may each give a value: the value
    of a key is that of its owner of highest ``rank``; the key leaves with its last owner.

    Owners are ranked only while they disagree (rare: a reused ENI address, a migration); a
    load balancer's probe has thousands of owners that all agree, so each key also counts
    its owners per value."""

    def __init__(self, rank: Callable[[str], int]) -> None:
        self.values: dict[K, V] = {}
        self.owners: dict[K, dict[str, V]] = {}
        self._tally: dict[K, dict[V, int]] = {}
        self._rank = rank
        self._changed: set[K] = set()

    def put(self, owner: str, old: dict[K, V], new: dict[K, V]) -> None:
        """Replace ``owner``'s part ``old`` with ``new``."""
        for key in old.keys() - new.keys():
            self._drop(key, owner, old[key])
            self._settle(key)
        for key, value in new.items():
            if key not in old or old[key] != value:
                if key in old:
                    self._drop(key, owner, old[key])
                self.owners.setdefault(key, {})[owner] = value
                tally = self._tally.setdefault(key, {})
                tally[value] = tally.get(value, 0) + 1
                self._settle(key)

    def _drop(self, key: K, owner: str, value: V) -> None:
        del self.owners[key][owner]
        tally = self._tally[key]
        tally[value] -= 1
        if not tally[value]:
            del tally[value]

    def _settle(self, key: K) -> None:
        tally = self._tally[key]
        if not tally:
            del self.owners[key], self._tally[key]
            if self.values.pop(key, None) is not None:
                self._changed.add(key)
            return
        owners = self.owners[key]
        value = next(iter(tally)) if len(tally) == 1 else owners[max(owners, key=self._rank)]
        if key not in self.values or self.values[key] != value:
            self.values[key] = value
            self._changed.add(key)

    def take(self) -> dict[K, V | None]:
        """Each key changed since the last take, with its value now (None: gone)."""
        changed = {key: self.values.get(key) for key in self._changed}
        self._changed.clear()
        return changed


class IncrementalPlan:
    """Each endpoint's forwarding facts, its part of the plan, and the plan they make.

    ``plan`` is replaced, not changed, whenever its probes change, so the prober (on another
    thread) always reads a whole dict; ``routes`` and ``bandwidth`` are changed in place, as
    only the thread that calls ``settle`` and the forwarders (while it waits on them) read them.
    """

    def __init__(self, listeners: ListenersOf, fallback: ReplacedIp) -> None:
        self.listeners = listeners
        self.fallback = fallback
        self.facts: dict[str, dict[str, Any]] = {}
        self.parts: dict[str, Plan] = {}
        self.known: dict[str, dict[str, str]] = {}
        """Per endpoint, the ENI addresses its ``EniAddresses`` remembers (RES-10)."""
        self.unsettled: set[str] = set()
        """Endpoints whose part may differ when planned again with the same facts (see
        ``EniAddresses.settled``): re-planned at every change, as the full plan re-plans every
        endpoint then."""
        self.rank: dict[str, int] = {}
        self._next_rank = 0
        self._dirty: set[str] = set()
        self._prune = False
        self.routes: Owned[tuple[str, int], Route] = Owned(self.rank.__getitem__)
        self.bandwidth: Owned[str, int] = Owned(self.rank.__getitem__)
        self.probes: Owned[str, tuple[str, ...]] = Owned(self.rank.__getitem__)
        self.plan = Plan(self.routes.values, self.bandwidth.values, {})

    def put(self, endpoint_id: str, facts: dict[str, Any]) -> bool:
        """Take an endpoint's facts; True when they changed (its part is planned at
        ``settle``)."""
        if self.facts.get(endpoint_id) == facts:
            return False
        if endpoint_id not in self.rank:
            self.rank[endpoint_id] = self._next_rank
            self._next_rank += 1
        self.facts[endpoint_id] = facts
        self._dirty.add(endpoint_id)
        return True

    def remove(self, endpoint_id: str) -> bool:
        """Drop an endpoint and its part; True when it had facts."""
        if self.facts.pop(endpoint_id, None) is None:
            return False
        self._dirty.discard(endpoint_id)
        self.unsettled.discard(endpoint_id)
        self._put_part(endpoint_id, Plan())
        del self.parts[endpoint_id], self.rank[endpoint_id]
        if not self._prune:
            self.known.pop(endpoint_id, None)
        return True

    def reset(self) -> None:
        """Drop every endpoint (the view was replaced), but keep the ENI addresses remembered
        for those that come back before the next ``settle``, as the full plan does."""
        self._prune = True
        for endpoint_id in list(self.facts):
            self.remove(endpoint_id)

    def settle(self) -> PlanChanges:
        """Plan the parts of the endpoints that changed; what moved in the whole plan."""
        for endpoint_id in self._dirty | self.unsettled:
            self._put_part(endpoint_id, self._part(endpoint_id))
        self._dirty.clear()
        if self._prune:
            self.known = {e: k for e, k in self.known.items() if e in self.facts}
            self._prune = False
        changes = PlanChanges(self.routes.take(), self.bandwidth.take(), self.probes.take())
        if changes.probes:
            self.plan = Plan(self.routes.values, self.bandwidth.values, dict(self.probes.values))
        return changes

    def _part(self, endpoint_id: str) -> Plan:
        enis = EniAddresses(self.fallback, self.known.pop(endpoint_id, {}))
        part = enis.plan(forwarding_rows({endpoint_id: self.facts[endpoint_id]}), self.listeners)
        if enis.known:
            self.known[endpoint_id] = enis.known
        (self.unsettled.discard if enis.settled else self.unsettled.add)(endpoint_id)
        return part

    def _put_part(self, endpoint_id: str, part: Plan) -> None:
        old = self.parts.get(endpoint_id, Plan())
        self.routes.put(endpoint_id, old.routes, part.routes)
        self.bandwidth.put(endpoint_id, old.bandwidth, part.bandwidth)
        self.probes.put(endpoint_id, old.probes, part.probes)
        self.parts[endpoint_id] = part
