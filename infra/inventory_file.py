"""Reading the inventory file (YAML or JSON) and the built-in demo inventory.

A bad file is answered with one ``InventoryError`` naming the file and the path of the bad
field (``inventory.yaml: vpcs[0].vswitches[1].cidr: ...``), because users write this file by
hand and a pydantic error dump is not a clear answer.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Any, get_args

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from privatelink.domain.inventory import Inventory

_DEMO_FILE = "demo_inventory.yaml"
_MERGE_TAG = "tag:yaml.org,2002:merge"


class InventoryError(Exception):
    """An inventory file that cannot be read, is not YAML/JSON, or breaks the contract."""


def load_inventory(path: Path) -> Inventory:
    """Read and validate the inventory at ``path`` (YAML, or JSON which YAML reads too)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise InventoryError(f"{path}: cannot read the inventory file: {reason}") from None
    return parse_inventory(text, source=str(path))


def demo_inventory_text() -> str:
    """The built-in demo inventory, as the YAML text shipped with the package."""
    return files("privatelink.infra").joinpath(_DEMO_FILE).read_text(encoding="utf-8")


def demo_inventory() -> Inventory:
    """The built-in demo inventory that ``privatelink serve`` uses without ``--inventory``."""
    return parse_inventory(demo_inventory_text(), source=f"<built-in {_DEMO_FILE}>")


def parse_inventory(text: str, source: str) -> Inventory:
    """Validate inventory ``text``; ``source`` names it in error messages."""
    try:
        data = _read_yaml(text)
    except yaml.YAMLError as exc:
        raise InventoryError(f"{source}: not valid YAML or JSON: {_yaml_reason(exc)}") from None
    if data is None:
        raise InventoryError(f"{source}: the inventory file is empty")
    try:
        return Inventory.model_validate(data)
    except ValidationError as exc:
        raise InventoryError(f"{source}: {_describe(exc)}") from None


# YAML


# libyaml's loader where PyYAML was built with it: the same documents, several times faster
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(text: str) -> object:
    _refuse_duplicate_keys(yaml.compose(text, Loader=_LOADER))
    return yaml.load(text, Loader=_LOADER)  # a safe loader, C or Python


def _refuse_duplicate_keys(root: object) -> None:
    # safe_load keeps the last of two equal keys; in a hand-written file that is a mistake.
    pending: list[object] = [root]
    visited: set[int] = set()
    while pending:
        node = pending.pop()
        if id(node) in visited:  # an alias shares its node; a recursive one would loop
            continue
        visited.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            pending.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            _refuse_repeated_keys_of(node)
            pending.extend(value for _, value in node.value)


def _refuse_repeated_keys_of(node: yaml.MappingNode) -> None:
    seen: set[tuple[str, str]] = set()
    for key_node, _ in node.value:
        # Merge keys (<<) are meant to repeat; other keys are compared as written.
        if isinstance(key_node, yaml.ScalarNode) and key_node.tag != _MERGE_TAG:
            key = (key_node.tag, key_node.value)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping",
                    node.start_mark,
                    f"found duplicate key {key_node.value!r}",
                    key_node.start_mark,
                )
            seen.add(key)


def _yaml_reason(exc: yaml.YAMLError) -> str:
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark is not None:
        mark = exc.problem_mark
        return f"{exc.problem} (line {mark.line + 1}, column {mark.column + 1})"
    return str(exc)


# Validation errors


def _describe(exc: ValidationError) -> str:
    errors = exc.errors()
    message = _describe_one(errors[0])
    if len(errors) > 1:
        message += f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})"
    return message


def _describe_one(error: ErrorDetails) -> str:
    loc = error["loc"]
    # Errors from the Inventory's own validator already begin with their field path.
    msg = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        msg = f"unknown key {loc[-1]!r}{_expected_keys(loc[:-1])}"
    elif error["type"] != "value_error" and _is_scalar(error["input"]):
        msg = f"{msg} (got {error['input']!r})"
    path = field_path(loc)
    if not path and error["type"] != "value_error":
        path = "top level"
    return f"{path}: {msg}" if path else msg


def field_path(loc: tuple[int | str, ...]) -> str:
    """Render a pydantic ``loc`` as ``vpcs[0].vswitches[1].cidr``."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else f".{part}" if path else str(part)
    return path


def _expected_keys(loc: tuple[int | str, ...]) -> str:
    model = _model_at(loc)
    if model is None:
        return ""
    return "; expected one of: " + ", ".join(model.model_fields)


def _model_at(loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    model: type[BaseModel] | None = Inventory
    for part in loc:
        if isinstance(part, int):
            continue  # a list index: the item has the list's model
        if model is None or part not in model.model_fields:
            return None
        model = _model_in(model.model_fields[part].annotation)
    return model


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _is_scalar(value: object) -> bool:
    return isinstance(value, str | int | float | bool) or value is None
