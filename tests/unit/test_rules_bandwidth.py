"""Bandwidth rules of connections and services (BW-1..5), held by the aggregate alone."""

from __future__ import annotations

from typing import Any

import pytest

from privatelink.domain.bandwidth import check_bandwidth, check_mode, default_mode
from privatelink.domain.errors import InvalidValue, OperationDenied
from privatelink.domain.service import EndpointService
from tests.unit.helpers import (
    CONSUMER_UID,
    ZONE_H,
    ZONE_I,
    alb,
    clb,
    connect,
    connected_endpoint,
    consumer,
    disconnect,
    event_names,
    new_endpoint,
    new_service,
    nlb,
    provider,
    provisioner,
)

EP = "ep-test0001"
# Services of GWLB resources are refused (SVC-2), so the GWLB range and modes of BW-2 are held
# by the bandwidth rules themselves (see the GWLB tests below), not through a service.
LIMITS = [("nlb", 100, 50000), ("alb", 100, 25000), ("slb", 100, 10240)]
BUILDERS = {"nlb": nlb, "alb": alb, "slb": clb}


def listed(resource_type: str = "nlb", **options: Any) -> EndpointService:
    """A service of one resource of that type, listing the consumer; events collected."""
    service = new_service(BUILDERS[resource_type](), **options)
    service.add_user(provider, CONSUMER_UID)
    service.collect_events()
    return service


def pending(resource_type: str = "nlb", endpoint_id: str = EP) -> EndpointService:
    """A manual-acceptance service with one Pending connection in zone h."""
    service = listed(resource_type)
    connect(service, new_endpoint(service, (ZONE_H,), endpoint_id=endpoint_id))
    service.collect_events()
    return service


def connected(resource_type: str = "nlb", **options: Any) -> EndpointService:
    service = listed(resource_type, **options)
    connected_endpoint(service, (ZONE_H,))
    return service


def reconnect(service: EndpointService, endpoint_id: str = EP) -> None:
    """Deny, finish, allow again and finish: a deny/allow cycle (ACC-5)."""
    disconnect(service, endpoint_id)
    service.allow_connection(provider, endpoint_id)
    service.complete_connection(provisioner, endpoint_id)
    service.collect_events()


def bandwidth(service: EndpointService, endpoint_id: str = EP) -> int:
    return int(service.connection(endpoint_id)["bandwidth"])


# -- BW-1: one limit for the whole connection -------------------------------------------------


def test_bw_1_a_connection_has_one_bandwidth_and_its_zones_none_of_their_own() -> None:
    service = listed()
    connected_endpoint(service, (ZONE_H, ZONE_I))
    service.change_bandwidth(provider, EP, 4000, None)
    conn = service.connection(EP)
    assert conn["bandwidth"] == 4000
    assert all("bandwidth" not in zc for zc in conn["zones"].values())


def test_bw_1_the_bandwidth_change_names_the_connection_not_a_zone() -> None:
    service = listed()
    connected_endpoint(service, (ZONE_H, ZONE_I))
    service.change_bandwidth(provider, EP, 4000, None)
    (changed,) = service.collect_events()
    assert (type(changed).__name__, changed.endpoint_id, changed.bandwidth) == (
        "BandwidthChanged",
        EP,
        4000,
    )
    assert not hasattr(changed, "zone_id")


def test_bw_1_a_zone_added_later_is_under_the_same_limit() -> None:
    service = listed(auto_accept=True)
    connected_endpoint(service, (ZONE_H,))
    service.change_bandwidth(provider, EP, 4000, None)
    service.add_connection_zone(consumer, EP, ZONE_I)
    service.complete_connection(provisioner, EP)
    conn = service.connection(EP)
    assert (conn["bandwidth"], sorted(conn["zones"])) == (4000, [ZONE_H, ZONE_I])


# -- BW-2: per-connection limits by resource type ------------------------------------------------


@pytest.mark.parametrize(("resource_type", "low", "high"), LIMITS)
def test_bw_2_the_bounds_are_accepted_when_changing(
    resource_type: str, low: int, high: int
) -> None:
    service = connected(resource_type)
    service.change_bandwidth(provider, EP, low, None)
    service.change_bandwidth(provider, EP, high, None)
    assert event_names(service) == ["BandwidthChanged", "BandwidthChanged"]
    assert bandwidth(service) == high


@pytest.mark.parametrize(("resource_type", "low", "high"), LIMITS)
@pytest.mark.parametrize("side", ["below", "above"])
def test_bw_2_out_of_range_is_refused_when_changing(
    resource_type: str, low: int, high: int, side: str
) -> None:
    service = connected(resource_type)
    before = bandwidth(service)
    with pytest.raises(InvalidValue) as refused:
        service.change_bandwidth(provider, EP, low - 1 if side == "below" else high + 1, None)
    assert refused.value.code == "InvalidParameter.Bandwidth"
    assert service.collect_events() == []
    assert bandwidth(service) == before


