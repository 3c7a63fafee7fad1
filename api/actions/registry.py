"""The action table: wire action name -> handler."""

from __future__ import annotations

from collections.abc import Callable

from privatelink.api.actions.context import Handler

ACTIONS: dict[str, Handler] = {}


def action(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        ACTIONS[name] = handler
        return handler

    return register
