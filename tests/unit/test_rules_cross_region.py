"""Cross-region rules (XR-1..7): supported regions of a service, inter-region endpoints and
their bandwidth cap, held by the aggregates (and the inventory facts for XR-6)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest

from privatelink.application.facts import CHINA_QUOTA, OVERSEA_QUOTA, InventoryFacts
from privatelink.domain.endpoint import CrossRegionCap, Endpoint, EndpointOptions
from privatelink.domain.errors import (
    InvalidValue,
    OperationDenied,
    ResourceNotSupported,
    ZoneNotSupported,
)
from privatelink.domain.inventory import Inventory
from privatelink.domain.resources import ResourceFacts
from privatelink.domain.service import EndpointService
from tests.unit.helpers import (
    CONSUMER_UID,
    PROVIDER_UID,
    REGION,
    ZONE_H,
    ZONE_I,
    ZONE_J,
    alb,
    clb,
    connection_facts,
    consumer,
    drain,
    event_names,
    new_endpoint,
    new_service,
    nlb,
    placement,
    provider,
    provisioner,
    request_for,
)

SHANGHAI, SINGAPORE = "cn-shanghai", "ap-southeast-1"
SH_E, SH_F = "cn-shanghai-e", "cn-shanghai-f"
EP = "ep-cross0001"
CHINA_CAP = CrossRegionCap(default=1000, maximum=1000)


def gwlb() -> ResourceFacts:
    return ResourceFacts(
        resource_id="gwlb-1",
        resource_type="gwlb",
        owner=PROVIDER_UID,
        region=REGION,
        zones=(ZONE_H, ZONE_I),
        dual_stack=False,
        intranet=True,
        pay_as_you_go=True,
        upgraded=False,
        bandwidth_mbps=5000,
    )


def cross_service(
    *resources: Any, regions: tuple[str, ...] = (SHANGHAI,), **options: Any
) -> EndpointService:
    """A service supporting ``regions`` besides its home (default: an NLB in zones h and i),
    listing the consumer; events collected."""
    service = new_service(*resources, supported_regions=regions, **options)
    service.add_user(provider, CONSUMER_UID)
    service.collect_events()
    return service


def remote_endpoint(
    service: EndpointService,
    region: str = SHANGHAI,
    zones: Iterable[str] = (SH_E,),
    endpoint_id: str = EP,
    cap: CrossRegionCap | None = CHINA_CAP,
    **options: Any,
) -> Endpoint:
    """An inter-region endpoint of the consumer (creation events collected)."""
    endpoint = Endpoint.create(
        consumer,
        endpoint_id,
        region,
        "vpc-consumer0002",
        service.facts(),
        [placement(z) for z in zones],
        ["sg-consumer0003"],
        EndpointOptions(**options),
        cap,
    )
    endpoint.collect_events()
    return endpoint


def connect_remote(service: EndpointService, endpoint: Endpoint) -> None:
    """The endpoint requests its connection; with auto-accept it ends Connected."""
    service.request_connection(consumer, connection_facts(endpoint), sorted(endpoint.zones))
    service.complete_connection(provisioner, endpoint.endpoint_id)
    service.collect_events()


def inventory(**quotas: int) -> Inventory:
    """Two accounts and three regions; the consumer holds ``quotas``."""
    return Inventory.model_validate(
        {
            "accounts": [
                {"uid": PROVIDER_UID, "name": "provider"},
                {"uid": CONSUMER_UID, "name": "consumer", "quotas": quotas},
            ],
            "regions": [
                {"id": REGION, "zones": [ZONE_H, ZONE_I, ZONE_J]},
                {"id": SHANGHAI, "zones": [SH_E, SH_F]},
                {"id": SINGAPORE, "zones": ["ap-southeast-1a"]},
            ],
        }
    )


# -- XR-1: supported regions ------------------------------------------------------------------


def test_xr_1_a_service_lists_its_home_region_first_then_the_supported_ones() -> None:
    service = new_service(supported_regions=(SHANGHAI, SINGAPORE))
    assert service.supported_regions == [REGION, SHANGHAI, SINGAPORE]


def test_xr_1_a_consumer_creates_an_endpoint_in_a_supported_region() -> None:
    service = cross_service()
    endpoint = Endpoint.create(
        consumer,
        EP,
        SHANGHAI,
        "vpc-consumer0002",
        service.facts(),
        [placement(SH_E)],
        ["sg-consumer0003"],
        EndpointOptions(),
        CHINA_CAP,
    )
    assert event_names(endpoint) == ["Created"]
    assert (endpoint.region, endpoint.service_region) == (SHANGHAI, REGION)


def test_xr_1_the_connection_of_an_inter_region_endpoint_is_marked_cross_region() -> None:
    service = cross_service(auto_accept=True)
    connect_remote(service, remote_endpoint(service))
    conn = service.connection(EP)
    assert (conn["cross_region"], conn["endpoint_region"], conn["status"]) == (
        True,
        SHANGHAI,
        "Connected",
    )


def test_xr_1_an_endpoint_in_a_region_the_service_does_not_support_is_refused() -> None:
    service = cross_service(regions=(SINGAPORE,))
    with pytest.raises(InvalidValue) as refused:
        request_for(service, (SH_E,), SHANGHAI)
    assert refused.value.code == "EndpointService.RegionNotSupported"


def test_xr_1_a_connection_from_a_region_the_service_does_not_support_is_refused() -> None:
    service = cross_service()
    with pytest.raises(InvalidValue) as refused:
        service.admit_endpoint(CONSUMER_UID, SINGAPORE, ["ap-southeast-1a"])
    assert refused.value.code == "EndpointService.RegionNotSupported"
    assert service.collect_events() == []


def test_xr_1_adding_a_region_after_creation_records_it() -> None:
    service = new_service()
    service.change_supported_regions(provider, [SHANGHAI], [])
    (changed,) = service.collect_events()
    assert (type(changed).__name__, changed.regions) == (
        "SupportedRegionsChanged",
        [REGION, SHANGHAI],
    )


# -- XR-2: which resources allow cross-region ------------------------------------------------


# A GWLB cannot back any service (SVC-2), so it is refused here too, whatever XR-2 says.
@pytest.mark.parametrize(
    "facts", [clb(), gwlb(), alb(upgraded=False)], ids=["clb", "gwlb", "alb-not-upgraded"]
)
def test_xr_2_a_resource_that_does_not_allow_cross_region_is_refused(facts: Any) -> None:
    with pytest.raises(ResourceNotSupported) as refused:
        new_service(facts, supported_regions=(SHANGHAI,))
    assert refused.value.code == "EndpointServiceResourceNotSupported"


def test_xr_2_an_upgraded_alb_allows_cross_region() -> None:
    service = new_service(alb(upgraded=True), supported_regions=(SHANGHAI,))
    assert service.supported_regions == [REGION, SHANGHAI]


def test_xr_2_resources_in_one_zone_are_refused() -> None:
    with pytest.raises(ResourceNotSupported) as refused:
        new_service(nlb(zones=(ZONE_H,)), supported_regions=(SHANGHAI,))
    assert refused.value.code == "EndpointServiceResourceNotSupported"


def test_xr_2_adding_a_region_to_a_clb_service_is_refused() -> None:
    service = new_service(clb())
    with pytest.raises(ResourceNotSupported):
        service.change_supported_regions(provider, [SHANGHAI], [])
    assert service.collect_events() == []
    assert service.supported_regions == [REGION]


def test_xr_2_adding_a_region_to_a_one_zone_service_is_refused() -> None:
    service = new_service(nlb(zones=(ZONE_H,)))
    with pytest.raises(ResourceNotSupported):
        service.change_supported_regions(provider, [SHANGHAI], [])
    assert service.collect_events() == []


def test_xr_2_detaching_down_to_one_zone_is_refused_while_regions_are_supported() -> None:
    service = cross_service(nlb("nlb-1", (ZONE_H,)), nlb("nlb-2", (ZONE_I,)))
    with pytest.raises(OperationDenied) as refused:
        service.detach_resource(provider, "nlb-2", None)
    assert refused.value.code == "OperationDenied.CrossRegionNeedsTwoZones"
    assert service.collect_events() == []
    assert service.zones == [ZONE_H, ZONE_I]


def test_xr_2_detaching_one_zone_of_two_is_allowed_once_the_regions_are_removed() -> None:
    service = cross_service(nlb("nlb-1", (ZONE_H,)), nlb("nlb-2", (ZONE_I,)))
    service.change_supported_regions(provider, [], [SHANGHAI])
    service.detach_resource(provider, "nlb-2", None)
    assert event_names(service) == ["SupportedRegionsChanged", "ResourceDetached"]


def test_xr_2_detaching_a_resource_that_leaves_two_zones_is_allowed() -> None:
    service = cross_service(nlb("nlb-1", (ZONE_H, ZONE_I)), nlb("nlb-2", (ZONE_I,)))
    service.detach_resource(provider, "nlb-2", None)
    assert event_names(service) == ["ResourceDetached"]


def test_xr_2_attaching_a_non_upgraded_alb_to_a_cross_region_service_is_refused() -> None:
    service = cross_service(alb("alb-up", upgraded=True))
    with pytest.raises(ResourceNotSupported) as refused:
        service.attach_resource(provider, alb("alb-old", upgraded=False), None)
    assert refused.value.code == "EndpointServiceResourceNotSupported"
    assert service.collect_events() == []


# -- XR-3: the home region --------------------------------------------------------------------


def test_xr_3_the_home_region_cannot_be_removed() -> None:
    service = cross_service()
    with pytest.raises(OperationDenied) as refused:
        service.change_supported_regions(provider, [], [REGION])
    assert refused.value.code == "OperationDenied.HomeRegion"
    assert service.collect_events() == []
    assert service.supported_regions == [REGION, SHANGHAI]


def test_xr_3_the_home_region_is_supported_without_being_listed() -> None:
    assert new_service().supported_regions == [REGION]


def test_xr_3_listing_the_home_region_keeps_it_once() -> None:
    service = new_service(supported_regions=(REGION, SHANGHAI))
    assert service.supported_regions == [REGION, SHANGHAI]


# -- XR-4: removing a region ------------------------------------------------------------------


def test_xr_4_a_removed_region_refuses_new_endpoints() -> None:
    service = cross_service()
    service.change_supported_regions(provider, [], [SHANGHAI])
    with pytest.raises(InvalidValue) as refused:
        request_for(service, (SH_E,), SHANGHAI)
    assert refused.value.code == "EndpointService.RegionNotSupported"


def test_xr_4_a_removed_region_refuses_new_connections() -> None:
    service = cross_service()
    endpoint = remote_endpoint(service)
    service.change_supported_regions(provider, [], [SHANGHAI])
    service.collect_events()
    with pytest.raises(InvalidValue) as refused:
        service.admit_endpoint(endpoint.owner, endpoint.region, [SH_E])
    assert refused.value.code == "EndpointService.RegionNotSupported"
    assert service.collect_events() == []


def test_xr_4_an_existing_endpoint_keeps_working_after_its_region_is_removed() -> None:
    service = cross_service(auto_accept=True)
    connect_remote(service, remote_endpoint(service))
    service.change_supported_regions(provider, [], [SHANGHAI])
    (changed,) = service.collect_events()
    assert type(changed).__name__ == "SupportedRegionsChanged"
    conn = service.connection(EP)
    assert (conn["status"], conn["zones"][SH_E]["status"]) == ("Connected", "Connected")


def test_xr_4_the_provider_can_still_deny_and_allow_an_endpoint_of_a_removed_region() -> None:
    service = cross_service(auto_accept=True)
    connect_remote(service, remote_endpoint(service))
    service.change_supported_regions(provider, [], [SHANGHAI])
    service.deny_connection(provider, EP)
    service.complete_disconnection(provisioner, EP)
    service.allow_connection(provider, EP)
    assert service.connection(EP)["status"] == "Connecting"


# -- XR-5: zones of an inter-region endpoint --------------------------------------------------


def test_xr_5_inter_region_endpoint_zones_need_not_be_service_zones() -> None:
    service = cross_service(auto_accept=True)
    endpoint = remote_endpoint(service, zones=(SH_E, SH_F))
    connect_remote(service, endpoint)
    zones = service.connection(EP)["zones"]
    assert sorted(zones) == [SH_E, SH_F]
    assert {zc["resource_id"] for zc in zones.values()} == {"nlb-1"}
    assert {zc["status"] for zc in zones.values()} == {"Connected"}


def test_xr_5_an_inter_region_endpoint_may_have_fewer_zones_than_the_service() -> None:
    service = cross_service(
        nlb("nlb-1", (ZONE_H,)), nlb("nlb-2", (ZONE_I,)), nlb("nlb-3", (ZONE_J,)), auto_accept=True
    )
    connect_remote(service, remote_endpoint(service, zones=(SH_E,)))
    assert service.connection(EP)["status"] == "Connected"


def test_xr_5_a_zone_added_to_an_inter_region_endpoint_is_allocated() -> None:
    service = cross_service(auto_accept=True)
    endpoint = remote_endpoint(service)
    connect_remote(service, endpoint)
    service.add_connection_zone(consumer, EP, SH_F)
    (added,) = service.collect_events()
    assert (added.zone_id, added.resource_id, added.status) == (SH_F, "nlb-1", "Connecting")


def test_xr_5_a_same_region_endpoint_still_needs_service_zones() -> None:
    service = cross_service()
    with pytest.raises(ZoneNotSupported) as refused:
        request_for(service, (ZONE_J,))
    assert refused.value.code == "EndpointZoneNotSupported"


# -- XR-6: inter-region bandwidth cap -----------------------------------------------------------


def test_xr_6_within_the_mainland_the_default_cap_is_1000() -> None:
    cap = InventoryFacts(inventory()).cross_region_cap(CONSUMER_UID, SHANGHAI, REGION)
    assert cap == CrossRegionCap(default=1000, maximum=1000)


def test_xr_6_outside_the_mainland_the_default_cap_is_100() -> None:
    cap = InventoryFacts(inventory()).cross_region_cap(CONSUMER_UID, SINGAPORE, REGION)
    assert cap == CrossRegionCap(default=100, maximum=100)


def test_xr_6_the_china_quota_raises_the_mainland_cap_not_the_default() -> None:
    cap = InventoryFacts(inventory(**{CHINA_QUOTA: 2000})).cross_region_cap(
        CONSUMER_UID, SHANGHAI, REGION
    )
    assert cap == CrossRegionCap(default=1000, maximum=2000)


def test_xr_6_the_oversea_quota_raises_the_oversea_cap() -> None:
    cap = InventoryFacts(inventory(**{OVERSEA_QUOTA: 500})).cross_region_cap(
        CONSUMER_UID, SINGAPORE, REGION
    )
    assert cap == CrossRegionCap(default=100, maximum=500)


def test_xr_6_the_china_quota_does_not_raise_the_oversea_cap() -> None:
    cap = InventoryFacts(inventory(**{CHINA_QUOTA: 2000})).cross_region_cap(
        CONSUMER_UID, SINGAPORE, REGION
    )
    assert cap.maximum == 100


def test_xr_6_a_quota_of_another_account_does_not_count() -> None:
    facts = InventoryFacts(inventory(**{CHINA_QUOTA: 2000}))
    assert facts.cross_region_cap(PROVIDER_UID, SHANGHAI, REGION).maximum == 1000


@pytest.mark.parametrize("value", [100, 2000])
def test_xr_6_the_bounds_of_the_cap_are_accepted(value: int) -> None:
    CrossRegionCap(default=1000, maximum=2000).check(value)


@pytest.mark.parametrize("value", [99, 2001])
def test_xr_6_out_of_the_cap_is_refused(value: int) -> None:
    with pytest.raises(InvalidValue) as refused:
        CrossRegionCap(default=1000, maximum=2000).check(value)
    assert refused.value.code == "InvalidParameter.CrossRegionBandwidth"


def test_xr_6_an_inter_region_endpoint_gets_the_default_bandwidth() -> None:
    endpoint = remote_endpoint(cross_service(), cap=CrossRegionCap(default=1000, maximum=2000))
    assert endpoint.cross_region_bandwidth == 1000


def test_xr_6_an_inter_region_endpoint_above_the_cap_is_refused() -> None:
    with pytest.raises(InvalidValue) as refused:
        remote_endpoint(cross_service(), cross_region_bandwidth=1001)
    assert refused.value.code == "InvalidParameter.CrossRegionBandwidth"


def test_xr_6_changing_the_bandwidth_within_the_cap_is_recorded() -> None:
    service = cross_service()
    endpoint = remote_endpoint(service)
    endpoint.update_attributes(
        consumer, {"cross_region_bandwidth": 500}, service.facts(), CHINA_CAP
    )
    assert event_names(endpoint) == ["AttributesUpdated"]
    assert endpoint.cross_region_bandwidth == 500


def test_xr_6_changing_the_bandwidth_above_the_cap_is_refused() -> None:
    service = cross_service()
    endpoint = remote_endpoint(service)
    with pytest.raises(InvalidValue) as refused:
        endpoint.update_attributes(
            consumer, {"cross_region_bandwidth": 1001}, service.facts(), CHINA_CAP
        )
    assert refused.value.code == "InvalidParameter.CrossRegionBandwidth"
    assert endpoint.collect_events() == []
    assert endpoint.cross_region_bandwidth == 1000


def test_xr_6_a_same_region_endpoint_has_no_inter_region_bandwidth() -> None:
    service = cross_service()
    assert new_endpoint(service).cross_region_bandwidth is None


def test_xr_6_a_same_region_endpoint_cannot_be_given_inter_region_bandwidth() -> None:
    service = cross_service()
    endpoint = new_endpoint(service)
    with pytest.raises(InvalidValue) as refused:
        endpoint.update_attributes(
            consumer, {"cross_region_bandwidth": 500}, service.facts(), CHINA_CAP
        )
    assert refused.value.code == "InvalidParameter.CrossRegionBandwidth"
    assert endpoint.collect_events() == []


# -- XR-7: no manual allocation across regions ------------------------------------------------


def test_xr_7_manual_allocation_of_a_cross_region_zone_is_refused() -> None:
    service = cross_service(
        nlb("nlb-1", (ZONE_H, ZONE_I)), nlb("nlb-2", (ZONE_H, ZONE_I)), auto_accept=True
    )
    connect_remote(service, remote_endpoint(service))
    service.disable_zone_connection(provider, EP, SH_E)
    service.complete_zone_disconnection(provisioner, EP, SH_E)
    service.collect_events()
    with pytest.raises(OperationDenied) as refused:
        service.set_zone_allocation(provider, EP, SH_E, "Manual", "nlb-2", True)
    assert refused.value.code == "OperationDenied.CrossRegionConnection"
    assert service.collect_events() == []


def test_xr_7_allocation_before_accepting_a_cross_region_connection_is_refused() -> None:
    service = cross_service()
    endpoint = remote_endpoint(service)
    service.request_connection(consumer, connection_facts(endpoint), [SH_E])
    service.collect_events()
    with pytest.raises(OperationDenied) as refused:
        service.set_zone_allocation(provider, EP, SH_E, "Manual", "nlb-1", True)
    assert refused.value.code == "OperationDenied.CrossRegionConnection"
    assert service.collect_events() == []


def test_xr_7_a_cross_region_zone_can_still_be_disconnected_and_reconnected() -> None:
    service = cross_service(auto_accept=True)
    connect_remote(service, remote_endpoint(service))
    service.disable_zone_connection(provider, EP, SH_E)
    service.complete_zone_disconnection(provisioner, EP, SH_E)
    service.enable_zone_connection(provider, EP, SH_E)
    service.complete_connection(provisioner, EP)
    drain(service)
    zc = service.connection(EP)["zones"][SH_E]
    assert (zc["status"], zc["resource_id"]) == ("Connected", "nlb-1")
