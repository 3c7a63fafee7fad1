"""Issue 13, "Errors and the edge": one class per cloud error code with its HTTP status, one
table keyed by class (``api/errors.py``), and one function that turns an error into the
cloud's answer, used by every route.

The table is read by exact class, so a subclass that is not in it is no longer covered by
its base: these tests fail when a class that the code raises (or builds to raise) is missing,
when a code would answer with two statuses, or when a code is passed as an argument.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import tomllib
from collections import defaultdict
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import privatelink
from privatelink.api.errors import (
    ERROR_ROOTS,
    HTTP_STATUS,
    KNOWN_ERRORS,
    error_body,
    error_response,
    status_for,
)
from privatelink.domain.errors import EndpointServiceNotFound, EndpointServiceResourceNotFound

ROOT = Path(__file__).resolve().parents[2]
PACKAGE_DIRS: dict[str, str] = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"][
    "setuptools"
]["package-dir"]

# The layers whose errors a route answers: rules, use cases and the HTTP adapter. (infra's and
# the CLI's errors stop the process or a command; one that escapes into a request is a 500.)
ANSWERING_LAYERS = (
    "privatelink.domain",
    "privatelink.application",
    "privatelink.projections",
    "privatelink.api",
)

# Our exceptions of those layers that never reach an HTTP answer as themselves, and why.
# Anything else they raise must be a key of HTTP_STATUS.
NOT_ANSWERED: dict[str, str] = {
    "MalformedAuthorization": "api/auth.py turns it into IncompleteSignature",
    "TooDeep": "a ValueError of json_documents; callers turn it into InvalidParameter*",
    "Refused": "stops httptools' parser; the refusal it carries is answered (limits_protocol)",
    "NeedSignIn": "the console redirects to its sign-in page",
    "BadCsrf": "the console answers its own form page",
}


def source_files() -> list[tuple[str, Path]]:
    """(module name, path) of every module of the installed packages."""
    found = []
    for package, folder in PACKAGE_DIRS.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT / folder).with_suffix("")
            parts = [p for p in relative.parts if p != "__init__"]
            if parts[-1:] == ["__main__"] or (
                package == "privatelink" and parts[:1] and parts[0] in PACKAGE_DIRS.values()
            ):
                continue
            found.append((".".join([package, *parts]), path))
    return found


def imported_names(tree: ast.AST) -> dict[str, tuple[str, str]]:
    """name -> (module, attribute) of every ``from X import Y`` in the file, even local ones."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                names[alias.asname or alias.name] = (node.module, alias.name)
    return names


def resolve(expr: ast.expr, module: ModuleType, local: dict[str, tuple[str, str]]) -> Any:
    """The object a ``Name`` or ``a.b.C`` refers to in ``module``, or None."""
    if isinstance(expr, ast.Name):
        if expr.id in vars(module):
            return vars(module)[expr.id]
        if expr.id in local:
            source, attr = local[expr.id]
            try:
                return getattr(importlib.import_module(source), attr, None)
            except ImportError:
                return None
        return None
    if isinstance(expr, ast.Attribute):
        owner = resolve(expr.value, module, local)
        return getattr(owner, expr.attr, None) if owner is not None else None
    return None


def our_error(obj: Any) -> bool:
    return (
        inspect.isclass(obj)
        and issubclass(obj, BaseException)
        and obj.__module__.startswith("privatelink.")
    )


def constructed_errors() -> dict[type, list[str]]:
    """Every error class of ours that the answering layers construct (to raise it, or to
    answer with it), with where: ``raise X(...)``, ``return X(...)``, ``error = X(...)``."""
    found: dict[type, list[str]] = defaultdict(list)
    for name, path in source_files():
        if not name.startswith(ANSWERING_LAYERS):
            continue
        module = importlib.import_module(name)
        tree = ast.parse(path.read_text())
        local = imported_names(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                cls = resolve(node.func, module, local)
                if our_error(cls):
                    found[cls].append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub} | subclasses(sub)
    return found


def import_everything() -> None:
    for module in pkgutil.walk_packages(privatelink.__path__, "privatelink."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)


def test_issue13_every_error_the_code_raises_is_in_the_table() -> None:
    """A class constructed anywhere in the code (raise, return, assignment) is a key of the
    table, by itself: a base in the table does not cover it."""
    missing = {
        cls.__qualname__: where[:3]
        for cls, where in constructed_errors().items()
        if cls not in HTTP_STATUS and cls.__name__ not in NOT_ANSWERED
    }
    assert missing == {}
    names = {cls.__name__ for cls in constructed_errors()}
    assert set(NOT_ANSWERED) - names == set(), "stale entries of NOT_ANSWERED"


def test_issue13_every_concrete_error_class_is_in_the_table() -> None:
    """Every leaf class under the error roots (domain and edge) is in the table; only bases
    with subclasses may stay out of it (they are abstract)."""
    import_everything()
    leaves = [
        cls.__qualname__
        for root in ERROR_ROOTS
        for cls in subclasses(root)
        if not cls.__subclasses__()
        and cls not in HTTP_STATUS
        and cls.__module__.startswith("privatelink.")
    ]
    assert leaves == []


