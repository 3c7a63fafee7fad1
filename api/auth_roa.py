"""The ROA signature (``Authorization: acs <AccessKeyId>:<Signature>``, HMAC-SHA1).

The official SDK signs this way for ``call_api`` with ``style='ROA'`` and
``signature_algorithm='v2'`` (``do_roarequest`` / ``do_roarequest_with_form``):

    StringToSign = METHOD \\n Accept \\n Content-MD5 \\n Content-Type \\n Date \\n
                   (every x-acs-* header, sorted: "name:value\\n")
                   path [? sorted "key=value" pairs, raw values, "key" alone when empty, '&'-joined]
    Signature    = base64(HMAC-SHA1(AccessKeySecret, StringToSign))

The ``date`` header is the signing time and ``x-acs-signature-nonce`` the nonce. A body is
covered only through ``Content-MD5``, so a request with a body must carry a matching one: an
unsigned body would let anyone who sees the request change its parameters (SEC-1).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from email.utils import parsedate_to_datetime

from privatelink.api import auth_canonical as canon
from privatelink.api import auth_claim as auth

SCHEME = "acs "


def parse(
    request: auth.RawRequest,
    headers: dict[str, list[str]],
    query: canon.Pairs,
    form: canon.Pairs,
) -> auth.Claim:
    """What a ROA-signed request claims; refused when its envelope is incomplete."""
    credential, signature = _credential(headers)
    action, version = _first(headers, "x-acs-action"), _first(headers, "x-acs-version")
    if not action:
        raise auth.MissingAction("the x-acs-action header is missing")
    for name in ("date", "x-acs-signature-nonce"):
        if not _first(headers, name):
            raise auth.IncompleteSignature(f"the {name} header is missing or empty")
    return auth.Claim(
        auth.Authenticated(credential, action, version, query + form, "ROA"),
        timestamp=_iso_time(_first(headers, "date")),
        timestamp_source="date",
        nonce=_first(headers, "x-acs-signature-nonce"),
        signature=signature,
        signed_text=string_to_sign(request.method, request.path, query, headers),
        sign=signature_of,
        payload_problem=body_problem(request.body, headers),
    )


def _credential(headers: dict[str, list[str]]) -> tuple[str, str]:
    """The access key id and signature of ``Authorization: acs <AccessKeyId>:<Signature>``."""
    credential, _, signature = _first(headers, "authorization")[len(SCHEME) :].partition(":")
    if not credential or not signature:
        raise auth.IncompleteSignature(
            "the Authorization header must be 'acs <AccessKeyId>:<Signature>'"
        )
    return credential, signature


def body_problem(body: bytes, headers: dict[str, list[str]]) -> str:
    """Why the body is not the one signed (through Content-MD5); "" when it is. A body without
    Content-MD5 is refused: nothing would sign it."""
    if not body:
        return ""
    declared = _first(headers, "content-md5")
    if not declared:
        raise auth.IncompleteSignature(
            "a ROA (HMAC-SHA1) request signs its body only through Content-MD5: send it, "
            "or put the parameters in the query"
        )
    actual = base64.b64encode(hashlib.md5(body).digest()).decode()
    if declared != actual:
        return f"Content-MD5 {declared!r} is not the MD5 of the body ({actual})"
    return ""


def string_to_sign(
    method: str, path: str, query: canon.Pairs, headers: dict[str, list[str]]
) -> str:
    """The ROA StringToSign of the module docstring, from the request as received."""
    fixed = [method] + [
        _first(headers, name) for name in ("accept", "content-md5", "content-type", "date")
    ]
    acs = "".join(
        f"{name}:{','.join(headers[name])}\n"
        for name in sorted(headers)
        if name.startswith("x-acs-")
    )
    pairs = "&".join(f"{k}={v}" if v else k for k, v in sorted(query))
    resource = f"{path or '/'}?{pairs}" if query else (path or "/")
    return "\n".join(fixed) + "\n" + acs + resource


def signature_of(secret: str, text: str) -> str:
    """Base64 HMAC-SHA1 keyed with the secret itself (no '&' suffix, unlike RPC)."""
    mac = hmac.new(secret.encode("utf-8"), text.encode("utf-8"), hashlib.sha1)
    return base64.b64encode(mac.digest()).decode("ascii")


def _first(headers: dict[str, list[str]], name: str) -> str:
    values = headers.get(name, [])
    if len(values) > 1:
        raise auth.IncompleteSignature(f"the {name} header appears more than once")
    return values[0] if values else ""


def _iso_time(http_date: str) -> str:
    """``Thu, 06 Feb 2020 07:32:54 GMT`` as ``2020-02-06T07:32:54Z``; other text unchanged,
    so that the timestamp check names it."""
    try:
        moment = parsedate_to_datetime(http_date)
    except (TypeError, ValueError, IndexError):
        return http_date
    return canon.as_utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")
