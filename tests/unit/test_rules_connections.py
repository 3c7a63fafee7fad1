"""Rules of the connections a service keeps with endpoints: acceptance (ACC), auto-accept
changes (SVC-6), whitelist removal (WL-4), detaching in use (RES-2) and allocation (RES-4)."""

from __future__ import annotations

import pytest

from privatelink.domain.errors import (
    ConnectionNotFound,
    EndpointServiceNotFound,
    OperationDenied,
    ZoneNotSupported,
)
from privatelink.domain.service import EndpointService
from tests.unit.helpers import (
    CONSUMER_UID,
    ZONE_H,
    ZONE_I,
    ZONE_J,
    connect,
    connected_endpoint,
    consumer,
    disconnect,
    event_names,
    new_endpoint,
    new_service,
    nlb,
    outsider,
    provider,
    provisioner,
    zone_statuses,
)

EP = "ep-test0001"


def listed_service(**options: object) -> EndpointService:
    """A service (NLB in zones h and i) whose whitelist lists the consumer; events collected."""
    service = new_service(**options)
    service.add_user(provider, CONSUMER_UID)
    service.collect_events()
    return service


def pending(zones: tuple[str, ...] = (ZONE_H,)) -> EndpointService:
    """A manual-acceptance service with one Pending connection; events collected."""
    service = listed_service()
    connect(service, new_endpoint(service, zones))
    service.collect_events()
    return service


# -- ACC-1 / ACC-2 / ACC-3: request and acceptance ----------------------------------------------


def test_acc_1_a_new_endpoint_records_connection_requested() -> None:
    service = listed_service()
    connect(service, new_endpoint(service))
    events = service.collect_events()
    assert [type(e).__name__ for e in events] == ["ConnectionRequested"]
    assert events[0].endpoint["endpoint_id"] == EP
    assert events[0].zones == [ZONE_H]


def test_acc_1_a_connection_to_a_zone_the_service_does_not_serve_is_refused() -> None:
    """EP-3 is the service's: it admits no new endpoint (and so no connection) in that zone."""
    service = listed_service()
    with pytest.raises(ZoneNotSupported) as refused:
        service.admit_endpoint(CONSUMER_UID, "cn-hangzhou", [ZONE_J])
    assert refused.value.code == "EndpointZoneNotSupported"
    assert service.collect_events() == []


def test_acc_2_with_auto_accept_requested_is_followed_by_allowed() -> None:
    service = listed_service(auto_accept=True)
    connect(service, new_endpoint(service))
    assert event_names(service) == ["ConnectionRequested", "ConnectionAllowed"]


def test_acc_2_with_auto_accept_the_provisioner_makes_it_connected() -> None:
    service = listed_service(auto_accept=True)
    connect(service, new_endpoint(service, (ZONE_H, ZONE_I)))
    service.complete_connection(provisioner, EP)
    assert service.connection(EP)["status"] == "Connected"
    assert zone_statuses(service, EP) == {ZONE_H: "Connected", ZONE_I: "Connected"}


def test_acc_3_with_manual_acceptance_the_connection_waits_pending() -> None:
    service = listed_service()
    connect(service, new_endpoint(service))
    assert event_names(service) == ["ConnectionRequested"]
    assert service.connection(EP)["status"] == "Pending"
    assert zone_statuses(service, EP) == {ZONE_H: "Wait"}


def test_acc_3_a_pending_connection_is_not_completed_by_the_provisioner() -> None:
    service = pending()
    service.complete_connection(provisioner, EP)
    assert service.collect_events() == []
    assert service.connection(EP)["status"] == "Pending"


def test_acc_3_allowing_a_pending_connection_makes_it_connecting() -> None:
    service = pending()
    service.allow_connection(provider, EP)
    assert event_names(service) == ["ConnectionAllowed"]
    assert service.connection(EP)["status"] == "Connecting"
    assert zone_statuses(service, EP) == {ZONE_H: "Connecting"}


