"""Issue 17: a change to the DNS record set copies what changed, not every name (the names are
a base no set changes, and each set's changes beside it, folded in now and then), and still
answers exactly as a plain dictionary of the names would, old sets unchanged (DNS-1)."""

from __future__ import annotations

from math import isqrt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from privatelink.infra.dataplane import records
from privatelink.infra.dataplane.records import APEX, NameRow, RecordSet
from tests.dataplane.helpers import VPC

NAMES = [f"ep-{i}.epsrv-{i % 3}.cn-hangzhou.{APEX}" for i in range(12)]
STEP = st.tuples(
    st.lists(st.tuples(st.sampled_from(NAMES), st.sampled_from(["ep-1", "ep-2"])), max_size=5),
    st.lists(st.sampled_from(NAMES), max_size=5),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(STEP, max_size=30))
def test_dns_1_a_layered_set_answers_as_a_plain_dictionary_and_old_sets_stay(
    steps: list[tuple[list[tuple[str, str]], list[str]]],
) -> None:
    """With a fold after every few changes, each set answers every name as the dictionary
    of the names the changes leave, and the sets made before it still answer as they did."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(records, "FOLD_AT", 2)
        made: list[tuple[RecordSet, dict[str, NameRow]]] = [(RecordSet(), {})]
        for present, removed in steps:
            before, model = made[-1][0], dict(made[-1][1])
            rows = [NameRow(name, endpoint, VPC) for name, endpoint in present]
            model.update((row.name, row) for row in rows)
            for name in removed:
                model.pop(name, None)
            made.append((before.changed(rows, removed), model))
        for record_set, model in made:
            assert record_set.names == model
            assert all(record_set.find(name) == model.get(name) for name in NAMES)


def test_issue17_a_change_copies_what_changed_not_every_name() -> None:
    """Reloads of a few names each into a set of 40,000: what a set keeps beside its base
    never passes the fold's bound, which is what a change copies."""
    many = [NameRow(f"ep-{i}.epsrv-1.cn-hangzhou.{APEX}", f"ep-{i}", VPC) for i in range(40_000)]
    record_set = RecordSet().changed(many, ())
    folds = 0
    for reload in range(200):
        new = [
            NameRow(f"new-{reload}-{k}.epsrv-1.cn-hangzhou.{APEX}", "ep", VPC) for k in range(20)
        ]
        gone = [many[reload].name]
        base = record_set.base
        record_set = record_set.changed(new, gone)
        folds += record_set.base is not base
        assert len(record_set.changes) <= max(records.FOLD_AT, isqrt(len(base)))
    assert folds > 0  # the changes were folded in along the way
    assert len(record_set.names) == 40_000 + 200 * 20 - 200
    assert record_set.find(many[0].name) is None
    assert record_set.find(f"new-199-19.epsrv-1.cn-hangzhou.{APEX}") is not None
