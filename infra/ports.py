"""Is a port free? Asked before anything starts, so a busy port fails at once with one line
instead of after PostgreSQL has started and "listening on" was printed."""

from __future__ import annotations

import socket
from dataclasses import dataclass


@dataclass(frozen=True)
class Listener:
    """A port the server is about to listen on, and the flag that sets it."""

    host: str
    port: int
    flag: str
    kinds: tuple[int, ...] = (socket.SOCK_STREAM,)
    purpose: str = "listen"
    alternative: str = ""


def busy(listeners: list[Listener]) -> str | None:
    """One line naming the first port that cannot be bound, and its flag; None when all can."""
    for listener in listeners:
        for kind in listener.kinds:
            problem = bind_problem(listener.host, listener.port, kind)
            if problem is not None:
                protocol = "TCP" if kind == socket.SOCK_STREAM else "UDP"
                other = f", or {listener.alternative}" if listener.alternative else ""
                return (
                    f"cannot {listener.purpose} on {listener.host}:{listener.port} "
                    f"({protocol}: {problem}); choose another port with {listener.flag}"
                    f"{other}"
                )
    return None


def bind_problem(host: str, port: int, kind: int) -> str | None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, kind) as probe:
        if kind == socket.SOCK_STREAM:
            # As the servers do: a port whose old connections linger in TIME_WAIT is free.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            return error.strerror or str(error)
    return None
