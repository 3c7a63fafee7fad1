"""Request authentication (rule SEC-1: unsigned or wrongly signed calls are refused).

Positive cases replay the raw captures of WIRE.md §8 and Appendix B, and requests the official
SDK makes against a throwaway in-process HTTP server. Negative cases sign their own requests
with the SDK's signing helpers, so the verifier is never checked against itself.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from types import SimpleNamespace
from urllib.parse import urlencode, urlsplit

import pytest
from alibabacloud_privatelink20200415 import models
from alibabacloud_privatelink20200415.client import Client
from alibabacloud_tea_openapi.utils import Utils
from alibabacloud_tea_openapi.utils_models import Config

from privatelink.api.auth import (
    Authenticated,
    Authenticator,
    AuthError,
    IncompleteSignature,
    InvalidAccessKeyIdNotFound,
    InvalidTimestampExpired,
    InvalidTimestampFormat,
    MemoryNonceStore,
    MissingAction,
    RawRequest,
    SignatureDoesNotMatch,
    SignatureNonceUsed,
)

AK, SECRET = "AKIDEXAMPLE", "SECRETEXAMPLE"
CAPTURED_AT = datetime(2026, 11, 26, 7, 19, 8, tzinfo=UTC)
EMPTY_SHA = hashlib.sha256(b"").hexdigest()

# --- Captures from WIRE.md, byte for byte --------------------------------------------------

SDK_HEADERS = """\
user-agent: AlibabaCloud (Linux; x86_64) Python/3.11.7 Core/0.4.3 TeaDSL/2
accept: application/json"""
SIGNED = (
    "accept;host;user-agent;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;"
    "x-acs-date;x-acs-signature-nonce;x-acs-version"
)

CAPTURE_8_1 = f"""\
POST /?CrossRegionBandwidth=1024&DryRun=False&EndpointName=my+ep%2F%E6%B5%8B%E8%AF%95%2A~&EndpointType=Interface&RegionId=cn-hangzhou&SecurityGroupId.1=sg-a&SecurityGroupId.2=sg-b&ServiceId=epsrv-x&Tag.1.Key=env&Tag.1.Value=dev&VpcId=vpc-1&Zone.1.VSwitchId=vsw-1&Zone.1.ZoneId=cn-hangzhou-h&Zone.1.ip=10.0.0.5&Zone.2.VSwitchId=vsw-2&Zone.2.ZoneId=cn-hangzhou-i&ZoneAffinityEnabled=True HTTP/1.1
Accept-Encoding: identity
host: 127.0.0.1:18080
x-acs-version: 2020-04-15
x-acs-action: CreateVpcEndpoint
{SDK_HEADERS}
x-acs-date: 2026-11-26T07:19:08Z
x-acs-signature-nonce: 50678162566cad7e597a4a4252da0064
x-acs-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
x-acs-credentials-provider: static_ak
Authorization: ACS3-HMAC-SHA256 Credential=AKIDEXAMPLE,SignedHeaders={SIGNED},Signature=91d18f9b50c3575a364ca4e03db4f38b3a89c8ad126382289738c7dea356a6ee
Content-Length: 0

"""

CAPTURE_8_4 = f"""\
POST / HTTP/1.1
Accept-Encoding: identity
host: 127.0.0.1:18080
x-acs-version: 2020-04-15
x-acs-action: TagResources
{SDK_HEADERS}
x-acs-date: 2026-11-26T07:19:08Z
x-acs-signature-nonce: 6bdd17597a9ad12df5543e26eeb919aa
content-type: application/x-www-form-urlencoded
x-acs-content-sha256: b6a8419775192de7e16353546361ac28a1e7baff946c58813bda250ad7bd2780
x-acs-credentials-provider: static_ak
Authorization: ACS3-HMAC-SHA256 Credential=AKIDEXAMPLE,SignedHeaders=accept;content-type;host;user-agent;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=21f02dc1379061ee85d6e66c5bae23d32b4e27b85ab04df166c1f7da05d8ce65
Content-Length: 113