def test_acc_3_completing_an_allowed_connection_makes_it_connected() -> None:
    service = pending()
    service.allow_connection(provider, EP)
    service.collect_events()
    service.complete_connection(provisioner, EP)
    events = service.collect_events()
    assert [(type(e).__name__, e.zones) for e in events] == [("ConnectionEstablished", [ZONE_H])]
    assert service.connection(EP)["status"] == "Connected"
    assert zone_statuses(service, EP) == {ZONE_H: "Connected"}


def test_acc_3_denying_a_pending_connection_disconnects_it() -> None:
    service = pending()
    service.deny_connection(provider, EP)
    service.complete_disconnection(provisioner, EP)
    assert event_names(service) == ["ConnectionDenied", "ConnectionDisconnected"]
    assert service.connection(EP)["status"] == "Disconnected"


def test_acc_3_allowing_a_connected_connection_is_refused() -> None:
    service = listed_service(auto_accept=True)
    connected_endpoint(service)
    with pytest.raises(OperationDenied) as refused:
        service.allow_connection(provider, EP)
    assert refused.value.code == "EndpointConnectionOperationDenied"
    assert service.collect_events() == []


def test_acc_3_allowing_a_connecting_connection_is_refused() -> None:
    service = pending()
    service.allow_connection(provider, EP)
    service.collect_events()
    with pytest.raises(OperationDenied) as refused:
        service.allow_connection(provider, EP)
    assert refused.value.code == "EndpointConnectionOperationDenied"
    assert service.collect_events() == []


def test_acc_3_only_the_provider_allows_a_connection() -> None:
    service = pending()
    with pytest.raises(EndpointServiceNotFound):
        service.allow_connection(consumer, EP)
    assert service.collect_events() == []
    assert service.connection(EP)["status"] == "Pending"


def test_acc_3_only_the_provider_denies_a_connection() -> None:
    service = pending()
    with pytest.raises(EndpointServiceNotFound):
        service.deny_connection(outsider, EP)
    assert service.collect_events() == []


def test_acc_3_allowing_an_unknown_connection_is_refused() -> None:
    service = listed_service()
    with pytest.raises(ConnectionNotFound) as refused:
        service.allow_connection(provider, "ep-unknown")
    assert refused.value.code == "EndpointConnectionNotFound"
    assert service.collect_events() == []


# -- ACC-4: only an accepted connection is bound to resources ------------------------------------


def test_acc_4_a_pending_connection_has_no_resource_in_any_zone() -> None:
    service = pending((ZONE_H, ZONE_I))
    zones = service.connection(EP)["zones"]
    assert {z: zc["resource_id"] for z, zc in zones.items()} == {ZONE_H: None, ZONE_I: None}


def test_acc_4_an_allowed_connection_has_a_resource_in_every_zone() -> None:
    service = pending((ZONE_H, ZONE_I))
    service.allow_connection(provider, EP)
    zones = service.connection(EP)["zones"]
    assert {z: zc["resource_id"] for z, zc in zones.items()} == {ZONE_H: "nlb-1", ZONE_I: "nlb-1"}


# -- ACC-5: deny disconnects in every zone -------------------------------------------------------


def test_acc_5_denying_a_connected_connection_makes_every_zone_disconnecting() -> None:
    service = listed_service(auto_accept=True)
    connected_endpoint(service, (ZONE_H, ZONE_I))
    service.deny_connection(provider, EP)
    events = service.collect_events()
    assert [(type(e).__name__, e.zones) for e in events] == [("ConnectionDenied", [ZONE_H, ZONE_I])]
    assert service.connection(EP)["status"] == "Disconnecting"
    assert zone_statuses(service, EP) == {ZONE_H: "Disconnecting", ZONE_I: "Disconnecting"}


def test_acc_5_completing_a_denial_disconnects_every_zone() -> None:
    service = listed_service(auto_accept=True)
    connected_endpoint(service, (ZONE_H, ZONE_I))
    service.deny_connection(provider, EP)
    service.complete_disconnection(provisioner, EP)
    assert service.connection(EP)["status"] == "Disconnected"
    assert zone_statuses(service, EP) == {ZONE_H: "Disconnected", ZONE_I: "Disconnected"}


