"""Issue 13: every use case goes through the one dispatch table, and the table is whole."""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

from eventsourcing.application import Application

from privatelink.application.app import PrivateLinkApp
from privatelink.application.dispatch import HANDLERS, USE_CASE_MODULES
from privatelink.application.use_case import Decide, UseCase

ROOT = Path(__file__).resolve().parents[2]


def all_use_cases() -> set[type[UseCase]]:
    """Every command class: the subclasses of UseCase, however deep."""
    found: set[type[UseCase]] = set()
    todo = list(UseCase.__subclasses__())
    while todo:
        cls = todo.pop()
        found.add(cls)
        todo += cls.__subclasses__()
    return found


def handlers_in_modules() -> dict[Callable[..., Any], type[UseCase]]:
    """Each handler of the use-case modules (a function that takes a use case and returns
    the decision to run), with the use case it takes."""
    handlers: dict[Callable[..., Any], type[UseCase]] = {}
    for module in USE_CASE_MODULES:
        for _, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != module.__name__:
                continue
            hints = typing.get_type_hints(function)
            taken = [t for t in hints.values() if isinstance(t, type) and issubclass(t, UseCase)]
            if taken and hints.get("return") == Decide:
                (handlers[function],) = taken
    return handlers


def test_issue_13_the_table_covers_every_command_class() -> None:
    assert all_use_cases() - set(HANDLERS) == set()
    assert all(inspect.getmodule(cls) in USE_CASE_MODULES for cls in HANDLERS)


def test_issue_13_every_handler_is_reachable_and_handles_its_own_command() -> None:
    declared = handlers_in_modules()
    assert set(declared) - set(HANDLERS.values()) == set(), "a handler no command reaches"
    for cls, handler in HANDLERS.items():
        assert declared.get(handler) is cls, f"{handler.__name__} does not take {cls.__name__}"


def test_issue_13_the_handlers_are_found_in_every_use_case_module() -> None:
    """The test above cannot pass by finding nothing: each module declares handlers."""
    found = {inspect.getmodule(handler) for handler in handlers_in_modules()}
    assert found == set(USE_CASE_MODULES)


def test_issue_13_commands_are_frozen_dataclasses() -> None:
    for cls in all_use_cases():
        params = getattr(cls, "__dataclass_params__", None)
        assert params is not None and params.frozen, cls.__name__


def test_issue_13_the_app_is_one_class_composed_of_collaborators() -> None:
    """No mixin chain: PrivateLinkApp derives from the library's Application only, and no
    module of the application reaches another's attributes past the type checker."""
    assert PrivateLinkApp.__bases__ == (Application,)
    for path in sorted((ROOT / "application").glob("*.py")):
        text = path.read_text()
        assert "type: ignore[attr-defined" not in text, path.name
        assert "= self  # type: ignore" not in text, path.name
