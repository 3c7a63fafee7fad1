"""Use cases on PostgreSQL: atomic saves, conflicts, idempotency, read-your-writes."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from privatelink.composition import Runtime
from privatelink.domain.errors import (
    DryRunPassed,
    IdempotentParameterMismatch,
    IpAddressUnavailable,
)
from privatelink.domain.service import EndpointService
from privatelink.projections.views import ENDPOINT, SERVICE, endpoint_key, service_key
from tests.application.helpers import CONSUMER, create_endpoint, create_service


def test_read_your_writes_the_view_holds_the_endpoint_when_the_command_returns(
    runtime: Runtime,
) -> None:
    service_id = create_service(runtime)
    endpoint_id = create_endpoint(runtime, service_id)
    row = runtime.views.get(ENDPOINT, endpoint_key(endpoint_id))
    assert row is not None and row["owner"] == CONSUMER


def test_concurrent_endpoints_on_one_service_all_succeed_by_retrying_conflicts(
    runtime: Runtime,
) -> None:
    service_id = create_service(runtime)
    with ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(lambda _: create_endpoint(runtime, service_id), range(8)))
    service = runtime.app.repository.get(EndpointService.create_id(service_id))
    assert sorted(service.connections) == sorted(ids)


def test_ep_4_two_endpoints_taking_one_ip_end_with_exactly_one_winner(runtime: Runtime) -> None:
    service_id = create_service(runtime)

    def attempt(_: int) -> str:
        try:
            return create_endpoint(runtime, service_id, ip="127.16.1.77")
        except IpAddressUnavailable as error:
            return error.code

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(attempt, range(4)))
    assert sum(r.startswith("ep-") for r in results) == 1
    assert results.count("InvalidIpAddress.AlreadyUsed") == 3


def test_client_token_repeated_concurrently_creates_one_endpoint(runtime: Runtime) -> None:
    service_id = create_service(runtime)
    with ThreadPoolExecutor(4) as pool:
        ids = set(
            pool.map(
                lambda _: create_endpoint(
                    runtime, service_id, client_token="tok-1", fingerprint="same"
                ),
                range(4),
            )
        )
    assert len(ids) == 1
    service = runtime.app.repository.get(EndpointService.create_id(service_id))
    assert list(service.connections) == list(ids)


def test_client_token_with_other_parameters_is_refused(runtime: Runtime) -> None:
    service_id = create_service(runtime)
    create_endpoint(runtime, service_id, client_token="tok-2", fingerprint="a")
    with pytest.raises(IdempotentParameterMismatch):
        create_endpoint(runtime, service_id, client_token="tok-2", fingerprint="b")


def test_dry_run_validates_and_records_nothing(runtime: Runtime) -> None:
    service_id = create_service(runtime)
    row = lambda: runtime.views.get(SERVICE, service_key(service_id))
    while row()["doc"]["ServiceStatus"] != "Active":
        time.sleep(0.01)  # the service's activation is the last event to wait for
    before = runtime.app.recorder.max_notification_id()
    with pytest.raises(DryRunPassed):
        create_endpoint(runtime, service_id, dry_run=True)
    assert runtime.app.recorder.max_notification_id() == before


def test_aud_1_every_stored_event_names_its_actor_and_request(runtime: Runtime) -> None:
    create_endpoint(runtime, create_service(runtime))
    for notification in runtime.app.recorder.select_notifications(start=1, limit=1000):
        event = runtime.app.mapper.to_domain_event(notification)
        if hasattr(event, "actor"):
            assert event.actor and event.request_id and event.timestamp
