"""Crash: ``privatelink serve`` under a steady load of mixed SDK commands is SIGKILLed three
times at random moments. After each restart, every acknowledged command is in the store and
visible through Get and List, none is applied twice, and ``rebuild --verify`` passes."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator

import pytest

from tests.conftest import CONSUMER, PROVIDER, sdk_client
from tests.e2e.helpers import CONSUMER_UID, create_service
from tests.reliability import figures
from tests.reliability.audit import audit, losses_and_duplicates
from tests.reliability.load import Load
from tests.reliability.processes import Serve, exported_events, rebuild_verify

pytestmark = pytest.mark.reliability

CRASHES = 3


@pytest.fixture
def serve(database_url: str, schema: str) -> Iterator[Serve]:
    server = Serve(database_url, schema)
    yield server
    if server.running():
        server.stop()


def test_sigkilled_server_loses_nothing_acknowledged_and_applies_nothing_twice(
    serve: Serve, database_url: str, schema: str
) -> None:
    provider, consumer = sdk_client(serve.endpoint, PROVIDER), sdk_client(serve.endpoint, CONSUMER)
    service_id = create_service(
        provider, "nlb-provider0001", "nlb-provider0002", users=(CONSUMER_UID,)
    )
    load = Load([serve.endpoint], service_id)
    rng = random.Random()
    load.start()
    totals = {"losses": 0, "duplicates": 0, "not_visible": 0}
    try:
        for crash in range(1, CRASHES + 1):
            time.sleep(rng.uniform(0.8, 2.5))  # a random moment under load
            serve.kill()
            time.sleep(rng.uniform(0.0, 0.5))
            serve.start()
            time.sleep(rng.uniform(0.3, 0.8))  # clients retry into the new process
            load.pause()
            found = audit(load.ledger, consumer, provider, service_id)
            losses, duplicates = losses_and_duplicates(
                load.ledger, exported_events(database_url, schema)
            )
            totals["losses"] += len(found.lost) + sum(losses.values())
            totals["duplicates"] += len(found.extra) + sum(duplicates.values())
            totals["not_visible"] += len(found.wrong_names) + len(found.wrong_states)
            assert not found.problems(), f"after crash {crash}: {found.problems()}"
            assert (losses, duplicates) == ({}, {}), (
                f"after crash {crash}: lost {losses}, applied twice {duplicates}"
            )
            assert found.listed == len(load.ledger.created), "endpoints != distinct tokens"
            rebuild_verify(database_url, schema)
            load.resume()
    finally:
        ledger = load.ledger
        load.go.clear()
        figures.record(
            "crash",
            crashes=CRASHES,
            commands_acknowledged=ledger.total_acknowledged(),
            by_kind=dict(ledger.acknowledged),
            refused=dict(ledger.refused),
            endpoints_created=len(ledger.created),
            retries=ledger.retries,
            server_errors_5xx=len(ledger.server_errors),
            **totals,
        )
        load.stop()
    assert not ledger.server_errors, ledger.server_errors[:5]
