"""Warnings a decision gives (HA-1's "not highly available"), logged once the decision stands.

A decision is taken in the writer's thread, one after another for every request (issue 17):
a log line formatted and written there delays every job behind it. So a warning given while a
job is decided is kept on the job, and the thread that answers the job logs it once the job is
committed. A job that is refused, and a DryRun, log none: nothing was created. Outside a
decision (a script, a test calling a use case directly) a warning is logged at once."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, TypeVar

log = logging.getLogger("privatelink")

Notice = tuple[str, tuple[Any, ...]]
T = TypeVar("T")

_KEPT: ContextVar[list[Notice] | None] = ContextVar("privatelink_notices", default=None)


def warn(message: str, *args: Any) -> None:
    """A warning of the decision being taken: kept for its answer, or logged now outside one."""
    kept = _KEPT.get()
    if kept is None:
        log.warning(message, *args)
    else:
        kept.append((message, args))


def collecting(decide: Callable[[], T], into: list[Notice]) -> T:
    """Run ``decide``, keeping the warnings it gives in ``into`` (emptied first: a job decided
    again keeps only its last decision's)."""
    del into[:]
    token = _KEPT.set(into)
    try:
        return decide()
    finally:
        _KEPT.reset(token)


def emit(notices: list[Notice]) -> None:
    """Log the warnings of a decision that stands."""
    for message, args in notices:
        log.warning(message, *args)
