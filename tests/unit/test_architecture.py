"""Layers point inward: domain and application import no web framework, driver or infra; infra
never imports the HTTP adapter or the entry points; no two modules of the package import each
other, directly or around a loop (lazy and ``TYPE_CHECKING`` imports included)."""

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


def test_infra_never_imports_the_entry_points() -> None:
    """Issue 13: infra -> entrypoints (``privatelink.composition``, the CLI) is an outward
    import, even under ``TYPE_CHECKING``."""
    assert offenders("infra", {"privatelink"}) == {}


# Import package -> folder, as [tool.setuptools.package-dir] in pyproject.toml maps them.
PACKAGE_DIRS = {
    "privatelink": "entrypoints",
    **{f"privatelink.{layer}": layer for layer in sorted(LAYERS)},
}


def module_file(name: str) -> Path | None:
    """The file of module ``name`` (``privatelink.api.http`` -> ``api/http.py``), if ours."""
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        folder = PACKAGE_DIRS.get(".".join(parts[:cut]))
        if folder is not None:
            path = ROOT.joinpath(folder, *parts[cut:])
            for candidate in ([path.with_suffix(".py")] if parts[cut:] else []) + [
                path / "__init__.py"
            ]:
                if candidate.is_file():
                    return candidate
            return None
    return None


def import_graph() -> dict[Path, set[Path]]:
    """Module -> the modules of ours it imports, wherever the import statement stands (module
    level, inside a function, under ``if TYPE_CHECKING:``)."""
    graph: dict[Path, set[Path]] = {}
    for folder in PACKAGE_DIRS.values():
        for path in (ROOT / folder).rglob("*.py"):
            targets: set[Path | None] = set()
            for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
                if isinstance(node, ast.Import):
                    targets |= {module_file(alias.name) for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    # ``from privatelink.api import auth`` imports the module api/auth.py
                    targets |= {
                        module_file(f"{node.module}.{alias.name}") or module_file(node.module)
                        for alias in node.names
                    }
            graph[path] = {t for t in targets if t is not None and t != path}
    return graph


def cycles(graph: dict[Path, set[Path]]) -> list[list[Path]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[Path, int] = {}
    low: dict[Path, int] = {}
    stack: list[Path] = []
    found: list[list[Path]] = []
    for root, targets in graph.items():
        if root in index:
            continue
        work = [(root, iter(sorted(targets)))]
        index[root] = low[root] = len(index)
        stack.append(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_issue13_no_import_cycles_between_our_modules() -> None:
    """Issue 13: no import cycle between modules of the package, lazy and ``TYPE_CHECKING``
    imports included; each cycle found is named with its modules' imports inside it."""
    graph = import_graph()
    named = []
    for component in cycles(graph):
        inside = set(component)
        named.append(
            "; ".join(
                f"{path.relative_to(ROOT)} -> "
                f"{', '.join(str(t.relative_to(ROOT)) for t in sorted(graph[path] & inside))}"
                for path in component
            )
        )
    assert named == []


def test_issue13_the_cycle_finder_finds_a_cycle(tmp_path: Path) -> None:
    """The check above would see a cycle: a -> b -> c -> a is one component, d alone none."""
    a, b, c, d = (tmp_path / f"{n}.py" for n in "abcd")
    assert cycles({a: {b}, b: {c}, c: {a, d}, d: set()}) == [sorted([a, b, c])]
    assert module_file("privatelink.api.http") == ROOT / "api" / "http.py"
    assert module_file("privatelink.composition") == ROOT / "entrypoints" / "composition.py"
    assert module_file("privatelink.api.actions") == ROOT / "api" / "actions" / "__init__.py"


def test_domain_imports_only_stdlib_eventsourcing_and_pydantic() -> None:
    import sys

    allowed = set(sys.stdlib_module_names) | {
        "eventsourcing",
        "pydantic",
        "domain",
        "annotated_types",
        "__future__",
    }
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
                names = (
                    [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module]
                    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0
                    else []
                )
                hits = [n for n in names if n.split(".")[0] in LAYERS | {"entrypoints"}]
                if hits:
                    bare[str(path.relative_to(ROOT))] = hits
    assert bare == {}


def test_built_wheel_has_one_top_level_package(tmp_path: Path) -> None:
    """The wheel users install holds ``privatelink`` and nothing else at the top level."""
    import subprocess
    import sys
    import zipfile

    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
        timeout=300,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("privatelink-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names if ".dist-info/" not in name}
    assert tops == {"privatelink"}
    assert {
        "privatelink/domain/service.py",
        "privatelink/api/http.py",
        "privatelink/cli.py",
    } <= set(names)
