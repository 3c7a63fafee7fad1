"""Canonical forms and signatures of the two Alibaba Cloud request signing schemes.

Pure functions, no policy: ``api/auth.py`` decides what is required and what is refused.
Both schemes are specified in ``docs/reference/WIRE.md`` §4 (ACS3) and Appendix B (legacy RPC).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qsl, quote

ACS3_ALGORITHM = "ACS3-HMAC-SHA256"
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
# The legacy scheme's envelope parameters: signed, but not arguments of the API action.
RPC_COMMON_PARAMS = frozenset(
    {
        "Action", "Format", "Version", "Timestamp", "SignatureNonce", "SignatureMethod",
        "SignatureVersion", "AccessKeyId", "Signature", "SecurityToken", "SignatureType",
        "BearerToken",
    }
)  # fmt: skip

# STS tokens are credentials: blanked from anything echoed back (header line, legacy param).
_TOKENS = (
    re.compile(r"(?m)^(x-acs-security-token:).*$"),
    re.compile(r"(SecurityToken%3D).*?(?=%26|$)"),
)
_UTC_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", re.ASCII)

Pairs = list[tuple[str, str]]


@dataclass(frozen=True)
class Acs3Authorization:
    """The three fields of an ``Authorization: ACS3-HMAC-SHA256 ...`` header."""

    credential: str
    signed_headers: tuple[str, ...]
    signature: str


class MalformedAuthorization(ValueError):
    """The Authorization header does not have the ACS3 shape; the text says what is off."""


def header_map(headers: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Header values by lower-cased name, stripped, in arrival order (duplicates kept)."""
    grouped: dict[str, list[str]] = {}
    for name, value in headers:
        grouped.setdefault(name.lower(), []).append(value.strip())
    return grouped


def decode_params(text: str) -> Pairs:
    """Decode ``k=v&...`` the way the SDK encoded it: '+' is a space, blank values kept.

    Bytes that are not UTF-8 are kept as lone surrogates (``surrogateescape``), so the signature
    covers them exactly as sent and ``invalid_utf8`` can name the parameter afterwards."""
    return parse_qsl(text, keep_blank_values=True, errors="surrogateescape")


def is_form(content_type: str | None) -> bool:
    """Whether a body with this content type carries API parameters."""
    return content_type is not None and content_type.lower().startswith(FORM_CONTENT_TYPE)


def decode_form_body(body: bytes) -> Pairs:
    """Parameters of a form body; bytes that are not UTF-8 are kept as in ``decode_params``."""
    return decode_params(body.decode("utf-8", errors="surrogateescape"))


def invalid_utf8(pairs: Iterable[tuple[str, str]]) -> str | None:
    """The first parameter name whose name or value is not valid UTF-8 (printable), if any."""
    for key, value in pairs:
        if _not_utf8(key) or _not_utf8(value):
            return key.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return None


def _not_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def enc(text: str) -> str:
    """RFC 3986 percent-encoding used by both schemes: space is %20, only A-Za-z0-9-_.~ kept."""
    return quote(text, safe="~", errors="surrogateescape")


def canonical_query(params: Iterable[tuple[str, str]]) -> str:
    """Decoded pairs, sorted by key then value, re-encoded: immune to how the client encoded."""
    return "&".join(f"{enc(k)}={enc(v)}" for k, v in sorted(params))


def parse_acs3_authorization(value: str) -> Acs3Authorization:
    """Split ``ACS3-HMAC-SHA256 Credential=..,SignedHeaders=..,Signature=..`` into its fields."""
    algorithm, _, rest = value.strip().partition(" ")
    if algorithm != ACS3_ALGORITHM:
        raise MalformedAuthorization(
            f"the Authorization algorithm must be {ACS3_ALGORITHM}, got {algorithm!r}"
        )
    fields: dict[str, str] = {}
    for item in rest.split(","):
        key, sep, field_value = item.strip().partition("=")
        if not sep or key in fields:
            raise MalformedAuthorization(f"the Authorization field {item.strip()!r} is malformed")
        fields[key] = field_value
    if sorted(fields) != ["Credential", "Signature", "SignedHeaders"] or not all(fields.values()):
        raise MalformedAuthorization(
            "the Authorization header must carry exactly non-empty Credential, SignedHeaders "
            "and Signature"
        )
    return Acs3Authorization(
        fields["Credential"], _signed_header_names(fields["SignedHeaders"]), fields["Signature"]
    )


def _signed_header_names(text: str) -> tuple[str, ...]:
    names = tuple(text.split(";"))
    if any(not name or name != name.lower() for name in names) or len(set(names)) != len(names):
        raise MalformedAuthorization(
            "SignedHeaders must be distinct, non-empty, lower-case names joined by ';'"
        )
    return names


def acs3_canonical_request(
    method: str,
    path: str,
    query: Pairs,
    headers: dict[str, list[str]],
    signed_headers: Sequence[str],
    payload_hash: str,
) -> str:
    """The CanonicalRequest of WIRE.md §4; duplicate header values are sorted and ','-joined."""
    canonical_headers = "".join(
        f"{name}:{','.join(sorted(headers.get(name, [])))}\n" for name in signed_headers
    )
    return "\n".join(
        [
            method,
            path or "/",
            canonical_query(query),
            canonical_headers,
            ";".join(signed_headers),
            payload_hash,
        ]
    )


def acs3_signature(secret: str, canonical_request: str) -> str:
    """Lower-case hex HMAC-SHA256 over the StringToSign derived from the canonical request."""
    digest = hashlib.sha256(canonical_request.encode("utf-8")).hexdigest()
    string_to_sign = f"{ACS3_ALGORITHM}\n{digest}"
    mac = hmac.new(secret.encode("utf-8"), string_to_sign.encode("utf-8"), hashlib.sha256)
    return mac.hexdigest()


def sha256_hex(body: bytes) -> str:
    """Lower-case hex SHA-256, the form of ``x-acs-content-sha256``."""
    return hashlib.sha256(body).hexdigest()


def rpc_string_to_sign(method: str, params: Pairs) -> str:
    """``METHOD&%2F&enc(sorted enc(k)=enc(v) pairs)`` over every parameter but ``Signature``."""
    signed = [(key, value) for key, value in params if key != "Signature"]
    return f"{method}&{enc('/')}&{enc(canonical_query(signed))}"


def rpc_signature(secret: str, string_to_sign: str) -> str:
    """Base64 HMAC-SHA1 keyed with ``secret + '&'`` (the legacy scheme's fixed suffix)."""
    key = f"{secret}&".encode()
    mac = hmac.new(key, string_to_sign.encode("utf-8"), hashlib.sha1)
    return base64.b64encode(mac.digest()).decode("ascii")


def redact_tokens(text: str) -> str:
    """A canonical request or string to sign with any security token replaced by a marker."""
    for pattern in _TOKENS:
        text = pattern.sub(r"\1<redacted>", text)
    return text


def same_signature(expected: str, given: str) -> bool:
    """Constant-time comparison; bytes so that non-ASCII input cannot raise TypeError."""
    return hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8"))


def parse_utc_time(text: str) -> datetime | None:
    """``YYYY-MM-DDTHH:MM:SSZ`` as an aware datetime, or None for any other text."""
    # The regex first: strptime alone would also accept "2026-1-5T7:1:8Z".
    if not _UTC_TIME.fullmatch(text):
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:  # right shape, impossible date such as month 13
        return None


def as_utc(moment: datetime) -> datetime:
    """The same instant in UTC; a naive datetime is taken to be UTC already."""
    # Rather than letting an aware/naive comparison raise TypeError deep in a request.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
