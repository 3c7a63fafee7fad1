"""History queries over the event store: what happened to a resource, and what it was at any
past time or version (AUD-1, AUD-2). Read straight from the aggregates' own events, so the
answer is what the log says, not what a view remembers."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import OriginatorVersionError

from privatelink.application.history_entries import (
    HistoryEntry,
    Resource,
    concerns,
    entry,
    iso_moment,
    not_found,
    resource_named,
)
from privatelink.application.history_tenancy import seen_by
from privatelink.domain.errors import RecordNotFound
from privatelink.domain.errors_invalid import InvalidParameterAsOf, InvalidParameterVersion
from privatelink.domain.service import EndpointService

__all__ = ["HistoryEntry", "HistoryQueries", "Resource", "entry", "iso_moment", "resource_named"]

AsOf = tuple[Any, Any | None]
"""A resource's aggregate at a moment, and (for an endpoint) its service's then."""


class HistoryQueries:
    """The audit log and time travel, read from ``store`` (the application's events and
    repository)."""

    def __init__(self, store: Application[UUID]) -> None:
        self.store = store

    def owner_of(self, resource: Resource) -> str:
        first = next(iter(self._events(resource.aggregate_id, limit=1)), None)
        if first is None:
            raise not_found(resource)
        return str(first.actor)

    def check_history_access(self, account: str | None, resource: Resource) -> None:
        """SEC-3: only the owner sees a resource's history; ``None`` is the operator."""
        if account is not None and self.owner_of(resource) != account:
            raise not_found(resource)

    def history_for(
        self,
        account: str | None,
        resource: Resource,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[HistoryEntry]:
        """SEC-3: another account's resource is not found; SEC-2: the owner reads what
        concerns it only."""
        self.check_history_access(account, resource)
        return seen_by(self.history(resource, since, until), resource, account)

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
    ) -> AsOf:
        """The aggregate (and, for an endpoint, its service) as it was then; both latest when
        neither a time nor a version is given."""
        latest = version is None and when is None
        if version is None:
            version = (
                self.latest_version(resource)
                if when is None
                else self.version_at(resource.aggregate_id, when)
            )
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

    def as_of_event(self, resource: Resource, stream_id: str, version: int) -> AsOf:
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
        event = self._service_event(service_id, service_aggregate, version)
        own = self._own_version_at(resource, event)
        return self._at_version(resource, own), self._get(service_aggregate, version)

    def _service_event(self, service_id: str, aggregate_id: UUID, version: int) -> Any:
        """Event ``version`` of the service; InvalidParameterVersion when there is none."""
        event = next(iter(self._events(aggregate_id, gt=version - 1, lte=version)), None)
        if event is None or version < 1:
            raise InvalidParameterVersion(
                f"{service_id} has no version {version}; its latest is "
                f"{self._last_version(aggregate_id)}."
            )
        return event

    def _own_version_at(self, resource: Resource, event: Any) -> int:
        """The endpoint's version at a service event: its events up to that moment, and those
        of the same request (one command records the endpoint's and the service's events
        together)."""
        request_id = getattr(event, "request_id", "")
        return max(
            (
                int(e.originator_version)
                for e in self._events(resource.aggregate_id)
                if e.timestamp <= event.timestamp or getattr(e, "request_id", None) == request_id
            ),
            default=0,
        )

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
        try:
            return self.store.repository.get(aggregate_id, version=version)
        except AggregateNotFoundError:
            raise RecordNotFound(str(aggregate_id)) from None
        except OriginatorVersionError as error:
            raise InvalidParameterVersion(
                f"Version {version} cannot be rebuilt: the log skips a version before it "
                f"({error.args[0] if error.args else '?'} follows a missing one); run "
                "`privatelink check`."
            ) from None

    def _events(self, aggregate_id: UUID, **kwargs: Any) -> Any:
        return self.store.events.get(aggregate_id, **kwargs)
