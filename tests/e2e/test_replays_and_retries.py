"""Issue 10, "Replays and retries": a signed request is accepted once per replay window by
every process on the store and across restarts (SEC-1), and a ClientToken retry gets the first
answer whatever happened since (IDEM: the cloud's idempotency promise)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from alibabacloud_privatelink20200415 import models as pl

from tests.conftest import CONSUMER, PROVIDER, Server
from tests.e2e.helpers import (
    REGION,
    create_service,
    delete_endpoint,
    endpoint_ids,
    endpoint_request,
    get_endpoint,
    guarded_client,
    wait_until,
)
from tests.reliability.processes import Serve, drop_schema
from tests.reliability.signing import request

LIST = ("ListVpcEndpointServices", PROVIDER, [("RegionId", REGION)])


@pytest.fixture
def store(database_url: str, schema: str) -> Iterator[tuple[str, str]]:
    yield database_url, schema
    drop_schema(database_url, schema)


def test_issue10_replayed_signed_request_is_refused_after_a_restart(store: tuple[str, str]) -> None:
    """The nonce store is in PostgreSQL: a restart does not forget the nonces of the window."""
    server = Serve(*store)
    try:
        signed = request(server.endpoint, *LIST)
        assert signed.send().status == 200
        server.kill()
        server.start()
        replayed = signed.send()
        assert replayed.status == 400 and replayed.code == "SignatureNonceUsed", replayed
        assert replayed.in_cloud_shape()
    finally:
        server.stop()


def test_issue10_replayed_signed_request_is_refused_by_a_second_server(
    store: tuple[str, str],
) -> None:
    """Two ``serve`` processes on one schema share the nonces: a request accepted by one is a
    replay for the other (the replay is re-addressed, the nonce and signature are the same)."""
    first, second = Serve(*store), Serve(*store)
    try:
        signed = request(first.endpoint, *LIST)
        assert signed.send().status == 200
        # Same host header (it is signed), delivered to the second server's socket.
        answer = _send_to(signed, second.endpoint)
        assert answer.status == 400 and answer.code == "SignatureNonceUsed", answer
        fresh = request(first.endpoint, *LIST)
        assert _send_to(fresh, second.endpoint).status == 200
    finally:
        first.stop()
        second.stop()


def _send_to(signed: Any, endpoint: str) -> Any:
    """``signed`` exactly as built (host header and signature), sent to ``endpoint``."""
    import httpx

    from tests.reliability.signing import Answer

    url = signed.url().replace(signed.host, endpoint, 1)
    response = httpx.post(url, headers=signed.headers(), content=signed.body(), timeout=30)
    return Answer(response.status_code, response.content)


def test_issue10_client_token_retry_returns_the_first_answer(server: Server) -> None:
    """A retried CreateVpcEndpoint answers what the first attempt answered, after the endpoint
    was renamed and after it was deleted (not today's state, not EndpointNotFound)."""
    provider = guarded_client(server.endpoint, PROVIDER)
    consumer = guarded_client(server.endpoint, CONSUMER)
    service_id = create_service(provider)
    create = endpoint_request(
        service_id, endpoint_name="first-name", client_token="retry-token-0001"
    )
    first = consumer.create_vpc_endpoint(create).body.to_map()
    endpoint_id = first["EndpointId"]
    wait_until(
        lambda: get_endpoint(consumer, endpoint_id).endpoint_status,
        lambda status: status == "Active",
    )
    consumer.update_vpc_endpoint_attribute(
        pl.UpdateVpcEndpointAttributeRequest(
            region_id=REGION, endpoint_id=endpoint_id, endpoint_name="renamed"
        )
    )
    assert _same(consumer.create_vpc_endpoint(create).body.to_map(), first)
    delete_endpoint(consumer, endpoint_id)
    wait_until(lambda: endpoint_ids(consumer), lambda ids: endpoint_id not in ids)
    assert _same(consumer.create_vpc_endpoint(create).body.to_map(), first)
    assert endpoint_ids(consumer) == set()


def _same(retry: dict[str, Any], first: dict[str, Any]) -> bool:
    assert retry.pop("RequestId") != first["RequestId"]
    assert retry == {k: v for k, v in first.items() if k != "RequestId"}, (retry, first)
    return True
