"""Rules of service resources and their allocation to zone connections (RES-1..11) and of
adding zones after creation (HA-2), held by the aggregates alone (no database)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from privatelink.domain.endpoint import Endpoint
from privatelink.domain.errors import (
    DomainError,
    EndpointServiceResourceNotFound,
    InvalidValue,
    OperationDenied,
    ZoneNotSupported,
)
from privatelink.domain.service import EndpointService
from tests.unit.helpers import (
    CONSUMER_UID,
    ZONE_H,
    ZONE_I,
    ZONE_J,
    clb,
    connect,
    connected_endpoint,
    consumer,
    drain,
    event_names,
    new_endpoint,
    new_service,
    nlb,
    placement,
    provider,
    provisioner,
    zone_statuses,
)

EP = "ep-test0001"
NEW_ENI = "eni-new0001"
NEW_IP = "127.16.1.200"


def listed(*resources: Any, **options: Any) -> EndpointService:
    """A service whose whitelist lists the consumer; events collected."""
    service = new_service(*resources, **options)
    service.add_user(provider, CONSUMER_UID)
    service.collect_events()
    return service


def zone_of(
    service: EndpointService, zone_id: str = ZONE_H, endpoint_id: str = EP
) -> dict[str, Any]:
    return dict(service.connection(endpoint_id)["zones"][zone_id])


def two_clbs() -> tuple[EndpointService, Endpoint]:
    """A CLB service (clb-1, clb-2, both in zone h), an endpoint in zone h connected on clb-1,
    and clb-1's auto-allocation switched off: ready for a replacement (RES-9)."""
    service = listed(clb("clb-1"), clb("clb-2"), auto_accept=True)
    endpoint = connected_endpoint(service, (ZONE_H,))
    service.set_auto_allocation(provider, "clb-1", None, False)
    service.collect_events()
    return service, endpoint


def replace(
    service: EndpointService,
    mode: str,
    resource_id: str = "clb-2",
    enabled: bool = True,
    endpoint: Endpoint | None = None,
) -> None:
    old_eni = endpoint.zones[ZONE_H]["eni_id"] if endpoint else "eni-h0001"
    service.replace_zone_resource(
        provider, EP, ZONE_H, resource_id, mode, enabled, old_eni, NEW_ENI
    )


def migrated() -> tuple[EndpointService, Endpoint]:
    """A graceful replacement of clb-1 by clb-2 that the provisioner finished (Migrated)."""
    service, endpoint = two_clbs()
    replace(service, "Graceful", endpoint=endpoint)
    endpoint.replace_zone_eni(provider, ZONE_H, NEW_ENI, NEW_IP, keep_old=True)
    service.complete_migration(provisioner, EP, ZONE_H)
    drain(service, endpoint)
    return service, endpoint


def disconnected_zone(service: EndpointService, zone_id: str = ZONE_H) -> None:
    """RES-6 step one: disconnect the zone and let the provisioner finish it."""
    service.disable_zone_connection(provider, EP, zone_id)
    service.complete_zone_disconnection(provisioner, EP, zone_id)
    service.collect_events()


# -- RES-1: detaching removes the resource from the service only -------------------------------


def test_res_1_a_detached_load_balancer_can_be_attached_again() -> None:
    service = new_service(nlb("nlb-1", (ZONE_H,)), nlb("nlb-2", (ZONE_I,)))
    service.detach_resource(provider, "nlb-2", None)
    service.attach_resource(provider, nlb("nlb-2", (ZONE_I,)), None)
    assert event_names(service) == ["ResourceDetached", "ResourceAttached"]
    assert sorted(service.resources) == [f"nlb-1|{ZONE_H}", f"nlb-2|{ZONE_I}"]


def test_res_1_detaching_one_resource_leaves_the_others_serving() -> None:
    service = listed(nlb("nlb-1", (ZONE_H,)), nlb("nlb-2", (ZONE_H,)), auto_accept=True)
    service.detach_resource(provider, "nlb-1", None)
    service.collect_events()
    connected_endpoint(service, (ZONE_H,))
    assert zone_of(service)["resource_id"] == "nlb-2"


# -- RES-2: a resource serving a zone connection stays attached ---------------------------------


def test_res_2_detaching_the_clb_of_a_connected_zone_is_refused() -> None:
    service = listed(clb("clb-1"), auto_accept=True)
    connected_endpoint(service, (ZONE_H,))
    with pytest.raises(OperationDenied) as refused:
        service.detach_resource(provider, "clb-1", None)
    assert refused.value.code == "EndpointServiceResourceInUse"
    assert service.collect_events() == []