RegionId=cn-hangzhou&ResourceId.1=ep-1&ResourceId.2=ep-2&ResourceType=vpcendpoint&Tag.1.Key=k+1&Tag.1.Value=v%261"""

CAPTURE_8_8 = f"""\
POST / HTTP/1.1
Accept-Encoding: identity
host: 127.0.0.1:18080
x-acs-version: 2020-04-15
x-acs-action: CheckProductOpen
{SDK_HEADERS}
x-acs-date: 2026-11-26T07:19:08Z
x-acs-signature-nonce: ed051087d1ea11132f4233e728d18c4a
x-acs-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
x-acs-credentials-provider: static_sts
x-acs-accesskey-id: AKIDEXAMPLE
x-acs-security-token: STS.TOKEN-EXAMPLE
Authorization: ACS3-HMAC-SHA256 Credential=AKIDEXAMPLE,SignedHeaders=accept;host;user-agent;x-acs-accesskey-id;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;x-acs-security-token;x-acs-signature-nonce;x-acs-version,Signature=df1407d8c32bcfc38d458cd79bb9bbb70324d576a12e55f01cd802fd77072ebe
Content-Length: 0

"""

CAPTURE_8_9 = f"""\
POST /?EndpointName=a+b*&RegionId=cn-hangzhou&SecurityGroupId.1=sg-a&VpcId=vpc-1&Zone.1.VSwitchId=v&Zone.1.ZoneId=z HTTP/1.1
host: 127.0.0.1:18080
x-acs-version: 2020-04-15
x-acs-action: CreateVpcEndpoint
{SDK_HEADERS}
x-acs-date: 2026-11-26T07:20:47Z
x-acs-signature-nonce: 2b12adacd77de8653bf75275f88f0ee2
x-acs-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
x-acs-credentials-provider: static_ak
Authorization: ACS3-HMAC-SHA256 Credential=AKIDEXAMPLE,SignedHeaders={SIGNED},Signature=c9cac1d929fe52edb1021a9bfde237534a428de06a2effdc349e45b56b3fed92
Accept-Encoding: gzip, deflate
Content-Length: 0
Content-Type: application/octet-stream

"""

LEGACY_HEADERS = """\
Accept-Encoding: identity
host: 127.0.0.1:18080
x-acs-version: 2020-04-15"""

CAPTURE_B_LIST = f"""\
POST /?Action=ListVpcEndpointServices&Format=json&Version=2020-04-15&Timestamp=2026-11-26T07%3A19%3A36Z&SignatureNonce=a250079fbf82d92f467d500c6e3c36d1&MaxResults=10&RegionId=cn-hangzhou&Tag.1.Key=a&Tag.1.Value=b+c&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0&AccessKeyId=AKIDEXAMPLE&Signature=U9MvyH8VeSG8bSfSvnXcA7Y%2Bh8I%3D HTTP/1.1
{LEGACY_HEADERS}
x-acs-action: ListVpcEndpointServices
user-agent: AlibabaCloud (Linux; x86_64) Python/3.11.7 Core/0.4.3 TeaDSL/2
x-acs-credentials-provider: static_ak
Content-Length: 0

"""

CAPTURE_B_TAG = f"""\
POST /?Action=TagResources&Format=json&Version=2020-04-15&Timestamp=2026-11-26T07%3A19%3A36Z&SignatureNonce=c71f4f588d47478cb0b280b35c072540&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0&AccessKeyId=AKIDEXAMPLE&Signature=7t4W9lvdrcnaHt5kRR3JN%2F3LDJY%3D HTTP/1.1
{LEGACY_HEADERS}
x-acs-action: TagResources
user-agent: AlibabaCloud (Linux; x86_64) Python/3.11.7 Core/0.4.3 TeaDSL/2
content-type: application/x-www-form-urlencoded
x-acs-credentials-provider: static_ak
Content-Length: 89

