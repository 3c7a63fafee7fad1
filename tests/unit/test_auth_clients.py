"""Issue 11, the signature side of every client: the real HTTP method is signed, an empty
``SignatureType`` is no bearer token, the RPC mismatch message is the cloud's, and ROA
(``acs AK:sig``) signatures verify and are refused when anything they cover changes."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import replace
from urllib.parse import urlencode

import pytest
from alibabacloud_tea_openapi.utils import Utils

from privatelink.api import auth_roa
from privatelink.api.auth import IncompleteSignature, RawRequest, SignatureDoesNotMatch
from privatelink.api.errors_protocol import InvalidVersion
from privatelink.api.protocol import check_version, common_params
from privatelink.api.wire.errors import MissingParameter
from tests.unit.test_auth import AK, CAPTURED_AT, SECRET, make_authenticator

DATE = CAPTURED_AT.strftime("%a, %d %b %Y %H:%M:%S GMT")


def rpc_request(
    method: str, *, signed_as: str | None = None, secret: str = SECRET, **extra: str
) -> RawRequest:
    query = {
        "Action": "DescribeRegions",
        "Format": "JSON",
        "Version": "2020-04-15",
        "Timestamp": "2026-11-26T07:19:08Z",
        "SignatureNonce": "n-1",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureVersion": "1.0",
        "AccessKeyId": AK,
        "RegionId": "cn-hangzhou",
        **extra,
    }
    query["Signature"] = Utils.get_rpcsignature(query, signed_as or method, secret)
    return RawRequest(method, "/", urlencode(query), [("host", "h")], b"")


def test_issue_11_get_requests_are_signed_with_get() -> None:
    """The RPC gateway takes GET like POST: a GET signed as GET verifies."""
    signed = make_authenticator().authenticate(rpc_request("GET"))
    assert (signed.action, signed.style) == ("DescribeRegions", "RPC")


def test_issue_11_the_method_is_part_of_the_signature() -> None:
    """A request signed for POST but sent as GET is refused (the method is signed)."""
    with pytest.raises(SignatureDoesNotMatch):
        make_authenticator().authenticate(rpc_request("GET", signed_as="POST"))


def test_issue_11_empty_signature_type_is_not_a_bearer_token() -> None:
    """The legacy SDK sends SignatureType= on every call; it is an AccessKey call."""
    signed = make_authenticator().authenticate(rpc_request("POST", SignatureType=""))
    assert signed.access_key_id == AK


def test_issue_11_non_empty_signature_type_is_refused() -> None:
    with pytest.raises(IncompleteSignature, match="bearer"):
        make_authenticator().authenticate(rpc_request("POST", SignatureType="BEARERTOKEN"))


def test_issue_11_rpc_mismatch_message_is_the_clouds_with_the_string_to_sign() -> None:
    """``Specified signature is not matched with our calculation. server string to sign
    is:<sts>`` — the legacy SDK compares the text after ':' with its own string to sign."""
    request = rpc_request("GET", secret="wrong")
    with pytest.raises(SignatureDoesNotMatch) as refused:
        make_authenticator().authenticate(request)
    prefix = "Specified signature is not matched with our calculation. server string to sign is:"
    message = refused.value.message
    assert message.startswith(prefix)
    sts = message.split(":")[1]
    assert sts.startswith("GET&%2F&AccessKeyId%3D" + AK)


# -- ROA (acs AK:signature) --------------------------------------------------------------------


def roa_request(
    query: dict[str, str], body: bytes = b"", md5: bool = False, secret: str = SECRET
) -> RawRequest:
    headers = {
        "date": DATE,
        "host": "h",
        "accept": "application/json",
        "x-acs-signature-nonce": "roa-1",
        "x-acs-signature-method": "HMAC-SHA1",
        "x-acs-signature-version": "1.0",
        "x-acs-version": "2020-04-15",
        "x-acs-action": "DescribeRegions",
    }
    if body:
        headers["content-type"] = "application/x-www-form-urlencoded"
    if md5:
        headers["content-md5"] = base64.b64encode(hashlib.md5(body).digest()).decode()
    from types import SimpleNamespace

    sts = Utils.get_string_to_sign(
        SimpleNamespace(method="POST", pathname="/", headers=headers, query=query)
    )
    headers["authorization"] = f"acs {AK}:{Utils.get_roasignature(sts, secret)}"
    return RawRequest("POST", "/", urlencode(query), list(headers.items()), body)


def test_issue_11_roa_signature_of_the_sdk_verifies() -> None:
    signed = make_authenticator().authenticate(roa_request({"RegionId": "cn-hangzhou"}))
    assert (signed.style, signed.action, signed.params) == (
        "ROA",
        "DescribeRegions",
        [("RegionId", "cn-hangzhou")],
    )


def test_issue_11_roa_tampered_query_is_refused() -> None:
    request = roa_request({"RegionId": "cn-hangzhou"})
    request = replace(request, query="RegionId=cn-beijing")
    with pytest.raises(SignatureDoesNotMatch):
        make_authenticator().authenticate(request)


def test_issue_11_roa_wrong_secret_is_refused() -> None:
    with pytest.raises(SignatureDoesNotMatch):
        make_authenticator().authenticate(roa_request({"RegionId": "x"}, secret="wrong"))


def test_issue_11_roa_body_must_be_covered_by_content_md5() -> None:
    """The ROA signature covers a body only through Content-MD5: without it, refused."""
    body = b"RegionId=cn-hangzhou"
    with pytest.raises(IncompleteSignature, match="Content-MD5"):
        make_authenticator().authenticate(roa_request({}, body))
    signed = make_authenticator().authenticate(roa_request({}, body, md5=True))
    assert signed.params == [("RegionId", "cn-hangzhou")]
    tampered = replace(roa_request({}, body, md5=True), body=b"RegionId=cn-beijing")
    with pytest.raises(SignatureDoesNotMatch, match="Content-MD5"):
        make_authenticator().authenticate(tampered)


def test_issue_11_roa_string_to_sign_matches_the_sdk() -> None:
    from types import SimpleNamespace

    from privatelink.api.auth_canonical import header_map

    headers = {"date": DATE, "accept": "application/json", "x-acs-b": "2", "x-acs-a": "1"}
    query = {"B": "", "A": "x y"}
    expected = Utils.get_string_to_sign(
        SimpleNamespace(method="GET", pathname="/", headers=headers, query=query)
    )
    ours = auth_roa.string_to_sign(
        "GET", "/", [("B", ""), ("A", "x y")], header_map(headers.items())
    )
    assert ours == expected


# -- version and common parameters -----------------------------------------------------------


def test_issue_11_version_is_checked() -> None:
    signed = make_authenticator().authenticate(rpc_request("GET"))
    check_version(signed)
    with pytest.raises(InvalidVersion):
        check_version(replace(signed, version="2014-05-26"))
    with pytest.raises(MissingParameter):
        check_version(replace(signed, version=""))


def test_issue_11_common_params_dropped_only_where_undeclared() -> None:
    assert common_params("CheckProductOpen", [("RegionId", "cn-hangzhou")]) == []
    assert common_params("DescribeRegions", [("RegionId", "r")]) == [("RegionId", "r")]
    assert common_params("ChangeResourceGroup", [("ResourceRegionId", "r"), ("X", "1")]) == [
        ("X", "1")
    ]
    assert common_params("DescribeRegions", [("ResourceRegionId", "r")]) == [
        ("ResourceRegionId", "r")
    ]
