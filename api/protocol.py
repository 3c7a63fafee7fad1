"""What the cloud's API gateway does around every action, whatever the client:

- the RPC protocol answers ``GET /`` and ``POST /`` alike (the signature names the method);
- ``Version`` / ``x-acs-version`` must be this API's version (else ``InvalidVersion``);
- the documented common parameters are accepted on every action (``common_params``);
- ``Format=XML`` answers XML (``api/xml.py``), anything else JSON;
- every other method or path is answered in the cloud's error shape, never FastAPI's
  ``{"detail": ...}`` (``api/error_handlers.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from starlette.types import Scope

from privatelink.api import xml
from privatelink.api.auth import Authenticated
from privatelink.api.auth_canonical import decode_form_body, decode_params, is_form
from privatelink.api.errors_protocol import (
    InvalidVersion,
)
from privatelink.api.wire.errors import MissingParameter
from privatelink.api.wire.parse import REQUEST_MODELS

API_VERSION = "2020-04-15"
RPC_METHODS = ("GET", "POST")
JSON_TYPE = "application/json"

# Accepted on every action and not passed to it. RegionId: every SDK adds it to every call
# (the legacy SDK and pop-core even to actions that do not declare it); the actions that
# declare it still receive it.
COMMON_PARAMS = frozenset({"RegionId"})
# Parameters that a published client of this API version sends for one action although the
# reference (docs/reference/privatelink-2020-04-15.api.json) no longer lists them there:
# accepted and ignored. Every other undeclared parameter is refused as unknown.
LEGACY_PARAMS: dict[str, frozenset[str]] = {
    # aliyun-python-sdk-privatelink 1.0.8 ChangeResourceGroupRequest.set_ResourceRegionId
    "ChangeResourceGroup": frozenset({"ResourceRegionId"}),
}


def check_version(signed: Authenticated) -> None:
    """The cloud's answer to a version this API is not: ``InvalidVersion`` (400)."""
    if not signed.version:
        raise MissingParameter("Version")
    if signed.version != API_VERSION:
        raise InvalidVersion(
            f"Specified parameter Version is not valid: {signed.version!r} is not a version "
            f"of this API (use {API_VERSION})."
        )


def common_params(action: str, params: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The action's own parameters: the common ones it does not declare are dropped."""
    accepted = (COMMON_PARAMS | LEGACY_PARAMS.get(action, frozenset())) - _declared(action)
    return [(key, value) for key, value in params if key not in accepted]


@cache
def _declared(action: str) -> frozenset[str]:
    model = REQUEST_MODELS.get(action)
    if model is None:
        return frozenset()
    return frozenset(info.alias for info in model.model_fields.values() if info.alias)


# -- response format -------------------------------------------------------------------------


def response_format(query: str, headers: Iterable[tuple[str, str]], body: bytes) -> str:
    """``XML`` when the request's ``Format`` parameter (query or form body) says so."""
    params = decode_params(query)
    content_type = next((v for k, v in headers if k.lower() == "content-type"), None)
    if is_form(content_type):
        params += decode_form_body(body)
    values = [value for key, value in params if key == "Format"]
    return "XML" if values and values[-1].upper() == "XML" else "JSON"


def action_of(query: str, headers: Iterable[tuple[str, str]], body: bytes) -> str:
    """The action a request names: ``x-acs-action``, else its ``Action`` parameter."""
    headers = list(headers)
    named = next((v for k, v in headers if k.lower() == "x-acs-action"), "")
    if named:
        return named
    params = decode_params(query)
    content_type = next((v for k, v in headers if k.lower() == "content-type"), None)
    if is_form(content_type):
        params += decode_form_body(body)
    return next((v for k, v in params if k == "Action"), "")


def rendered(scope: Scope, raw_body: bytes, status: int, body: bytes) -> tuple[str, bytes]:
    """(content type, body) of an answer, in the format the request asked for."""
    raw_query = scope.get("query_string", b"")
    if b"Format" not in raw_query and b"Format" not in raw_body:
        return JSON_TYPE, body  # the hot path: no Format parameter at all
    query = raw_query.decode("latin-1")
    headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
    if response_format(query, headers, raw_body) != "XML":
        return JSON_TYPE, body
    action = action_of(query, headers, raw_body) or "Unknown"
    return xml.CONTENT_TYPE, xml.from_json(action, status, body)


# -- every other answer in the cloud's shape -------------------------------------------------
