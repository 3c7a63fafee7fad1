"""Answers in XML (``Format=XML``), shaped as the cloud's gateway shapes them:

- content type ``text/xml;charset=utf-8``;
- a success is ``<{Action}Response>`` holding the JSON body's fields as elements, in order;
- a list is the same element repeated once per item (``<Zones>a</Zones><Zones>b</Zones>``);
- booleans are ``true``/``false``; absent (null) fields are left out;
- an error (HTTP 4xx/5xx) is ``<Error>`` with RequestId, HostId, Code, Message, Recommend.
"""

from __future__ import annotations

import json
from typing import Any

import xmltodict

CONTENT_TYPE = "text/xml;charset=utf-8"


def from_json(action: str, status: int, body: bytes) -> bytes:
    """The XML form of a JSON answer of ``action`` with HTTP ``status``."""
    data = json.loads(body)
    root = "Error" if status >= 400 else f"{action}Response"
    document = xmltodict.unparse({root: _plain(data)}, encoding="utf-8", full_document=True)
    return document.encode("utf-8")


def _plain(value: Any) -> Any:
    """JSON values as xmltodict writes them: bools lower-case, nulls dropped, lists kept."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_plain(item) for item in value if item is not None]
    return value
