"""The console in a real browser (issue 14): headless Chromium from the distribution driven by
Playwright against a real ``privatelink serve``. Two browser contexts are the provider and the
consumer side by side."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.conftest import CONSUMER, PROVIDER, Server
from tests.console.browser import (
    CHROMIUM,
    WAIT,
    create_endpoint,
    create_service,
    require_browser,
    service_name,
    sign_in,
    whitelist,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def console_server(database_url: str) -> Iterator[Server]:
    schema = f"console_{secrets.token_hex(6)}"
    srv = Server(database_url, schema)
    try:
        yield srv
    finally:
        srv.stop()
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_playwright = require_browser()
    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-dev-shm-usage"],
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def base(console_server: Server) -> str:
    return f"http://{console_server.endpoint}"


@pytest.fixture
def provider(browser: Any, base: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, base, PROVIDER)
    yield page
    context.close()


@pytest.fixture
def consumer(browser: Any, base: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, base, CONSUMER)
    yield page
    context.close()


def shared(
    provider: Any,
    base: str,
    auto_accept: bool,
    resource_type: str = "nlb",
    resources: tuple[str, ...] = (
        "nlb|nlb-provider0001|cn-hangzhou-h",
        "nlb|nlb-provider0001|cn-hangzhou-i",
    ),
) -> tuple[str, str]:
    service_id = create_service(provider, base, resource_type, list(resources), auto_accept)
    whitelist(provider, base, service_id, CONSUMER[2])
    return service_id, service_name(provider, base, service_id)


def connection_row(provider: Any, endpoint_id: str) -> Any:
    return provider.locator(f'article[data-endpoint="{endpoint_id}"]')


def test_browser_provider_consumer_flow_with_manual_acceptance_live(
    provider: Any, consumer: Any, base: str
) -> None:
    """The guide's flow end to end: the provider creates a service (manual acceptance) and
    whitelists the consumer; the consumer verifies the name and creates an endpoint in two
    zones; the provider allows it; the consumer's open page turns Connected without a reload,
    with its domain names and the Zones and ENIs tab."""
    service_id, name = shared(provider, base, auto_accept=False)
    endpoint_id = create_endpoint(consumer, base, name, ["vsw-consumer-h", "vsw-consumer-i"])
    status = consumer.get_by_test_id("connection-status")
    assert "Pending" in status.inner_text()
    consumer.evaluate("window.__notReloaded = true")

    provider.goto(f"{base}/console/services/{service_id}?tab=connections")
    row = connection_row(provider, endpoint_id)
    row.get_by_role("button", name=f"Allow {endpoint_id}").click()
    provider.get_by_text("Allowed the connection.").wait_for()

    consumer.wait_for_function(
        "document.querySelector('[data-testid=connection-status]').innerText.includes('Connected')",
        timeout=WAIT,
    )
    assert consumer.evaluate("window.__notReloaded") is True  # live, not reloaded
    assert endpoint_id in consumer.get_by_test_id("endpoint-domain").inner_text()
    consumer.get_by_role("link", name="Zones and ENIs").click()
    assert consumer.locator("tr[data-zone]").count() == 2
    assert "eni-" in consumer.locator("tr[data-zone]").first.inner_text()
    if os.environ.get("PRIVATELINK_SCREENSHOT"):
        provider.goto(f"{base}/console/services/{service_id}?tab=connections")
        provider.screenshot(path=str(ROOT / "docs" / "console.png"), full_page=False)


def test_browser_denied_connection_shows_disconnected(
    provider: Any, consumer: Any, base: str
) -> None:
    """The provider denies a Pending connection; the consumer's page shows it live."""
    service_id, name = shared(provider, base, auto_accept=False)
    endpoint_id = create_endpoint(consumer, base, name, ["vsw-consumer-h"])
    consumer.evaluate("window.__notReloaded = true")
    provider.goto(f"{base}/console/services/{service_id}?tab=connections")
    connection_row(provider, endpoint_id).get_by_role("button", name=f"Deny {endpoint_id}").click()
    provider.get_by_text("Denied the connection.").wait_for()
    consumer.wait_for_function(
        "document.querySelector('[data-testid=connection-status]').innerText"
        ".includes('Disconnected')",
        timeout=WAIT,
    )
    assert consumer.evaluate("window.__notReloaded") is True


