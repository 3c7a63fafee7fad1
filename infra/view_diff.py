"""Where two sets of view rows differ, said precisely: the view, the row and the field
(``rebuild --verify``, AUD-3), instead of two whole rows."""

from __future__ import annotations

import json
from typing import Any

Row = tuple[Any, ...]
COLUMNS = ("kind", "key", "owner", "region", "parent", "doc")


def first_difference(rebuilt: list[Row], live: list[Row]) -> str | None:
    """The first difference between the rebuilt and the live rows; None when they are equal.
    Rows are (kind, key, owner, region, parent, doc) and matched by (kind, key)."""
    ours, theirs = index(rebuilt), index(live)
    for where in sorted(set(ours) | set(theirs)):
        name = f"view {where[0]!r} row {where[1]!r}{cloud_id(ours.get(where) or theirs[where])}"
        if where not in theirs:
            return f"{name}: only in the rebuilt views"
        if where not in ours:
            return f"{name}: only in the live views"
        found = field_difference(as_fields(ours[where]), as_fields(theirs[where]))
        if found is not None:
            field, old, new = found
            return f"{name} field {field}: rebuilt {short(old)} but live {short(new)}"
    return None


def cloud_id(row: Row) -> str:
    """The resource a row is about, as the cloud names it (its key is an internal id)."""
    doc = as_fields(row)["doc"]
    if not isinstance(doc, dict):
        return ""
    named = [str(doc[k]) for k in ("EndpointId", "ServiceId") if doc.get(k)]
    return f" ({', '.join(named)})" if named else ""


def index(rows: list[Row]) -> dict[tuple[str, str], Row]:
    return {(str(r[0]), str(r[1])): r for r in rows}


def as_fields(row: Row) -> dict[str, Any]:
    doc = row[5]
    if isinstance(doc, (str, bytes)):
        doc = json.loads(doc)
    return {**dict(zip(COLUMNS[2:5], row[2:5])), "doc": doc}


def field_difference(left: Any, right: Any, path: str = "") -> tuple[str, Any, Any] | None:
    """The path of the first differing field (dotted keys, list positions in brackets)."""
    if isinstance(left, dict) and isinstance(right, dict):
        for key in sorted(set(left) | set(right), key=str):
            if key not in left or key not in right:
                return (join(path, key), left.get(key, "<absent>"), right.get(key, "<absent>"))
            found = field_difference(left[key], right[key], join(path, key))
            if found is not None:
                return found
        return None
    if isinstance(left, list) and isinstance(right, list) and len(left) == len(right):
        for position, (a, b) in enumerate(zip(left, right)):
            found = field_difference(a, b, f"{path}[{position}]")
            if found is not None:
                return found
        return None
    return None if left == right else (path or "<row>", left, right)


def join(path: str, key: Any) -> str:
    return f"{path}.{key}" if path else str(key)


def short(value: Any, limit: int = 200) -> str:
    text = json.dumps(value, sort_keys=True, default=str)
    return text if len(text) <= limit else text[:limit] + "…"
