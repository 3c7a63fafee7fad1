"""HA-1's warnings are given by a decision and logged once it stands, by the thread that
answers it, not by the writer's thread that decides every request one after another
(issue 17); a DryRun and a refused decision log none, since nothing was created."""

from __future__ import annotations

import logging
import threading

import pytest

from privatelink.application import notices
from privatelink.composition import Runtime
from privatelink.domain.errors import DryRunPassed
from tests.application.helpers import create_endpoint, create_service

NOT_HA = "not highly available"


def warnings_about(caplog: pytest.LogCaptureFixture, resource_id: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if NOT_HA in r.getMessage() and resource_id in r.getMessage()]


def test_ha_1_a_single_zone_endpoint_is_warned_of_by_the_thread_it_answers(
    runtime: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="privatelink")
    service_id = create_service(runtime)
    endpoint_id = create_endpoint(runtime, service_id)
    (record,) = warnings_about(caplog, endpoint_id)
    assert record.levelno == logging.WARNING
    assert record.threadName == threading.current_thread().name != "command-executor"
    single_zone = create_service(runtime, resource="nlb-provider0003")
    (record,) = warnings_about(caplog, single_zone)
    assert record.threadName == threading.current_thread().name


def test_ha_1_a_two_zone_endpoint_gives_no_warning(
    runtime: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    service_id = create_service(runtime)
    endpoint_id = create_endpoint(runtime, service_id, zones=("h", "i"))
    assert not warnings_about(caplog, endpoint_id)


def test_ha_1_a_dry_run_creates_nothing_and_warns_of_nothing(
    runtime: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="privatelink")
    service_id = create_service(runtime)
    caplog.clear()
    with pytest.raises(DryRunPassed):
        create_endpoint(runtime, service_id, dry_run=True)
    assert not [r for r in caplog.records if NOT_HA in r.getMessage()]


def test_ha_1_warnings_are_kept_while_deciding_and_logged_when_emitted(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="privatelink")
    kept: list[notices.Notice] = [("stale %s", ("decision",))]

    def decide() -> str:
        notices.warn("resource %s is %s", "r-1", "single")
        return "decided"

    assert notices.collecting(decide, kept) == "decided"
    assert kept == [("resource %s is %s", ("r-1", "single"))]  # a decision again keeps its own
    assert not caplog.records
    notices.emit(kept)
    assert [r.getMessage() for r in caplog.records] == ["resource r-1 is single"]
    notices.warn("outside %s", "a decision")  # no decision being taken: logged at once
    assert caplog.records[-1].getMessage() == "outside a decision"
