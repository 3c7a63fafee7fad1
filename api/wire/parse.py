"""Decode the flat wire parameters of one request into its action's validated model.

The SDK flattens lists as ``Key.N=…`` and lists of objects as ``Key.N.Sub=…`` (WIRE.md §3);
``parse_params`` undoes that, converts booleans and integers, and lets the generated model
check the rest. Every refusal names the parameter by its wire name (``Zone.2.VSwitchId``).
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from types import NoneType, UnionType
from typing import Any, TypeVar, Union, get_args, get_origin

from annotated_types import Ge, Le, MaxLen
from pydantic import ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from privatelink.api.wire.base import PRINTABLE_ASCII, WireModel
from privatelink.api.wire.errors import InvalidParameter, MissingParameter, UnknownAction, WireError
from privatelink.api.wire.extensions import EXTENSION_MODELS
from privatelink.api.wire.models import REQUEST_MODELS as CLOUD_MODELS

REQUEST_MODELS = {**CLOUD_MODELS, **EXTENSION_MODELS}

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
_INTEGER = re.compile(r"[+-]?([0-9]+)")
_INDEX = re.compile(r"[1-9][0-9]*")
_GAP = "is missing: list indices must run from 1 without gaps"

Scalar = str | int | bool
Request = TypeVar("Request", bound=WireModel)


@dataclass(frozen=True)
class _List:
    """A ``Key.N`` parameter: its item limit and item fields (None: a list of strings)."""

    max_items: int
    fields: Mapping[str, type] | None


_Param = type | _List


def parse_params(action: str, params: Iterable[tuple[str, str]]) -> WireModel:
    """The request model of ``action`` built from decoded ``(key, value)`` pairs.

    Raises ``UnknownAction``, ``MissingParameter`` or ``InvalidParameter``.
    """
    model = REQUEST_MODELS.get(action)
    if model is None:
        raise UnknownAction(action)
    params = list(params)
    for key, value in params:
        if "\x00" in key or "\x00" in value:
            # Valid on the wire and in the event log, but PostgreSQL's text and jsonb cannot
            # hold it: refused here, before it could reach (and stall) the views.
            raise InvalidParameter(key.replace("\x00", "\\0"), "contains a NUL character")
    return _parse(action, model, params)


def parse_as(model: type[Request], params: Iterable[tuple[str, str]]) -> Request:
    """Like ``parse_params``, typed, for a caller that already holds the action's model class."""
    action = model.__name__.removesuffix("Request")
    if REQUEST_MODELS.get(action) is not model:
        raise TypeError(f"{model.__name__} is not the request model of an action")
    return _parse(action, model, params)


def _parse(action: str, model: type[Request], params: Iterable[tuple[str, str]]) -> Request:
    shape = _shape(model)
    data = _unflatten(action, shape, params)
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise _translate(model, shape, error) from None


def _unflatten(
    action: str, shape: Mapping[str, _Param], params: Iterable[tuple[str, str]]
) -> dict[str, Any]:
    data: dict[str, Any] = {}
    lists: dict[str, dict[int, Any]] = {}
    seen: set[str] = set()
    for key, value in params:
        if key in seen:
            raise InvalidParameter(key, "is duplicated")
        seen.add(key)
        head, dot, _ = key.partition(".")
        param = shape.get(head)
        if param is None:
            raise _unknown(action, key)
        if isinstance(param, _List):
            if not dot:
                raise InvalidParameter(key, f'is a list: send it as "{key}.1", "{key}.2", …')
            _add_item(action, key, value, param, lists.setdefault(head, {}))
        elif dot:
            raise InvalidParameter(key, f'is not valid: "{head}" is not a list')
        else:
            data[head] = _convert(key, value, param)
    for head, items in lists.items():
        data[head] = _in_order(head, items)
    return data


def _add_item(action: str, key: str, value: str, param: _List, items: dict[int, Any]) -> None:
    head, _, rest = key.partition(".")
    index_text, dot, sub = rest.partition(".")
    index = _index(key, index_text, param.max_items)
    if param.fields is None:
        if dot:
            raise _unknown(action, key)
        items[index] = value
        return
    if not dot:
        raise InvalidParameter(key, f'is not valid: send item fields as "{head}.N.<Field>"')
    kind = param.fields.get(sub)
    if kind is None:
        raise _unknown(action, key)
    items.setdefault(index, {})[sub] = _convert(key, value, kind)


def _index(key: str, text: str, max_items: int) -> int:
    if not _INDEX.fullmatch(text):
        raise InvalidParameter(
            key, "has an invalid index: indices are positive integers without leading zeros"
        )
    if len(text) > len(str(max_items)) or int(text) > max_items:
        raise InvalidParameter(key, f"has an index above the maximum of {max_items} items")
    return int(text)


