"""Checks of the store against what clients were told (the load's Ledger): every
acknowledged command is visible through Get and List, nothing is there twice, and the event
log holds each acknowledged change exactly once."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from alibabacloud_privatelink20200415 import models as pl

from tests.e2e.helpers import REGION
from tests.reliability.load import Ledger

SETTLED = {"allow": "Connected", "deny": "Disconnected", None: "Pending"}
EVENT_OF = {
    "create": "Endpoint.Created",
    "rename": "Endpoint.AttributesUpdated",
    "allow": "ConnectionEvents.ConnectionAllowed",
    "deny": "ConnectionEvents.ConnectionDenied",
}


@dataclass
class Audit:
    """What one check found."""

    acknowledged: int
    listed: int
    lost: list[str]
    extra: list[str]
    wrong_names: list[tuple[str, str, str]]
    wrong_states: list[tuple[str, str, str]]

    def problems(self) -> list[str]:
        found = []
        if self.lost:
            found.append(f"{len(self.lost)} acknowledged endpoints are missing: {self.lost[:5]}")
        if self.extra:
            found.append(
                f"{len(self.extra)} endpoints nobody was told about (duplicates?): {self.extra[:5]}"
            )
        if self.wrong_names:
            found.append(
                f"{len(self.wrong_names)} endpoints lost their last acknowledged name "
                f"(id, expected, found): {self.wrong_names[:5]}"
            )
        if self.wrong_states:
            found.append(
                f"{len(self.wrong_states)} connections are not in the state the last "
                f"acknowledged allow/deny left them (id, expected, found): "
                f"{self.wrong_states[:5]}"
            )
        return found


def all_endpoints(consumer: Any) -> dict[str, Any]:
    """Every endpoint of the consumer, through ListVpcEndpoints, page by page."""
    found: dict[str, Any] = {}
    token = None
    while True:
        body = consumer.list_vpc_endpoints(
            pl.ListVpcEndpointsRequest(region_id=REGION, max_results=1000, next_token=token)
        ).body
        for endpoint in body.endpoints:
            assert endpoint.endpoint_id not in found, f"{endpoint.endpoint_id} listed twice"
            found[endpoint.endpoint_id] = endpoint
        token = body.next_token
        if not token:
            return found


def all_connections(provider: Any, service_id: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    token = None
    while True:
        body = provider.list_vpc_endpoint_connections(
            pl.ListVpcEndpointConnectionsRequest(
                region_id=REGION, service_id=service_id, max_results=1000, next_token=token
            )
        ).body
        found.update({c.endpoint_id: c for c in body.connections})
        token = body.next_token
        if not token:
            return found


def settled_connections(provider: Any, service_id: str, timeout: float = 20) -> dict[str, Any]:
    """The connections once none is half-way (Connecting, Disconnecting): the provisioner has
    finished every step it owes."""
    deadline = time.monotonic() + timeout
    while True:
        found = all_connections(provider, service_id)
        moving = [
            c for c in found.values() if c.connection_status in ("Connecting", "Disconnecting")
        ]
        if not moving or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def audit(
    ledger: Ledger, consumer: Any, provider: Any, service_id: str, get_each: bool = True
) -> Audit:
    """Compare the store, read through the SDK, with the ledger (the load must be paused)."""
    with ledger.lock:
        created = dict(ledger.created)
        names = dict(ledger.names)
        decisions = dict(ledger.decisions)
    listed = all_endpoints(consumer)
    expected = set(created.values())
    wrong_names = [
        (e, names[e], listed[e].endpoint_name)
        for e in expected & listed.keys()
        if (listed[e].endpoint_name or "") != names[e]
    ]
    if get_each:
        for endpoint_id in sorted(expected):
            body = consumer.get_vpc_endpoint_attribute(
                pl.GetVpcEndpointAttributeRequest(region_id=REGION, endpoint_id=endpoint_id)
            ).body
            if (body.endpoint_name or "") != names[endpoint_id]:
                wrong_names.append((endpoint_id, names[endpoint_id], body.endpoint_name))
    connections = settled_connections(provider, service_id)
    wrong_states = [
        (
            e,
            SETTLED[decisions.get(e)],
            connections[e].connection_status if e in connections else "absent",
        )
        for e in sorted(expected)
        if e not in connections or connections[e].connection_status != SETTLED[decisions.get(e)]
    ]
    return Audit(
        len(created),
        len(listed),
        sorted(expected - listed.keys()),
        sorted(listed.keys() - expected),
        wrong_names,
        wrong_states,
    )


def applied_counts(events: list[dict[str, Any]]) -> Counter[str]:
    """How often each kind of command was applied, read from the event log."""
    counts = Counter(e["topic"].rsplit(":", 1)[-1] for e in events)
    return Counter({kind: counts[name] for kind, name in EVENT_OF.items()})


def losses_and_duplicates(
    ledger: Ledger, events: list[dict[str, Any]]
) -> tuple[dict[str, int], dict[str, int]]:
    """Per kind of command: acknowledged but not in the log, and in the log more often than
    acknowledged. Every one of these commands records exactly one event when it succeeds and
    none when it is refused (allow/deny have no no-op success), so both must be zero."""
    applied = applied_counts(events)
    with ledger.lock:
        acknowledged = Counter(ledger.acknowledged)
    losses = {k: acknowledged[k] - applied[k] for k in EVENT_OF if acknowledged[k] > applied[k]}
    duplicates = {k: applied[k] - acknowledged[k] for k in EVENT_OF if applied[k] > acknowledged[k]}
    return losses, duplicates
