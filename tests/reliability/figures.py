"""The figures of a run (commands acknowledged, crashes, losses, duplicates, fuzz cases, 5xx
seen), written to ``tests/reliability/last_run.json`` when the session ends, if asked for with
``PRIVATELINK_RELIABILITY_FIGURES=1``. Sections of tests
that did not run this time keep their previous figures, each stamped with its own time."""

from __future__ import annotations

import json
import os
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

LAST_RUN = Path(__file__).with_name("last_run.json")
_figures: dict[str, dict[str, Any]] = {}
_lock = threading.Lock()


def requested() -> bool:
    """Whether this run refreshes the tracked figures file."""
    return os.environ.get("PRIVATELINK_RELIABILITY_FIGURES", "") not in ("", "0")


def record(section: str, **numbers: Any) -> None:
    """Add (or overwrite) figures of one section of this run."""
    with _lock:
        entry = _figures.setdefault(section, {})
        entry.update(numbers)
        entry["recorded_at"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def add(section: str, **increments: int) -> None:
    """Add to counters of one section."""
    with _lock:
        entry = _figures.setdefault(section, {})
        for name, value in increments.items():
            entry[name] = entry.get(name, 0) + value


def write(outcomes: dict[str, str]) -> None:
    if not _figures and not outcomes:
        return
    previous: dict[str, Any] = {}
    if LAST_RUN.exists():
        try:
            previous = json.loads(LAST_RUN.read_text())
        except ValueError:
            previous = {}
    sections = dict(previous.get("sections", {}))
    sections.update(_figures)
    tests = dict(previous.get("tests", {}))
    tests.update(outcomes)
    document = {
        "written_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "sections": dict(sorted(sections.items())),
        "tests": dict(sorted(tests.items())),
    }
    LAST_RUN.write_text(json.dumps(document, indent=1, sort_keys=False) + "\n")