def test_res_2_the_replaced_resource_of_a_migrated_zone_cannot_be_detached() -> None:
    service, _ = migrated()
    with pytest.raises(OperationDenied) as refused:
        service.detach_resource(provider, "clb-1", None)
    assert refused.value.code == "EndpointServiceResourceInUse"
    assert service.collect_events() == []


def test_res_2_a_zone_disconnected_on_its_own_frees_its_resource() -> None:
    service = listed(nlb("nlb-1", (ZONE_H,)), nlb("nlb-2", (ZONE_H,)), auto_accept=True)
    connected_endpoint(service, (ZONE_H,))
    disconnected_zone(service)
    service.detach_resource(provider, "nlb-1", None)
    assert event_names(service) == ["ResourceDetached"]


# -- RES-3: the auto-allocation switch -----------------------------------------------------------


def test_res_3_switching_auto_allocation_off_records_the_switch() -> None:
    service = new_service(clb("clb-1"), clb("clb-2"))
    service.set_auto_allocation(provider, "clb-1", None, False)
    events = service.collect_events()
    assert [(type(e).__name__, e.keys, e.enabled) for e in events] == [
        ("AutoAllocationSwitched", [f"clb-1|{ZONE_H}"], False)
    ]


def test_res_3_a_resource_switched_off_is_not_allocated() -> None:
    service = listed(clb("clb-1"), clb("clb-2"), auto_accept=True)
    service.set_auto_allocation(provider, "clb-1", None, False)
    service.collect_events()
    connected_endpoint(service, (ZONE_H,))
    assert zone_of(service)["resource_id"] == "clb-2"


def test_res_3_switching_off_the_last_auto_resource_of_a_zone_is_refused() -> None:
    service = new_service(clb("clb-1"), clb("clb-2"))
    service.set_auto_allocation(provider, "clb-1", None, False)
    service.collect_events()
    with pytest.raises(OperationDenied) as refused:
        service.set_auto_allocation(provider, "clb-2", None, False)
    assert refused.value.code == "OperationDenied.LastAutoAllocatedResource"
    assert service.collect_events() == []
    assert service.resources[f"clb-2|{ZONE_H}"]["auto_allocated"] is True


def test_res_3_a_multi_zone_resource_is_refused_when_one_of_its_zones_would_have_none() -> None:
    service = new_service(nlb("nlb-1", (ZONE_H, ZONE_I)), nlb("nlb-2", (ZONE_I, ZONE_J)))
    with pytest.raises(OperationDenied) as refused:
        service.set_auto_allocation(provider, "nlb-1", None, False)
    assert refused.value.code == "OperationDenied.LastAutoAllocatedResource"
    assert service.collect_events() == []


def test_res_3_switching_a_resource_off_in_a_zone_that_keeps_another_is_allowed() -> None:
    service = new_service(nlb("nlb-1", (ZONE_H, ZONE_I)), nlb("nlb-2", (ZONE_I, ZONE_J)))
    service.set_auto_allocation(provider, "nlb-1", ZONE_I, False)
    assert event_names(service) == ["AutoAllocationSwitched"]
    assert service.resources[f"nlb-1|{ZONE_H}"]["auto_allocated"] is True


def test_res_3_an_existing_connection_keeps_its_resource_when_switched_off() -> None:
    service = listed(clb("clb-1"), clb("clb-2"), auto_accept=True)
    connected_endpoint(service, (ZONE_H,))
    service.set_auto_allocation(provider, "clb-1", None, False)
    service.collect_events()
    assert (zone_of(service)["resource_id"], zone_of(service)["status"]) == ("clb-1", "Connected")


def test_res_3_switching_to_the_current_value_records_nothing() -> None:
    service = new_service(clb("clb-1"), clb("clb-2"))
    service.set_auto_allocation(provider, "clb-1", None, True)
    assert service.collect_events() == []


# -- RES-4: automatic allocation -----------------------------------------------------------------


def test_res_4_the_least_loaded_resource_is_skipped_when_its_auto_allocation_is_off() -> None:
    service = listed(clb("clb-1"), clb("clb-2"), auto_accept=True)
    connected_endpoint(service, (ZONE_H,), endpoint_id="ep-load0001")  # on clb-1
    service.set_auto_allocation(provider, "clb-2", None, False)
    service.collect_events()
    assert service.allocate(ZONE_H) == "clb-1"


def test_res_4_a_migrating_zone_counts_as_load_on_its_new_resource() -> None:
    service, _ = migrated()
    service.set_auto_allocation(provider, "clb-1", None, True)
    service.collect_events()
    assert service.load() == {"clb-2": 1}
    assert service.allocate(ZONE_H) == "clb-1"