def test_issue13_the_scan_sees_raise_sites() -> None:
    """The scan is not vacuous: it finds the classes raised in domain, application and api."""
    found = constructed_errors()
    assert EndpointServiceResourceNotFound in found
    assert len([c for c in found if c in HTTP_STATUS]) >= 60
    assert any("domain/service_resources.py" in w for w in found[EndpointServiceResourceNotFound])
    assert any("application/facts.py" in w for w in found[EndpointServiceResourceNotFound])


def test_issue13_one_code_answers_with_one_status() -> None:
    """No cloud code maps to two statuses (``EndpointServiceResourceNotFound`` answered 400
    from one rule and 404 from another before)."""
    statuses: dict[str, set[int]] = defaultdict(set)
    for cls, status in HTTP_STATUS.items():
        statuses[cls.code].add(status)  # type: ignore[attr-defined]
    assert {code: s for code, s in statuses.items() if len(s) > 1} == {}


def test_issue13_every_class_of_the_table_names_its_code_as_a_class_attribute() -> None:
    assert all(isinstance(getattr(cls, "code", None), str) for cls in HTTP_STATUS)


def test_issue13_no_code_is_chosen_at_run_time() -> None:
    """No ``self.code = ...`` in our code and no ``code=`` passed to an error class: the class
    is the code (``InvalidValue(..., code="...")`` made any code answer with the base's
    status)."""
    dynamic = []
    for name, path in source_files():
        module = importlib.import_module(name)
        tree = ast.parse(path.read_text())
        local = imported_names(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Attribute)
                and t.attr == "code"
                and isinstance(t.value, ast.Name)
                and t.value.id == "self"
                for t in node.targets
            ):
                dynamic.append(f"{path.relative_to(ROOT)}:{node.lineno}")
            if (
                isinstance(node, ast.Call)
                and our_error(resolve(node.func, module, local))
                and any(k.arg == "code" for k in node.keywords)
            ):
                dynamic.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert dynamic == []


def test_issue13_the_lookup_is_by_exact_class() -> None:
    """A subclass the table does not name is not answered with its base's status."""

    class Unlisted(EndpointServiceNotFound):
        code = "Unlisted"

    with pytest.raises(LookupError, match="Unlisted"):
        status_for(Unlisted("epsrv-x"))
    status, body = error_response(Unlisted("epsrv-x"), "req", "host")
    assert (status, body["Code"]) == (500, "InternalError")


def test_issue13_endpoint_service_resource_not_found_is_404_from_every_rule() -> None:
    """The cloud answers a missing resource with 404 (as EndpointServiceNotFound); the zone
    rule (RES-6/9) used to answer 400 with the same code."""
    from privatelink.domain.service_resources import ServiceResources

    resources = ServiceResources("epsrv-x", {}, [])
    with pytest.raises(EndpointServiceResourceNotFound) as refused:
        resources.attached_in_zone("lb-1", "zone-a")
    status, body = error_response(refused.value, "req", "host")
    assert status == 404
    assert body["Code"] == "EndpointServiceResourceNotFound"
    assert body["Message"] == (
        "The resource 'lb-1' is not attached to the endpoint service in zone 'zone-a'."
    )


def test_every_mapped_status_is_an_error_status() -> None:
    assert all(400 <= status < 600 for status in HTTP_STATUS.values())


def test_refusals_of_client_input_are_4xx_never_5xx() -> None:
    """Domain and edge refusals are 4xx; only the store's and the server's limits are 503."""
    assert {
        cls.__qualname__: s
        for cls, s in HTTP_STATUS.items()
        if issubclass(cls, ERROR_ROOTS) and not 400 <= s < 500
    } == {}


def test_the_body_is_the_clouds_shape() -> None:
    status, body = error_response(EndpointServiceNotFound("epsrv-x"), "REQ", "host:1")
    assert status == 404
    assert body == error_body(EndpointServiceNotFound("epsrv-x"), "REQ", "host:1")
    assert body == {
        "RequestId": "REQ",
        "HostId": "host:1",
        "Code": "EndpointServiceNotFound",
        "Message": "The specified endpoint service 'epsrv-x' does not exist.",
        "Recommend": "https://api.aliyun.com/troubleshoot?q=EndpointServiceNotFound",
    }
    assert KNOWN_ERRORS == tuple(HTTP_STATUS)


def test_an_unknown_error_is_a_logged_500() -> None:
    status, body = error_response(RuntimeError("boom"), "REQ", "h")
    assert status == 500
    assert body["Code"] == "InternalError" and "boom" not in body["Message"]


def test_issue13_one_function_answers_for_every_route() -> None:
    """Only ``api/errors.py`` writes the cloud's error body (a dict with ``"Code"``) or reads
    the table; the RPC route, the admin and ops routes, the console, the edge's bounds and the
    framework's refusals all call ``error_response`` (the console through
    ``ActionFailed.of``)."""
    offenders = []
    for _name, path in source_files():
        relative = str(path.relative_to(ROOT))
        if not relative.startswith("api/") or relative == "api/errors.py":
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Dict) and any(
                isinstance(k, ast.Constant) and k.value == "Code" for k in node.keys
            ):
                offenders.append(f"{relative}:{node.lineno} builds an error body")
            if isinstance(node, ast.Name) and node.id in (
                "status_for",
                "error_body",
                "HTTP_STATUS",
            ):
                offenders.append(f"{relative}:{node.lineno} uses {node.id}")
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "ActionFailed"
            ):
                offenders.append(f"{relative}:{node.lineno} builds ActionFailed by hand")
    assert offenders == []
