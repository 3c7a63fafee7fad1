"""uvicorn's HTTP protocol with the edge's bounds applied while a request is parsed (see
``api/limits.py``): the URL and the headers are counted as they arrive, a request must arrive
whole within the request timeout, and connections beyond the cap get a 503 in the cloud's
shape. Every refusal is written straight to the socket and the connection is closed."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, Protocol

from privatelink.api import limit_errors as refused


class Bounds(Protocol):
    """The bounds the protocol applies (``api.limits.EdgeLimits``)."""

    @property
    def max_url_bytes(self) -> int: ...

    @property
    def max_header_bytes(self) -> int: ...

    @property
    def max_headers(self) -> int: ...

    @property
    def request_timeout(self) -> float: ...

    @property
    def max_connections(self) -> int: ...


Refusal = Callable[[Exception], tuple[int, bytes, bytes]]


class Refused(Exception):
    """Raised in a parser callback to stop parsing; the refusal is on the protocol."""


# The protocol class this one is mixed into is only known at run time (uvicorn's httptools
# protocol), so its methods are not type-checked here.
_ProtocolBase: Any = object


class BoundedHead(_ProtocolBase):  # type: ignore[misc]
    """One connection: its request heads counted, its requests timed. Mixed in before uvicorn's
    protocol by ``bounded_protocol``, which sets ``limits`` and ``refusal``."""

    limits: Bounds
    refusal: Refusal

    _refusal: Exception | None = None
    _timer: asyncio.TimerHandle | None = None
    _receiving = False
    _url_bytes = _header_bytes = _headers = 0

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        self._arm()  # a connection that never sends a request is closed too

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._url_bytes = self._header_bytes = self._headers = 0
        self._receiving = True
        self._arm()

    def on_url(self, url: bytes) -> None:
        self._url_bytes += len(url)
        if self._url_bytes > self.limits.max_url_bytes:
            self._refuse(
                refused.UrlTooLong(f"The URL is longer than {self.limits.max_url_bytes} bytes.")
            )
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._headers += 1
        self._header_bytes += len(name) + len(value) + 4
        if (
            self._headers > self.limits.max_headers
            or self._header_bytes > self.limits.max_header_bytes
        ):
            self._refuse(
                refused.HeadersTooLarge(
                    f"The request headers exceed {self.limits.max_headers} fields or "
                    f"{self.limits.max_header_bytes} bytes."
                )
            )
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        # uvicorn's limit_concurrency check (set one higher), answered in the cloud's shape.
        if (
            len(self.connections) > self.limits.max_connections
            or len(self.tasks) >= self.limits.max_connections
        ):
            self._refuse(
                refused.TooManyConnections(
                    f"The server holds {self.limits.max_connections} connections; retry shortly."
                )
            )
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._receiving = False
        self._disarm()
        super().on_message_complete()

    def send_400_response(self, msg: str) -> None:
        error = self._refusal or refused.UnreadableRequest(f"The request cannot be read: {msg}")
        self._write(error)

    def _refuse(self, error: Exception) -> None:
        self._refusal = error
        raise Refused(str(error))

    def _write(self, error: Exception) -> None:
        _, head, body = self.refusal(error)
        if not self.transport.is_closing():
            self.transport.write(head + body)
            self.transport.close()
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete:
            cycle.disconnected = True  # the application's answer, if any, goes nowhere
            cycle.message_event.set()

    def _arm(self) -> None:
        self._disarm()
        self._timer = asyncio.get_running_loop().call_later(
            self.limits.request_timeout, self._expire
        )

    def _disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _expire(self) -> None:
        self._timer = None
        cycle = self.cycle
        answered = cycle is not None and cycle.response_started and not cycle.response_complete
        if self._receiving and not answered:
            self._write(
                refused.RequestTimeout(
                    f"The request did not arrive within {self.limits.request_timeout:g} seconds."
                )
            )
        elif not self.transport.is_closing():
            self.transport.close()


def bounded_protocol(base: type, limits: Bounds, refusal: Refusal) -> type:
    """``base`` bounded by ``limits``; ``refusal`` writes an error as (status, head, body)."""
    namespace = {"limits": limits, "refusal": staticmethod(refusal)}
    return type("BoundedProtocol", (BoundedHead, base), namespace)
