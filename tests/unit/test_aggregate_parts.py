"""Issue 13 (domain): the service aggregate owns its parts and carries the caller once; what it
records and what its snapshots hold stay plain JSON, as before the parts were base classes."""

from __future__ import annotations

import json

import pytest
from eventsourcing.persistence import DatetimeAsISO, DecimalAsStr, JSONTranscoder, UUIDAsHex

from privatelink.domain.events import ConnectionEvents
from privatelink.domain.service import EndpointService
from tests.unit.helpers import connected_endpoint, new_service, provider


def transcoder() -> JSONTranscoder:
    """The transcodings the application registers (the library's defaults), no more."""
    found = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO()):
        found.register(transcoding)
    return found


def test_issue_13_every_event_of_a_command_carries_its_caller() -> None:
    service = new_service()
    service.add_user(provider, "1210000000000009")
    connected_endpoint(service)
    service.deny_connection(provider, "ep-test0001")
    for recorded in service.collect_events():
        assert (recorded.actor, recorded.request_id) == (provider.account, provider.request_id)


def test_issue_13_an_event_recorded_outside_a_command_is_refused() -> None:
    """No event can be recorded without a caller to stamp on it."""
    service = new_service()
    with pytest.raises(RuntimeError, match="outside a command"):
        service.trigger_event(ConnectionEvents.ConnectionClosed, endpoint_id="ep-x")


def test_issue_13_a_snapshot_of_a_composed_service_is_plain_json_and_restores() -> None:
    service = new_service(auto_accept=True)
    connected_endpoint(service)
    snapshot = EndpointService.Snapshot.take(service)
    codec = transcoder()
    state = codec.decode(codec.encode(snapshot.state))
    assert json.loads(codec.encode(state)) == json.loads(codec.encode(snapshot.state))
    restored = type(snapshot)(
        originator_id=snapshot.originator_id,
        originator_version=snapshot.originator_version,
        timestamp=snapshot.timestamp,
        topic=snapshot.topic,
        state=state,
    ).mutate(None)
    assert isinstance(restored, EndpointService)
    assert restored.connections == service.connections and restored.load() == service.load()
    restored.deny_connection(provider, "ep-test0001")
    assert restored.connection("ep-test0001")["status"] == "Disconnecting"


def test_issue_13_the_snapshot_keeps_the_state_keys_of_the_first_release() -> None:
    """Snapshots taken before the parts existed restore into today's aggregate: same keys."""
    state = EndpointService.Snapshot.take(new_service()).state
    assert set(state) == {
        "_created_on", "_modified_on", "service_id", "owner", "region", "resource_type",
        "resources", "auto_accept", "zone_affinity", "address_ip_version", "payer",
        "description", "ipv6", "resource_group_id", "tags", "supported_regions", "status",
        "users", "connect_bandwidth", "connections", "failed_resources", "resource_load",
    }  # fmt: skip