def recount(service: EndpointService) -> dict[str, int]:
    """The load as RES-4 defines it: live zone connections per resource."""
    load: dict[str, int] = {}
    for conn in service.connections.values():
        for zc in conn["zones"].values():
            if zc["resource_id"] and zc["status"] != "Disconnected":
                load[zc["resource_id"]] = load.get(zc["resource_id"], 0) + 1
    return load


def busy_service() -> tuple[EndpointService, list[Callable[[], None]]]:
    """A CLB service (no events collected) and every kind of zone change to put it through."""
    service = new_service(clb("clb-1"), clb("clb-2"), clb("clb-3"), auto_accept=True, drain=False)
    service.add_user(provider, CONSUMER_UID)
    return service, [
        lambda: connect(service, new_endpoint(service, (ZONE_H,), endpoint_id="ep-a")),
        lambda: service.complete_connection(provisioner, "ep-a"),
        lambda: connect(service, new_endpoint(service, (ZONE_H,), endpoint_id="ep-b")),
        lambda: service.complete_connection(provisioner, "ep-b"),
        lambda: service.set_auto_allocation(provider, "clb-1", None, False),
        lambda: service.replace_zone_resource(
            provider, "ep-a", ZONE_H, "clb-3", "Graceful", True, "eni-old", "eni-new"
        ),
        lambda: service.complete_migration(provisioner, "ep-a", ZONE_H),
        lambda: service.disable_zone_connection(provider, "ep-a", ZONE_H, True),
        lambda: service.fail_resource(provisioner, "clb-2"),
        lambda: service.recover_resource(provisioner, "clb-2"),
        lambda: service.disable_zone_connection(provider, "ep-b", ZONE_H),
        lambda: service.complete_zone_disconnection(provisioner, "ep-b", ZONE_H),
        lambda: service.set_zone_allocation(provider, "ep-b", ZONE_H, "Manual", "clb-1", True),
        lambda: service.enable_zone_connection(provider, "ep-b", ZONE_H),
        lambda: service.deny_connection(provider, "ep-a"),
        lambda: service.complete_disconnection(provisioner, "ep-a"),
        lambda: service.allow_connection(provider, "ep-a"),
        lambda: service.close_connection(consumer, "ep-b"),
    ]


def test_res_4_the_load_kept_equals_a_recount_after_every_kind_of_zone_change() -> None:
    service, steps = busy_service()
    for n, step in enumerate(steps):
        step()
        assert service.load() == recount(service), f"after step {n}"


def test_res_4_replaying_the_events_gives_the_same_load() -> None:
    service, steps = busy_service()
    for step in steps:
        step()
    replayed: Any = None
    for event in service.collect_events():
        replayed = event.mutate(replayed)
    assert (replayed.load(), replayed.connections) == (service.load(), service.connections)


# -- RES-5: the resource-management quota -----------------------------------------------------


def test_res_5_manual_allocation_without_the_quota_is_refused() -> None:
    service = listed(clb("clb-1"), clb("clb-2"), auto_accept=True)
    connected_endpoint(service, (ZONE_H,))
    disconnected_zone(service)
    with pytest.raises(OperationDenied) as refused:
        service.set_zone_allocation(
            provider, EP, ZONE_H, "Manual", "clb-2", management_enabled=False
        )
    assert refused.value.code == "OperationDenied.ResourceManagementNotEnabled"
    assert service.collect_events() == []
    assert zone_of(service)["mode"] == "Auto"


def test_res_5_replacement_without_the_quota_is_refused() -> None:
    service, _ = two_clbs()
    with pytest.raises(OperationDenied) as refused:
        replace(service, "Graceful", enabled=False)
    assert refused.value.code == "OperationDenied.ResourceManagementNotEnabled"
    assert service.collect_events() == []
    assert zone_of(service)["resource_id"] == "clb-1"


# -- RES-6: manual allocation of a zone connection -------------------------------------------


def test_res_6_disabling_a_zone_makes_it_disconnecting() -> None:
    service = listed(auto_accept=True)
    connected_endpoint(service, (ZONE_H, ZONE_I))
    service.disable_zone_connection(provider, EP, ZONE_H)
    assert event_names(service) == ["ZoneConnectionDisabled"]
    assert zone_statuses(service, EP) == {ZONE_H: "Disconnecting", ZONE_I: "Connected"}


def test_res_6_the_provisioner_completes_a_zone_disconnection() -> None:
    service = listed(auto_accept=True)
    connected_endpoint(service, (ZONE_H, ZONE_I))
    service.disable_zone_connection(provider, EP, ZONE_H)
    service.collect_events()
    service.complete_zone_disconnection(provisioner, EP, ZONE_H)
    assert event_names(service) == ["ZoneConnectionDisconnected"]
    assert zone_statuses(service, EP) == {ZONE_H: "Disconnected", ZONE_I: "Connected"}


