"""Bounded resources at the edge (issue 10): every request is refused, in the cloud's error
shape, as soon as it is known to exceed a bound, without being held in memory whole.

Two guards share one set of bounds (``EdgeLimits``):

- ``LimitedApp``, an ASGI middleware: a body over ``max_body_bytes`` is refused (413) from its
  Content-Length before any of it is read, or, sent chunked, as soon as that many bytes have
  arrived; more than ``max_params`` parameters (query and form body) are refused (400).
- ``limited_protocol``, uvicorn's HTTP protocol with limits while the request is parsed: a URL
  over ``max_url_bytes`` (414) or headers over ``max_headers`` / ``max_header_bytes`` (431) are
  refused while they arrive (uvicorn itself would buffer them without bound); a request whose
  head and body have not arrived within ``request_timeout`` is answered 408 and closed (a
  connection that never sends a byte is closed); beyond ``max_connections`` connections a request
  is answered 503 (uvicorn's ``limit_concurrency``, here in the cloud's shape).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from privatelink.api import limit_errors as refused
from privatelink.api.errors import error_response
from privatelink.api.errors_base import EdgeError
from privatelink.api.limits_protocol import bounded_protocol
from privatelink.api.protocol import RPC_METHODS
from privatelink.api.responses import new_request_id

if TYPE_CHECKING:
    import uvicorn

    from privatelink.infra.settings import Settings

REASONS = {
    400: b"Bad Request",
    408: b"Request Timeout",
    413: b"Content Too Large",
    414: b"URI Too Long",
    431: b"Request Header Fields Too Large",
    503: b"Service Unavailable",
}


@dataclass(frozen=True)
class EdgeLimits:
    """The bounds of one server; ``privatelink serve`` takes them from its settings."""

    max_body_bytes: int = 8 * 1024 * 1024
    max_url_bytes: int = 128 * 1024
    max_header_bytes: int = 64 * 1024
    max_headers: int = 100
    max_params: int = 1000
    request_timeout: float = 30.0
    max_connections: int = 1000

    @classmethod
    def of(cls, settings: Settings) -> EdgeLimits:
        return cls(**{name: getattr(settings, name) for name in cls.__dataclass_fields__})


def limit_server(config: uvicorn.Config, settings: Settings) -> uvicorn.Config:
    """``config`` with the edge's limits on its app and its HTTP protocol."""
    limits = EdgeLimits.of(settings)
    if not isinstance(config.http, type):
        raise TypeError("limit_server needs an httptools protocol class (cloud_http_protocol())")
    config.app = LimitedApp(config.app, limits)
    config.http = limited_protocol(config.http, limits)
    config.limit_concurrency = limits.max_connections + 1  # ours answers first (cloud shape)
    return config


def refusal(error: Exception, host: str = "", close: bool = True) -> tuple[int, bytes, bytes]:
    """(status, head, body) of a refusal in the cloud's shape, for writing to a socket."""
    status, doc = error_response(error, new_request_id(), host)
    body = json.dumps(doc).encode()
    head = b"".join(
        [
            b"HTTP/1.1 %d %s\r\n" % (status, REASONS.get(status, b"Error")),
            b"content-type: application/json\r\n",
            b"content-length: %d\r\n" % len(body),
            b"connection: close\r\n\r\n" if close else b"\r\n",
        ]
    )
    return status, head, body


class LimitedApp:
    """ASGI middleware: bodies and parameter counts within the bounds, or a cloud refusal."""

    def __init__(self, app: Any, limits: EdgeLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        try:
            self._check_declared(scope, headers)
            body = await self._read_body(receive, headers)
        except EdgeError as error:
            await self._refuse(error, headers, send)
            return
        if body is None:  # the client went away
            return
        rpc = self._rpc(scope)
        if rpc is not None:  # the cloud's route, answered directly (api/http.py)
            await rpc(scope, body, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)

    def _rpc(self, scope: dict[str, Any]) -> Any:
        if scope["path"] != "/" or scope["method"] not in RPC_METHODS:
            return None
        return getattr(getattr(self.app, "state", None), "rpc", None)

    def _check_declared(self, scope: dict[str, Any], headers: dict[bytes, bytes]) -> None:
        if (
            len(scope.get("raw_path", b"")) + len(scope.get("query_string", b""))
            > self.limits.max_url_bytes
        ):
            raise refused.UrlTooLong(f"The URL is longer than {self.limits.max_url_bytes} bytes.")
        if len(scope.get("headers", [])) > self.limits.max_headers:
            raise refused.HeadersTooLarge(
                f"The request has more than {self.limits.max_headers} headers."
            )
        declared = headers.get(b"content-length", b"").strip()
        if declared.isdigit() and int(declared) > self.limits.max_body_bytes:
            raise self._too_large()
        self._count_params(_count(scope.get("query_string", b"")))

    async def _read_body(self, receive: Any, headers: dict[bytes, bytes]) -> bytes | None:
        chunks: list[bytes] = []
        size = 0
        form = (
            headers.get(b"content-type", b"")
            .lower()
            .startswith(b"application/x-www-form-urlencoded")
        )
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limits.max_body_bytes:
                raise self._too_large()
            chunks.append(chunk)
            if not message.get("more_body"):
                break
        body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        if form:
            self._count_params(_count(body))
        return body

    def _count_params(self, count: int) -> None:
        if count > self.limits.max_params:
            raise refused.TooManyParameters(
                f"The request has more than {self.limits.max_params} parameters."
            )

    def _too_large(self) -> EdgeError:
        return refused.BodyTooLarge(
            f"The request body is larger than {self.limits.max_body_bytes} bytes."
        )

    async def _refuse(self, error: EdgeError, headers: dict[bytes, bytes], send: Any) -> None:
        status, _, body = refusal(error, headers.get(b"host", b"").decode("latin-1"))
        # The body was not read: close the connection rather than read the rest of it.
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _count(text: bytes) -> int:
    """How many ``k=v`` pairs a query string or form body holds (an upper bound)."""
    return text.count(b"&") + 1 if text else 0


def _replay(body: bytes, receive: Any) -> Any:
    """A ``receive`` that yields the body already read, then whatever the client does next."""
    sent = False

    async def replayed() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # type: ignore[no-any-return]

    return replayed


def limited_protocol(base: type, limits: EdgeLimits) -> type:
    """``base`` (uvicorn's httptools protocol) bounding the head, the time and the connections."""
    return bounded_protocol(base, limits, refusal)
