"""The DNS-record view, with no I/O: which names exist and what each answers (DNS-1..5,
ACC-4, EP-9)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from hypothesis import given, settings
from hypothesis import strategies as st

from privatelink.infra.dataplane.records import (
    APEX,
    NameRow,
    RecordSet,
    ZoneLocator,
    answer,
    build_records,
)
from tests.dataplane.helpers import (
    ENI_IP,
    ENI_IPV6,
    VPC,
    VSWITCHES,
    H,
    I,
    J,
    endpoint_domain,
    rows,
    zone_doc,
    zone_domain,
)

LOCATOR = ZoneLocator(VSWITCHES)
IN_H, IN_I, IN_J, OUTSIDE = "127.16.1.9", "127.16.2.9", "127.16.3.9", "127.0.0.1"


def ask(view, name: str, asker: str = OUTSIDE, rdtype: str = "A"):  # type: ignore[no-untyped-def]
    return answer(build_records(view), LOCATOR, name, rdtype, asker)


def test_dns_1_endpoint_domain_answers_every_connected_zone() -> None:
    found = ask(rows(), endpoint_domain("ep-a"))
    assert found.rcode == "NOERROR"
    assert found.addresses == (ENI_IP[H], ENI_IP[I])


def test_dns_1_dual_stack_endpoint_answers_aaaa_too() -> None:
    view = rows(dual_stack=True)
    assert ask(view, endpoint_domain("ep-a"), rdtype="AAAA").addresses == (ENI_IPV6[H], ENI_IPV6[I])
    assert ask(view, endpoint_domain("ep-a")).addresses == (ENI_IP[H], ENI_IP[I])


def test_dns_1_ipv4_endpoint_has_no_aaaa() -> None:
    found = ask(rows(), endpoint_domain("ep-a"), rdtype="AAAA")
    assert (found.rcode, found.addresses) == ("NOERROR", ())


def test_dns_1_zones_not_yet_connected_give_no_address() -> None:
    view = rows(zones={H: zone_doc("ep-a", H), I: zone_doc("ep-a", I, status="Connecting")})
    assert ask(view, endpoint_domain("ep-a")).addresses == (ENI_IP[H],)


def test_dns_2_affinity_answers_the_askers_zone_alone() -> None:
    view = rows(affinity=(True, True))
    assert ask(view, endpoint_domain("ep-a"), IN_H).addresses == (ENI_IP[H],)
    assert ask(view, endpoint_domain("ep-a"), IN_I).addresses == (ENI_IP[I],)


def test_dns_2_affinity_with_the_askers_zone_unhealthy_answers_the_others() -> None:
    view = rows(
        affinity=(True, True),
        zones={H: zone_doc("ep-a", H, _healthy=False), I: zone_doc("ep-a", I)},
    )
    assert ask(view, endpoint_domain("ep-a"), IN_H).addresses == (ENI_IP[I],)


def test_dns_3_asker_in_a_zone_outside_the_endpoint_gets_every_zone() -> None:
    view = rows(affinity=(True, True))
    assert ask(view, endpoint_domain("ep-a"), IN_J).addresses == (ENI_IP[H], ENI_IP[I])
    assert ask(view, endpoint_domain("ep-a"), OUTSIDE).addresses == (ENI_IP[H], ENI_IP[I])


def test_dns_3_affinity_off_on_either_side_gives_every_zone() -> None:
    for affinity in ((True, False), (False, True), (False, False)):
        view = rows(affinity=affinity)
        assert ask(view, endpoint_domain("ep-a"), IN_H).addresses == (ENI_IP[H], ENI_IP[I])


def test_dns_4_zone_domain_answers_its_zone_only() -> None:
    view = rows(affinity=(True, True))
    assert ask(view, zone_domain("ep-a", I), IN_H).addresses == (ENI_IP[I],)
    assert ask(view, zone_domain("ep-a", H), IN_J).addresses == (ENI_IP[H],)


def test_dns_5_unhealthy_zone_leaves_the_answer_and_comes_back() -> None:
    sick = rows(zones={H: zone_doc("ep-a", H), I: zone_doc("ep-a", I, _healthy=False)})
    assert ask(sick, endpoint_domain("ep-a")).addresses == (ENI_IP[H],)
    assert ask(sick, zone_domain("ep-a", I)).addresses == ()
    healed = rows(zones={H: zone_doc("ep-a", H), I: zone_doc("ep-a", I, _healthy=True)})
    assert ask(healed, endpoint_domain("ep-a")).addresses == (ENI_IP[H], ENI_IP[I])


def test_acc_4_only_a_connected_connection_has_records() -> None:
    for status in ("Pending", "Connecting", "Disconnecting", "Disconnected", "ServiceDeleted"):
        found = ask(rows(connection=status), endpoint_domain("ep-a"))
        assert (found.rcode, found.addresses) == ("NOERROR", ()), status


def test_ep_9_endpoint_and_zone_domains_exist_whatever_the_state() -> None:
    records = build_records(
        rows(connection="Pending", zones={H: zone_doc("ep-a", H), J: zone_doc("ep-a", J)})
    )
    assert set(records.names) == {
        endpoint_domain("ep-a"),
        zone_domain("ep-a", H),
        zone_domain("ep-a", J),
    }


def test_ep_9_names_match_case_insensitively_with_or_without_the_final_dot() -> None:
    name = endpoint_domain("ep-a").upper() + "."
    assert ask(rows(), name).addresses == (ENI_IP[H], ENI_IP[I])


def test_unknown_name_in_our_zone_is_nxdomain() -> None:
    assert ask(rows(), endpoint_domain("ep-unknown")).rcode == "NXDOMAIN"


def test_names_between_a_record_and_the_apex_exist_without_data() -> None:
    found = ask(rows(), "epsrv-a.cn-hangzhou.privatelink.aliyuncs.com")
    assert (found.rcode, found.addresses) == ("NOERROR", ())


def test_names_outside_our_zone_are_refused() -> None:
    assert ask(rows(), "example.com").rcode == "REFUSED"
    assert ask(rows(), "evilprivatelink.aliyuncs.com").rcode == "REFUSED"


def test_asker_zone_comes_from_the_endpoints_vpc_only() -> None:
    locator = ZoneLocator([*VSWITCHES, ("vpc-other", J, "127.30.1.0/24")])
    assert locator.zone_of("vpc-consumer0001", "127.16.2.77") == I
    assert locator.zone_of("vpc-consumer0001", "127.30.1.5") is None
    assert locator.zone_of("vpc-consumer0001", "not-an-address") is None


NAMES = st.sampled_from(
    [
        f"{ep}.{srv}.{region}.{APEX}"
        for ep in ("ep-a", "ep-b", "ep-a-cn-hangzhou-h")
        for srv in ("epsrv-a", "epsrv-b")
        for region in ("cn-hangzhou", "cn-beijing")
    ]
    + [f"svc.example.{APEX}", "ep-a.example.com"]
)


def every_ancestor(names: Iterable[str]) -> set[str]:
    """The ancestors derived from scratch: every suffix between a name and the apex."""
    found = {APEX}
    for name in names:
        labels = name.split(".")
        suffixes = (".".join(labels[i:]) for i in range(1, len(labels)))
        found |= set(itertools.takewhile(lambda parent: parent.endswith(APEX), suffixes))
    return found


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.lists(NAMES, max_size=4), st.lists(NAMES, max_size=4)), max_size=20))
def test_dns_1_changed_names_keep_the_ancestors_derived_from_every_name(
    changes: list[tuple[list[str], list[str]]],
) -> None:
    records, ever_changed = RecordSet(), False
    for present, removed in changes:
        before = set(records.names)
        records = records.changed([NameRow(n, "ep", VPC) for n in present], removed)
        ever_changed |= bool(set(present) - before or set(removed) & (before | set(present)))
        assert records.ancestors == (every_ancestor(records.names) if ever_changed else set())


def test_dns_1_a_name_rows_document_is_every_field_and_reads_back_the_same() -> None:
    """Issue 17: the document is made field by field (not by ``dataclasses.asdict``); it still
    holds every field, nested zones as plain dicts, and ``from_doc`` gives the row back."""
    from dataclasses import asdict

    from privatelink.projections.dns_records import NameRow, ZoneAddress

    row = NameRow(
        "ep-1.epsrv-1.cn-hangzhou.privatelink.aliyuncs.com",
        "ep-1",
        "vpc-1",
        (ZoneAddress("cn-hangzhou-h", "10.0.0.5", "fd00::5"), ZoneAddress("cn-hangzhou-i", "1")),
        affinity=True,
        dual_stack=True,
        forwarding={"status": "Connected", "zones": [{"zone": "h", "eni": "eni-1"}]},
    )
    assert row.as_doc() == {**asdict(row), "zones": [asdict(z) for z in row.zones]}
    assert NameRow.from_doc(row.as_doc()) == row
