"""Issue 16: JSON from outside is parsed with bounded nesting, so a deep document is a refusal
(ValueError, answered 4xx) and never a RecursionError (answered 500)."""

from __future__ import annotations

import pytest

from privatelink.domain import json_documents
from privatelink.domain.endpoint import check_policy
from privatelink.domain.errors import InvalidValue


def test_issue16_depth_counts_arrays_and_objects_but_not_brackets_in_strings() -> None:
    assert json_documents.depth('{"a": [1, {"b": "[[[{{{"}]}') == 3
    assert json_documents.depth('"\\"[[["') == 0
    assert json_documents.depth("[]") == 1


@pytest.mark.parametrize(
    "deep", ["[" * 1000 + "]" * 1000, '{"a":' * 1000 + "1" + "}" * 1000, "[" * 100_000]
)
def test_issue16_a_document_nested_past_the_bound_is_a_value_error(deep: str) -> None:
    with pytest.raises(json_documents.TooDeep):
        json_documents.loads(deep)


def test_issue16_a_document_at_the_bound_parses() -> None:
    n = json_documents.MAX_DEPTH
    assert json_documents.loads("[" * n + "]" * n) is not None


def test_issue16_a_deep_policy_document_is_refused_with_the_policy_error() -> None:
    with pytest.raises(InvalidValue) as info:
        check_policy('{"a":' + "[" * 1000 + "]" * 1000 + "}")
    assert info.value.code == "InvalidParameter.PolicyDocument"
