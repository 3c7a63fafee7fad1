"""ClientTokenRecord: the first answer to a request made with a ClientToken.

Saved atomically with the command's own events, so a retried request either finds the
record (and gets the first answer back, recording nothing) or is the first one.
"""

from __future__ import annotations

import hashlib
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from privatelink.domain.base import PrivateLinkAggregate, aggregate_uuid
from privatelink.domain.errors import IdempotentParameterMismatch


class ClientTokenRecord(PrivateLinkAggregate):
    """One (account, action, token) and the answer it got."""

    @staticmethod
    def create_id(account: str, action: str, token: str) -> UUID:
        digest = hashlib.sha256(token.encode()).hexdigest()
        return aggregate_uuid("client-token", f"{account}:{action}:{digest}")

    @event("Recorded")
    def __init__(
        self,
        account: str,
        action: str,
        token: str,
        fingerprint: str,
        result: dict[str, Any],
        actor: str,
        request_id: str,
    ) -> None:
        self.account = account
        self.action = action
        self.token = token
        self.fingerprint = fingerprint
        self.result = result

    def replay(self, fingerprint: str) -> dict[str, Any]:
        """The first answer, when the parameters are the same as the first time."""
        if fingerprint != self.fingerprint:
            raise IdempotentParameterMismatch(self.token)
        return dict(self.result)


def _recorded_v1_v2(state: dict[str, Any]) -> None:
    """v2 records the acting account and request (AUD-1)."""
    state.setdefault("actor", state.get("account", ""))
    state.setdefault("request_id", "")


ClientTokenRecord.Recorded.class_version = 2  # type: ignore[attr-defined]
ClientTokenRecord.Recorded.upcast_v1_v2 = staticmethod(_recorded_v1_v2)  # type: ignore[attr-defined]
