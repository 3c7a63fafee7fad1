"""What an action handler works with: the runtime, the caller, and small helpers for
commands (read-your-writes) and paged queries."""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from privatelink.api.errors import ServiceUnavailable
from privatelink.api.wire.errors import InvalidParameter
from privatelink.application.app import PrivateLinkApp
from privatelink.application.jobs import Command, Outcome, PendingNonce
from privatelink.domain.base import Caller


class RuntimeLike(Protocol):
    """The parts of the composed runtime that handlers use."""

    app: PrivateLinkApp
    views: Any
    inventory: Any

    def wait_for_views(self, position: int | None) -> bool: ...


@dataclass(frozen=True)
class Ctx:
    """One authenticated request on its way through a handler."""

    runtime: RuntimeLike
    caller: Caller
    action: str
    fingerprint: str
    written: list[Mapping[tuple[str, str], Any]] = field(default_factory=list)
    """The view rows that the commands settled here wrote in their commits."""
    nonce: PendingNonce | None = None
    """The request's signature nonce, for the writer's turn to remember (api/http.py)."""

    @property
    def account(self) -> str:
        return self.caller.account

    @property
    def app(self) -> PrivateLinkApp:
        return self.runtime.app

    @property
    def views(self) -> Any:
        return self.runtime.views

    def command(self, request: Any) -> Command:
        return Command(
            self.caller,
            self.action,
            getattr(request, "client_token", None),
            bool(getattr(request, "dry_run", False)),
            self.fingerprint,
            self.nonce,
        )

    def settle(self, outcome: Outcome) -> dict[str, Any]:
        """Answer only once the views include what the command recorded."""
        if not self.runtime.wait_for_views(outcome.position):
            raise ServiceUnavailable(
                "The command was recorded, but the read views have not caught up yet; "
                "retry with the same ClientToken to get its answer."
            )
        if outcome.rows:
            self.written.append(outcome.rows)
        return outcome.result

    def row(self, kind: str, key: str) -> dict[str, Any] | None:
        """One view row as a read now finds it: from the rows a command settled here just
        wrote in its commit (no round trip), or from the views."""
        for rows in reversed(self.written):
            if (kind, key) in rows:
                return dict(rows[(kind, key)])
        read: dict[str, Any] | None = self.views.get(kind, key)
        return read


def fingerprint(params: Iterable[tuple[str, str]]) -> str:
    """The identity of a request's parameters, ClientToken and DryRun aside."""
    kept = sorted((k, v) for k, v in params if k not in ("ClientToken", "DryRun"))
    return hashlib.sha256(repr(kept).encode()).hexdigest()


TOKEN_PREFIX = "pl1:"


def encode_token(key: str) -> str:
    """An opaque NextToken: where the next page starts."""
    return base64.urlsafe_b64encode((TOKEN_PREFIX + key).encode()).decode().rstrip("=")


def decode_token(token: str | None) -> str | None:
    """The position a NextToken names; a token this API did not issue is refused."""
    if not token:
        return None
    try:
        decoded = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        decoded = ""
    if (
        not decoded.startswith(TOKEN_PREFIX)
        or len(decoded) == len(TOKEN_PREFIX)
        or not decoded.isprintable()
    ):
        raise InvalidParameter("NextToken", "is not a token this API returned")
    return decoded[len(TOKEN_PREFIX) :]


def paged(rows: Sequence[tuple[str, dict[str, Any]]], limit: int) -> str:
    """The NextToken after this page: empty when it is the last one."""
    return encode_token(rows[-1][0]) if len(rows) == limit and rows else ""


def pick(doc: dict[str, Any], fields: Sequence[str]) -> dict[str, Any]:
    """Exactly the response fields of the SDK model, in its shape; absent (None) fields are
    left out, as the cloud does."""
    return {f: doc[f] for f in fields if doc.get(f) is not None}


Handler = Callable[[Ctx, Any], dict[str, Any]]
