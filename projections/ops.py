"""Row operations: what a projection asks the view store to do for one event.

Projections stay pure (an event in, operations out), so the live projector, a rebuild and a
test all run the very same code, and only the view store knows SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class Put:
    """Insert or replace one view row."""

    kind: str
    key: str
    owner: str
    region: str
    doc: dict[str, Any]
    parent: str = ""


@dataclass(frozen=True)
class Patch:
    """Merge fields into the document of one view row (no-op when the row is absent)."""

    kind: str
    key: str
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Delete:
    """Remove one view row."""

    kind: str
    key: str


@dataclass(frozen=True)
class DeleteChildren:
    """Remove every row of a kind under one parent."""

    kind: str
    parent: str


Op = Put | Patch | Delete | DeleteChildren


class ViewWriter(Protocol):
    """Port: applies the operations of a batch of events with the tracking position, in one
    transaction."""

    def apply(self, ops: list[Op], position: int) -> None: ...

    def position(self) -> int: ...
