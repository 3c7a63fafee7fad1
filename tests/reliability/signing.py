"""Requests signed by hand with ACS3-HMAC-SHA256 (WIRE.md §4), so a test controls every byte:
the exact query pairs (duplicates, unknown keys, odd values), the headers that are signed, the
date and the nonce. ``SignedRequest.send`` posts it with httpx and returns the answer as is."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

import httpx

ALGORITHM = "ACS3-HMAC-SHA256"
VERSION = "2020-04-15"
FORM = "application/x-www-form-urlencoded"
Pairs = Sequence[tuple[str, str]]


def enc(text: str) -> str:
    return quote(text, safe="~")


def canonical_query(pairs: Pairs) -> str:
    return "&".join(f"{enc(k)}={enc(v)}" for k, v in sorted(pairs))


def acs_date(moment: datetime | None = None) -> str:
    return (moment or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")


def signature(secret: str, canonical_request: str) -> str:
    digest = hashlib.sha256(canonical_request.encode()).hexdigest()
    return hmac.new(secret.encode(), f"{ALGORITHM}\n{digest}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class SignedRequest:
    """One request as it will go on the wire. Fields left at their defaults give exactly what
    the official SDK sends; each attack changes one of them."""

    host: str
    action: str
    key: tuple[str, str, str]
    query: Pairs = ()
    form: Pairs | None = None
    raw_body: bytes | None = None
    date: str = field(default_factory=acs_date)
    nonce: str = field(default_factory=lambda: secrets.token_hex(16))
    signed_names: Sequence[str] | None = None
    sign_query: Pairs | None = None
    sign_secret: str | None = None
    extra_headers: Sequence[tuple[str, str]] = ()

    def body(self) -> bytes:
        if self.raw_body is not None:
            return self.raw_body
        return urlencode(sorted(self.form)).encode() if self.form is not None else b""

    def headers(self) -> dict[str, str]:
        body = self.body()
        headers = {
            "host": self.host,
            "x-acs-version": VERSION,
            "x-acs-action": self.action,
            "user-agent": "reliability-tests",
            "x-acs-date": self.date,
            "x-acs-signature-nonce": self.nonce,
            "accept": "application/json",
            "x-acs-content-sha256": hashlib.sha256(body).hexdigest(),
        }
        if body:
            headers["content-type"] = FORM
        headers.update(self.extra_headers)
        names = sorted(self.signed_names if self.signed_names is not None else headers)
        canonical = "\n".join(
            [
                "POST",
                "/",
                canonical_query(self.sign_query if self.sign_query is not None else self.query),
                "".join(f"{n}:{headers.get(n, '').strip()}\n" for n in names),
                ";".join(names),
                headers["x-acs-content-sha256"],
            ]
        )
        sig = signature(self.sign_secret or self.key[1], canonical)
        headers["authorization"] = (
            f"{ALGORITHM} Credential={self.key[0]},SignedHeaders={';'.join(names)},Signature={sig}"
        )
        return headers

    def url(self) -> str:
        query = urlencode(list(self.query))
        return f"http://{self.host}/" + (f"?{query}" if query else "")

    def send(self, client: httpx.Client | None = None, timeout: float = 30) -> Answer:
        http = client or httpx
        response = http.post(
            self.url(), headers=self.headers(), content=self.body(), timeout=timeout
        )  # type: ignore[arg-type]
        return Answer(response.status_code, response.content)

    def but(self, **changes: Any) -> SignedRequest:
        return replace(self, **changes)


@dataclass(frozen=True)
class Answer:
    """An HTTP answer: its status and, when it parses, its JSON object."""

    status: int
    raw: bytes

    @property
    def json(self) -> dict[str, Any] | None:
        try:
            value = json.loads(self.raw)
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

    @property
    def code(self) -> str | None:
        return (self.json or {}).get("Code")

    def in_cloud_shape(self) -> bool:
        """A 2xx JSON object with a RequestId, or an error with Code, Message and RequestId."""
        body = self.json
        if body is None or not isinstance(body.get("RequestId"), str):
            return False
        if self.status < 400:
            return True
        return all(isinstance(body.get(k), str) and body[k] for k in ("Code", "Message"))

    def __str__(self) -> str:
        return f"HTTP {self.status} {self.raw[:300]!r}"


def request(
    host: str, action: str, key: tuple[str, str, str], query: Pairs = (), **options: Any
) -> SignedRequest:
    return SignedRequest(host, action, key, tuple(query), **options)


def stale(minutes: float) -> str:
    return acs_date(datetime.now(UTC) - timedelta(minutes=minutes))