RegionId=cn-hangzhou&ResourceId.1=ep-1&ResourceType=vpcendpoint&Tag.1.Key=k&Tag.1.Value=v"""


def from_capture(text: str) -> RawRequest:
    """A RawRequest from an HTTP/1.1 capture as printed in WIRE.md."""
    head, _, body = text.partition("\n\n")
    request_line, *header_lines = head.split("\n")
    method, target, _ = request_line.split(" ")
    url = urlsplit(target)
    headers = [(name, value) for name, _, value in (h.partition(": ") for h in header_lines)]
    raw_body = body.encode()
    assert ("Content-Length", str(len(raw_body))) in headers, "capture body was mangled"
    return RawRequest(method, url.path, url.query, headers, raw_body)


# --- Helpers -----------------------------------------------------------------------------


def make_authenticator(
    now: datetime = CAPTURED_AT, nonces: MemoryNonceStore | None = None
) -> Authenticator:
    return Authenticator(
        secret_for={AK: SECRET}.get,
        nonces=nonces if nonces is not None else MemoryNonceStore(),
        clock=lambda: now,
    )


def sign_acs3(
    *,
    action: str = "DescribeRegions",
    query: dict[str, str] | None = None,
    body: bytes = b"",
    secret: str = SECRET,
    key_id: str = AK,
    date: str = "2026-11-26T07:19:08Z",
    nonce: str = "0123456789abcdef0123456789abcdef",
    unsigned: tuple[str, ...] = (),
) -> RawRequest:
    """A request signed by the SDK's own ACS3 code; `unsigned` headers are sent but not signed."""
    query = query or {}
    headers = {
        "host": "127.0.0.1:18080",
        "x-acs-version": "2020-04-15",
        "x-acs-action": action,
        "x-acs-date": date,
        "x-acs-signature-nonce": nonce,
        "accept": "application/json",
        "x-acs-content-sha256": hashlib.sha256(body).hexdigest(),
    }
    if body:
        headers["content-type"] = "application/x-www-form-urlencoded"
    to_sign = {name: value for name, value in headers.items() if name not in unsigned}
    sdk_request = SimpleNamespace(method="POST", pathname="/", query=query, headers=to_sign)
    authorization = Utils.get_authorization(
        sdk_request, "ACS3-HMAC-SHA256", headers["x-acs-content-sha256"], key_id, secret
    )
    sent = [*headers.items(), ("Authorization", authorization)]
    return RawRequest("POST", "/", urlencode(query), sent, body)


def sign_rpc(
    params: dict[str, str], *, secret: str = SECRET, nonce: str = "legacy-nonce-1"
) -> RawRequest:
    """A legacy request signed by the SDK's own RPC signing code."""
    query = {
        "Action": "ListVpcEndpointServices",
        "Format": "json",
        "Version": "2020-04-15",
        "Timestamp": "2026-11-26T07:19:08Z",
        "SignatureNonce": nonce,
        "SignatureMethod": "HMAC-SHA1",
        "SignatureVersion": "1.0",
        "AccessKeyId": AK,
        **params,
    }
    query["Signature"] = Utils.get_rpcsignature(query, "POST", secret)
    return RawRequest("POST", "/", urlencode(query), [("host", "127.0.0.1:18080")], b"")


def with_header(request: RawRequest, name: str, value: str) -> RawRequest:
    """The request with every `name` header (any case) replaced by one `name: value`."""
    kept = [(k, v) for k, v in request.headers if k.lower() != name.lower()]
    return replace(request, headers=[*kept, (name, value)])


def without_header(request: RawRequest, name: str) -> RawRequest:
    return replace(request, headers=[(k, v) for k, v in request.headers if k.lower() != name])


# --- The captures of WIRE.md verify --------------------------------------------------------


def test_capture_8_1_acs3_test_vector_authenticates_with_decoded_params() -> None:
    result = make_authenticator().authenticate(from_capture(CAPTURE_8_1))

    assert result == Authenticated(
        access_key_id=AK,
        action="CreateVpcEndpoint",
        version="2020-04-15",
        params=[
            ("CrossRegionBandwidth", "1024"),
            ("DryRun", "False"),
            ("EndpointName", "my ep/测试*~"),
            ("EndpointType", "Interface"),
            ("RegionId", "cn-hangzhou"),
            ("SecurityGroupId.1", "sg-a"),
            ("SecurityGroupId.2", "sg-b"),
            ("ServiceId", "epsrv-x"),
            ("Tag.1.Key", "env"),
            ("Tag.1.Value", "dev"),
            ("VpcId", "vpc-1"),
            ("Zone.1.VSwitchId", "vsw-1"),
            ("Zone.1.ZoneId", "cn-hangzhou-h"),
            ("Zone.1.ip", "10.0.0.5"),
            ("Zone.2.VSwitchId", "vsw-2"),
            ("Zone.2.ZoneId", "cn-hangzhou-i"),
            ("ZoneAffinityEnabled", "True"),
        ],
        style="ACS3",
    )


