"""Issue 17: the event store inserts a batch as one statement of plain parameters (a row per
event), and a batch too large for one statement's parameters the library's way; either way
every event is stored, in order, with the notification ids the insert answered."""

from __future__ import annotations

from uuid import uuid4

import pytest
from eventsourcing.application import project_aggregate
from eventsourcing.persistence import IntegrityError, StoredEvent

from privatelink.application.app import MutatingRepository
from privatelink.composition import Runtime
from privatelink.domain.service import EndpointService
from privatelink.infra.recorder import VALUES_ROWS, PlainAggregateRecorder
from tests.application.helpers import create_endpoint, create_service


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


@pytest.mark.parametrize("count", [1, 3, VALUES_ROWS + 1])
def test_issue17_snapshots_are_stored_as_plain_parameters_and_read_back(
    runtime: Runtime, count: int
) -> None:
    """The snapshots' recorder is the plain one (one INSERT of plain parameters: a state of
    megabytes is not dumped as escaped text); its rows read back byte for byte, and a
    snapshot taken twice at one version is refused as the library's is."""
    snapshots = runtime.app.snapshots
    assert snapshots is not None
    recorder = snapshots.recorder
    assert isinstance(recorder, PlainAggregateRecorder)
    aggregate = uuid4()
    big = bytes(range(256)) * 8192  # 2 MiB, every byte value
    events = [
        StoredEvent(aggregate, version, "tests:Snapshot", big if version == 1 else b"{}")
        for version in range(1, count + 1)
    ]
    recorder.insert_events(events)
    stored = recorder.select_events(aggregate)
    assert [(e.originator_version, e.state) for e in stored] == [
        (e.originator_version, e.state) for e in events
    ]
    with pytest.raises(IntegrityError):
        recorder.insert_events(events[:1])


def test_issue17_an_aggregate_loads_and_snapshots_the_same_with_the_faster_replay(
    runtime: Runtime,
) -> None:
    """Loads and snapshots replay events with ``mutate_in_turn`` (the library's projector
    without its per-event protocol check): the state is the library's own."""
    service_id = create_service(runtime)
    for _ in range(3):
        create_endpoint(runtime, service_id)
    app = runtime.app
    assert isinstance(app.repository, MutatingRepository)
    key = EndpointService.create_id(service_id)
    mine = app.repository.get(key)
    libraries = app.repository.get(key, projector_func=project_aggregate)
    assert mine.__dict__ == libraries.__dict__ and mine.version == libraries.version
    app.take_snapshot(key, version=mine.version)
    assert app.snapshots is not None
    (snapshot,) = app.snapshots.get(key, desc=True, limit=1)
    assert snapshot.originator_version == mine.version
    assert app.repository.get(key).__dict__ == libraries.__dict__
