"""Issue 16, answers at the edges: a JSON document nested ~1,000 levels deep (a PolicyDocument,
an admin request) and bytes that are not UTF-8 in a parameter are refused with the cloud's 4xx,
naming what is wrong, and record nothing; before, they answered 500 (RecursionError) or were
stored with U+FFFD in place of the bytes."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from tests.conftest import CONSUMER, PROVIDER, sdk_client
from tests.e2e.helpers import CONSUMER_UID, create_endpoint, create_service
from tests.reliability.processes import Serve, settled_mark, store_mark
from tests.reliability.signing import ALGORITHM, VERSION, Answer, acs_date, request, signature

pytestmark = pytest.mark.reliability

R = ("RegionId", "cn-hangzhou")
DEEP = '{"Statement":' + "[" * 1500 + "]" * 1500 + "}"  # 3,014 characters: within 6,144
SHALLOW = (
    '{"Version":"1","Statement":[{"Effect":"Allow","Action":["*"],"Resource":["*"],'
    '"Principal":{"RAM":["*"]}}]}'
)


@dataclass
class Target:
    server: Serve
    database_url: str
    schema: str
    endpoint_id: str
    service_id: str

    def refused(self, answer: Answer, code: str, names: str) -> None:
        assert answer.status == 400 and answer.code == code, answer
        assert answer.in_cloud_shape(), answer
        assert names in str((answer.json or {}).get("Message")), answer


@pytest.fixture(scope="module")
def target(database_url: str, module_schema: str) -> Iterator[Target]:
    server = Serve(database_url, module_schema)
    try:
        service_id = create_service(sdk_client(server.endpoint, PROVIDER), users=(CONSUMER_UID,))
        endpoint_id = create_endpoint(sdk_client(server.endpoint, CONSUMER), service_id)
        yield Target(server, database_url, module_schema, endpoint_id, service_id)
    finally:
        server.stop()


def unchanged(target: Target) -> tuple[int, int]:
    return store_mark(target.database_url, target.schema)


def test_issue16_a_deeply_nested_policy_is_refused_on_create(target: Target) -> None:
    before = settled_mark(target.database_url, target.schema)
    answer = request(
        target.server.endpoint,
        "CreateVpcEndpoint",
        CONSUMER,
        [
            R,
            ("VpcId", "vpc-consumer0001"),
            ("ServiceId", target.service_id),
            ("SecurityGroupId.1", "sg-consumer0001"),
            ("Zone.1.ZoneId", "cn-hangzhou-h"),
            ("Zone.1.VSwitchId", "vsw-consumer-h"),
            ("PolicyDocument", DEEP),
        ],
    ).send()
    target.refused(answer, "InvalidParameter.PolicyDocument", "nested deeper than")
    assert unchanged(target) == before


def test_issue16_a_deeply_nested_policy_is_refused_on_update(target: Target) -> None:
    before = settled_mark(target.database_url, target.schema)
    update = ("UpdateVpcEndpointAttribute", CONSUMER)
    answer = request(
        target.server.endpoint,
        *update,
        [R, ("EndpointId", target.endpoint_id), ("PolicyDocument", DEEP)],
    ).send()
    target.refused(answer, "InvalidParameter.PolicyDocument", "nested deeper than")
    assert unchanged(target) == before
    accepted = request(
        target.server.endpoint,
        *update,
        [R, ("EndpointId", target.endpoint_id), ("PolicyDocument", SHALLOW)],
    ).send()
    assert accepted.status == 200, accepted


def test_issue16_a_deeply_nested_admin_request_is_refused(target: Target) -> None:
    response = httpx.post(
        f"http://{target.server.endpoint}/admin/faults",
        content=b'{"ResourceId":' * 5000 + b"1" + b"}" * 5000,
        timeout=30,
    )
    answer = Answer(response.status_code, response.content)
    target.refused(answer, "InvalidParameter", "body")


def test_issue16_invalid_utf8_in_a_query_parameter_is_refused_naming_it(target: Target) -> None:
    before = settled_mark(target.database_url, target.schema)
    answer = send_raw_query(
        target.server.endpoint,
        "UpdateVpcEndpointAttribute",
        CONSUMER,
        f"EndpointId={target.endpoint_id}&EndpointName=ab%FFcd&RegionId=cn-hangzhou",
    )
    target.refused(answer, "InvalidParameter", "EndpointName")
    assert "UTF-8" in str((answer.json or {}).get("Message")), answer
    assert unchanged(target) == before


@pytest.mark.parametrize("value", [b"%C3%28", b"\xff\xfe"], ids=["percent-encoded", "raw"])
def test_issue16_invalid_utf8_in_a_form_parameter_is_refused_naming_it(
    target: Target, value: bytes
) -> None:
    before = settled_mark(target.database_url, target.schema)
    body = (
        b"RegionId=cn-hangzhou&ResourceId.1="
        + target.endpoint_id.encode()
        + b"&ResourceType=vpcendpoint&Tag.1.Key=k&Tag.1.Value="
        + value
    )
    answer = request(target.server.endpoint, "TagResources", CONSUMER, raw_body=body).send()
    target.refused(answer, "InvalidParameter", "Tag.1.Value")
    assert unchanged(target) == before


def send_raw_query(host: str, action: str, key: tuple[str, str, str], query: str) -> Answer:
    """A request whose query is sent (and signed) byte for byte as given: already encoded,
    pairs sorted, so the canonical query is the query itself (WIRE.md §4)."""
    empty = hashlib.sha256(b"").hexdigest()
    headers = {
        "host": host,
        "x-acs-version": VERSION,
        "x-acs-action": action,
        "x-acs-date": acs_date(),
        "x-acs-signature-nonce": secrets.token_hex(16),
        "x-acs-content-sha256": empty,
    }
    names = sorted(headers)
    canonical = "\n".join(
        ["POST", "/", query, "".join(f"{n}:{headers[n]}\n" for n in names), ";".join(names), empty]
    )
    headers["authorization"] = (
        f"{ALGORITHM} Credential={key[0]},SignedHeaders="
        f"{';'.join(names)},Signature={signature(key[1], canonical)}"
    )
    response = httpx.post(f"http://{host}/?{query}", headers=headers, timeout=30)
    return Answer(response.status_code, response.content)