def test_capture_8_4_form_body_params_come_from_the_body() -> None:
    result = make_authenticator().authenticate(from_capture(CAPTURE_8_4))

    assert (result.action, result.style) == ("TagResources", "ACS3")
    assert result.params == [
        ("RegionId", "cn-hangzhou"),
        ("ResourceId.1", "ep-1"),
        ("ResourceId.2", "ep-2"),
        ("ResourceType", "vpcendpoint"),
        ("Tag.1.Key", "k 1"),
        ("Tag.1.Value", "v&1"),
    ]


def test_capture_8_8_sts_credentials_authenticate() -> None:
    result = make_authenticator().authenticate(from_capture(CAPTURE_8_8))

    assert (result.access_key_id, result.action, result.params) == (AK, "CheckProductOpen", [])


def test_capture_8_9_async_query_normalisation_still_verifies() -> None:
    result = make_authenticator().authenticate(from_capture(CAPTURE_8_9))

    assert ("EndpointName", "a b*") in result.params


def test_capture_8_9_unsigned_octet_stream_content_type_is_not_parsed_as_form() -> None:
    request = replace(from_capture(CAPTURE_8_9), body=b"")

    assert make_authenticator().authenticate(request).params[0] == ("EndpointName", "a b*")


def test_legacy_capture_list_vpc_endpoint_services_authenticates() -> None:
    result = make_authenticator().authenticate(from_capture(CAPTURE_B_LIST))

    assert result == Authenticated(
        access_key_id=AK,
        action="ListVpcEndpointServices",
        version="2020-04-15",
        params=[
            ("MaxResults", "10"),
            ("RegionId", "cn-hangzhou"),
            ("Tag.1.Key", "a"),
            ("Tag.1.Value", "b c"),
        ],
        style="RPC",
    )


def test_legacy_capture_tag_resources_signs_its_form_body() -> None:
    result = make_authenticator().authenticate(from_capture(CAPTURE_B_TAG))

    assert (result.action, result.style) == ("TagResources", "RPC")
    assert ("Tag.1.Value", "v") in result.params


def test_legacy_action_param_wins_over_the_x_acs_action_header() -> None:
    request = with_header(from_capture(CAPTURE_B_LIST), "x-acs-action", "DeleteVpcEndpoint")

    assert make_authenticator().authenticate(request).action == "ListVpcEndpointServices"


