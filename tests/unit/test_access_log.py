"""Issue 15: one access-log line per request (action, account, code, status, ms) at INFO; the
level and the format (text or JSON) are the server's --log-level and --log-format."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import Iterator
from contextlib import redirect_stderr
from types import SimpleNamespace
from typing import Any

import pytest

from privatelink.api.access_log import access_logged
from privatelink.infra.inventory_file import demo_inventory
from privatelink.infra.log_setup import configure_logging

RUNTIME = SimpleNamespace(inventory=demo_inventory())
SCOPE = {
    "headers": [(b"content-type", b"application/x-www-form-urlencoded")],
    "query_string": b"Action=ListVpcEndpoints&AccessKeyId=LTAI5tConsumerDemo0002",
}


@access_logged
async def refused(runtime: Any, scope: dict[str, Any], body: bytes) -> tuple[int, bytes]:
    return 404, b'{"Code": "EndpointNotFound", "Message": "x"}'


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root, ours = logging.getLogger(), logging.getLogger("privatelink")
    handlers, levels = list(root.handlers), (root.level, ours.level)
    yield
    root.handlers[:] = handlers
    root.setLevel(levels[0])
    ours.setLevel(levels[1])


def run_logged(level: str, fmt: str) -> str:
    stream = io.StringIO()
    with redirect_stderr(stream):
        configure_logging(level, fmt)
        asyncio.run(refused(RUNTIME, SCOPE, b""))
    return stream.getvalue()


def test_issue15_a_request_is_one_text_line_at_info(restore_logging: None) -> None:
    (line,) = run_logged("INFO", "text").splitlines()
    assert (
        "INFO privatelink.access: ListVpcEndpoints account=1210000000000002 "
        "code=EndpointNotFound status=404"
        in line
        and line.endswith(" ms")
    )


def test_issue15_json_format_gives_the_fields(restore_logging: None) -> None:
    (line,) = run_logged("INFO", "json").splitlines()
    record = json.loads(line)
    assert {k: record[k] for k in ("action", "account", "code", "status", "level")} == {
        "action": "ListVpcEndpoints",
        "account": "1210000000000002",
        "code": "EndpointNotFound",
        "status": 404,
        "level": "INFO",
    }


def test_issue15_log_level_warning_leaves_requests_out(restore_logging: None) -> None:
    assert run_logged("WARNING", "text") == ""
