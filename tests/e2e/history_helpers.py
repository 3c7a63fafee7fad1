"""Helpers for the history tests: the SDK's generic call for the emulator's own actions, and
the CLI against a test schema."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from alibabacloud_tea_openapi import models as open_api
from alibabacloud_tea_util import models as util


def call(client: Any, action: str, **query: Any) -> dict[str, Any]:
    """A signed call of any action through the official SDK's ``call_api``."""
    params = open_api.Params(
        action=action,
        version="2020-04-15",
        protocol="HTTP",
        pathname="/",
        method="POST",
        auth_type="AK",
        style="RPC",
        req_body_type="formData",
        body_type="json",
    )
    request = open_api.OpenApiRequest(query={k: str(v) for k, v in query.items()})
    return client.call_api(params, request, util.RuntimeOptions())["body"]  # type: ignore[no-any-return]


def cli(
    database_url: str, schema: str, *args: str, check: bool = True, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "privatelink",
            *args,
            "--database-url",
            database_url,
            "--schema",
            schema,
        ],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"{args}: {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result


def cli_json(database_url: str, schema: str, *args: str) -> Any:
    return json.loads(cli(database_url, schema, *args).stdout)


def wait_until(fetch: Callable[[], Any], done: Callable[[Any], bool], timeout: float = 10) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = fetch()
        if done(value) or time.monotonic() > deadline:
            assert done(value), value
            return value
        time.sleep(0.05)
