"""JSON documents from outside (a policy document, an admin request) parsed with bounded
nesting: ``json.loads`` recurses once per level, so a document nested ~1,000 levels deep
raises RecursionError (an answer of 500) instead of a refusal."""

from __future__ import annotations

import json
import re
from typing import Any

MAX_DEPTH = 64
"""Deepest nesting accepted; a RAM policy document is about 5 levels deep."""

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


class TooDeep(ValueError):
    """The document nests arrays and objects deeper than allowed."""


def depth(text: str) -> int:
    """How deep arrays and objects nest in ``text`` (brackets inside strings not counted)."""
    deepest = level = 0
    for match in _BRACKET.finditer(_STRING.sub('""', text)):
        level += 1 if match.group() in "[{" else -1
        deepest = max(deepest, level)
    return deepest


def loads(text: str | bytes, max_depth: int = MAX_DEPTH) -> Any:
    """``json.loads`` that raises ValueError (``TooDeep``) past ``max_depth`` levels."""
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    if depth(text) > max_depth:
        raise TooDeep(f"nested deeper than {max_depth} levels")
    return json.loads(text)
