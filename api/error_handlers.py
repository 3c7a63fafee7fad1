"""The HTTP edge's exception handlers: whatever a route lets out, and the framework's own
refusals (404, 405, bad input), are answered in the cloud's shape through ``error_response``,
never FastAPI's ``{"detail": ...}``; in XML when the request asked for ``Format=XML``."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from privatelink.api.errors import KNOWN_ERRORS, error_response
from privatelink.api.errors_protocol import InvalidRequest, NotFoundPath, UnsupportedHTTPMethod
from privatelink.api.protocol import rendered
from privatelink.api.responses import encode, new_request_id


def install_cloud_errors(app: FastAPI) -> None:
    """Register the handlers on ``app`` (idempotent: a second call sets the same ones)."""
    for error_class in KNOWN_ERRORS:
        app.add_exception_handler(error_class, cloud_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid_input)
    # Anything else: a 500 in the cloud's shape (Starlette then re-raises it for the server's
    # log); an unreachable store answers 503.
    app.add_exception_handler(Exception, cloud_error)


def answer(request: Request, error: BaseException) -> Response:
    """The response to ``error``: the status and body of ``error_response`` (one code, one
    status: the error table's)."""
    status, body = error_response(error, new_request_id(), request.headers.get("host", ""))
    content_type, data = rendered(request.scope, b"", status, encode(body))
    return Response(data, status, media_type=content_type)


async def cloud_error(request: Request, exc: Exception) -> Response:
    return answer(request, exc)


async def http_error(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 400)
    path, method = request.url.path, request.method
    if status == 404:
        error: Exception = NotFoundPath(
            f'The requested path "{path}" does not exist; the API answers on "/".'
        )
    elif status == 405:
        error = UnsupportedHTTPMethod(
            f"The HTTP method {method} is not supported on {path}"
            + ("; the API takes GET and POST." if path == "/" else ".")
        )
    else:
        error = InvalidRequest(str(getattr(exc, "detail", "")) or "The request is not valid.")
    return answer(request, error)


async def invalid_input(request: Request, exc: Exception) -> Response:
    errors: list[dict[str, Any]] = getattr(exc, "errors", list)()
    where = ".".join(str(p) for p in errors[0]["loc"]) if errors else "request"
    return answer(request, InvalidRequest(f'The parameter "{where}" is not valid.'))
