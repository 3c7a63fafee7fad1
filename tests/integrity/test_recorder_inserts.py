"""Issue 17: the event store inserts a batch as one statement of plain parameters (a row per
event), and a batch too large for one statement's parameters the library's way; either way
every event is stored, in order, with the notification ids the insert answered."""

from __future__ import annotations

from uuid import uuid4

import pytest
from eventsourcing.persistence import StoredEvent

from privatelink.composition import Runtime
from privatelink.infra.recorder import VALUES_ROWS


@pytest.mark.parametrize("count", [1, 7, VALUES_ROWS + 1])
def test_issue17_a_batch_is_stored_in_order_with_the_ids_it_was_given(
    runtime: Runtime, count: int
) -> None:
    recorder = runtime.app.recorder
    aggregate = uuid4()
    events = [
        StoredEvent(aggregate, version, "tests:Event", f'{{"n": {version}}}'.encode())
        for version in range(1, count + 1)
    ]
    ids = list(recorder.insert_events(events) or [])
    assert len(ids) == count and ids == sorted(ids)
    stored = recorder.select_events(aggregate)
    assert [(e.originator_version, e.state) for e in stored] == [
        (e.originator_version, e.state) for e in events
    ]
    notifications = recorder.select_notifications(start=ids[0], limit=count)
    assert [(n.id, n.originator_version) for n in notifications] == list(
        zip(ids, range(1, count + 1), strict=True)
    )