def test_acc_5_denying_a_disconnected_connection_is_refused() -> None:
    service = listed_service(auto_accept=True)
    connected_endpoint(service)
    disconnect(service, EP)
    with pytest.raises(OperationDenied) as refused:
        service.deny_connection(provider, EP)
    assert refused.value.code == "EndpointConnectionOperationDenied"
    assert service.collect_events() == []


def test_acc_5_denying_a_disconnecting_connection_is_refused() -> None:
    service = listed_service(auto_accept=True)
    connected_endpoint(service)
    service.deny_connection(provider, EP)
    service.collect_events()
    with pytest.raises(OperationDenied):
        service.deny_connection(provider, EP)
    assert service.collect_events() == []


def test_acc_5_a_disconnected_connection_can_be_allowed_again() -> None:
    service = listed_service(auto_accept=True)
    connected_endpoint(service, (ZONE_H, ZONE_I))
    disconnect(service, EP)
    service.allow_connection(provider, EP)
    service.complete_connection(provisioner, EP)
    assert event_names(service) == ["ConnectionAllowed", "ConnectionEstablished"]
    assert zone_statuses(service, EP) == {ZONE_H: "Connected", ZONE_I: "Connected"}


def test_acc_5_completing_a_disconnection_twice_records_it_once() -> None:
    service = listed_service(auto_accept=True)
    connected_endpoint(service)
    service.deny_connection(provider, EP)
    service.complete_disconnection(provisioner, EP)
    service.complete_disconnection(provisioner, EP)
    assert event_names(service) == ["ConnectionDenied", "ConnectionDisconnected"]


# -- SVC-6: auto-accept changes leave connections alone ------------------------------------------


def test_svc_6_turning_auto_accept_on_leaves_a_pending_connection_pending() -> None:
    service = pending()
    service.update_attributes(provider, {"auto_accept": True})
    assert event_names(service) == ["AttributesUpdated"]
    assert service.connection(EP)["status"] == "Pending"


def test_svc_6_turning_auto_accept_off_leaves_a_connected_connection_connected() -> None:
    service = listed_service(auto_accept=True)
    connected_endpoint(service)
    service.update_attributes(provider, {"auto_accept": False})
    assert event_names(service) == ["AttributesUpdated"]
    assert service.connection(EP)["status"] == "Connected"


def test_svc_6_an_update_that_changes_nothing_records_nothing() -> None:
    service = listed_service(auto_accept=True)
    service.update_attributes(provider, {"auto_accept": True})
    assert service.collect_events() == []


def test_svc_6_a_new_connection_follows_the_changed_auto_accept() -> None:
    service = listed_service()
    service.update_attributes(provider, {"auto_accept": True})
    service.collect_events()
    connect(service, new_endpoint(service))
    assert event_names(service) == ["ConnectionRequested", "ConnectionAllowed"]


# -- WL-4: removing a user leaves its connections -------------------------------------------------


def test_wl_4_removing_a_user_leaves_its_existing_connection_connected() -> None:
    service = listed_service(auto_accept=True)
    connected_endpoint(service)
    service.remove_user(provider, CONSUMER_UID)
    assert event_names(service) == ["UserRemoved"]
    assert service.connection(EP)["status"] == "Connected"


def test_wl_4_the_provider_can_still_deny_a_removed_users_connection() -> None:
    service = listed_service(auto_accept=True)
    connected_endpoint(service)
    service.remove_user(provider, CONSUMER_UID)
    service.collect_events()
    service.deny_connection(provider, EP)
    assert event_names(service) == ["ConnectionDenied"]


# -- RES-2: a resource in use stays attached ------------------------------------------------------


