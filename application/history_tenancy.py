"""Tenancy through history (SEC-2, SEC-3 over AUD-1): what an account may read of a resource's
events.

A provider reads its service's events whole. A consumer reads its endpoint's own events, and
of the events its service recorded only those about this endpoint, cut down to what the
consumer's own Get shows: its endpoint, its zones, their status, its bandwidth and ENIs. The
provider's load balancers, other accounts' endpoints, the provider's account and requests stay
out. Fields are kept by an allow-list, so a field added to an event later stays hidden until
someone decides the consumer may see it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from privatelink.application.history_entries import HistoryEntry, Resource
from privatelink.application.provisioner import SYSTEM_ACCOUNT

# What a consumer's Get shows of its connection, per field of the service's events.
CONNECTION_FIELDS = frozenset(
    (
        "endpoint_id",
        "endpoint",
        "zone_id",
        "zones",
        "status",
        "bandwidth",
        "service_id",
        "service_region",
        "old_eni_id",
        "new_eni_id",
        "eni_id",
    )
)
# Failover lists name [endpoint, zone, ...] of every account: a consumer sees its own zones.
ZONE_LISTS = {
    "moves": "failed_over_zones",
    "stranded": "unavailable_zones",
    "healed": "recovered_zones",
}
# Fields of the endpoint's own events that describe the provider rather than the endpoint.
ENDPOINT_HIDDEN = frozenset(("service_owner",))
PROVIDER_ACTOR = "service-provider"


def connection_data(data: dict[str, Any], endpoint_id: str) -> dict[str, Any]:
    """A service event's data as the consumer of ``endpoint_id`` may read it."""
    seen = {k: v for k, v in data.items() if k in CONNECTION_FIELDS}
    for key, name in ZONE_LISTS.items():
        if key in data:
            seen[name] = [item[1] for item in data[key] if item[0] == endpoint_id]
            seen["endpoint_id"] = endpoint_id
    if "endpoint_ids" in data:
        seen["endpoint_id"] = endpoint_id
    return seen


def consumer_entry(
    entry: HistoryEntry, endpoint_id: str, account: str, own_requests: set[str]
) -> HistoryEntry:
    if entry.resource == endpoint_id:
        data = {k: v for k, v in entry.data.items() if k not in ENDPOINT_HIDDEN}
    else:
        data = connection_data(entry.data, endpoint_id)
    actor = entry.actor if entry.actor in (account, SYSTEM_ACCOUNT) else PROVIDER_ACTOR
    request_id = entry.request_id if entry.request_id in own_requests else ""
    return replace(entry, data=data, actor=actor, request_id=request_id)


def seen_by(
    entries: list[HistoryEntry], resource: Resource, account: str | None
) -> list[HistoryEntry]:
    """The entries of ``resource``'s history that ``account`` may read (all for the
    operator, ``None``, and for the provider of a service)."""
    if account is None or resource.kind != "endpoint":
        return entries
    own_requests = {e.request_id for e in entries if e.actor == account}
    return [consumer_entry(e, resource.cloud_id, account, own_requests) for e in entries]