def _in_order(head: str, items: Mapping[int, Any]) -> list[Any]:
    for index in range(1, len(items) + 1):
        if index not in items:
            raise InvalidParameter(f"{head}.{index}", _GAP)
    return [items[index] for index in range(1, len(items) + 1)]


def _convert(key: str, value: str, kind: type) -> Scalar:
    if kind is bool:
        return _boolean(key, value)
    if kind is int:
        return _integer(key, value)
    return value


def _boolean(key: str, value: str) -> bool:
    # The Python SDK sends str(bool) ("True"); other SDKs send "true".
    lowered = value.lower()
    if lowered not in ("true", "false"):
        raise InvalidParameter(key, "is not a boolean (true or false)")
    return lowered == "true"


def _integer(key: str, value: str) -> int:
    match = _INTEGER.fullmatch(value)
    if match is None:
        raise InvalidParameter(key, "is not an integer")
    # Check the digit count first: int() of a huge string is slow (and capped by CPython).
    if len(match.group(1).lstrip("0")) > 19 or not INT64_MIN <= int(value) <= INT64_MAX:
        raise InvalidParameter(key, "is out of the range of a 64-bit integer")
    return int(value)


def _unknown(action: str, key: str) -> InvalidParameter:
    return InvalidParameter(key, f'is unknown: it is not a parameter of "{action}"')


# --- the shape of a model, read once from its generated fields -------------------------


@cache
def _shape(model: type[WireModel]) -> Mapping[str, _Param]:
    """Wire key → scalar type (str, int, bool) or list description, from the model's fields."""
    return {_alias(info): _param(info) for info in model.model_fields.values()}


def _alias(info: FieldInfo) -> str:
    if info.alias is None:
        raise TypeError(f"wire model field without an alias: {info!r}")
    return info.alias


def _param(info: FieldInfo) -> _Param:
    annotation = info.annotation
    if get_origin(annotation) is not list:
        return _scalar_type(annotation)
    (item,) = get_args(annotation)
    max_items = next(m.max_length for m in info.metadata if isinstance(m, MaxLen))
    if isinstance(item, type) and issubclass(item, WireModel):
        fields = {key: kind for key, kind in _shape(item).items() if isinstance(kind, type)}
        return _List(max_items, fields)
    return _List(max_items, None)


def _scalar_type(annotation: Any) -> type:
    if get_origin(annotation) in (Union, UnionType):
        (annotation,) = (arg for arg in get_args(annotation) if arg is not NoneType)
    if annotation not in (str, int, bool):
        raise TypeError(f"unsupported wire type {annotation!r}")
    return annotation  # type: ignore[no-any-return]


# --- pydantic errors → wire errors ------------------------------------------------------


def _translate(
    model: type[WireModel], shape: Mapping[str, _Param], error: ValidationError
) -> WireError:
    details = error.errors(include_url=False, include_input=False)
    missing = [detail for detail in details if detail["type"] == "missing"]
    first = (missing or details)[0]
    name = _wire_name(first["loc"])
    if first["type"] == "missing":
        return MissingParameter(f"{name}.N" if isinstance(shape.get(name), _List) else name)
    return InvalidParameter(name, _problem(model, first))


def _wire_name(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part + 1) if isinstance(part, int) else part for part in loc)


def _problem(model: type[WireModel], detail: ErrorDetails) -> str:
    kind = detail["type"]
    ctx = detail.get("ctx", {})
    if kind in ("greater_than_equal", "less_than_equal"):
        return _range_problem(model, detail["loc"], ctx)
    if kind == "string_too_long":
        return f"must be at most {ctx['max_length']} characters long"
    if kind == "string_too_short":
        minimum = ctx["min_length"]
        return "must not be empty" if minimum == 1 else f"must be at least {minimum} characters"
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == PRINTABLE_ASCII:
        return "must contain only printable ASCII characters"
    if kind == "too_long":
        return f"must have at most {ctx['max_length']} items"
    return "is not valid"


def _range_problem(model: type[WireModel], loc: tuple[int | str, ...], ctx: Any) -> str:
    info = {_alias(i): i for i in model.model_fields.values()}.get(str(loc[0]))
    metadata = info.metadata if info is not None and len(loc) == 1 else []
    low = next((m.ge for m in metadata if isinstance(m, Ge)), ctx.get("ge"))
    high = next((m.le for m in metadata if isinstance(m, Le)), ctx.get("le"))
    if low is not None and high is not None:
        return f"must be {low}" if low == high else f"must be an integer between {low} and {high}"
    return f"must be at least {low}" if low is not None else f"must be at most {high}"
