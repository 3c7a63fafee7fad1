"""What a request is and claims before it is believed: the request as received
(``RawRequest``), the claim its signature envelope makes (``Claim``), the verified request
(``Authenticated``), and the refusals of authentication. Shared by ``auth`` and the signature
styles it delegates to (``auth_roa``), so that they do not import each other."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from privatelink.api import auth_canonical as canon
from privatelink.api.errors_base import EdgeError
from privatelink.api.wire.errors import InvalidParameter


class AuthError(EdgeError):
    """A request refused because it is not properly signed by a known AccessKey."""


class IncompleteSignature(AuthError):
    """The request is unsigned, or its signature envelope is malformed or covers too little."""

    code = "IncompleteSignature"


class SignatureDoesNotMatch(AuthError):
    """The signature, or the declared body hash, differs from the server's calculation."""

    code = "SignatureDoesNotMatch"


class InvalidAccessKeyIdNotFound(AuthError):
    """The AccessKey id that signed the request is not known."""

    code = "InvalidAccessKeyId.NotFound"


class InvalidTimestampExpired(AuthError):
    """The request's signing time is too far from the server clock (either direction)."""

    code = "InvalidTimeStamp.Expired"


class InvalidTimestampFormat(AuthError):
    """The request's signing time is not ``YYYY-MM-DDTHH:MM:SSZ``."""

    code = "InvalidTimeStamp.Format"


class SignatureNonceUsed(AuthError):
    """The signature nonce was already used within the replay window."""

    code = "SignatureNonceUsed"


class MissingAction(AuthError):
    """The request names no action (no ``x-acs-action`` header / ``Action`` parameter)."""

    code = "MissingParameter"


@dataclass(frozen=True)
class RawRequest:
    """An HTTP request exactly as received, before any interpretation."""

    method: str
    path: str
    query: str
    headers: Sequence[tuple[str, str]]
    body: bytes


@dataclass(frozen=True)
class Authenticated:
    """A verified request: who sent it, what it asks for, and its decoded API parameters."""

    access_key_id: str
    action: str
    version: str
    params: list[tuple[str, str]]
    style: Literal["ACS3", "RPC", "ROA"]


@dataclass(frozen=True)
class Claim:
    """What a request says about itself: parsed, not yet believed."""

    request: Authenticated
    timestamp: str
    timestamp_source: str
    nonce: str
    signature: str
    signed_text: str  # canonical request (ACS3) or string to sign (RPC); secret-free
    sign: Callable[[str, str], str]
    payload_problem: str = ""

    def check_utf8(self) -> None:
        """Every parameter is UTF-8: the cloud refuses others, naming the parameter."""
        named = [
            ("SignatureNonce", self.nonce),
            ("Action", self.request.action),
            ("Version", self.request.version),
            *self.request.params,
        ]
        name = canon.invalid_utf8(named)
        if name is not None:
            raise InvalidParameter(name, "is not valid UTF-8")
        if "\x00" in self.nonce:  # PostgreSQL's text cannot hold it: refused here, not there
            raise InvalidParameter("SignatureNonce", "contains a NUL character")

    def verify(self, secret: str) -> None:
        if self.payload_problem:
            raise SignatureDoesNotMatch(self.payload_problem)
        if not canon.same_signature(self.sign(secret, self.signed_text), self.signature):
            signed = canon.redact_tokens(self.signed_text)
            if self.request.style != "ACS3":
                # The cloud's exact words: the legacy SDK splits them at ':' and compares the
                # rest with its own string to sign to tell a wrong secret (InvalidAccessKeySecret).
                raise SignatureDoesNotMatch(
                    f"Specified signature is not matched with our calculation. "
                    f"server string to sign is:{signed}"
                )
            raise SignatureDoesNotMatch(
                "the request signature does not match the server's calculation; "
                f"the server signed: {signed!r}"
            )
