"""Folding a batch's view operations writes each row once with the same final result."""

from __future__ import annotations

import random
from typing import Any

from privatelink.projections.ops import Delete, DeleteChildren, Op, Patch, Put, compact


def apply(rows: dict[tuple[str, str], dict[str, Any]], ops: list[Op]) -> dict:
    rows = {k: dict(v) for k, v in rows.items()}
    for op in ops:
        if isinstance(op, Put):
            rows[(op.kind, op.key)] = {"_parent": op.parent, **op.doc}
        elif isinstance(op, Patch) and (op.kind, op.key) in rows:
            rows[(op.kind, op.key)].update(op.fields)
        elif isinstance(op, Delete):
            rows.pop((op.kind, op.key), None)
        elif isinstance(op, DeleteChildren):
            rows = {
                k: v
                for k, v in rows.items()
                if not (k[0] == op.kind and v.get("_parent") == op.parent)
            }
    return rows


def random_ops(rng: random.Random, n: int) -> list[Op]:
    ops: list[Op] = []
    for _ in range(n):
        key, field = rng.choice("abcd"), rng.choice("xyz")
        choice = rng.random()
        if choice < 0.35:
            ops.append(
                Put("zone", key, "o", "r", {field: rng.randint(0, 9)}, parent=rng.choice("pq"))
            )
        elif choice < 0.8:
            ops.append(Patch("zone", key, {field: rng.randint(0, 9)}))
        elif choice < 0.93:
            ops.append(Delete("zone", key))
        else:
            ops.append(DeleteChildren("zone", rng.choice("pq")))
    return ops


def test_compaction_gives_the_same_rows_as_applying_every_operation() -> None:
    rng = random.Random(7)
    for _ in range(2000):
        start = {("zone", k): {"_parent": rng.choice("pq"), "x": 0} for k in "ab"}
        ops = random_ops(rng, rng.randint(1, 12))
        assert apply(start, compact(ops)) == apply(start, ops), ops


def test_a_put_and_its_patches_become_one_put() -> None:
    ops: list[Op] = [
        Put("endpoint", "e", "o", "r", {"a": 1}),
        Patch("endpoint", "e", {"b": 2}),
        Patch("endpoint", "e", {"a": 3}),
    ]
    assert compact(ops) == [Put("endpoint", "e", "o", "r", {"a": 3, "b": 2})]


def test_issue17_runs_of_puts_keep_the_order_and_touch_a_row_once_each() -> None:
    """The views write each run of consecutive Puts of different rows as one statement; the
    order of every operation is kept, and a row put twice starts a new run."""
    from privatelink.infra.view_writes import PIPELINE_SYNC_EVERY, runs

    a1, b1, a2 = (
        Put("k", "a", "", "", {"n": 1}),
        Put("k", "b", "", "", {}),
        Put("k", "a", "", "", {}),
    )
    patch, delete = Patch("k", "a", {"x": 1}), Delete("k", "b")
    assert runs([a1, b1, a2, patch, b1, delete]) == [[a1, b1], [a2], patch, [b1], delete]
    many = [Put("k", str(i), "", "", {}) for i in range(PIPELINE_SYNC_EVERY + 1)]
    assert [len(r) for r in runs(many)] == [PIPELINE_SYNC_EVERY, 1]
    assert [op for r in runs(many) for op in r] == many
