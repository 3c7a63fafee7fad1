"""How every route of the HTTP edge answers: request ids, the JSON encoding, and the one
function that turns an error into an answer (``error_answer``), built on the error table's
``status_for`` / ``error_body`` (``api/errors.py``)."""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from privatelink.api.errors import KNOWN_ERRORS, error_response, is_database_outage

__all__ = ["KNOWN_ERRORS", "encode", "error_answer", "is_database_outage", "new_request_id"]

log = logging.getLogger("privatelink")


def new_request_id() -> str:
    return str(uuid.uuid4()).upper()


def encode(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def error_answer(error: BaseException, request_id: str, host: str) -> tuple[int, dict[str, Any]]:
    """(HTTP status, body in the cloud's shape) for any error a route lets out: the one
    function of the error table (``api/errors.error_response``)."""
    return error_response(error, request_id, host)
