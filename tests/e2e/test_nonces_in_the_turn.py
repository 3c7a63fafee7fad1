"""Issue 17: a command's signature nonce is remembered in the writer's turn that decides it,
with the turn's opening (no round trip of its own), and replay protection (SEC-1) holds as
before: a replayed command is refused and acts on nothing, a refused command's nonce is
remembered too, the same request sent twice at once is taken once, and a request that no turn
takes (a read) remembers its nonce itself."""

from __future__ import annotations

import threading

from tests.conftest import CONSUMER, PROVIDER, Server
from tests.e2e.helpers import CONSUMER_VPC, REGION, create_service, endpoint_ids, guarded_client
from tests.reliability.signing import Answer, SignedRequest, request


def signed_create(server: Server, service_id: str) -> SignedRequest:
    return request(
        server.endpoint,
        "CreateVpcEndpoint",
        CONSUMER,
        [
            ("RegionId", REGION),
            ("VpcId", CONSUMER_VPC),
            ("ServiceId", service_id),
            ("Zone.1.ZoneId", "cn-hangzhou-h"),
            ("Zone.1.VSwitchId", "vsw-consumer-h"),
        ],
    )


def test_sec_1_a_replayed_create_is_refused_and_creates_nothing(server: Server) -> None:
    consumer = guarded_client(server.endpoint, CONSUMER)
    service_id = create_service(guarded_client(server.endpoint, PROVIDER))
    create = signed_create(server, service_id)
    assert create.send().status == 200
    before = endpoint_ids(consumer)
    replayed = create.send()
    assert (replayed.status, replayed.code) == (400, "SignatureNonceUsed"), replayed
    assert replayed.in_cloud_shape()
    assert endpoint_ids(consumer) == before
    assert signed_create(server, service_id).send().status == 200  # a fresh nonce is taken


def test_sec_1_a_refused_commands_nonce_is_remembered_too(server: Server) -> None:
    """The turn that refuses the command commits its nonce all the same."""
    refused = signed_create(server, "epsrv-doesnotexist0001")
    first = refused.send()
    assert (first.status, first.code) == (404, "EndpointServiceNotFound"), first
    again = refused.send()
    assert (again.status, again.code) == (400, "SignatureNonceUsed"), again


def test_sec_1_the_same_request_sent_twice_at_once_is_taken_once(server: Server) -> None:
    """Both copies may reach the writer in one batch (the first keeps the nonce) or in two
    turns (the second finds it used): either way one create, one refusal."""
    consumer = guarded_client(server.endpoint, CONSUMER)
    service_id = create_service(guarded_client(server.endpoint, PROVIDER))
    for _ in range(6):
        before = endpoint_ids(consumer)
        answers = twice_at_once(signed_create(server, service_id))
        assert sorted((a.status, a.code or "") for a in answers) == [
            (200, ""),
            (400, "SignatureNonceUsed"),
        ], answers
        assert len(endpoint_ids(consumer) - before) == 1


def twice_at_once(signed: SignedRequest) -> list[Answer]:
    answers: list[Answer] = []
    copies = [threading.Thread(target=lambda: answers.append(signed.send())) for _ in "ab"]
    for copy in copies:
        copy.start()
    for copy in copies:
        copy.join(timeout=60)
    return answers


def test_sec_1_a_replayed_read_is_refused(server: Server) -> None:
    """No writer's turn takes a read's nonce: the request remembers it before it answers."""
    listing = request(server.endpoint, "ListVpcEndpointServices", PROVIDER, [("RegionId", REGION)])
    assert listing.send().status == 200
    replayed = listing.send()
    assert (replayed.status, replayed.code) == (400, "SignatureNonceUsed"), replayed
