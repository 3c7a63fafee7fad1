"""Driving the console over HTTP as a browser without JavaScript would: forms, CSRF tokens,
the session cookie."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import httpx

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


class ConsoleUser:
    """One signed-in browser session."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client
        self.csrf = ""

    def sign_in(self, key: tuple[str, str, str]) -> ConsoleUser:
        page = self.client.post(
            "/console/login",
            data={"AccessKeyId": key[0], "AccessKeySecret": key[1]},
            follow_redirects=True,
        )
        assert page.status_code == 200, page.text
        self.csrf = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
        return self

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.client.get(path, follow_redirects=True, **kwargs)

    def post(self, path: str, data: dict[str, Any] | list[tuple[str, Any]]) -> httpx.Response:
        items = list(data.items()) if isinstance(data, dict) else list(data)
        form: dict[str, list[str]] = {"csrf": [self.csrf]}
        for key, value in items:
            form.setdefault(key, []).append(str(value))
        return self.client.post(path, data=form, follow_redirects=True)

    def create_service(self, **fields: Any) -> str:
        """Create Endpoint Service; ``Resource`` (one value) replaces the two default ones."""
        resources = (
            [fields.pop("Resource")]
            if "Resource" in fields
            else ["nlb|nlb-provider0001|cn-hangzhou-h", "nlb|nlb-provider0001|cn-hangzhou-i"]
        )
        form: list[tuple[str, Any]] = [
            ("RegionId", "cn-hangzhou"),
            ("ServiceResourceType", "nlb"),
            ("step", "create"),
        ]
        form = [(k, v) for k, v in form if k not in fields]
        form += [("Resource", r) for r in resources]
        form += list({"AutoAcceptEnabled": "false", **fields}.items())
        page = self.post("/console/services/new", form)
        assert page.status_code == 200, page.text
        return str(page.url).rsplit("/", 1)[-1]


def service_name(user: ConsoleUser, service_id: str) -> str:
    page = user.get(f"/console/services/{service_id}")
    return re.search(r'data-testid="service-name">([^<]+)<', page.text).group(1)  # type: ignore[union-attr]


def wait_until(check: Callable[[], bool], timeout: float = 30, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what or check}")
