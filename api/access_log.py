"""The access log: one INFO line per cloud request on the ``privatelink.access`` logger, with
the action, the caller's account, the answer's code and HTTP status, and the time it took.
With ``--log-format json`` those are fields of the JSON object."""

from __future__ import annotations

import functools
import json
import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from privatelink.api import auth_canonical as canon

log = logging.getLogger("privatelink.access")

CLAIMED = "privatelink.claimed"
"""Where a request's scope carries the (action, AccessKey id) its signature proved, when it
did: the log line then need not parse the request again."""

Answer = Callable[[Any, MutableMapping[str, Any], bytes], Awaitable[tuple[int, bytes]]]


def access_logged(answer: Answer) -> Answer:
    """Wrap the cloud protocol's ``answer`` so each request logs one line once answered."""

    @functools.wraps(answer)
    async def logged(
        runtime: Any, scope: MutableMapping[str, Any], raw_body: bytes
    ) -> tuple[int, bytes]:
        if not log.isEnabledFor(logging.INFO):
            return await answer(runtime, scope, raw_body)
        started = time.perf_counter()
        status, body = await answer(runtime, scope, raw_body)
        elapsed = round((time.perf_counter() - started) * 1000, 1)
        log_answer(runtime, scope, raw_body, (status, body), elapsed)
        return status, body

    return logged


def log_answer(
    runtime: Any,
    scope: MutableMapping[str, Any],
    raw_body: bytes,
    answered: tuple[int, bytes],
    elapsed: float,
) -> None:
    """The access log's line for one answered request."""
    status, body = answered
    action, key = scope.get(CLAIMED) or claimed(scope, raw_body)
    fields = {
        "action": action,
        "account": account_of(runtime, key),
        "code": code_of(status, body),
        "status": status,
        "ms": elapsed,
    }
    log.info(
        "%(action)s account=%(account)s code=%(code)s status=%(status)s %(ms)s ms",
        fields,
        extra=fields,
    )


def claimed(scope: MutableMapping[str, Any], body: bytes) -> tuple[str, str]:
    """The action and access key id the request names (signed or not; never raises)."""
    try:
        headers = canon.header_map(
            (k.decode("latin-1"), v.decode("latin-1")) for k, v in scope.get("headers", [])
        )
        params = canon.decode_params(scope.get("query_string", b"").decode("latin-1"))
        if canon.is_form(headers.get("content-type", [None])[0]):
            params += canon.decode_form_body(body)
        named = dict(params)
        action = named.get("Action") or headers.get("x-acs-action", ["-"])[0]
        key = named.get("AccessKeyId", "")
        if not key and "authorization" in headers:
            key = canon.parse_acs3_authorization(headers["authorization"][0]).credential
        return action or "-", key
    except Exception:  # noqa: BLE001 - a request too broken to read is logged as such
        return "-", ""


def account_of(runtime: Any, key: str) -> str:
    try:
        return str(runtime.inventory.account_for_key(key).uid) if key else "-"
    except Exception:  # noqa: BLE001 - an unknown key: the answer's code says so
        return "-"


def code_of(status: int, body: bytes) -> str:
    if status == 200:
        return "OK"
    try:
        return str(json.loads(body).get("Code", "-"))
    except (ValueError, AttributeError):
        return "-"
