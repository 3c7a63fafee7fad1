"""Issue 17: the writer's snapshots are taken on a thread of their own, from the store at the
committed version that crossed the interval, so no batch waits for one."""

from __future__ import annotations

import threading
from typing import Any
from uuid import UUID

import pytest

from privatelink.application.app import mutate_in_turn
from privatelink.application.snapshotter import Snapshotter
from privatelink.application.unit_of_work import scaled_interval, snapshot_weight
from privatelink.composition import Runtime
from privatelink.domain.addresses import VSwitchAddresses
from privatelink.domain.base import Caller
from privatelink.domain.endpoint import Endpoint
from privatelink.domain.service import EndpointService
from tests.application.helpers import CONSUMER, PROVIDER, create_endpoint, create_service
from tests.integrity.helpers import drive_to_version, wait_until

INTERVAL = 100


def test_issue17_snapshots_are_taken_off_the_writer_at_the_crossing_version(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken: list[tuple[str, UUID, int]] = []
    take = Snapshotter._take

    def recorded(snapshotter: Snapshotter, aggregate_id: UUID, version: int) -> None:
        take(snapshotter, aggregate_id, version)  # recorded once it is stored: read below
        taken.append((threading.current_thread().name, aggregate_id, version))

    monkeypatch.setattr(Snapshotter, "_take", recorded)
    endpoint_id = create_endpoint(runtime, create_service(runtime))
    key = Endpoint.create_id(endpoint_id)
    drive_to_version(runtime, CONSUMER, "vpcendpoint", endpoint_id, key, INTERVAL + 1)
    wait_until(lambda: (("snapshotter", key, INTERVAL)) in taken)
    snapshot = next(iter(runtime.app.snapshots.get(key, desc=True, limit=1)))  # type: ignore[union-attr]
    assert snapshot.originator_version == INTERVAL


def test_issue17_a_snapshot_taken_already_is_not_an_error(runtime: Runtime) -> None:
    endpoint_id = create_endpoint(runtime, create_service(runtime))
    key = Endpoint.create_id(endpoint_id)
    snapshotter = Snapshotter(runtime.app)
    snapshotter.start()
    snapshotter.take(key, 1)
    snapshotter.take(key, 1)
    snapshotter.stop()
    assert not snapshotter._thread.is_alive()
    assert [s.originator_version for s in runtime.app.snapshots.get(key)] == [1]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("interval", "weight", "expected"),
    [(500, 0, 500), (500, 500, 500), (500, 501, 1000), (500, 2_000, 2_000), (500, 9_000, 16_000)],
)
def test_issue17_a_snapshots_interval_grows_with_what_it_carries(
    interval: int, weight: int, expected: int
) -> None:
    assert scaled_interval(interval, weight) == expected
    assert expected % interval == 0


def test_issue17_a_service_with_more_connections_than_its_interval_snapshots_less_often(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With an interval of 1 (monkeypatched) and two connections, the service is snapshotted
    at every other version only, each read back from the store at that version."""
    monkeypatch.setitem(type(runtime.app).snapshotting_intervals, EndpointService, 1)
    service_id = create_service(runtime)
    create_endpoint(runtime, service_id)
    create_endpoint(runtime, service_id)
    key = EndpointService.create_id(service_id)
    since = runtime.app.repository.get(key).version
    drive_to_version(runtime, PROVIDER, "vpcendpointservice", service_id, key, since + 10)
    top = runtime.app.repository.get(key).version

    def versions() -> list[int]:
        snapshots = runtime.app.snapshots.get(key, gt=since)  # type: ignore[union-attr]
        return [s.originator_version for s in snapshots]

    last_even = top - top % 2
    wait_until(lambda: last_even in versions())
    assert versions() == list(range(since + 2 - since % 2, last_even + 1, 2))


def test_issue17_the_next_snapshot_applies_only_the_events_since_the_last(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The snapshot thread keeps what it snapshotted: the next snapshot of that aggregate
    reads only the events committed since (not the previous snapshot), and its state is
    exactly a replay of every event from the store."""
    service_id = create_service(runtime)
    for _ in range(3):
        create_endpoint(runtime, service_id)
    app = runtime.app
    key = EndpointService.create_id(service_id)
    first = 2
    last = app.repository.get(key).version
    loads: list[int | None] = []
    get = type(app.repository).get

    def counted(repository: Any, aggregate_id: UUID, **kwargs: Any) -> Any:
        loads.append(kwargs.get("version"))
        return get(repository, aggregate_id, **kwargs)

    monkeypatch.setattr(type(app.repository), "get", counted)
    snapshotter = Snapshotter(app)
    snapshotter.start()
    snapshotter.take(key, first)
    snapshotter.take(key, last)
    snapshotter.stop()
    assert loads == [first]  # the second one did not load
    assert app.snapshots is not None
    assert [s.originator_version for s in app.snapshots.get(key)] == [first, last]
    replayed = mutate_in_turn(None, app.events.get(key, lte=last))
    assert app.repository.get(key, version=last).__dict__ == replayed.__dict__


def test_issue17_a_kept_aggregate_steps_towards_its_next_snapshot(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between two snapshots the thread applies what was committed in steps (``advance``),
    read from the store, so the next snapshot replays only the last few events: the state
    it writes is still exactly a replay of every event, and an aggregate it does not keep
    is not loaded for a step."""
    service_id = create_service(runtime)
    for _ in range(4):
        create_endpoint(runtime, service_id)
    app = runtime.app
    key = EndpointService.create_id(service_id)
    last = app.repository.get(key).version
    stepped: list[int] = []
    since = Snapshotter._since

    def recorded(self: Snapshotter, aggregate: Any, version: int) -> Any:
        stepped.append(version - aggregate.version)
        return since(self, aggregate, version)

    monkeypatch.setattr(Snapshotter, "_since", recorded)
    snapshotter = Snapshotter(app)
    snapshotter.start()
    snapshotter.advance(key, 3)  # not kept: nothing is loaded for it
    snapshotter.take(key, 2)
    snapshotter.advance(key, last - 1)
    snapshotter.take(key, last)
    snapshotter.stop()
    assert stepped == [last - 3, 1]  # the step, then one event for the snapshot at ``last``
    assert app.snapshots is not None
    assert [s.originator_version for s in app.snapshots.get(key)] == [2, last]
    replayed = mutate_in_turn(None, app.events.get(key, lte=last))
    assert app.repository.get(key, version=last).__dict__ == replayed.__dict__


def test_issue17_a_vswitch_snapshots_less_often_as_its_addresses_grow() -> None:
    """A vSwitch's address book is snapshotted whole: its interval grows with the addresses
    taken, as a service's does with its connections."""
    book = VSwitchAddresses.created_by(
        Caller("system", "r"), vswitch_id="vsw-1", cidr="10.0.0.0/16"
    )
    book.taken.update({f"10.0.{i // 250}.{i % 250 + 1}": "eni" for i in range(3_000)})
    assert snapshot_weight(book) == 3_000
    assert scaled_interval(1_000, snapshot_weight(book)) == 4_000