def test_res_6_disabling_a_disconnected_zone_is_refused() -> None:
    service = listed(auto_accept=True)
    connected_endpoint(service, (ZONE_H,))
    disconnected_zone(service)
    with pytest.raises(OperationDenied) as refused:
        service.disable_zone_connection(provider, EP, ZONE_H)
    assert refused.value.code == "EndpointZoneConnectionOperationDenied"
    assert service.collect_events() == []


def test_res_6_a_manual_resource_is_set_on_a_disconnected_zone() -> None:
    service = listed(clb("clb-1"), clb("clb-2"), auto_accept=True)
    connected_endpoint(service, (ZONE_H,))
    disconnected_zone(service)
    service.set_zone_allocation(provider, EP, ZONE_H, "Manual", "clb-2", True)
    events = service.collect_events()
    assert [(type(e).__name__, e.mode, e.resource_id) for e in events] == [
        ("ZoneAllocationSet", "Manual", "clb-2")
    ]


def test_res_6_enabling_the_zone_again_uses_the_manual_resource() -> None:
    service = listed(clb("clb-1"), clb("clb-2"), auto_accept=True)
    connected_endpoint(service, (ZONE_H,))
    disconnected_zone(service)
    service.set_zone_allocation(provider, EP, ZONE_H, "Manual", "clb-2", True)
    service.collect_events()
    service.enable_zone_connection(provider, EP, ZONE_H)
    (enabled,) = service.collect_events()
    assert (type(enabled).__name__, enabled.resource_id) == ("ZoneConnectionEnabled", "clb-2")
    service.complete_connection(provisioner, EP)
    assert (zone_of(service)["status"], zone_of(service)["resource_id"]) == ("Connected", "clb-2")


def test_res_6_choosing_auto_clears_the_manual_resource() -> None:
    service = listed(clb("clb-1"), clb("clb-2"), auto_accept=True)
    connected_endpoint(service, (ZONE_H,))
    disconnected_zone(service)
    service.set_zone_allocation(provider, EP, ZONE_H, "Manual", "clb-2", True)
    service.set_zone_allocation(provider, EP, ZONE_H, "Auto", None, True)
    service.collect_events()
    assert (zone_of(service)["mode"], zone_of(service)["resource_id"]) == ("Auto", None)
    service.enable_zone_connection(provider, EP, ZONE_H)
    assert zone_of(service)["resource_id"] == "clb-1"


def test_res_6_changing_the_allocation_of_a_connected_zone_is_refused() -> None:
    service = listed(clb("clb-1"), clb("clb-2"), auto_accept=True)
    connected_endpoint(service, (ZONE_H,))
    with pytest.raises(OperationDenied) as refused:
        service.set_zone_allocation(provider, EP, ZONE_H, "Manual", "clb-2", True)
    assert refused.value.code == "EndpointZoneConnectionOperationDenied"
    assert service.collect_events() == []


def test_res_6_manual_without_a_resource_is_refused() -> None:
    service = listed(clb("clb-1"), clb("clb-2"), auto_accept=True)
    connected_endpoint(service, (ZONE_H,))
    disconnected_zone(service)
    with pytest.raises(InvalidValue) as refused:
        service.set_zone_allocation(provider, EP, ZONE_H, "Manual", None, True)
    assert refused.value.code == "MissingParameter"
    assert service.collect_events() == []


def test_res_6_a_manual_resource_not_attached_in_the_zone_is_refused() -> None:
    service = listed(nlb("nlb-1", (ZONE_H, ZONE_I)), nlb("nlb-2", (ZONE_I,)), auto_accept=True)
    connected_endpoint(service, (ZONE_H,))
    disconnected_zone(service)
    with pytest.raises(EndpointServiceResourceNotFound) as refused:
        service.set_zone_allocation(provider, EP, ZONE_H, "Manual", "nlb-2", True)
    assert refused.value.code == "EndpointServiceResourceNotFound"
    assert service.collect_events() == []


def test_res_6_an_unknown_allocate_mode_is_refused() -> None:
    service = listed(auto_accept=True)
    connected_endpoint(service, (ZONE_H,))
    disconnected_zone(service)
    with pytest.raises(InvalidValue) as refused:
        service.set_zone_allocation(provider, EP, ZONE_H, "Sometimes", None, True)
    assert refused.value.code == "InvalidParameter"
    assert service.collect_events() == []