def test_res_2_detaching_a_resource_serving_a_connected_zone_is_refused() -> None:
    service = listed_service(auto_accept=True)
    connected_endpoint(service, (ZONE_H,))
    with pytest.raises(OperationDenied) as refused:
        service.detach_resource(provider, "nlb-1", ZONE_H)
    assert refused.value.code == "EndpointServiceResourceInUse"
    assert service.collect_events() == []
    assert "nlb-1|" + ZONE_H in service.resources


def test_res_2_detaching_a_resource_serving_a_disconnecting_zone_is_refused() -> None:
    service = listed_service(auto_accept=True)
    connected_endpoint(service, (ZONE_H,))
    service.deny_connection(provider, EP)
    service.collect_events()
    with pytest.raises(OperationDenied) as refused:
        service.detach_resource(provider, "nlb-1", None)
    assert refused.value.code == "EndpointServiceResourceInUse"
    assert service.collect_events() == []


def test_res_2_detaching_the_resource_of_an_unused_zone_is_allowed() -> None:
    service = listed_service(auto_accept=True)
    connected_endpoint(service, (ZONE_H,))
    service.detach_resource(provider, "nlb-1", ZONE_I)
    assert event_names(service) == ["ResourceDetached"]


def test_res_2_detaching_is_allowed_once_the_zone_connection_is_disconnected() -> None:
    service = listed_service(auto_accept=True)
    connected_endpoint(service, (ZONE_H,))
    disconnect(service, EP)
    service.detach_resource(provider, "nlb-1", ZONE_H)
    assert event_names(service) == ["ResourceDetached"]


def test_res_2_a_pending_connection_does_not_hold_a_resource() -> None:
    service = pending((ZONE_H,))
    service.detach_resource(provider, "nlb-1", ZONE_H)
    assert event_names(service) == ["ResourceDetached"]


# -- RES-4: allocation by least load --------------------------------------------------------------


def connections_on(
    service: EndpointService, count: int, zone: str = ZONE_H, prefix: str = "ep-load"
) -> None:
    """``count`` connected endpoints in ``zone``; events collected."""
    for n in range(count):
        connected_endpoint(service, (zone,), endpoint_id=f"{prefix}{n:04d}")


def test_res_4_allocation_picks_the_resource_with_fewest_connections() -> None:
    service = listed_service(auto_accept=True)
    service.attach_resource(provider, nlb("nlb-2", (ZONE_H,)), None)
    connections_on(service, 1)  # goes to nlb-1 (attached first)
    assert service.allocate(ZONE_H) == "nlb-2"


def test_res_4_allocation_weighs_connections_by_bandwidth() -> None:
    service = new_service(
        nlb("nlb-small", (ZONE_H,), bandwidth=1000),
        nlb("nlb-big", (ZONE_H,), bandwidth=10000),
        auto_accept=True,
    )
    service.add_user(provider, CONSUMER_UID)
    connections_on(service, 5)
    by_resource = [
        service.connection(f"ep-load{n:04d}")["zones"][ZONE_H]["resource_id"] for n in range(5)
    ]
    # 0/1000 = 0/10000 -> small (first); then 1/1000 > 0/10000 -> big, and big keeps winning
    # until 1/1000 <= n/10000, i.e. after ten connections on big.
    assert by_resource == ["nlb-small", "nlb-big", "nlb-big", "nlb-big", "nlb-big"]


def test_res_4_on_equal_load_the_resource_attached_first_wins() -> None:
    service = new_service(nlb("nlb-z", (ZONE_H,)), nlb("nlb-a", (ZONE_H,)))
    assert service.allocate(ZONE_H) == "nlb-z"


def test_res_4_on_equal_load_first_attached_wins_over_more_bandwidth() -> None:
    service = new_service(
        nlb("nlb-z", (ZONE_H,), bandwidth=1000), nlb("nlb-a", (ZONE_H,), bandwidth=50000)
    )
    assert service.allocate(ZONE_H) == "nlb-z"


