"""Real-browser helpers: headless Chromium from the distribution (never a downloaded one),
driven by Playwright, against a real ``privatelink serve``."""

from __future__ import annotations

import os
import shutil
from typing import Any

import pytest

CHROMIUM = os.environ.get("PRIVATELINK_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
WAIT = 30_000  # ms: an upper bound for a state to show, never a measured timing


def require_browser() -> Any:
    """Playwright's sync API, or a skip that says what is missing."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(
            "chromium is not installed (apt-get install -y chromium); the console's "
            "browser tests need it"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install -e '.[test]')")
    return sync_playwright


def sign_in(page: Any, base: str, key: tuple[str, str, str]) -> None:
    page.goto(f"{base}/console/login")
    page.get_by_label("AccessKeyId").fill(key[0])
    page.get_by_label("AccessKey secret").fill(key[1])
    page.get_by_role("button", name="Sign in").click()
    page.get_by_test_id("account").wait_for()


def create_service(
    page: Any, base: str, resource_type: str, resources: list[str], auto_accept: bool
) -> str:
    """Through the Create Endpoint Service page; returns the new service's id."""
    page.goto(f"{base}/console/services/new")
    page.get_by_label("Service Resource Type").select_option(resource_type)
    for value in resources:
        page.locator(f'input[name="Resource"][value="{value}"]').check()
    page.get_by_label("Automatically Accept Endpoint Connections").select_option(
        "true" if auto_accept else "false"
    )
    page.get_by_role("button", name="Create", exact=True).click()
    page.locator('[data-testid="service-name"], .error').first.wait_for()
    assert page.locator(".error").count() == 0, page.locator(".error").all_inner_texts()
    return str(page.url).split("?")[0].rsplit("/", 1)[-1]


def whitelist(page: Any, base: str, service_id: str, uid: str) -> None:
    page.goto(f"{base}/console/services/{service_id}?tab=whitelist")
    page.get_by_label("Account UID").fill(uid)
    page.get_by_role("button", name="Add to Whitelist").click()
    page.get_by_role("cell", name=uid, exact=True).wait_for()


def service_name(page: Any, base: str, service_id: str) -> str:
    page.goto(f"{base}/console/services/{service_id}")
    return str(page.get_by_test_id("service-name").inner_text())


def create_endpoint(page: Any, base: str, name: str, vswitches: list[str]) -> str:
    """Through Create Endpoint: verify the name first, then a vSwitch per zone."""
    page.goto(f"{base}/console/endpoints/new")
    page.get_by_label("Endpoint service name").fill(name)
    page.get_by_role("button", name="Verify").click()
    page.locator("#verified").wait_for()
    for vsw in vswitches:
        page.locator(f'input[name="VSwitch"][value="{vsw}"]').check()
    page.locator('input[name="SecurityGroupId"][value="sg-consumer0001"]').check()
    page.get_by_role("button", name="Create", exact=True).click()
    page.locator('[data-testid="endpoint-domain"], .error').first.wait_for()
    assert page.locator(".error").count() == 0, page.locator(".error").all_inner_texts()
    return str(page.url).split("?")[0].rsplit("/", 1)[-1]