def test_res_6_enabling_a_connected_zone_is_refused() -> None:
    service = listed(auto_accept=True)
    connected_endpoint(service, (ZONE_H,))
    with pytest.raises(OperationDenied) as refused:
        service.enable_zone_connection(provider, EP, ZONE_H)
    assert refused.value.code == "EndpointZoneConnectionOperationDenied"
    assert service.collect_events() == []


def test_res_6_a_zone_is_never_enabled_on_a_manual_resource_detached_since() -> None:
    """The manual choice may hold the resource (detach refused) or enabling may refuse or
    fall back; what must not happen is a zone connected to a resource the service lacks."""
    service = listed(clb("clb-1"), clb("clb-2"), auto_accept=True)
    connected_endpoint(service, (ZONE_H,))
    disconnected_zone(service)
    service.set_zone_allocation(provider, EP, ZONE_H, "Manual", "clb-2", True)
    service.collect_events()
    try:
        service.detach_resource(provider, "clb-2", None)
    except OperationDenied:
        return
    service.collect_events()
    try:
        service.enable_zone_connection(provider, EP, ZONE_H)
    except DomainError:
        assert service.collect_events() == []
        return
    attached = {r["resource_id"] for r in service.resources.values()}
    assert zone_of(service)["resource_id"] in attached


# -- RES-7: allocation before acceptance -----------------------------------------------------


def test_res_7_a_resource_allocated_while_pending_is_used_when_allowed() -> None:
    service = listed(clb("clb-1"), clb("clb-2"))
    connect(service, new_endpoint(service, (ZONE_H,)))
    service.collect_events()
    service.set_zone_allocation(provider, EP, ZONE_H, "Manual", "clb-2", True)
    service.allow_connection(provider, EP)
    events = service.collect_events()
    assert [type(e).__name__ for e in events] == ["ZoneAllocationSet", "ConnectionAllowed"]
    assert events[1].allocations == {ZONE_H: "clb-2"}


def test_res_7_allowing_without_allocating_allocates_automatically() -> None:
    service = listed(clb("clb-1"), clb("clb-2"))
    connect(service, new_endpoint(service, (ZONE_H,)))
    service.collect_events()
    service.allow_connection(provider, EP)
    (allowed,) = service.collect_events()
    assert allowed.allocations == {ZONE_H: "clb-1"}


# -- RES-8: failure and recovery ----------------------------------------------------------------


def test_res_8_a_failed_resource_moves_its_zones_to_another_in_the_same_zone() -> None:
    service = listed(
        nlb("nlb-1", (ZONE_H, ZONE_I)), nlb("nlb-2", (ZONE_I, ZONE_J)), auto_accept=True
    )
    connected_endpoint(service, (ZONE_I,))
    service.fail_resource(provisioner, "nlb-1")
    (failed,) = service.collect_events()
    assert (type(failed).__name__, failed.moves, failed.stranded) == (
        "ResourceFailed",
        [[EP, ZONE_I, "nlb-2"]],
        [],
    )
    assert (zone_of(service, ZONE_I)["resource_id"], zone_of(service, ZONE_I)["healthy"]) == (
        "nlb-2",
        True,
    )


def test_res_8_a_zone_without_another_resource_stays_unhealthy() -> None:
    service = listed(
        nlb("nlb-1", (ZONE_H, ZONE_I)), nlb("nlb-2", (ZONE_I, ZONE_J)), auto_accept=True
    )
    connected_endpoint(service, (ZONE_H,))
    service.fail_resource(provisioner, "nlb-1")
    (failed,) = service.collect_events()
    assert (failed.moves, failed.stranded) == ([], [[EP, ZONE_H]])
    assert (zone_of(service)["resource_id"], zone_of(service)["healthy"]) == ("nlb-1", False)


def test_res_8_recovery_heals_the_zones_left_on_the_failed_resource() -> None:
    service = listed(nlb("nlb-1", (ZONE_H, ZONE_I)), auto_accept=True)
    connected_endpoint(service, (ZONE_H,))
    service.fail_resource(provisioner, "nlb-1")
    service.collect_events()
    service.recover_resource(provisioner, "nlb-1")
    (recovered,) = service.collect_events()
    assert (type(recovered).__name__, recovered.healed) == ("ResourceRecovered", [[EP, ZONE_H]])
    assert zone_of(service)["healthy"] is True
    assert service.failed_resources == []


def test_res_8_allocation_skips_a_failed_resource() -> None:
    service = listed(nlb("nlb-1", (ZONE_H,)), nlb("nlb-2", (ZONE_H,)), auto_accept=True)
    service.fail_resource(provisioner, "nlb-1")
    service.collect_events()
    connected_endpoint(service, (ZONE_H,))
    assert zone_of(service)["resource_id"] == "nlb-2"


