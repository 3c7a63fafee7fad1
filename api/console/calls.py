"""The console's one way to act and read: the API's own action handlers, called for the
signed-in account. Same parsing, same rules, same error messages as a signed request (SEC-3:
every read is filtered by the caller exactly as the API filters it)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from privatelink.api.actions import ACTIONS
from privatelink.api.actions.context import Ctx, RuntimeLike, fingerprint
from privatelink.api.errors import KNOWN_ERRORS, error_response
from privatelink.api.wire.errors import UnknownAction
from privatelink.api.wire.parse import parse_params
from privatelink.domain.base import Caller

# A refusal the rules raise without naming a parameter, shown beside the field it is about.
FIELD_OF_CODE = {
    "EndpointServiceNotFound": "ServiceName",
    "IpAddressUnavailable": "ip",
}


@dataclass
class ActionFailed(Exception):
    """A refusal of the API, as the console shows it: code, message, the field it concerns."""

    code: str
    message: str
    field: str | None
    status: int
    request_id: str
    form: str = ""
    """The console form that sent the refused request."""

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"

    @classmethod
    def of(
        cls, error: Exception, request_id: str, form: str = "", field: str | None = None
    ) -> ActionFailed:
        """The refusal as the API answers it: code, message and status from the one error
        function of ``api/errors.py``, so the console shows what a signed request gets."""
        status, body = error_response(error, request_id, "")
        code = body["Code"]
        field = field or getattr(error, "parameter", None) or FIELD_OF_CODE.get(code)
        return cls(code, body["Message"], field, status, request_id, form)


Params = Mapping[str, Any] | Iterable[tuple[str, Any]]


def wire_params(params: Params) -> list[tuple[str, str]]:
    """Form values as wire parameters: empty values are left out, booleans are true/false."""
    items = params.items() if isinstance(params, Mapping) else params
    out = []
    for key, value in items:
        if value is None or value == "":
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        out.append((key, str(value)))
    return out


def call(
    runtime: RuntimeLike, account: str, action: str, params: Params, request_id: str
) -> dict[str, Any]:
    """Run one action as ``account``; a refusal raises ``ActionFailed``."""
    pairs = wire_params(params)
    try:
        handler = ACTIONS.get(action)
        if handler is None:
            raise UnknownAction(action)
        request = parse_params(action, pairs)
        ctx = Ctx(runtime, Caller(account, request_id), action, fingerprint(pairs))
        return handler(ctx, request)
    except KNOWN_ERRORS as error:
        raise ActionFailed.of(error, request_id) from None


def call_all(
    runtime: RuntimeLike,
    account: str,
    action: str,
    params: Params,
    key: str,
    request_id: str,
    limit: int = 20,
) -> list[dict[str, Any]]:
    """Every item of a paged list action (at most ``limit`` pages of 50)."""
    items: list[dict[str, Any]] = []
    token = ""
    base = wire_params(params)
    for _ in range(limit):
        params = [*base, ("MaxResults", "50"), ("NextToken", token)]
        page = call(runtime, account, action, params, request_id)
        items += page.get(key, [])
        token = page.get("NextToken") or ""
        if not token:
            break
    return items
