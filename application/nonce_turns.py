"""The signature nonces a writer's turn remembers (issue 17): the nonces of the jobs it
decides are inserted with its opening, in the transaction that records their commands; a job
whose nonce was used within the replay window, or which repeats another job's, is refused
before anything is decided."""

from __future__ import annotations

from typing import Any

from privatelink.application.jobs import Job, PendingNonce, nonce_of


def turn_nonces(jobs: list[Job]) -> list[PendingNonce]:
    """The nonces a turn opened for ``jobs`` remembers: each one once (the first job's)."""
    return list({n.key: n for job in reversed(jobs) if (n := nonce_of(job))}.values())


def refuse_replays(jobs: list[Job], taken: list[PendingNonce], fresh: set[tuple[str, str]]) -> None:
    """Answer, before anything is decided, the jobs whose nonce the turn found used within the
    replay window, or which repeat the nonce of another job of the batch (the first one sent
    keeps it)."""
    first = {id(nonce) for nonce in taken}
    for job in jobs:
        nonce = nonce_of(job)
        if nonce is not None and (id(nonce) not in first or nonce.key not in fresh):
            nonce.settled = True
            job.finish(error=nonce.refusal)


def take_late(session: Any, late: list[Job]) -> None:
    """The jobs that came while a turn opened join it once it remembered their nonces: a
    round trip more, instead of waiting for its batch and then their own. Refused ones are
    answered; the store failing raises."""
    nonces = turn_nonces(late)
    refuse_replays(late, nonces, session.remember(nonces))  # not the turn's: its own fresh
