"""Signature attacks (SEC-1, SEC-3): a replayed nonce, a stale or future date, a signature over
other parameters or another body, SignedHeaders that leave out ``x-acs-action`` or ``host``,
an unknown key, a known key with the wrong secret, and a valid key of another account used on
that account's resource ids. Each is refused with a named 4xx in the cloud's shape and none
reaches a command: the event log is unchanged."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.conftest import CONSUMER, OUTSIDER, PROVIDER, sdk_client
from tests.e2e.helpers import CONSUMER_UID, create_endpoint, create_service, wait_connection
from tests.reliability import figures
from tests.reliability.processes import Serve, settled_mark, store_mark
from tests.reliability.signing import SignedRequest, request, stale

pytestmark = pytest.mark.reliability

R = ("RegionId", "cn-hangzhou")
SIGNED = (
    "accept",
    "host",
    "user-agent",
    "x-acs-action",
    "x-acs-content-sha256",
    "x-acs-date",
    "x-acs-signature-nonce",
    "x-acs-version",
)


@dataclass
class Target:
    server: Serve
    database_url: str
    schema: str
    service_id: str
    endpoint_id: str
    attacks: int = 0

    def create_service(self) -> SignedRequest:
        return request(
            self.server.endpoint,
            "CreateVpcEndpointService",
            PROVIDER,
            [R, ("Resource.1.ResourceId", "nlb-provider0001"), ("Resource.1.ResourceType", "nlb")],
        )

    def refused(self, attack: SignedRequest, status: int, code: str) -> None:
        # Settled first: a genuine request just before (the replay test's) has provisioner
        # steps of its own still to land.
        before = settled_mark(self.database_url, self.schema)
        answer = attack.send()
        self.attacks += 1
        assert (answer.status, answer.code) == (status, code), answer
        assert answer.in_cloud_shape(), answer
        assert store_mark(self.database_url, self.schema) == before, (
            f"the refused request reached a command: {answer}"
        )


@pytest.fixture(scope="module")
def target(database_url: str, module_schema: str) -> Iterator[Target]:
    schema = module_schema
    server = Serve(database_url, schema)
    try:
        provider = sdk_client(server.endpoint, PROVIDER)
        consumer = sdk_client(server.endpoint, CONSUMER)
        service_id = create_service(provider, users=(CONSUMER_UID,))
        endpoint_id = create_endpoint(consumer, service_id)
        wait_connection(consumer, endpoint_id, "Pending")
        state = Target(server, database_url, schema, service_id, endpoint_id)
        yield state
        figures.add("signature_attacks", attacks_sent=state.attacks)
    finally:
        server.stop()


def test_a_replayed_nonce_is_refused_and_creates_nothing(target: Target) -> None:
    genuine = target.create_service()
    assert genuine.send().status == 200
    target.refused(genuine, 400, "SignatureNonceUsed")


@pytest.mark.parametrize("minutes", [16, -16, 24 * 60], ids=["16min-old", "16min-ahead", "1day"])
def test_a_stale_or_future_date_is_refused(target: Target, minutes: float) -> None:
    target.refused(
        target.create_service().but(date=stale(minutes)), 400, "InvalidTimeStamp.Expired"
    )


@pytest.mark.parametrize("date", ["2026-11-26 07:19:08", "2026-13-01T00:00:00Z", "now", ""])
def test_a_malformed_date_is_refused(target: Target, date: str) -> None:
    code = "IncompleteSignature" if not date else "InvalidTimeStamp.Format"
    target.refused(target.create_service().but(date=date), 400, code)


def test_a_signature_over_other_parameters_is_refused(target: Target) -> None:
    genuine = target.create_service()
    signed_for = [*genuine.query, ("ServiceDescription", "harmless")]
    sent = [*genuine.query, ("ServiceDescription", "changed")]
    target.refused(
        genuine.but(query=tuple(sent), sign_query=tuple(signed_for)), 400, "SignatureDoesNotMatch"
    )
    target.refused(
        genuine.but(
            query=(*genuine.query, ("AutoAcceptEnabled", "true")), sign_query=genuine.query
        ),
        400,
        "SignatureDoesNotMatch",
    )


def test_a_signature_over_another_body_is_refused(target: Target) -> None:
    form = (
        R,
        ("ResourceType", "vpcendpointservice"),
        ("ResourceId.1", target.service_id),
        ("Tag.1.Key", "k"),
        ("Tag.1.Value", "v"),
    )
    genuine = request(target.server.endpoint, "TagResources", PROVIDER, form=form)
    headers = genuine.headers()
    tampered = genuine.body().replace(b"Value=v", b"Value=w")

    class Swapped(SignedRequest):
        def headers(self) -> dict[str, str]:
            return headers

    attack = Swapped(
        genuine.host,
        genuine.action,
        genuine.key,
        raw_body=tampered,
        nonce=genuine.nonce,
        date=genuine.date,
    )
    target.refused(attack, 400, "SignatureDoesNotMatch")


def test_a_signature_under_another_action_header_is_refused(target: Target) -> None:
    """A harmless signed request (a listing filtered by the service id) relabelled as a
    deletion of that service: only the x-acs-action header differs."""
    genuine = request(
        target.server.endpoint,
        "ListVpcEndpointServices",
        PROVIDER,
        [R, ("ServiceId", target.service_id)],
    )
    headers = {**genuine.headers(), "x-acs-action": "DeleteVpcEndpointService"}

    class Relabelled(SignedRequest):
        def headers(self) -> dict[str, str]:
            return headers

    target.refused(
        Relabelled(genuine.host, "DeleteVpcEndpointService", genuine.key, genuine.query),
        400,
        "SignatureDoesNotMatch",
    )


@pytest.mark.parametrize(
    "left_out",
    [
        "x-acs-action",
        "host",
        "x-acs-date",
        "x-acs-signature-nonce",
        "x-acs-content-sha256",
        "x-acs-version",
    ],
)
def test_signed_headers_must_cover_action_host_and_the_rest(target: Target, left_out: str) -> None:
    names = [name for name in SIGNED if name != left_out]
    target.refused(target.create_service().but(signed_names=names), 400, "IncompleteSignature")


def test_an_unsigned_request_is_refused(target: Target) -> None:
    genuine = target.create_service()

    class Unsigned(SignedRequest):
        def headers(self) -> dict[str, str]:
            return {k: v for k, v in genuine.headers().items() if k != "authorization"}

    target.refused(
        Unsigned(genuine.host, genuine.action, genuine.key, genuine.query),
        400,
        "IncompleteSignature",
    )


def test_an_unknown_access_key_is_refused(target: Target) -> None:
    target.refused(
        target.create_service().but(key=("LTAI5tNobodyAtAll0099", "x", "0")),
        404,
        "InvalidAccessKeyId.NotFound",
    )


def test_a_known_key_signed_with_another_accounts_secret_is_refused(target: Target) -> None:
    target.refused(
        target.create_service().but(sign_secret=OUTSIDER[1]), 400, "SignatureDoesNotMatch"
    )
    target.refused(
        request(
            target.server.endpoint,
            "DeleteVpcEndpoint",
            CONSUMER,
            [R, ("EndpointId", target.endpoint_id)],
            sign_secret=PROVIDER[1],
        ),
        400,
        "SignatureDoesNotMatch",
    )


FOREIGN = [
    ("DeleteVpcEndpointService", OUTSIDER, "ServiceId", "EndpointServiceNotFound"),
    ("UpdateVpcEndpointServiceAttribute", CONSUMER, "ServiceId", "EndpointServiceNotFound"),
    ("AddUserToVpcEndpointService", OUTSIDER, "ServiceId", "EndpointServiceNotFound"),
    ("EnableVpcEndpointConnection", CONSUMER, "ServiceId", "EndpointServiceNotFound"),
    ("DeleteVpcEndpoint", PROVIDER, "EndpointId", "EndpointNotFound"),
    ("UpdateVpcEndpointAttribute", OUTSIDER, "EndpointId", "EndpointNotFound"),
]


@pytest.mark.parametrize(
    ("action", "key", "id_param", "code"),
    FOREIGN,
    ids=[f"{a}-as-{k[2][-1]}" for a, k, _, _ in FOREIGN],
)
def test_a_valid_key_of_another_account_cannot_touch_its_resources(
    target: Target, action: str, key: tuple[str, str, str], id_param: str, code: str
) -> None:
    query = [
        R,
        ("ServiceId", target.service_id),
        ("EndpointId", target.endpoint_id),
        ("UserId", OUTSIDER[2]),
        ("ServiceDescription", "mine now"),
        ("EndpointName", "mine-now"),
    ]
    wanted = {
        "DeleteVpcEndpointService": {"RegionId", "ServiceId"},
        "UpdateVpcEndpointServiceAttribute": {"RegionId", "ServiceId", "ServiceDescription"},
        "AddUserToVpcEndpointService": {"RegionId", "ServiceId", "UserId"},
        "EnableVpcEndpointConnection": {"RegionId", "ServiceId", "EndpointId"},
        "DeleteVpcEndpoint": {"RegionId", "EndpointId"},
        "UpdateVpcEndpointAttribute": {"RegionId", "EndpointId", "EndpointName"},
    }[action]
    target.refused(
        request(target.server.endpoint, action, key, [p for p in query if p[0] in wanted]),
        404,
        code,
    )