def test_res_4_allocation_takes_a_resource_of_the_endpoint_zone() -> None:
    service = new_service(nlb("nlb-h", (ZONE_H,)), nlb("nlb-i", (ZONE_I,)))
    assert service.allocate(ZONE_I) == "nlb-i"


def test_res_4_disconnected_connections_do_not_count_as_load() -> None:
    service = listed_service(auto_accept=True)
    service.attach_resource(provider, nlb("nlb-2", (ZONE_H,)), None)
    connections_on(service, 1)
    disconnect(service, "ep-load0000")
    assert service.allocate(ZONE_H) == "nlb-1"


def test_res_4_allocation_in_a_zone_without_resources_is_refused() -> None:
    service = new_service()
    with pytest.raises(ZoneNotSupported) as refused:
        service.allocate(ZONE_J)
    assert refused.value.code == "EndpointZoneNotSupported"


def test_res_4_the_allowed_event_carries_the_allocation_of_each_zone() -> None:
    service = new_service(nlb("nlb-h", (ZONE_H,)), nlb("nlb-i", (ZONE_I,)))
    service.add_user(provider, CONSUMER_UID)
    connect(service, new_endpoint(service, (ZONE_H, ZONE_I)))
    service.collect_events()
    service.allow_connection(provider, EP)
    (allowed,) = service.collect_events()
    assert allowed.allocations == {ZONE_H: "nlb-h", ZONE_I: "nlb-i"}


# -- EP-8 on the service side: zones of a connection ----------------------------------------------


def test_ep_8_a_zone_added_to_a_connected_endpoint_is_allocated_and_connecting() -> None:
    service = listed_service(auto_accept=True)
    connected_endpoint(service, (ZONE_H,))
    service.add_connection_zone(consumer, EP, ZONE_I)
    (added,) = service.collect_events()
    assert (type(added).__name__, added.zone_id, added.resource_id, added.status) == (
        "ConnectionZoneAdded",
        ZONE_I,
        "nlb-1",
        "Connecting",
    )


def test_ep_8_completing_an_added_zone_connects_only_that_zone() -> None:
    service = listed_service(auto_accept=True)
    connected_endpoint(service, (ZONE_H,))
    service.add_connection_zone(consumer, EP, ZONE_I)
    service.collect_events()
    service.complete_connection(provisioner, EP)
    (established,) = service.collect_events()
    assert established.zones == [ZONE_I]
    assert zone_statuses(service, EP) == {ZONE_H: "Connected", ZONE_I: "Connected"}


def test_ep_8_a_zone_added_to_a_pending_connection_waits_without_resource() -> None:
    service = pending((ZONE_H,))
    service.add_connection_zone(consumer, EP, ZONE_I)
    (added,) = service.collect_events()
    assert (added.resource_id, added.status) == (None, "Wait")


def test_ep_8_adding_a_zone_the_service_does_not_serve_to_a_connection_is_refused() -> None:
    service = listed_service(auto_accept=True)
    connected_endpoint(service, (ZONE_H,))
    with pytest.raises(ZoneNotSupported):
        service.add_connection_zone(consumer, EP, ZONE_J)
    assert service.collect_events() == []


def test_ep_8_removing_a_zone_drops_it_from_the_connection() -> None:
    service = listed_service(auto_accept=True)
    connected_endpoint(service, (ZONE_H, ZONE_I))
    service.remove_connection_zone(consumer, EP, ZONE_I)
    assert event_names(service) == ["ConnectionZoneRemoved"]
    assert zone_statuses(service, EP) == {ZONE_H: "Connected"}


# -- DEL-3 on the service side ---------------------------------------------------------------------


def test_del_3_closing_the_connection_of_a_deleted_endpoint_frees_its_resources() -> None:
    service = listed_service(auto_accept=True)
    connected_endpoint(service, (ZONE_H,))
    service.close_connection(consumer, EP)
    assert event_names(service) == ["ConnectionClosed"]
    assert service.connections == {}
    service.detach_resource(provider, "nlb-1", None)
    assert event_names(service) == ["ResourceDetached"]
