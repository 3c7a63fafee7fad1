"""A retry with the same ClientToken gets the FIRST answer, byte for byte the same fields,
whatever happened to the resource since (the cloud's idempotency promise).

The application already makes the command itself idempotent (its ClientTokenRecord, saved with
the command's events); most answers, though, are read from the views after the command, so the
answer given is kept here, in the edge's answer store, and handed back on a retry.
"""

from __future__ import annotations

from typing import Any, Protocol

from privatelink.api.actions.context import Ctx, Handler
from privatelink.domain.errors import IdempotentParameterMismatch


class AnswerStore(Protocol):
    """Port: the first answer per (account, action, ClientToken)."""

    def first(self, account: str, action: str, token: str) -> tuple[str, dict[str, Any]] | None: ...

    def keep(
        self, account: str, action: str, token: str, fingerprint: str, answer: dict[str, Any]
    ) -> tuple[str, dict[str, Any]]: ...


def first_answer(ctx: Ctx, request: Any, handler: Handler) -> dict[str, Any]:
    """Run ``handler`` unless this ClientToken was answered before; keep its first answer."""
    token = getattr(request, "client_token", None)
    answers: AnswerStore | None = getattr(ctx.runtime, "answers", None)
    if not token or answers is None or getattr(request, "dry_run", False):
        return handler(ctx, request)
    kept = answers.first(ctx.account, ctx.action, token)
    if kept is None:
        # Concurrent first attempts are made one by the application; the answer kept first
        # is the one every attempt returns.
        kept = answers.keep(ctx.account, ctx.action, token, ctx.fingerprint, handler(ctx, request))
    fingerprint, answer = kept
    if fingerprint != ctx.fingerprint:
        raise IdempotentParameterMismatch(token)
    return dict(answer)