@pytest.mark.parametrize(("resource_type", "low", "high"), LIMITS)
@pytest.mark.parametrize("side", ["low", "high"])
def test_bw_2_the_bounds_are_accepted_when_allowing(
    resource_type: str, low: int, high: int, side: str
) -> None:
    service = pending(resource_type)
    chosen = low if side == "low" else high
    service.allow_connection(provider, EP, chosen)
    (allowed,) = service.collect_events()
    assert allowed.bandwidth == chosen


@pytest.mark.parametrize(("resource_type", "low", "high"), LIMITS)
@pytest.mark.parametrize("side", ["below", "above"])
def test_bw_2_out_of_range_is_refused_when_allowing(
    resource_type: str, low: int, high: int, side: str
) -> None:
    service = pending(resource_type)
    with pytest.raises(InvalidValue) as refused:
        service.allow_connection(provider, EP, low - 1 if side == "below" else high + 1)
    assert refused.value.code == "InvalidParameter.Bandwidth"
    assert service.collect_events() == []
    assert service.connection(EP)["status"] == "Pending"


@pytest.mark.parametrize(("resource_type", "mode"), [("slb", "Scalability")])
def test_bw_2_a_traffic_control_mode_the_type_does_not_offer_is_refused(
    resource_type: str, mode: str
) -> None:
    service = connected(resource_type)
    with pytest.raises(InvalidValue) as refused:
        service.change_bandwidth(provider, EP, None, mode)
    assert refused.value.code == "InvalidParameter.TrafficControlMode"
    assert service.collect_events() == []


@pytest.mark.parametrize(("resource_type", "mode"), [("slb", "Scalability")])
def test_bw_2_a_mode_the_type_does_not_offer_is_refused_when_allowing(
    resource_type: str, mode: str
) -> None:
    service = pending(resource_type)
    with pytest.raises(InvalidValue) as refused:
        service.allow_connection(provider, EP, None, mode)
    assert refused.value.code == "InvalidParameter.TrafficControlMode"
    assert service.collect_events() == []


@pytest.mark.parametrize(
    ("resource_type", "mode"),
    [
        ("slb", "BandwidthLimit"),
        ("nlb", "Scalability"),
        ("nlb", "BandwidthLimit"),
        ("alb", "Scalability"),
        ("alb", "BandwidthLimit"),
    ],
)
def test_bw_2_a_traffic_control_mode_the_type_offers_is_accepted(
    resource_type: str, mode: str
) -> None:
    service = connected(resource_type)
    service.change_bandwidth(provider, EP, None, mode)
    assert service.connection(EP)["traffic_mode"] == mode


@pytest.mark.parametrize(
    ("resource_type", "mode"), [("slb", "BandwidthLimit"), ("nlb", "Scalability")]
)
def test_bw_2_a_new_connection_takes_the_default_mode_of_its_type(
    resource_type: str, mode: str
) -> None:
    assert pending(resource_type).connection(EP)["traffic_mode"] == mode


@pytest.mark.parametrize("value", [100, 25000])
def test_bw_2_gwlb_bounds_are_accepted(value: int) -> None:
    check_bandwidth("gwlb", value)


@pytest.mark.parametrize("value", [99, 25001])
def test_bw_2_gwlb_out_of_range_is_refused(value: int) -> None:
    with pytest.raises(InvalidValue) as refused:
        check_bandwidth("gwlb", value)
    assert refused.value.code == "InvalidParameter.Bandwidth"


def test_bw_2_gwlb_offers_only_scalability() -> None:
    check_mode("gwlb", "Scalability")
    with pytest.raises(InvalidValue) as refused:
        check_mode("gwlb", "BandwidthLimit")
    assert refused.value.code == "InvalidParameter.TrafficControlMode"
    assert default_mode("gwlb") == "Scalability"


def test_bw_2_clb_offers_only_bandwidth_limit() -> None:
    check_mode("slb", "BandwidthLimit")
    with pytest.raises(InvalidValue):
        check_mode("slb", "Scalability")
    assert default_mode("slb") == "BandwidthLimit"


# -- BW-3: the default connection bandwidth of CLB services ----------------------------------


def test_bw_3_the_default_connection_bandwidth_is_3072() -> None:
    service = connected("slb")
    assert (service.connect_bandwidth, bandwidth(service)) == (3072, 3072)


@pytest.mark.parametrize("value", [100, 10240])
def test_bw_3_a_clb_default_at_the_bounds_is_accepted(value: int) -> None:
    service = listed("slb")
    service.update_attributes(provider, {"connect_bandwidth": value})
    assert event_names(service) == ["AttributesUpdated"]
    assert service.connect_bandwidth == value


@pytest.mark.parametrize("value", [99, 10241])
def test_bw_3_a_clb_default_out_of_range_is_refused(value: int) -> None:
    service = listed("slb")
    with pytest.raises(InvalidValue) as refused:
        service.update_attributes(provider, {"connect_bandwidth": value})
    assert refused.value.code == "InvalidParameter.ConnectBandwidth"
    assert service.collect_events() == []
    assert service.connect_bandwidth == 3072