def test_duplicate_signed_headers_are_sorted_and_comma_joined() -> None:
    headers = [
        ("host", "h"), ("x-acs-action", "DescribeRegions"), ("x-acs-version", "2020-04-15"),
        ("x-acs-date", "2026-11-26T07:19:08Z"), ("x-acs-signature-nonce", "n-dup"),
        ("x-acs-content-sha256", EMPTY_SHA), ("x-acs-extra", "b"), ("X-Acs-Extra", " a "),
    ]  # fmt: skip
    # Signed by hand, as WIRE.md §4 spells it: the SDK's dict cannot hold a duplicate header.
    joined = {k.lower(): v for k, v in headers} | {"x-acs-extra": "a,b"}
    names = sorted(joined)
    canonical_headers = "".join(f"{name}:{joined[name]}\n" for name in names)
    signed = ";".join(names)
    canonical = f"POST\n/\n\n{canonical_headers}\n{signed}\n{EMPTY_SHA}"
    to_sign = "ACS3-HMAC-SHA256\n" + hashlib.sha256(canonical.encode()).hexdigest()
    signature = hmac.new(SECRET.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
    auth = f"ACS3-HMAC-SHA256 Credential={AK},SignedHeaders={signed},Signature={signature}"
    request = RawRequest("POST", "/", "", [*headers, ("Authorization", auth)], b"")

    assert make_authenticator().authenticate(request).action == "DescribeRegions"


def test_request_within_the_allowed_skew_is_accepted() -> None:
    now = CAPTURED_AT + timedelta(minutes=14, seconds=59)

    assert make_authenticator(now).authenticate(sign_acs3()).action == "DescribeRegions"


def test_naive_clock_is_taken_as_utc() -> None:
    naive = CAPTURED_AT.replace(tzinfo=None)

    assert make_authenticator(naive).authenticate(sign_acs3()).access_key_id == AK


# --- Requests made by the real SDK ---------------------------------------------------------


class _Recorder(BaseHTTPRequestHandler):
    """Records each raw request and answers the smallest body the SDK accepts."""

    captured: list[RawRequest]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        url = urlsplit(self.path)
        headers = list(self.headers.items())
        self.captured.append(RawRequest(self.command, url.path, url.query, headers, body))
        reply = json.dumps({"RequestId": "x"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, format: str, *args: object) -> None:
        pass


Server = tuple[str, list[RawRequest]]  # (host:port, captured requests)
SdkCall = Callable[[Client], object]


@pytest.fixture(scope="module")
def sdk_server() -> Iterator[Server]:
    captured: list[RawRequest] = []
    handler = type("Recorder", (_Recorder,), {"captured": captured})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_address[1]}", captured
    server.shutdown()
    server.server_close()


def sdk_capture(server: Server, call: SdkCall, **config: str | None) -> RawRequest:
    endpoint, captured = server
    settings = {"access_key_id": AK, "access_key_secret": SECRET, **config}
    client = Client(Config(endpoint=endpoint, protocol="http", region_id="cn-hangzhou", **settings))
    before = len(captured)
    call(client)
    assert len(captured) == before + 1
    return captured[-1]


def authenticate_now(request: RawRequest) -> Authenticated:
    return make_authenticator(datetime.now(UTC)).authenticate(request)


def create_endpoint(client: Client) -> object:
    return client.create_vpc_endpoint(
        models.CreateVpcEndpointRequest(
            region_id="cn-hangzhou",
            endpoint_name="my ep/测试*~ & é+%",
            security_group_id=["sg-a", "sg-b"],
            zone=[models.CreateVpcEndpointRequestZone(zone_id="z-1", v_switch_id="vsw-1")],
            tag=[models.CreateVpcEndpointRequestTag(key="k=1", value="")],
            dry_run=False,
            vpc_id="vpc-1",
            service_id="epsrv-x",
        )
    )


def tag_resources(client: Client) -> object:
    return client.tag_resources(
        models.TagResourcesRequest(
            region_id="cn-hangzhou",
            resource_id=["ep-1", "ep-2"],
            resource_type="vpcendpoint",
            tag=[models.TagResourcesRequestTag(key="k 1", value="v&1/测")],
        )
    )


def test_sdk_create_vpc_endpoint_with_lists_and_unicode_authenticates(sdk_server: Server) -> None:
    result = authenticate_now(sdk_capture(sdk_server, create_endpoint))

    assert (result.action, result.style) == ("CreateVpcEndpoint", "ACS3")
    assert ("EndpointName", "my ep/测试*~ & é+%") in result.params
    assert ("SecurityGroupId.2", "sg-b") in result.params
    assert ("Tag.1.Value", "") in result.params


def test_sdk_tag_resources_form_body_authenticates(sdk_server: Server) -> None:
    request = sdk_capture(sdk_server, tag_resources)
    result = authenticate_now(request)

    assert request.body and request.query == ""
    assert ("Tag.1.Value", "v&1/测") in result.params


def test_sdk_sts_credentials_authenticate(sdk_server: Server) -> None:
    request = sdk_capture(sdk_server, tag_resources, security_token="STS.tok")

    assert authenticate_now(request).action == "TagResources"


def test_sdk_async_client_authenticates(sdk_server: Server) -> None:
    def call(client: Client) -> object:
        return asyncio.run(client.check_product_open_async())

    assert authenticate_now(sdk_capture(sdk_server, call)).action == "CheckProductOpen"


@pytest.mark.parametrize("call", [create_endpoint, tag_resources], ids=["query", "body"])
def test_sdk_legacy_v2_signature_authenticates(sdk_server: Server, call: SdkCall) -> None:
    request = sdk_capture(sdk_server, call, signature_algorithm="v2")
    result = authenticate_now(request)

    assert result.style == "RPC" and result.version == "2020-04-15"
    assert not {"Signature", "AccessKeyId", "SignatureNonce"} & {k for k, _ in result.params}


def test_sec_1_sdk_bearer_token_is_refused(sdk_server: Server) -> None:
    no_key = {"access_key_id": None, "access_key_secret": None}
    request = sdk_capture(sdk_server, tag_resources, bearer_token="bearer-tok", **no_key)

    with pytest.raises(IncompleteSignature, match="bearer"):
        authenticate_now(request)


# --- SEC-1: unsigned or wrongly signed calls are refused -----------------------------------


def test_sec_1_request_without_any_signature_is_refused() -> None:
    request = without_header(from_capture(CAPTURE_8_1), "authorization")

    with pytest.raises(IncompleteSignature, match="not signed"):
        make_authenticator().authenticate(request)


@pytest.mark.parametrize(
    "authorization",
    [
        "garbage",
        "ACS3-HMAC-SM3 Credential=AKIDEXAMPLE,SignedHeaders=host,Signature=00",
        "ACS3-HMAC-SHA256 Credential=AKIDEXAMPLE,Signature=00",
        "ACS3-HMAC-SHA256 Credential=AKIDEXAMPLE;SignedHeaders=host;Signature=00",
        "ACS3-HMAC-SHA256 Credential=,SignedHeaders=host,Signature=00",
        "ACS3-HMAC-SHA256 Credential=A,SignedHeaders=Host,Signature=00",
        "ACS3-HMAC-SHA256 Credential=A,SignedHeaders=host;;x,Signature=00",
    ],
)
def test_sec_1_malformed_authorization_header_is_refused(authorization: str) -> None:
    request = with_header(from_capture(CAPTURE_8_1), "Authorization", authorization)

    with pytest.raises(IncompleteSignature, match="Authorization"):
        make_authenticator().authenticate(request)


def test_sec_1_wrong_secret_is_refused_without_echoing_any_secret() -> None:
    with pytest.raises(SignatureDoesNotMatch) as refused:
        make_authenticator().authenticate(sign_acs3(secret="not-the-secret"))

    assert SECRET not in refused.value.message and "not-the-secret" not in refused.value.message


def test_sec_1_mismatch_message_does_not_echo_the_sts_token() -> None:
    request = with_header(from_capture(CAPTURE_8_8), "x-acs-date", "2026-11-26T07:19:09Z")

    with pytest.raises(SignatureDoesNotMatch) as refused:
        make_authenticator().authenticate(request)

    assert "STS.TOKEN-EXAMPLE" not in refused.value.message
    assert "x-acs-security-token:<redacted>" in refused.value.message


def test_sec_1_legacy_mismatch_message_does_not_echo_the_sts_token() -> None:
    request = sign_rpc({"SecurityToken": "STS.tok&x=1"}, secret="forger")

    with pytest.raises(SignatureDoesNotMatch) as refused:
        make_authenticator().authenticate(request)

    assert "STS.tok" not in refused.value.message and "x%253D1" not in refused.value.message
    assert "SecurityToken%3D<redacted>%26SignatureMethod" in refused.value.message


def test_sec_1_tampered_query_param_is_refused() -> None:
    request = from_capture(CAPTURE_8_1)
    request = replace(request, query=request.query.replace("VpcId=vpc-1", "VpcId=vpc-2"))

    with pytest.raises(SignatureDoesNotMatch):
        make_authenticator().authenticate(request)


def test_sec_1_tampered_body_with_matching_content_sha_is_refused() -> None:
    body = from_capture(CAPTURE_8_4).body.replace(b"ep-2", b"ep-3")
    request = replace(from_capture(CAPTURE_8_4), body=body)
    request = with_header(request, "x-acs-content-sha256", hashlib.sha256(body).hexdigest())

    with pytest.raises(SignatureDoesNotMatch, match="does not match"):
        make_authenticator().authenticate(request)


def test_sec_1_content_sha_that_does_not_match_the_body_is_refused() -> None:
    request = from_capture(CAPTURE_8_4)
    request = replace(request, body=request.body.replace(b"ep-2", b"ep-3"))

    with pytest.raises(SignatureDoesNotMatch, match="x-acs-content-sha256"):
        make_authenticator().authenticate(request)


def test_sec_1_unknown_access_key_is_refused() -> None:
    with pytest.raises(InvalidAccessKeyIdNotFound, match="AKIDUNKNOWN"):
        make_authenticator().authenticate(sign_acs3(key_id="AKIDUNKNOWN"))


@pytest.mark.parametrize("offset", [timedelta(minutes=16), timedelta(minutes=-16)])
def test_sec_1_date_more_than_15_minutes_off_is_refused(offset: timedelta) -> None:
    with pytest.raises(InvalidTimestampExpired):
        make_authenticator(CAPTURED_AT + offset).authenticate(sign_acs3())


@pytest.mark.parametrize(
    "date",
    [
        "2026-11-26 07:19:08",
        "2026-11-26T07:19:08+00:00",
        "2026-11-26T07:19:08.000Z",
        "2026-1-5T7:1:8Z",
        "2026-13-26T07:19:08Z",
        "Thu, 26 Nov 2026 07:19:08 GMT",
    ],
)
def test_sec_1_bad_date_format_is_refused(date: str) -> None:
    with pytest.raises(InvalidTimestampFormat):
        make_authenticator().authenticate(sign_acs3(date=date))


def test_sec_1_replayed_nonce_is_refused_after_a_first_accepted_use() -> None:
    authenticator = make_authenticator()
    request = sign_acs3()

    assert authenticator.authenticate(request).access_key_id == AK
    with pytest.raises(SignatureNonceUsed):
        authenticator.authenticate(request)


def test_sec_1_forged_request_does_not_burn_the_nonce() -> None:
    authenticator = make_authenticator()
    with pytest.raises(SignatureDoesNotMatch):
        authenticator.authenticate(sign_acs3(secret="forger", nonce="shared-nonce"))

    assert authenticator.authenticate(sign_acs3(nonce="shared-nonce")).access_key_id == AK


@pytest.mark.parametrize("header", ["x-acs-action", "host", "x-acs-date", "x-acs-signature-nonce"])
def test_sec_1_signed_headers_omitting_a_required_header_is_refused(header: str) -> None:
    with pytest.raises(IncompleteSignature, match=f"SignedHeaders must include: {header}"):
        make_authenticator().authenticate(sign_acs3(unsigned=(header,)))


def test_sec_1_body_without_signed_content_type_is_refused() -> None:
    request = sign_acs3(body=b"RegionId=cn-hangzhou", unsigned=("content-type",))

    with pytest.raises(IncompleteSignature, match="content-type"):
        make_authenticator().authenticate(request)


def test_sec_1_signed_header_absent_from_the_request_is_refused() -> None:
    request = without_header(from_capture(CAPTURE_8_1), "accept")

    with pytest.raises(IncompleteSignature, match="accept"):
        make_authenticator().authenticate(request)


def test_sec_1_missing_action_is_refused_with_missing_parameter() -> None:
    request = without_header(from_capture(CAPTURE_8_1), "x-acs-action")

    with pytest.raises(MissingAction) as refused:
        make_authenticator().authenticate(request)
    assert refused.value.code == "MissingParameter"


def test_sec_1_bearer_token_is_refused() -> None:
    request = RawRequest(
        "POST",
        "/",
        "SignatureType=BEARERTOKEN",
        [("host", "h"), ("x-acs-action", "DescribeRegions"), ("x-acs-bearer-token", "tok")],
        b"",
    )

    with pytest.raises(IncompleteSignature, match="bearer"):
        make_authenticator().authenticate(request)


def test_sec_1_legacy_with_wrong_signature_is_refused() -> None:
    with pytest.raises(SignatureDoesNotMatch):
        make_authenticator().authenticate(sign_rpc({"RegionId": "cn-hangzhou"}, secret="forger"))


def test_sec_1_legacy_tampered_param_is_refused() -> None:
    request = from_capture(CAPTURE_B_LIST)
    request = replace(request, query=request.query.replace("MaxResults=10", "MaxResults=11"))

    with pytest.raises(SignatureDoesNotMatch):
        make_authenticator().authenticate(request)


def test_sec_1_legacy_replay_is_refused() -> None:
    authenticator = make_authenticator()
    request = sign_rpc({"RegionId": "cn-hangzhou"})

    assert authenticator.authenticate(request).style == "RPC"
    with pytest.raises(SignatureNonceUsed):
        authenticator.authenticate(request)


def test_sec_1_legacy_unsupported_signature_method_is_refused() -> None:
    request = sign_rpc({"SignatureMethod": "HMAC-SHA256"})

    with pytest.raises(IncompleteSignature, match="HMAC-SHA1"):
        make_authenticator().authenticate(request)


def test_sec_1_legacy_missing_action_is_refused() -> None:
    request = from_capture(CAPTURE_B_LIST)
    request = replace(request, query=request.query.replace("Action=", "Xction="))

    with pytest.raises(MissingAction):
        make_authenticator().authenticate(request)


def test_sec_1_legacy_stale_timestamp_is_refused() -> None:
    late = CAPTURED_AT + timedelta(minutes=16)

    with pytest.raises(InvalidTimestampExpired, match="Timestamp"):
        make_authenticator(late).authenticate(sign_rpc({"RegionId": "cn-hangzhou"}))


def test_sec_1_unknown_key_is_reported_before_a_stale_date() -> None:
    late = CAPTURED_AT + timedelta(hours=1)

    with pytest.raises(InvalidAccessKeyIdNotFound):
        make_authenticator(late).authenticate(sign_acs3(key_id="AKIDUNKNOWN"))


def test_sec_1_stale_date_is_reported_before_a_bad_signature() -> None:
    late = CAPTURED_AT + timedelta(hours=1)

    with pytest.raises(InvalidTimestampExpired):
        make_authenticator(late).authenticate(sign_acs3(secret="forger"))


def test_sec_1_duplicated_nonce_header_is_refused() -> None:
    request = sign_acs3()
    request = replace(request, headers=[*request.headers, ("x-acs-signature-nonce", "other")])

    with pytest.raises(IncompleteSignature, match="more than once"):
        make_authenticator().authenticate(request)


def test_non_ascii_signature_is_refused_not_crashed() -> None:
    request = sign_acs3()
    auth = dict(request.headers)["Authorization"].rsplit("=", 1)[0] + "=é"

    with pytest.raises(SignatureDoesNotMatch):
        make_authenticator().authenticate(with_header(request, "Authorization", auth))


# --- Error classes and the nonce store -----------------------------------------------------


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (IncompleteSignature, "IncompleteSignature"),
        (SignatureDoesNotMatch, "SignatureDoesNotMatch"),
        (InvalidAccessKeyIdNotFound, "InvalidAccessKeyId.NotFound"),
        (InvalidTimestampExpired, "InvalidTimeStamp.Expired"),
        (InvalidTimestampFormat, "InvalidTimeStamp.Format"),
        (SignatureNonceUsed, "SignatureNonceUsed"),
        (MissingAction, "MissingParameter"),
    ],
)
def test_auth_errors_carry_their_cloud_code(error: type[AuthError], code: str) -> None:
    assert issubclass(error, AuthError) and error.code == code and error.__doc__


