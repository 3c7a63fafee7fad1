"""What every route of the HTTP edge answers with: request ids and the JSON encoding. An error
becomes an answer in one function, ``api/errors.error_response``."""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from privatelink.api.errors import KNOWN_ERRORS, is_database_outage

__all__ = ["KNOWN_ERRORS", "encode", "is_database_outage", "new_request_id"]

log = logging.getLogger("privatelink")


def new_request_id() -> str:
    return str(uuid.uuid4()).upper()


def encode(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