def test_res_8_allocation_in_a_zone_whose_only_resource_failed_is_refused() -> None:
    service = listed(nlb("nlb-1", (ZONE_H,)))
    service.fail_resource(provisioner, "nlb-1")
    service.collect_events()
    with pytest.raises(ZoneNotSupported):
        service.allocate(ZONE_H)


def test_res_8_a_recovered_resource_is_allocated_again() -> None:
    service = listed(nlb("nlb-1", (ZONE_H,)), nlb("nlb-2", (ZONE_H,)))
    service.fail_resource(provisioner, "nlb-1")
    service.recover_resource(provisioner, "nlb-1")
    service.collect_events()
    assert service.allocate(ZONE_H) == "nlb-1"


def test_res_8_a_zone_enabled_on_a_failed_manual_resource_is_not_left_healthy_on_it() -> None:
    """A zone re-enabled on a manually chosen resource that has failed since must either get
    a working resource or be marked unhealthy (so DNS drops it), like any failed-over zone."""
    service = listed(clb("clb-1"), clb("clb-2"), auto_accept=True)
    connected_endpoint(service, (ZONE_H,))
    disconnected_zone(service)
    service.set_zone_allocation(provider, EP, ZONE_H, "Manual", "clb-2", True)
    service.fail_resource(provisioner, "clb-2")
    service.collect_events()
    try:
        service.enable_zone_connection(provider, EP, ZONE_H)
    except DomainError:
        assert service.collect_events() == []
        return
    service.complete_connection(provisioner, EP)
    zc = zone_of(service)
    assert zc["resource_id"] not in service.failed_resources or not zc["healthy"], zc


def test_res_8_failing_a_failed_resource_again_records_nothing() -> None:
    service = listed(nlb("nlb-1", (ZONE_H,)), nlb("nlb-2", (ZONE_H,)))
    service.fail_resource(provisioner, "nlb-1")
    service.collect_events()
    service.fail_resource(provisioner, "nlb-1")
    assert service.collect_events() == []


def test_res_8_recovering_a_resource_that_did_not_fail_records_nothing() -> None:
    service = listed(nlb("nlb-1", (ZONE_H,)))
    service.recover_resource(provisioner, "nlb-1")
    assert service.collect_events() == []


def test_res_8_failover_spreads_zones_by_least_load() -> None:
    service = listed(
        nlb("nlb-1", (ZONE_H,)), nlb("nlb-2", (ZONE_H,)), nlb("nlb-3", (ZONE_H,)), auto_accept=True
    )
    for n in range(3):  # nlb-1, nlb-2, nlb-3 in turn
        connected_endpoint(service, (ZONE_H,), endpoint_id=f"ep-load{n:04d}")
    connected_endpoint(service, (ZONE_H,), endpoint_id="ep-load0003")  # nlb-1 again
    service.fail_resource(provisioner, "nlb-1")
    (failed,) = service.collect_events()
    assert sorted(target for _, _, target in failed.moves) == ["nlb-2", "nlb-3"]


# -- RES-9: replacement without disconnecting --------------------------------------------------


def test_res_9_only_clb_resources_can_be_replaced() -> None:
    service = listed(nlb("nlb-1", (ZONE_H,)), nlb("nlb-2", (ZONE_H,)), auto_accept=True)
    connected_endpoint(service, (ZONE_H,))
    service.set_auto_allocation(provider, "nlb-1", None, False)
    service.collect_events()
    with pytest.raises(OperationDenied) as refused:
        replace(service, "Force", "nlb-2")
    assert refused.value.code == "OperationDenied.NotClb"
    assert service.collect_events() == []


def test_res_9_replacement_is_refused_while_the_old_resource_is_auto_allocated() -> None:
    service = listed(clb("clb-1"), clb("clb-2"), auto_accept=True)
    connected_endpoint(service, (ZONE_H,))
    with pytest.raises(OperationDenied) as refused:
        replace(service, "Graceful")
    assert refused.value.code == "OperationDenied.AutoAllocationEnabled"
    assert service.collect_events() == []


def test_res_9_replacement_of_a_zone_that_is_not_connected_is_refused() -> None:
    service, _ = two_clbs()
    service.disable_zone_connection(provider, EP, ZONE_H)
    service.collect_events()
    with pytest.raises(OperationDenied) as refused:
        replace(service, "Force")
    assert refused.value.code == "EndpointZoneConnectionOperationDenied"
    assert service.collect_events() == []


def test_res_9_replacement_by_the_same_resource_is_refused() -> None:
    service, _ = two_clbs()
    with pytest.raises(InvalidValue):
        replace(service, "Force", "clb-1")
    assert service.collect_events() == []


