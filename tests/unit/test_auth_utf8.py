"""Issue 16: bytes that are not UTF-8 in a parameter are refused, after the signature holds,
with InvalidParameter naming the parameter; before, they were replaced by U+FFFD and stored
(or, in a nonce, reached the store and failed there)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime

import pytest

from privatelink.api.auth import Authenticator, MemoryNonceStore, RawRequest
from privatelink.api.wire.errors import InvalidParameter

AK, SECRET = "AKIDEXAMPLE", "SECRETEXAMPLE"
NOW = datetime(2026, 11, 26, 7, 19, 8, tzinfo=UTC)


def legacy(query: str) -> RawRequest:
    """A legacy (HMAC-SHA1) request whose query, already percent-encoded with its pairs
    sorted, is signed byte for byte as given (WIRE.md Appendix B)."""
    to_sign = "POST&%2F&" + query.replace("%", "%25").replace("&", "%26").replace("=", "%3D")
    digest = hmac.new(f"{SECRET}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    signature = (
        base64.b64encode(digest)
        .decode()
        .replace("+", "%2B")
        .replace("/", "%2F")
        .replace("=", "%3D")
    )
    return RawRequest("POST", "/", f"{query}&Signature={signature}", [("host", "h")], b"")


def authenticate(query: str) -> object:
    return Authenticator({AK: SECRET}.get, MemoryNonceStore(), lambda: NOW).authenticate(
        legacy(query)
    )


BASE = (
    "AccessKeyId=AKIDEXAMPLE&Action=ListVpcEndpointServices&{extra}Format=json&"
    "SignatureMethod=HMAC-SHA1&SignatureNonce={nonce}&SignatureVersion=1.0&"
    "Timestamp=2026-11-26T07%3A19%3A08Z&Version=2020-04-15"
)


def test_issue16_a_well_signed_legacy_request_still_passes() -> None:
    authenticate(BASE.format(extra="", nonce="n1"))


@pytest.mark.parametrize(
    ("extra", "nonce", "named"),
    [
        ("EndpointName=ab%FFcd&", "n2", "EndpointName"),
        ("", "n%C3%28", "SignatureNonce"),
    ],
)
def test_issue16_invalid_utf8_is_refused_naming_the_parameter(
    extra: str, nonce: str, named: str
) -> None:
    with pytest.raises(InvalidParameter) as info:
        authenticate(BASE.format(extra=extra, nonce=nonce))
    assert info.value.parameter == named
    assert "UTF-8" in info.value.message


def test_issue17_a_nonce_with_a_nul_is_refused_before_it_reaches_the_store() -> None:
    """The writer's turn remembers the nonces of a batch in one statement: a nonce PostgreSQL
    cannot store would fail the whole batch (and before, it answered 500)."""
    with pytest.raises(InvalidParameter) as info:
        authenticate(BASE.format(extra="", nonce="n%00ul"))
    assert info.value.parameter == "SignatureNonce"
