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


def compact(ops: list[Op]) -> list[Op]:
    """Fold a batch's operations so each row is written once, with the same final result:
    a Put followed by Patches becomes one Put, Patches merge, a Delete wins over what came
    before it. Operations on different rows commute; DeleteChildren is kept in place as a
    barrier, since it touches rows by parent."""
    out: list[Op] = []
    pending: dict[tuple[str, str], Op] = {}

    def flush() -> None:
        out.extend(pending.values())
        pending.clear()

    for op in ops:
        if isinstance(op, DeleteChildren):
            flush()
            out.append(op)
            continue
        key = (op.kind, op.key)
        merged = _merge(pending.get(key), op)
        if merged is None:
            continue
        pending.pop(key, None)
        pending[key] = merged
    flush()
    return out


def _merge(before: Op | None, op: Op) -> Op | None:
    """``op`` folded into the pending ``before`` of its row; None when a Delete already won."""
    if not isinstance(op, Patch):
        return op
    if isinstance(before, Put):
        return Put(
            before.kind,
            before.key,
            before.owner,
            before.region,
            {**before.doc, **op.fields},
            before.parent,
        )
    if isinstance(before, Patch):
        return Patch(op.kind, op.key, {**before.fields, **op.fields})
    if isinstance(before, Delete):
        return None
    return op