def test_browser_smooth_migration_of_a_zone(provider: Any, consumer: Any, base: str) -> None:
    """Replace a zone's CLB with smooth migration: the zone goes Migrated with the old
    resource kept; disconnecting the old resource leaves it Connected on the new one."""
    service_id, name = shared(
        provider,
        base,
        auto_accept=True,
        resource_type="slb",
        resources=("slb|lb-provider0001|cn-hangzhou-h", "slb|lb-provider0003|cn-hangzhou-h"),
    )
    endpoint_id = create_endpoint(consumer, base, name, ["vsw-consumer-h"])
    provider.goto(f"{base}/console/services/{service_id}?tab=connections")
    zone = connection_row(provider, endpoint_id).locator('tr[data-zone="cn-hangzhou-h"]')
    zone.get_by_test_id("zone-status").get_by_text("Connected").wait_for(timeout=WAIT)
    old = "lb-provider0001" if "lb-provider0001" in zone.inner_text() else "lb-provider0003"
    new = "lb-provider0003" if old == "lb-provider0001" else "lb-provider0001"

    provider.goto(f"{base}/console/services/{service_id}?tab=resources")
    provider.get_by_role("button", name=f"Automatic allocation of {old} in cn-hangzhou-h").click()
    provider.get_by_text("Changed the automatic allocation.").wait_for()

    provider.goto(f"{base}/console/services/{service_id}?tab=connections")
    zone = connection_row(provider, endpoint_id).locator('tr[data-zone="cn-hangzhou-h"]')
    zone.get_by_label("Replace with").select_option(new)
    zone.get_by_label("migration").select_option("Graceful")
    zone.get_by_role("button", name="Replace Service Resource").click()
    provider.get_by_text("Replacing the zone's service resource.").wait_for()
    zone = connection_row(provider, endpoint_id).locator('tr[data-zone="cn-hangzhou-h"]')
    zone.get_by_test_id("zone-status").get_by_text("Migrated").wait_for(timeout=WAIT)
    assert f"replacing {old}" in zone.inner_text()

    zone.get_by_role("button", name=f"Disconnect old resource {old} in cn-hangzhou-h").click()
    zone = connection_row(provider, endpoint_id).locator('tr[data-zone="cn-hangzhou-h"]')
    zone.get_by_test_id("zone-status").get_by_text("Connected").wait_for(timeout=WAIT)
    assert new in zone.inner_text() and "replacing" not in zone.inner_text()


def test_browser_time_travel_on_the_timeline(provider: Any, base: str) -> None:
    """The timeline's moments show the page as it was: auto-accept off at creation, on now;
    the diff between the two moments names the field."""
    create_service(provider, base, "nlb", ["nlb|nlb-provider0001|cn-hangzhou-h"], auto_accept=False)
    provider.get_by_label("Automatically Accept Endpoint Connections").select_option("true")
    provider.get_by_role("button", name="Save").click()
    provider.get_by_text("Saved the basic information.").wait_for()
    provider.get_by_role("link", name="History & time travel").click()
    assert (
        "AutoAcceptEnabled" in provider.locator("#timeline").inner_text()
        or provider.locator("#timeline li").count() >= 2
    )
    first = provider.locator("#timeline li a").last  # the timeline lists newest first
    first.click()
    assert provider.locator('td[data-field="AutoAcceptEnabled"]').inner_text() == "False"
    provider.locator("#timeline li a").first.click()
    assert provider.locator('td[data-field="AutoAcceptEnabled"]').inner_text() == "True"
    options = provider.locator("#since option")
    provider.get_by_label("From").select_option(options.first.get_attribute("value"))
    provider.get_by_label("To").select_option(options.last.get_attribute("value"))
    provider.get_by_role("button", name="Compare").click()
    assert "AutoAcceptEnabled" in provider.locator("#diff").inner_text()


def test_browser_tenancy_consumer_cannot_open_the_providers_pages(
    provider: Any, consumer: Any, base: str
) -> None:
    """SEC-3 by URL: the provider's service page, its tabs and its history answer 404 to the
    consumer, who sees none of it."""
    service_id = create_service(
        provider, base, "nlb", ["nlb|nlb-provider0001|cn-hangzhou-h"], auto_accept=False
    )
    for path in (
        f"/console/services/{service_id}",
        f"/console/services/{service_id}?tab=whitelist",
        f"/console/history/{service_id}",
    ):
        response = consumer.goto(base + path)
        assert response.status == 404, path
        assert "EndpointServiceNotFound" in consumer.content()
    consumer.goto(f"{base}/console/services")
    assert service_id not in consumer.content()


def test_browser_operator_marks_a_load_balancer_down_and_up(provider: Any, base: str) -> None:
    """RES-8 from the console (the browser is on this machine)."""
    provider.goto(f"{base}/console/operator")
    provider.get_by_role("button", name="Mark lb-provider0002 down").click()
    provider.get_by_text("Marked lb-provider0002 down").wait_for()
    provider.get_by_role("button", name="Mark lb-provider0002 up").click()
    provider.get_by_text("Marked lb-provider0002 up").wait_for()


def test_browser_keyboard_reaches_the_main_navigation(provider: Any, base: str) -> None:
    """Keyboard reachable: Tab from the top reaches the skip link and then the navigation."""
    provider.goto(f"{base}/console/services")
    provider.keyboard.press("Tab")
    assert provider.evaluate("document.activeElement.textContent") == "Skip to content"
    focused = []
    for _ in range(4):
        provider.keyboard.press("Tab")
        focused.append(provider.evaluate("document.activeElement.textContent"))
    assert "Endpoint Services" in focused and "Endpoints" in focused
