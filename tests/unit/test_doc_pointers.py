"""Issue 15: every document the README and the demo inventory point to ships in the
repository (docs/RULES.md, docs/INVENTORY.md)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
POINTER = re.compile(r"\b((?:docs|spec|bench|tests)/[\w./-]+\.(?:md|json|yaml))\b")


def pointers(path: Path) -> set[str]:
    return set(POINTER.findall(path.read_text()))


def test_issue15_readme_points_only_to_files_in_the_repository() -> None:
    found = pointers(ROOT / "README.md")
    assert {"docs/RULES.md", "docs/INVENTORY.md"} <= found
    assert sorted(p for p in found if not (ROOT / p).is_file()) == []


def test_issue15_demo_inventory_header_points_to_a_file_in_the_repository() -> None:
    found = pointers(ROOT / "infra" / "demo_inventory.yaml")
    assert found == {"docs/INVENTORY.md"}
    assert (ROOT / "docs" / "INVENTORY.md").is_file()
