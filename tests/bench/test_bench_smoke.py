"""The benchmark starts and writes every figure (a tiny size: its numbers mean nothing)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.e2e
def test_bench_quick_writes_every_key(tmp_path: Path, database_url: str) -> None:
    sys.path.insert(0, str(ROOT))
    from bench.run import KEYS

    out = tmp_path / "bench.json"
    env = {**os.environ, "DATABASE_URL": database_url}
    subprocess.run(
        [sys.executable, "bench/run.py", "--quick", "--scale", "0.02", "--json", str(out)],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=600,
        capture_output=True,
    )
    figures = json.loads(out.read_text())
    assert sorted(figures) == sorted(KEYS)
    assert all(isinstance(v, (int, float)) and v >= 0 for v in figures.values())
