"""Issue 15: rebuild --verify names the view, the row and the field that differ."""

from __future__ import annotations

from privatelink.infra.view_diff import first_difference

ROW = (
    "endpoint",
    "k1",
    "1210000000000002",
    "cn-hangzhou",
    "",
    {"EndpointId": "ep-1", "VpcId": "vpc-1", "Zones": [{"ZoneId": "h", "ZoneStatus": "Connected"}]},
)


def with_doc(**doc: object) -> tuple[object, ...]:
    return (*ROW[:5], {**ROW[5], **doc})  # type: ignore[dict-item]


def test_issue15_equal_rows_have_no_difference() -> None:
    assert first_difference([ROW], [ROW]) is None


def test_issue15_a_nested_field_is_named_with_its_path() -> None:
    live = with_doc(Zones=[{"ZoneId": "h", "ZoneStatus": "Connecting"}])
    found = first_difference([ROW], [live])
    assert found == (
        "view 'endpoint' row 'k1' (ep-1) field doc.Zones[0].ZoneStatus: "
        'rebuilt "Connected" but live "Connecting"'
    )


def test_issue15_a_row_only_one_side_has_is_named() -> None:
    other = ("service", "k2", "1210000000000001", "cn-hangzhou", "", {"ServiceId": "epsrv-2"})
    assert (
        first_difference([ROW], [ROW, other])
        == "view 'service' row 'k2' (epsrv-2): only in the live views"
    )


def test_issue15_a_column_difference_is_named() -> None:
    moved = ("endpoint", "k1", "1210000000000002", "cn-beijing", "", ROW[5])
    assert 'field region: rebuilt "cn-hangzhou" but live "cn-beijing"' in str(
        first_difference([ROW], [moved])
    )
