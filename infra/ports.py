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


def busy(listeners: list[Listener]) -> str | None:
    """One line naming the first port that cannot be bound, and its flag; None when all can."""
    for listener in listeners:
        for kind in listener.kinds:
            problem = bind_problem(listener.host, listener.port, kind)
            if problem is not None:
                protocol = "TCP" if kind == socket.SOCK_STREAM else "UDP"
                return (f"{protocol} port {listener.port} on {listener.host} is not available "
                        f"({problem}); choose another with {listener.flag}")
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