@pytest.mark.parametrize("resource_type", ["nlb", "alb"])
def test_bw_3_a_default_on_a_service_that_is_not_clb_is_refused(resource_type: str) -> None:
    service = listed(resource_type)
    with pytest.raises(InvalidValue) as refused:
        service.update_attributes(provider, {"connect_bandwidth": 3000})
    assert refused.value.code == "InvalidParameter.ConnectBandwidth"
    assert service.collect_events() == []


def test_bw_3_a_new_default_leaves_a_connected_connection_as_it_is() -> None:
    service = connected("slb")
    service.update_attributes(provider, {"connect_bandwidth": 5000})
    assert bandwidth(service) == 3072


def test_bw_3_a_new_default_applies_to_a_connection_allowed_afterwards() -> None:
    service = pending("slb")
    service.update_attributes(provider, {"connect_bandwidth": 5000})
    service.allow_connection(provider, EP)
    assert bandwidth(service) == 5000


def test_bw_3_a_new_default_applies_to_a_connection_requested_afterwards() -> None:
    service = listed("slb", auto_accept=True)
    service.update_attributes(provider, {"connect_bandwidth": 5000})
    connected_endpoint(service, (ZONE_H,))
    assert bandwidth(service) == 5000


# -- BW-4: a connection's own limit replaces the default ----------------------------------------


def test_bw_4_an_own_limit_survives_a_change_of_the_default() -> None:
    service = connected("slb")
    service.change_bandwidth(provider, EP, 2000, None)
    service.update_attributes(provider, {"connect_bandwidth": 5000})
    assert bandwidth(service) == 2000


def test_bw_4_an_own_limit_survives_a_deny_allow_cycle() -> None:
    service = connected("slb")
    service.change_bandwidth(provider, EP, 2000, None)
    service.update_attributes(provider, {"connect_bandwidth": 5000})
    reconnect(service)
    assert bandwidth(service) == 2000


def test_bw_4_a_limit_given_when_allowing_survives_a_deny_allow_cycle() -> None:
    service = pending("slb")
    service.allow_connection(provider, EP, 1500)
    service.complete_connection(provisioner, EP)
    reconnect(service)
    assert bandwidth(service) == 1500


def test_bw_4_without_an_own_limit_a_reallowed_connection_takes_the_new_default() -> None:
    service = connected("slb")
    service.update_attributes(provider, {"connect_bandwidth": 5000})
    reconnect(service)
    assert bandwidth(service) == 5000


def test_bw_4_the_own_limit_is_for_that_connection_only() -> None:
    service = listed("slb", auto_accept=True)
    connected_endpoint(service, (ZONE_H,), endpoint_id="ep-own0001")
    connected_endpoint(service, (ZONE_H,), endpoint_id="ep-other001")
    service.change_bandwidth(provider, "ep-own0001", 2000, None)
    assert (bandwidth(service, "ep-own0001"), bandwidth(service, "ep-other001")) == (2000, 3072)


# -- BW-5: when a limit can be set ------------------------------------------------------------


def test_bw_5_with_auto_accept_a_connecting_connection_cannot_change_bandwidth() -> None:
    service = listed(auto_accept=True)
    connect(service, new_endpoint(service, (ZONE_H,)))
    service.collect_events()
    with pytest.raises(OperationDenied) as refused:
        service.change_bandwidth(provider, EP, 4000, None)
    assert refused.value.code == "EndpointConnectionOperationDenied"
    assert service.collect_events() == []


def test_bw_5_with_auto_accept_a_connected_connection_changes_bandwidth() -> None:
    service = connected(auto_accept=True)
    service.change_bandwidth(provider, EP, 4000, None)
    assert event_names(service) == ["BandwidthChanged"]
    assert bandwidth(service) == 4000


def test_bw_5_a_pending_connection_cannot_change_bandwidth() -> None:
    service = pending()
    with pytest.raises(OperationDenied) as refused:
        service.change_bandwidth(provider, EP, 4000, None)
    assert refused.value.code == "EndpointConnectionOperationDenied"
    assert service.collect_events() == []


def test_bw_5_with_manual_acceptance_the_limit_is_set_when_allowing() -> None:
    service = pending()
    service.allow_connection(provider, EP, 4000)
    (allowed,) = service.collect_events()
    assert (type(allowed).__name__, allowed.bandwidth, allowed.bandwidth_set) == (
        "ConnectionAllowed",
        4000,
        True,
    )
    service.complete_connection(provisioner, EP)
    assert bandwidth(service) == 4000


def test_bw_5_a_disconnected_connection_cannot_change_bandwidth() -> None:
    service = connected()
    disconnect(service, EP)
    with pytest.raises(OperationDenied) as refused:
        service.change_bandwidth(provider, EP, 4000, None)
    assert refused.value.code == "EndpointConnectionOperationDenied"
    assert service.collect_events() == []
