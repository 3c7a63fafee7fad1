"""Export the event log as JSON lines, and import such a file into an empty store (AUD-4)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from privatelink.application.app import PrivateLinkApp

BATCH = 1000
LABEL_KEYS = ("endpoint_id", "service_id", "resource_id", "vswitch_id")
REQUIRED = ("position", "originator_id", "originator_version", "topic", "state")


class ImportRefused(Exception):
    """The file cannot be imported; the message names the line."""


def event_time(state: dict[str, Any]) -> datetime | None:
    stamp = state.get("timestamp")
    if isinstance(stamp, dict):
        stamp = stamp.get("_data_")
    return datetime.fromisoformat(stamp) if isinstance(stamp, str) else None


def export_lines(
    app: PrivateLinkApp,
    since: datetime | None = None,
    until: datetime | None = None,
    account: str | None = None,
) -> Iterator[str]:
    """One JSON object per event, oldest first, numbered from 1 without gaps."""
    owned = owned_aggregates(app, account) if account else None
    position = 0
    for notification in all_notifications(app):
        state = json.loads(notification.state)
        moment = event_time(state)
        if owned is not None and notification.originator_id not in owned:
            continue
        if moment is not None and ((since and moment < since) or (until and moment > until)):
            continue
        position += 1
        yield export_line(position, notification, state)


def export_line(position: int, notification: Any, state: dict[str, Any]) -> str:
    record = {
        "position": position,
        "originator_id": str(notification.originator_id),
        "originator_version": notification.originator_version,
        "topic": notification.topic,
        "state": state,
    }
    return json.dumps(record, sort_keys=True)


def all_notifications(app: PrivateLinkApp) -> Iterator[Any]:
    start = 1
    while True:
        batch = app.recorder.select_notifications(start=start, limit=BATCH)
        if not batch:
            return
        yield from batch
        start = batch[-1].id + 1


def owned_aggregates(app: PrivateLinkApp, account: str) -> set[UUID]:
    """Aggregates whose first event was recorded by the account."""
    return {
        n.originator_id
        for n in all_notifications(app)
        if n.originator_version == 1 and json.loads(n.state).get("actor") == account
    }


@dataclass(frozen=True)
class Imported:
    events: int
    aggregates: int


def read_events(lines: Iterable[str]) -> list[StoredEvent]:
    """Validate the whole file first: broken records and gaps are refused by line number."""
    events: list[StoredEvent] = []
    versions: dict[UUID, int] = {}
    labels: dict[UUID, str] = {}
    for number, line in enumerate(lines, 1):
        record = parse_line(number, line)
        if record["position"] != number:
            raise ImportRefused(
                f"line {number}: position {record['position']} leaves a gap (expected {number})"
            )
        originator = UUID(record["originator_id"])
        labels.setdefault(originator, resource_label(record["state"]))
        expected = versions.get(originator, 0) + 1
        if record["originator_version"] != expected:
            found = record["originator_version"]
            raise ImportRefused(
                version_gap(number, originator, labels[originator], expected, found)
            )
        versions[originator] = expected
        state = json.dumps(record["state"]).encode()
        events.append(StoredEvent(originator, expected, record["topic"], state))
    return events


def resource_label(state: dict[str, Any]) -> str:
    """The resource id a person knows an aggregate by, when its event names one."""
    for key in LABEL_KEYS:
        if isinstance(state.get(key), str):
            return str(state[key])
    return ""


def version_gap(number: int, originator: UUID, label: str, expected: int, found: int) -> str:
    """Why a log with a version gap cannot be imported, precisely (issue 16)."""
    name = f"{originator} ({label})" if label else str(originator)
    if found < expected:
        what = f"version {found} again (after version {expected - 1})"
    elif found == expected + 1:
        what = f"version {found}, so version {expected} is missing"
    else:
        what = f"version {found}, so versions {expected} to {found - 1} are missing"
    return (
        f"line {number}: aggregate {name}: expected version {expected} but found "
        f"{what}. The source store has a gap in its log; `privatelink check` on it names "
        "every such aggregate."
    )


def parse_line(number: int, line: str) -> dict[str, Any]:
    try:
        record = json.loads(line)
        if not isinstance(record, dict) or any(key not in record for key in REQUIRED):
            raise ValueError(f"needs the keys {', '.join(REQUIRED)}")
        UUID(record["originator_id"])
        if not isinstance(record["state"], dict) or not isinstance(record["topic"], str):
            raise TypeError("state must be an object and topic a string")
        if not isinstance(record["position"], int) or not isinstance(
            record["originator_version"], int
        ):
            raise TypeError("position and originator_version must be integers")
    except (ValueError, TypeError, AttributeError) as error:
        raise ImportRefused(f"line {number}: broken record ({error})") from None
    return record


def import_events(app: PrivateLinkApp, source: IO[str]) -> Imported:
    if app.recorder.max_notification_id():
        raise ImportRefused("the store is not empty; import needs an empty store")
    events = read_events(line for line in source if line.strip())
    for start in range(0, len(events), BATCH):
        app.recorder.insert_events(events[start : start + BATCH])
    return Imported(len(events), len({e.originator_id for e in events}))
