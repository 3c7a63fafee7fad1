"""Request authentication: ACS3-HMAC-SHA256 (the SDK default) and legacy RPC HMAC-SHA1.

Rule SEC-1: unsigned or wrongly signed calls are refused. The wire format is WIRE.md §2-4 and
Appendix B; the canonical forms live in ``api/auth_canonical.py``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Protocol

from privatelink.api import auth_canonical as canon
from privatelink.api import auth_roa
from privatelink.api.auth_claim import (
    Authenticated,
    AuthError,
    Claim,
    IncompleteSignature,
    InvalidAccessKeyIdNotFound,
    InvalidTimestampExpired,
    InvalidTimestampFormat,
    MissingAction,
    RawRequest,
    SignatureDoesNotMatch,
    SignatureNonceUsed,
)
from privatelink.application.jobs import PendingNonce

__all__ = [  # the refusals and request types live in auth_claim; imported from here as before
    "AuthError",
    "Authenticated",
    "Authenticator",
    "IncompleteSignature",
    "InvalidAccessKeyIdNotFound",
    "InvalidTimestampExpired",
    "InvalidTimestampFormat",
    "MemoryNonceStore",
    "MissingAction",
    "NonceStore",
    "RawRequest",
    "SignatureDoesNotMatch",
    "SignatureNonceUsed",
]

REPLAY_WINDOW = timedelta(minutes=15)
_ACS3_REQUIRED = (
    "host", "x-acs-action", "x-acs-version", "x-acs-date", "x-acs-signature-nonce",
    "x-acs-content-sha256",
)  # fmt: skip


class NonceStore(Protocol):
    """Port: memory of signature nonces, the replay protection."""

    def remember(self, access_key_id: str, nonce: str, now: datetime) -> bool:
        """Record the nonce; False when it was already seen within the replay window.

        ``now`` is when the nonce's protection starts counting; the authenticator passes the
        later of server time and the request's own timestamp.
        """
        ...


class MemoryNonceStore:
    """Thread-safe in-process nonce memory that forgets nonces older than the window."""

    def __init__(self, window: timedelta = REPLAY_WINDOW) -> None:
        self._window = window
        self._seen: dict[tuple[str, str], datetime] = {}
        self._lock = threading.Lock()

    def remember(self, access_key_id: str, nonce: str, now: datetime) -> bool:
        """Record the nonce; False when it was already seen within the replay window."""
        key = (access_key_id, nonce)
        with self._lock:
            self._forget_before(now - self._window)
            seen_at = self._seen.pop(key, None)
            if seen_at is not None and now - seen_at < self._window:
                self._seen[key] = seen_at
                return False
            self._seen[key] = now
            return True

    def __len__(self) -> int:
        with self._lock:
            return len(self._seen)

    def _forget_before(self, cutoff: datetime) -> None:
        # Insertion order is (nearly) time order, so expired entries sit at the front and each
        # sweep costs only what it removes; memory stays bounded by the traffic of one window.
        while self._seen:
            key, seen_at = next(iter(self._seen.items()))
            if seen_at > cutoff:
                return
            del self._seen[key]


class Authenticator:
    """Verifies that a raw request is signed by a known AccessKey, fresh, and not replayed."""

    def __init__(
        self,
        secret_for: Callable[[str], str | None],
        nonces: NonceStore,
        clock: Callable[[], datetime],
        max_skew: timedelta = timedelta(minutes=15),
    ) -> None:
        self._secret_for = secret_for
        self._nonces = nonces
        self._clock = clock
        self._max_skew = max_skew

    @property
    def nonces(self) -> NonceStore:
        return self._nonces

    def authenticate(self, request: RawRequest) -> Authenticated:
        """Check parse → key known → timestamp → signature → nonce; raise an AuthError."""
        signed, nonce = self.authenticate_later(request)
        nonce.settle()
        return signed

    def authenticate_later(self, request: RawRequest) -> tuple[Authenticated, PendingNonce]:
        """Check parse → key known → timestamp → signature; the nonce is left to whoever acts
        on the request first (the writer's turn, or ``PendingNonce.settle``)."""
        claim = _parse(request)
        key_id = claim.request.access_key_id
        secret = self._secret_for(key_id)
        if secret is None:
            raise InvalidAccessKeyIdNotFound(f"the AccessKey id {key_id!r} does not exist")
        now = canon.as_utc(self._clock())
        signed_at = _parse_timestamp(claim.timestamp, claim.timestamp_source)
        self._check_skew(signed_at, now, claim.timestamp_source)
        claim.verify(secret)
        claim.check_utf8()
        # Only after verification, so a forged request cannot burn a genuine client's nonce.
        # Counted from the later of the two times so the nonce outlives the request's validity.
        since = max(now, signed_at)
        return claim.request, PendingNonce(
            key_id,
            claim.nonce,
            since,
            lambda: self._nonces.remember(key_id, claim.nonce, since),
            SignatureNonceUsed(f"the signature nonce {claim.nonce!r} was already used"),
        )

    def _check_skew(self, signed_at: datetime, now: datetime, source: str) -> None:
        if abs(now - signed_at) > self._max_skew:
            raise InvalidTimestampExpired(
                f"{source} {signed_at:%Y-%m-%dT%H:%M:%SZ} is more than {self._max_skew} away "
                f"from the server time {now:%Y-%m-%dT%H:%M:%SZ}"
            )


def _parse(request: RawRequest) -> Claim:
    headers = canon.header_map(request.headers)
    query = canon.decode_params(request.query)
    content_type = headers.get("content-type", [None])[0]
    form = canon.decode_form_body(request.body) if canon.is_form(content_type) else []
    bearer = "x-acs-bearer-token" in headers or any(k == "BearerToken" for k, _ in query)
    # The legacy SDK sends an empty SignatureType= on every call: only a value means a token.
    typed = any(k == "SignatureType" and v for k, v in query + form)
    if bearer or typed or any(headers.get("x-acs-signature-type", [])):
        raise IncompleteSignature("bearer token authentication is not supported; use an AccessKey")
    if headers.get("authorization", [""])[0].startswith(auth_roa.SCHEME):
        return auth_roa.parse(request, headers, query, form)
    if "authorization" in headers:
        return _parse_acs3(request, headers, query, form)
    if any(key == "Signature" for key, _ in query + form):
        return _parse_rpc(request, headers, query + form)
    raise IncompleteSignature("the request is not signed: send an ACS3 Authorization header")


def _parse_acs3(
    request: RawRequest, headers: dict[str, list[str]], query: canon.Pairs, form: canon.Pairs
) -> Claim:
    auth = _acs3_authorization(headers)
    if not any(headers.get("x-acs-action", [])):
        raise MissingAction("the x-acs-action header is missing")
    _check_signed_headers(auth.signed_headers, headers, bool(request.body))
    payload = canon.sha256_hex(request.body)
    declared = _single(headers, "x-acs-content-sha256")
    action, version = _single(headers, "x-acs-action"), _single(headers, "x-acs-version")
    timestamp, nonce = _single(headers, "x-acs-date"), _single(headers, "x-acs-signature-nonce")
    return Claim(
        Authenticated(auth.credential, action, version, query + form, "ACS3"),
        timestamp=timestamp,
        timestamp_source="x-acs-date",
        nonce=nonce,
        signature=auth.signature,
        signed_text=canon.acs3_canonical_request(
            request.method, request.path, query, headers, auth.signed_headers, payload
        ),
        sign=canon.acs3_signature,
        payload_problem=_payload_problem(declared, payload),
    )


def _acs3_authorization(headers: dict[str, list[str]]) -> canon.Acs3Authorization:
    try:
        return canon.parse_acs3_authorization(_single(headers, "authorization"))
    except canon.MalformedAuthorization as error:
        raise IncompleteSignature(f"malformed Authorization header: {error}") from None


def _payload_problem(declared: str, payload: str) -> str:
    if declared == payload:
        return ""
    return f"x-acs-content-sha256 {declared!r} is not the SHA-256 of the body ({payload})"


def _check_signed_headers(
    signed: Sequence[str], headers: dict[str, list[str]], has_body: bool
) -> None:
    required = _ACS3_REQUIRED + (("content-type",) if has_body else ())
    uncovered = [name for name in required if name not in signed]
    if uncovered:
        raise IncompleteSignature(f"SignedHeaders must include: {', '.join(uncovered)}")
    absent = [name for name in signed if name not in headers]
    if absent:
        raise IncompleteSignature(f"signed headers missing from the request: {', '.join(absent)}")


def _parse_rpc(request: RawRequest, headers: dict[str, list[str]], params: canon.Pairs) -> Claim:
    def one(name: str) -> str:
        return _one_param(params, name)

    if (one("SignatureMethod"), one("SignatureVersion")) != ("HMAC-SHA1", "1.0"):
        raise IncompleteSignature("legacy signing needs SignatureMethod=HMAC-SHA1, version 1.0")
    if not one("Action"):
        raise MissingAction("the Action parameter is missing")
    for name in ("AccessKeyId", "Timestamp", "SignatureNonce", "Signature"):
        if not one(name):
            raise IncompleteSignature(f"the {name} parameter is missing")
    # Action is authoritative over any x-acs-action header in legacy mode.
    version = one("Version") or headers.get("x-acs-version", [""])[0]
    api_params = [(key, value) for key, value in params if key not in canon.RPC_COMMON_PARAMS]
    return Claim(
        Authenticated(one("AccessKeyId"), one("Action"), version, api_params, "RPC"),
        timestamp=one("Timestamp"),
        timestamp_source="Timestamp",
        nonce=one("SignatureNonce"),
        signature=one("Signature"),
        signed_text=canon.rpc_string_to_sign(request.method, params),
        sign=canon.rpc_signature,
    )


def _one_param(params: canon.Pairs, name: str) -> str:
    values = [value for key, value in params if key == name]
    if len(values) > 1:
        raise IncompleteSignature(f"the parameter {name} appears more than once")
    return values[0] if values else ""


def _single(headers: dict[str, list[str]], name: str) -> str:
    values = headers.get(name, [])
    if len(values) != 1 or not values[0]:
        state = "appears more than once" if len(values) > 1 else "is missing or empty"
        raise IncompleteSignature(f"the {name} header {state}")
    return values[0]


def _parse_timestamp(text: str, source: str) -> datetime:
    moment = canon.parse_utc_time(text)
    if moment is None:
        raise InvalidTimestampFormat(
            f"{source} {text!r} is not a UTC time like 2026-01-31T12:00:00Z"
        )
    return moment
