"""`bench/floor.py` runs every target and writes every figure (a tiny run: its numbers mean
nothing). The run itself fails when a floor answered creates it did not store (issue 17)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.e2e
def test_issue17_floor_runs_every_target(tmp_path: Path, database_url: str) -> None:
    sys.path.insert(0, str(ROOT))
    from bench.floor import bound, keys

    out = tmp_path / "floor.json"
    subprocess.run(
        [sys.executable, "bench/floor.py", "--seconds", "0.3", "--clients", "1"]
        + ["--json", str(out)],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url},
        check=True,
        timeout=300,
        capture_output=True,
    )
    figures = json.loads(out.read_text())
    assert sorted(figures) == sorted(keys((1,)))
    budget = figures.pop("budget_c1_ms")  # below zero when 2x moto is out of reach
    assert all(isinstance(v, float) and v > 0 for v in figures.values())
    assert figures["bound_c1"] == pytest.approx(bound(figures))
    assert budget == pytest.approx(1000 * (1 / (2 * figures["moto_c1"]) - 1 / bound(figures)))


def test_issue17_bound_adds_the_wait_for_durability_to_the_cheapest_signed_call() -> None:
    """A read answered in 1 ms, and a durable commit 1 ms slower than one that does not wait
    for the WAL's flush: a create can take no less than 2 ms, 500 a second."""
    sys.path.insert(0, str(ROOT))
    from bench.floor import bound

    figures = {"serve_read_c1": 1000.0, "floor_insert_c1": 250.0, "floor_insert_nowait_c1": 333.3}
    assert bound(figures) == pytest.approx(500.0, rel=1e-3)
    figures["floor_insert_nowait_c1"] = figures["floor_insert_c1"]  # no wait for durability
    assert bound(figures) == pytest.approx(figures["serve_read_c1"])


def test_issue17_floor_app_answers_what_the_product_answers() -> None:
    """The floors answer a create with the product's own fields, so the SDK client parses
    the same answer from both."""
    sys.path.insert(0, str(ROOT))
    source = (ROOT / "bench" / "floor_app.py").read_text()
    from privatelink.api.actions.fields import ENDPOINT_CREATE

    assert all(f'"{field}"' in source for field in ENDPOINT_CREATE)
