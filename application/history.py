"""History queries over the event store: what happened to a resource, and what it was at any
past time or version (AUD-1, AUD-2). Read straight from the aggregates' own events, so the
answer is what the log says, not what a view remembers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import OriginatorVersionError

from privatelink.domain.endpoint import Endpoint
from privatelink.domain.errors import (
    EndpointNotFound,
    EndpointServiceNotFound,
    NotFound,
    RecordNotFound,
)
from privatelink.domain.errors_invalid import (
    InvalidParameterAsOf,
    InvalidParameterResourceId,
    InvalidParameterVersion,
)
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


class HistoryQueries:
    """Mixin for the application: the audit log and time travel."""

    def owner_of(self, resource: Resource) -> str:
        first = next(iter(self._events(resource.aggregate_id, limit=1)), None)
        if first is None:
            raise not_found(resource)
        return str(first.actor)

    def check_history_access(self, account: str | None, resource: Resource) -> None:
        """SEC-3: only the owner sees a resource's history; ``None`` is the operator."""
        if account is not None and self.owner_of(resource) != account:
            raise not_found(resource)

    def history(
        self, resource: Resource, since: datetime | None = None, until: datetime | None = None
    ) -> list[HistoryEntry]:
        """Every event of the resource, oldest first; an endpoint's history includes its
        connection and zones, recorded by its service."""
        entries = [entry(e, resource.cloud_id) for e in self._events(resource.aggregate_id)]
        if not entries:
            raise not_found(resource)
        if resource.kind == "endpoint":
            service_id = entries[0].data["service_id"]
            entries += [
                entry(e, service_id)
                for e in self._events(EndpointService.create_id(service_id))
                if concerns(e, resource.cloud_id)
            ]
            entries.sort(key=lambda x: x.time)
        return [
            x
            for x in entries
            if (since is None or x.time >= since) and (until is None or x.time <= until)
        ]

    def version_at(self, aggregate_id: UUID, when: datetime) -> int:
        """The aggregate's version at a moment: found by binary search over its events'
        recorded times, each probe reading one event (so long histories stay cheap)."""
        low, high = 0, self._last_version(aggregate_id)
        while low < high:
            middle = (low + high + 1) // 2
            probe = self._event_at_or_before(aggregate_id, middle)
            if probe is None or probe.timestamp <= when:
                low = middle
            else:
                high = middle - 1
        # A version missing from the log (issue 16) stands for the last one recorded before it.
        found = self._event_at_or_before(aggregate_id, low) if low else None
        return 0 if found is None else int(found.originator_version)

    def _event_at_or_before(self, aggregate_id: UUID, version: int) -> Any:
        return next(iter(self._events(aggregate_id, lte=version, desc=True, limit=1)), None)

    def as_of(
        self, resource: Resource, when: datetime | None = None, version: int | None = None
    ) -> tuple[Any, Any | None]:
        """The aggregate (and, for an endpoint, its service) as it was then; both latest when
        neither a time nor a version is given."""
        latest = version is None and when is None
        if latest:
            version = self.latest_version(resource)
        elif version is None:
            version = self.version_at(resource.aggregate_id, when)  # type: ignore[arg-type]
        aggregate = self._at_version(resource, version)
        if when is None:
            when = self._time_of(resource.aggregate_id, version)
        if resource.kind != "endpoint":
            return aggregate, None
        service_id = EndpointService.create_id(aggregate.service_id)
        service_version = (
            self._last_version(service_id) if latest else self.version_at(service_id, when)
        )
        service = self._get(service_id, service_version) if service_version else None
        return aggregate, service

    def as_of_event(
        self, resource: Resource, stream_id: str, version: int
    ) -> tuple[Any, Any | None]:
        """The resource right after event ``version`` of ``stream_id``: its own stream, or (for
        an endpoint) its service's, whose events about the endpoint its history lists too."""
        if stream_id == resource.cloud_id:
            return self.as_of(resource, version=version)
        service_id = self._service_of(resource)
        if stream_id != service_id:
            raise InvalidParameterVersion(
                f"{resource.cloud_id}'s history has no stream {stream_id}; it "
                f"has {resource.cloud_id}" + (f" and {service_id}." if service_id else ".")
            )
        service_aggregate = EndpointService.create_id(service_id)
        event = next(iter(self._events(service_aggregate, gt=version - 1, lte=version)), None)
        if event is None or version < 1:
            raise InvalidParameterVersion(
                f"{service_id} has no version {version}; its latest is "
                f"{self._last_version(service_aggregate)}."
            )
        # The endpoint's events up to that moment, and those of the same request (one command
        # records the endpoint's and the service's events together).
        own = max(
            (
                int(e.originator_version)
                for e in self._events(resource.aggregate_id)
                if e.timestamp <= event.timestamp
                or getattr(e, "request_id", None) == getattr(event, "request_id", "")
            ),
            default=0,
        )
        return self._at_version(resource, own), self._get(service_aggregate, version)

    def _service_of(self, resource: Resource) -> str | None:
        if resource.kind != "endpoint":
            return None
        first = next(iter(self._events(resource.aggregate_id, limit=1)), None)
        return None if first is None else str(first.service_id)

    def latest_version(self, resource: Resource) -> int:
        version = self._last_version(resource.aggregate_id)
        if not version:
            raise not_found(resource)
        return version

    def _last_version(self, aggregate_id: UUID) -> int:
        """The aggregate's latest version; 0 when it has no events."""
        last = next(iter(self._events(aggregate_id, desc=True, limit=1)), None)
        return 0 if last is None else int(last.originator_version)

    def _at_version(self, resource: Resource, version: int) -> Any:
        if version < 1:
            raise InvalidParameterAsOf(f"{resource.cloud_id} did not exist at that time.")
        aggregate = self._get(resource.aggregate_id, version)
        if aggregate.version != version:
            raise InvalidParameterVersion(
                f"{resource.cloud_id} has no version {version}; its latest is {aggregate.version}."
            )
        return aggregate

    def _time_of(self, aggregate_id: UUID, version: int) -> datetime:
        event = next(iter(self._events(aggregate_id, gt=version - 1, lte=version)), None)
        if event is None:
            raise InvalidParameterVersion(f"The log holds no version {version} of this resource.")
        return event.timestamp  # type: ignore[no-any-return]

    def _get(self, aggregate_id: UUID, version: int) -> Any:
        """The aggregate at ``version``; a log with a gap below it (issue 16) is a 4xx that
        says so, not a crash."""
        app: Application[UUID] = self  # type: ignore[assignment]
        try:
            return app.repository.get(aggregate_id, version=version)
        except AggregateNotFoundError:
            raise RecordNotFound(str(aggregate_id)) from None
        except OriginatorVersionError as error:
            raise InvalidParameterVersion(
                f"Version {version} cannot be rebuilt: the log skips a version before it "
                f"({error.args[0] if error.args else '?'} follows a missing one); run "
                "`privatelink check`."
            ) from None

    def _events(self, aggregate_id: UUID, **kwargs: Any) -> Any:
        app: Application[UUID] = self  # type: ignore[assignment]
        return app.events.get(aggregate_id, **kwargs)


def not_found(resource: Resource) -> NotFound:
    if resource.kind == "service":
        return EndpointServiceNotFound(resource.cloud_id)
    return EndpointNotFound(resource.cloud_id)
