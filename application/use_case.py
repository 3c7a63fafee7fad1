"""What every use case shares: a typed command (a frozen dataclass naming what a request
asks for, subclassing :class:`UseCase`) and a handler that plans it.

A handler takes the aggregates' finder, the command and the request's envelope
(``jobs.Command``: who, which action, ClientToken, DryRun); it checks what needs no
aggregate, then returns the decision the unit of work runs (and may run again on a
conflict). Handlers are dispatched from one table (``application.dispatch.HANDLERS``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from privatelink.application.aggregates import Aggregates
from privatelink.application.jobs import Command, Decision

Decide = Callable[[], Decision]


class UseCase:
    """Base of the typed commands (frozen dataclasses): the key of the dispatch table."""


Handler = Callable[[Aggregates, Any, Command], Decide]
"""A use case's handler: (aggregates, its command, the envelope) -> the decision to run."""
