"""The audit log's entries and the resources it names (AUD-1): what the history queries
(``application.history``) answer with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from privatelink.domain.endpoint import Endpoint
from privatelink.domain.errors import EndpointNotFound, EndpointServiceNotFound, NotFound
from privatelink.domain.errors_invalid import InvalidParameterResourceId
from privatelink.domain.service import EndpointService

ENVELOPE = (
    "originator_id",
    "originator_version",
    "timestamp",
    "originator_topic",
    "actor",
    "request_id",
)


def iso_moment(value: str) -> datetime:
    """A time as the history takes it: ISO 8601, UTC when it names no zone (ValueError
    otherwise; each caller answers that in its own way)."""
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class HistoryEntry:
    """One event as an operator reads it."""

    version: int
    time: datetime
    type: str
    actor: str
    request_id: str
    data: dict[str, Any]
    resource: str

    def as_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "time": self.time.isoformat().replace("+00:00", "Z"),
            "type": self.type,
            "actor": self.actor,
            "request_id": self.request_id,
            "data": self.data,
        }


def entry(event: Any, resource: str) -> HistoryEntry:
    data = {k: v for k, v in vars(event).items() if k not in ENVELOPE}
    return HistoryEntry(
        event.originator_version,
        event.timestamp,
        type(event).__qualname__.rsplit(".", 1)[-1],
        getattr(event, "actor", ""),
        getattr(event, "request_id", ""),
        data,
        resource,
    )


def concerns(event: Any, endpoint_id: str) -> bool:
    """Whether a service event is about this endpoint's connection or zones."""
    data = vars(event)
    if data.get("endpoint_id") == endpoint_id:
        return True
    if isinstance(data.get("endpoint"), dict):
        return bool(data["endpoint"].get("endpoint_id") == endpoint_id)
    if endpoint_id in data.get("endpoint_ids", []):
        return True
    return any(
        endpoint_id == item[0]
        for key in ("moves", "stranded", "healed")
        for item in data.get(key, [])
    )


@dataclass(frozen=True)
class Resource:
    """A service or endpoint named by its cloud id."""

    kind: str
    cloud_id: str
    aggregate_id: UUID


def resource_named(cloud_id: str) -> Resource:
    if cloud_id.startswith("epsrv-"):
        return Resource("service", cloud_id, EndpointService.create_id(cloud_id))
    if cloud_id.startswith("ep-"):
        return Resource("endpoint", cloud_id, Endpoint.create_id(cloud_id))
    raise InvalidParameterResourceId(
        f"'{cloud_id}' is neither an endpoint service (epsrv-…) nor an endpoint (ep-…) id."
    )


def not_found(resource: Resource) -> NotFound:
    if resource.kind == "service":
        return EndpointServiceNotFound(resource.cloud_id)
    return EndpointNotFound(resource.cloud_id)
