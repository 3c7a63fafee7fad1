"""Layers point inward: domain and application import no web framework, driver or infra; infra
never imports the HTTP adapter or the entry points."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DRIVERS = {"fastapi", "starlette", "psycopg", "psycopg_pool", "uvicorn"}
LAYERS = {"domain", "application", "projections", "api", "infra"}


def imported_roots(path: Path) -> set[str]:
    """Top-level names imported by a module, with ``privatelink.<layer>`` read as ``<layer>``
    and the package root (the entry points) as ``privatelink``."""
    tree = ast.parse(path.read_text(), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    roots: set[str] = set()
    for name in names:
        parts = name.split(".")
        if parts[0] == "privatelink" and len(parts) > 1 and parts[1] in LAYERS:
            roots.add(parts[1])
        else:
            roots.add(parts[0])
    return roots


def offenders(package: str, forbidden: set[str]) -> dict[str, list[str]]:
    return {
        str(path.relative_to(ROOT)): sorted(imported_roots(path) & forbidden)
        for path in (ROOT / package).rglob("*.py")
        if imported_roots(path) & forbidden
    }


@pytest.mark.parametrize("package", ["domain", "application", "projections"])
def test_inner_layers_import_no_outer_layer_or_driver(package: str) -> None:
    assert offenders(package, DRIVERS | {"infra", "api", "privatelink"}) == {}


def test_infra_never_imports_the_http_adapter() -> None:
    assert offenders("infra", {"api"}) == {}


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


def test_layers_are_imported_only_through_the_privatelink_package() -> None:
    """Nothing imports a layer as a top-level module (``import domain``): installed into a
    user's environment, only ``privatelink`` exists."""
    bare: dict[str, list[str]] = {}
    for folder in [*sorted(LAYERS), "entrypoints", "tests", "bench"]:
        for path in (ROOT / folder).rglob("*.py"):
            tree = ast.parse(path.read_text(), filename=str(path))
            for node in ast.walk(tree):
                names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                         [node.module] if isinstance(node, ast.ImportFrom) and node.module
                         and node.level == 0 else [])
                hits = [n for n in names if n.split(".")[0] in LAYERS | {"entrypoints"}]
                if hits:
                    bare[str(path.relative_to(ROOT))] = hits
    assert bare == {}


def test_built_wheel_has_one_top_level_package(tmp_path: Path) -> None:
    """The wheel users install holds ``privatelink`` and nothing else at the top level."""
    import subprocess
    import sys
    import zipfile

    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                    "-q", "-w", str(tmp_path), str(ROOT)], check=True, timeout=300,
                   capture_output=True)
    (wheel,) = tmp_path.glob("privatelink-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names if ".dist-info/" not in name}
    assert tops == {"privatelink"}
    assert {"privatelink/domain/service.py", "privatelink/api/http.py",
            "privatelink/cli.py"} <= set(names)
