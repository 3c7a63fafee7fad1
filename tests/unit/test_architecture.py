"""Layers point inward: domain and application import no web framework, driver or infra."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {"fastapi", "starlette", "psycopg", "psycopg_pool", "uvicorn", "infra", "api"}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", ["domain", "application", "projections"])
def test_inner_layers_import_no_outer_layer_or_driver(package: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_roots(path) & FORBIDDEN)
        for path in (ROOT / package).rglob("*.py")
        if imported_roots(path) & FORBIDDEN
    }
    assert offenders == {}


def test_domain_imports_only_stdlib_eventsourcing_and_pydantic() -> None:
    import sys

    allowed = set(sys.stdlib_module_names) | {"eventsourcing", "pydantic", "domain",
                                              "annotated_types", "__future__"}
    extra = {
        str(path.relative_to(ROOT)): sorted(imported_roots(path) - allowed)
        for path in (ROOT / "domain").rglob("*.py")
        if imported_roots(path) - allowed
    }
    assert extra == {}