def test_nonce_store_forgets_a_nonce_after_the_window() -> None:
    store = MemoryNonceStore(window=timedelta(minutes=15))

    assert store.remember(AK, "n", CAPTURED_AT)
    assert not store.remember(AK, "n", CAPTURED_AT + timedelta(minutes=14))
    assert store.remember(AK, "n", CAPTURED_AT + timedelta(minutes=15))


def test_nonce_store_keeps_nonces_of_different_keys_apart() -> None:
    store = MemoryNonceStore()

    assert store.remember("AK1", "n", CAPTURED_AT) and store.remember("AK2", "n", CAPTURED_AT)


def test_nonce_store_sweeps_expired_nonces_so_memory_stays_bounded() -> None:
    store = MemoryNonceStore(window=timedelta(minutes=15))
    for minute in range(60):
        store.remember(AK, f"n{minute}", CAPTURED_AT + timedelta(minutes=minute))

    assert len(store) == 15


def test_nonce_store_accepts_a_nonce_exactly_once_under_concurrency() -> None:
    store = MemoryNonceStore()
    results: list[bool] = []
    barrier = threading.Barrier(16)

    def attempt() -> None:
        barrier.wait()
        results.append(store.remember(AK, "contended", CAPTURED_AT))

    threads = [threading.Thread(target=attempt) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == [False] * 15 + [True]


def test_nonce_of_a_future_dated_request_is_kept_until_the_request_expires() -> None:
    store = MemoryNonceStore()
    request = sign_acs3(date="2026-11-26T07:33:08Z")  # 14 minutes ahead of the server
    make_authenticator(CAPTURED_AT, store).authenticate(request)

    # 20 minutes on, the request is still within its skew, so its nonce must still be known.
    with pytest.raises(SignatureNonceUsed):
        make_authenticator(CAPTURED_AT + timedelta(minutes=20), store).authenticate(request)