def test_res_9_replacement_by_a_resource_not_attached_in_the_zone_is_refused() -> None:
    service, _ = two_clbs()
    with pytest.raises(EndpointServiceResourceNotFound) as refused:
        replace(service, "Force", "clb-404")
    assert refused.value.code == "EndpointServiceResourceNotFound"
    assert service.collect_events() == []


def test_res_9_an_unknown_replace_mode_is_refused() -> None:
    service, _ = two_clbs()
    with pytest.raises(InvalidValue):
        replace(service, "Smooth")
    assert service.collect_events() == []


def test_res_9_replacement_by_a_failed_resource_is_refused() -> None:
    service, _ = two_clbs()
    service.fail_resource(provisioner, "clb-2")
    service.collect_events()
    with pytest.raises(InvalidValue):
        replace(service, "Force")
    assert service.collect_events() == []


# -- RES-10: graceful (smooth) migration --------------------------------------------------------


def test_res_10_graceful_replacement_makes_the_zone_migrating() -> None:
    service, endpoint = two_clbs()
    old_eni = endpoint.zones[ZONE_H]["eni_id"]
    replace(service, "Graceful", endpoint=endpoint)
    (replaced,) = service.collect_events()
    assert (type(replaced).__name__, replaced.old_resource_id, replaced.resource_id) == (
        "ResourceReplaced",
        "clb-1",
        "clb-2",
    )
    zc = zone_of(service)
    assert (zc["status"], zc["resource_id"], zc["replaced_resource_id"], zc["replaced_eni_id"]) == (
        "Migrating",
        "clb-2",
        "clb-1",
        old_eni,
    )


def test_res_10_the_provisioner_completes_the_migration() -> None:
    service, endpoint = two_clbs()
    replace(service, "Graceful", endpoint=endpoint)
    service.collect_events()
    service.complete_migration(provisioner, EP, ZONE_H)
    assert event_names(service) == ["MigrationCompleted"]
    assert zone_of(service)["status"] == "Migrated"


def test_res_10_the_endpoint_keeps_the_old_eni_beside_the_new_one() -> None:
    _, endpoint = two_clbs()
    old = dict(endpoint.zones[ZONE_H])
    endpoint.replace_zone_eni(provider, ZONE_H, NEW_ENI, NEW_IP, keep_old=True)
    assert event_names(endpoint) == ["ZoneEniReplaced"]
    zone = endpoint.zones[ZONE_H]
    assert (zone["eni_id"], zone["ip"], zone["replaced_eni_id"], zone["replaced_ip"]) == (
        NEW_ENI,
        NEW_IP,
        old["eni_id"],
        old["ip"],
    )


def test_res_10_disconnecting_the_replaced_resource_makes_the_zone_connected() -> None:
    service, _ = migrated()
    service.disable_zone_connection(provider, EP, ZONE_H, replaced_resource=True)
    assert event_names(service) == ["ReplacedResourceDisconnected"]
    zc = zone_of(service)
    assert (zc["status"], zc["resource_id"], zc["replaced_resource_id"], zc["replaced_eni_id"]) == (
        "Connected",
        "clb-2",
        None,
        None,
    )


def test_res_10_disconnecting_the_replaced_resource_deletes_the_old_eni() -> None:
    _, endpoint = two_clbs()
    old = dict(endpoint.zones[ZONE_H])
    endpoint.replace_zone_eni(provider, ZONE_H, NEW_ENI, NEW_IP, keep_old=True)
    endpoint.collect_events()
    dropped = endpoint.drop_replaced_eni(provider, ZONE_H)
    assert dropped == {"eni_id": old["eni_id"], "ip": old["ip"], "vswitch_id": old["vswitch_id"]}
    assert event_names(endpoint) == ["ReplacedEniDeleted"]
    assert "replaced_eni_id" not in endpoint.zones[ZONE_H]
    assert endpoint.zones[ZONE_H]["eni_id"] == NEW_ENI


def test_res_10_the_old_resource_is_free_once_disconnected() -> None:
    service, _ = migrated()
    service.disable_zone_connection(provider, EP, ZONE_H, replaced_resource=True)
    service.collect_events()
    service.detach_resource(provider, "clb-1", None)
    assert event_names(service) == ["ResourceDetached"]


def test_res_10_denying_a_migrated_connection_disconnects_the_replaced_resource_too() -> None:
    """ACC-5 disconnects every zone, the old resource of a migration included: a Disconnected
    zone keeps no replaced resource (else, once allowed again, the old resource is held for
    ever: it can neither be disconnected, as the zone is no longer Migrated, nor detached)."""
    service, _ = migrated()
    service.deny_connection(provider, EP)
    service.complete_disconnection(provisioner, EP)
    zc = zone_of(service)
    assert (zc["status"], zc["replaced_resource_id"]) == ("Disconnected", None)


