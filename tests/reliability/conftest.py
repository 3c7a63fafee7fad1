"""Reliability fixtures: the figures file written at the end of the session, and the outcome
of every reliability test (so the README can quote which ones failed)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.reliability import figures

_outcomes: dict[str, str] = {}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if "tests/reliability/" not in item.nodeid:
        return
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        _outcomes[item.nodeid.split("tests/reliability/", 1)[1]] = report.outcome


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    figures.write(_outcomes)
