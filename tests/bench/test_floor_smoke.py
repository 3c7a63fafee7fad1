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
    from bench.floor import keys

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
    assert all(isinstance(v, float) and v > 0 for v in figures.values())


def test_issue17_floor_app_answers_what_the_product_answers() -> None:
    """The floors answer a create with the product's own fields, so the SDK client parses
    the same answer from both."""
    sys.path.insert(0, str(ROOT))
    source = (ROOT / "bench" / "floor_app.py").read_text()
    from privatelink.api.actions.fields import ENDPOINT_CREATE

    assert all(f'"{field}"' in source for field in ENDPOINT_CREATE)