def test_res_10_disconnecting_a_replaced_resource_before_migration_ends_is_refused() -> None:
    service, endpoint = two_clbs()
    replace(service, "Graceful", endpoint=endpoint)
    service.collect_events()
    with pytest.raises(OperationDenied) as refused:
        service.disable_zone_connection(provider, EP, ZONE_H, replaced_resource=True)
    assert refused.value.code == "EndpointZoneConnectionOperationDenied"
    assert service.collect_events() == []


def test_res_10_disconnecting_a_replaced_resource_of_a_zone_never_migrated_is_refused() -> None:
    service, _ = two_clbs()
    with pytest.raises(OperationDenied) as refused:
        service.disable_zone_connection(provider, EP, ZONE_H, replaced_resource=True)
    assert refused.value.code == "EndpointZoneConnectionOperationDenied"
    assert service.collect_events() == []


# -- RES-11: forcible migration ------------------------------------------------------------------


def test_res_11_force_replacement_swaps_the_resource_at_once() -> None:
    service, endpoint = two_clbs()
    replace(service, "Force", endpoint=endpoint)
    (replaced,) = service.collect_events()
    assert (replaced.mode, replaced.resource_id) == ("Force", "clb-2")
    zc = zone_of(service)
    assert (zc["status"], zc["resource_id"], zc["replaced_resource_id"], zc["replaced_eni_id"]) == (
        "Connected",
        "clb-2",
        None,
        None,
    )


def test_res_11_the_provisioner_has_no_migration_to_complete_after_force() -> None:
    service, endpoint = two_clbs()
    replace(service, "Force", endpoint=endpoint)
    service.collect_events()
    service.complete_migration(provisioner, EP, ZONE_H)
    assert service.collect_events() == []
    assert zone_of(service)["status"] == "Connected"


def test_res_11_the_old_resource_is_free_at_once_after_force() -> None:
    service, endpoint = two_clbs()
    replace(service, "Force", endpoint=endpoint)
    service.collect_events()
    service.detach_resource(provider, "clb-1", None)
    assert event_names(service) == ["ResourceDetached"]


def test_res_11_force_drops_the_old_eni_of_the_endpoint_zone() -> None:
    _, endpoint = two_clbs()
    old = endpoint.replace_zone_eni(provider, ZONE_H, NEW_ENI, NEW_IP, keep_old=False)
    assert old["eni_id"] != NEW_ENI
    zone = endpoint.zones[ZONE_H]
    assert (zone["eni_id"], zone["ip"]) == (NEW_ENI, NEW_IP)
    assert "replaced_eni_id" not in zone
    endpoint.collect_events()
    assert endpoint.drop_replaced_eni(provider, ZONE_H) is None
    assert endpoint.collect_events() == []


# -- HA-2: resources and zones added after creation ------------------------------------------


def test_ha_2_resources_of_another_zone_can_be_attached_after_creation() -> None:
    service = listed(nlb("nlb-1", (ZONE_H,)), auto_accept=True)
    service.attach_resource(provider, nlb("nlb-2", (ZONE_J,)), None)
    service.collect_events()
    assert service.zones == [ZONE_H, ZONE_J]
    connected_endpoint(service, (ZONE_J,))
    assert zone_of(service, ZONE_J)["resource_id"] == "nlb-2"


def test_ha_2_zones_can_be_added_to_an_endpoint_after_creation() -> None:
    service = listed(auto_accept=True)
    endpoint = connected_endpoint(service, (ZONE_H,))
    endpoint.add_zone(consumer, placement(ZONE_I))
    service.add_connection_zone(consumer, EP, ZONE_I)
    service.complete_connection(provisioner, EP)
    assert event_names(endpoint) == ["ZoneAdded"]
    assert sorted(endpoint.zones) == [ZONE_H, ZONE_I]
    assert zone_statuses(service, EP) == {ZONE_H: "Connected", ZONE_I: "Connected"}


def test_ha_2_a_zone_attached_later_can_be_added_to_an_existing_endpoint() -> None:
    service = listed(nlb("nlb-1", (ZONE_H,)), auto_accept=True)
    endpoint = connected_endpoint(service, (ZONE_H,))
    service.attach_resource(provider, nlb("nlb-2", (ZONE_J,)), None)
    endpoint.add_zone(consumer, placement(ZONE_J))
    service.add_connection_zone(consumer, EP, ZONE_J)
    assert zone_of(service, ZONE_J)["resource_id"] == "nlb-2"
