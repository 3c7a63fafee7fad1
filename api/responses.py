"""How every route of the HTTP edge answers: request ids, the JSON encoding, and the one
function that turns an error into an answer (``error_answer``), built on the error table's
``status_for`` / ``error_body`` (``api/errors.py``)."""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from privatelink.api.errors import HTTP_STATUS, ServiceUnavailable, error_body, status_for

log = logging.getLogger("privatelink")
KNOWN_ERRORS = tuple(HTTP_STATUS)


def new_request_id() -> str:
    return str(uuid.uuid4()).upper()


def encode(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def error_answer(error: BaseException, request_id: str, host: str) -> tuple[int, dict[str, Any]]:
    """(HTTP status, body in the cloud's shape) for any error a route lets out: a refusal in
    the error table answers its status; an unreachable store, 503; anything else is logged
    and answers 500 ``InternalError`` (the last line: answer, log, never hang)."""
    if isinstance(error, KNOWN_ERRORS):
        assert isinstance(error, Exception)
        return status_for(error), error_body(error, request_id, host)
    if is_database_outage(error):
        unavailable = ServiceUnavailable("The event store is unavailable; retry shortly.")
        return 503, error_body(unavailable, request_id, host)
    log.error("request %s failed", request_id, exc_info=error)
    return 500, {"RequestId": request_id, "HostId": host, "Code": "InternalError",
                 "Message": "The request processing has failed due to some unknown error."}


def is_database_outage(error: BaseException) -> bool:
    import psycopg
    from eventsourcing.persistence import InterfaceError, OperationalError

    return isinstance(error, (psycopg.OperationalError, OperationalError, InterfaceError))
