"""Reliability fixtures: the figures file written at the end of the session, and the outcome
of every reliability test (so the README can quote which ones failed)."""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis.configuration import set_hypothesis_home_dir

from tests.reliability import figures
from tests.reliability.processes import drop_schema

_outcomes: dict[str, str] = {}

# Hypothesis keeps caches (constants, unicode tables) in ./.hypothesis even without an example
# database; keep them out of the checkout.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "privatelink-reliability-hypothesis")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if "tests/reliability/" not in item.nodeid:
        return
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        _outcomes[item.nodeid.split("tests/reliability/", 1)[1]] = report.outcome


@pytest.fixture(scope="module")
def module_schema(database_url: str) -> Iterator[str]:
    """A schema shared by one module's tests, dropped afterwards even if its server never
    started."""
    name = f"rel_{secrets.token_hex(6)}"
    yield name
    drop_schema(database_url, name)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Refresh ``last_run.json`` only when asked (``PRIVATELINK_RELIABILITY_FIGURES=1``): an
    ordinary test run never rewrites a tracked file."""
    if figures.requested():
        figures.write(_outcomes)
