"""Refusals of requests that exceed the edge's bounds (``api/limits.py``); their HTTP statuses
are in the one error table of ``api/errors.py``."""

from __future__ import annotations

from privatelink.api.errors_base import EdgeError


class RequestTimeout(EdgeError):
    """The request's head or body did not arrive within the request timeout (HTTP 408)."""

    code = "RequestTimeout"


class BodyTooLarge(EdgeError):
    """The request body is larger than the edge accepts (HTTP 413)."""

    code = "RequestEntityTooLarge"


class UrlTooLong(EdgeError):
    """The request line's URL is longer than the edge accepts (HTTP 414)."""

    code = "RequestURITooLong"


class HeadersTooLarge(EdgeError):
    """Too many request headers, or too many bytes of them (HTTP 431)."""

    code = "RequestHeaderFieldsTooLarge"


class TooManyParameters(EdgeError):
    """More request parameters than any action takes (HTTP 400)."""

    code = "InvalidParameter"


class TooManyConnections(Exception):
    """The server holds as many connections as it is allowed to; retry shortly (HTTP 503).

    Not an EdgeError: it is not the client's input that is refused, so it is no 4xx."""

    code = "ServiceUnavailable"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnreadableRequest(EdgeError):
    """The bytes received are not an HTTP/1.1 request (HTTP 400)."""

    code = "InvalidParameter"
