"""Cross-region endpoints (XR) and connection bandwidth (BW) end to end, driven by the
official SDK against a real server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from alibabacloud_privatelink20200415 import models as pl

from tests.conftest import Server
from tests.e2e.helpers import (
    REGION,
    H,
    I,
    connection,
    create_endpoint,
    create_service,
    get_endpoint,
    get_service,
    refused,
    service_request,
    update_service,
    wait_provider_connection,
)
from tests.e2e.issue3_helpers import (
    SH_E,
    SHANGHAI,
    SINGAPORE,
    change_zone_resource,
    control_plane_server,
    create_remote_endpoint,
    disable_zone,
    get_remote_endpoint,
    remote_endpoint_request,
    update_remote_endpoint,
    wait_remote_connection,
    wait_zone_status,
)

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def e2e_server(database_url: str) -> Iterator[Server]:
    """The module's server (overriding the shared one): the control plane only."""
    with control_plane_server(database_url) as srv:
        yield srv


# (service resource, lowest, highest Mbit/s) per resource type (BW-2). No GWLB: a GWLB cannot
# back an endpoint service (SVC-2), so its range is held by the unit tests of the rule.
BOUNDS = {
    "nlb": ("nlb-provider0001", 100, 50000),
    "alb": ("alb-provider0001", 100, 25000),
    "slb": ("lb-provider0001", 100, 10240),
}


def cross_region_service(provider: Any, *regions: str) -> str:
    return create_service(
        provider,
        "nlb-provider0001",
        auto_accept_enabled=True,
        supported_region_list=list(regions or (SHANGHAI,)),
    )


def supported_regions(provider: Any, service_id: str) -> list[str]:
    return [r.supported_region_id for r in get_service(provider, service_id).supported_region_set]


# -- XR-1..6 -------------------------------------------------------------------------------------


def test_xr_1_an_endpoint_in_shanghai_connects_to_a_hangzhou_nlb_service(
    provider, consumer
) -> None:
    service_id = cross_region_service(provider)
    assert supported_regions(provider, service_id) == [REGION, SHANGHAI]
    endpoint_id = create_remote_endpoint(consumer, service_id, SHANGHAI)
    endpoint = wait_remote_connection(consumer, endpoint_id, SHANGHAI, "Connected")
    assert (endpoint.region_id, endpoint.service_region_id) == (SHANGHAI, REGION)
    seen = wait_provider_connection(provider, service_id, endpoint_id, "Connected")
    assert (seen.endpoint_region_id, seen.service_region_id) == (SHANGHAI, REGION)


def test_xr_6_a_mainland_endpoint_gets_the_default_1000_and_no_more(provider, consumer) -> None:
    service_id = cross_region_service(provider)
    endpoint_id = create_remote_endpoint(consumer, service_id, SHANGHAI)
    assert get_remote_endpoint(consumer, endpoint_id, SHANGHAI).cross_region_bandwidth == 1000
    refused(
        lambda: update_remote_endpoint(
            consumer, endpoint_id, SHANGHAI, cross_region_bandwidth=1001
        ),
        "InvalidParameter.CrossRegionBandwidth",
    )
    update_remote_endpoint(consumer, endpoint_id, SHANGHAI, cross_region_bandwidth=100)
    assert get_remote_endpoint(consumer, endpoint_id, SHANGHAI).cross_region_bandwidth == 100


def test_xr_6_creating_above_the_consumers_cap_is_refused(provider, consumer) -> None:
    service_id = cross_region_service(provider)
    refused(
        lambda: consumer.create_vpc_endpoint(
            remote_endpoint_request(service_id, SHANGHAI, cross_region_bandwidth=1001)
        ),
        "InvalidParameter.CrossRegionBandwidth",
    )


def test_xr_6_an_endpoint_outside_the_mainland_gets_the_oversea_default_100(
    provider, consumer
) -> None:
    service_id = cross_region_service(provider, SINGAPORE)
    endpoint_id = create_remote_endpoint(consumer, service_id, SINGAPORE)
    endpoint = wait_remote_connection(consumer, endpoint_id, SINGAPORE, "Connected")
    assert endpoint.cross_region_bandwidth == 100


def test_xr_4_a_removed_region_takes_no_new_endpoint_and_the_old_stays_connected(
    provider, consumer
) -> None:
    service_id = cross_region_service(provider)
    old = create_remote_endpoint(consumer, service_id, SHANGHAI)
    wait_remote_connection(consumer, old, SHANGHAI, "Connected")
    update_service(provider, service_id, delete_supported_region_set=[SHANGHAI])
    assert supported_regions(provider, service_id) == [REGION]
    refused(
        lambda: create_remote_endpoint(consumer, service_id, SHANGHAI),
        "EndpointService.RegionNotSupported",
    )
    assert get_remote_endpoint(consumer, old, SHANGHAI).connection_status == "Connected"
    assert connection(provider, service_id, old).connection_status == "Connected"


def test_xr_3_the_home_region_cannot_be_removed(provider) -> None:
    service_id = cross_region_service(provider)
    refused(
        lambda: update_service(provider, service_id, delete_supported_region_set=[REGION]),
        "OperationDenied.HomeRegion",
    )
    assert supported_regions(provider, service_id) == [REGION, SHANGHAI]


def test_xr_2_a_clb_service_cannot_support_other_regions(provider) -> None:
    refused(
        lambda: provider.create_vpc_endpoint_service(
            service_request("lb-provider0001", supported_region_list=[SHANGHAI])
        ),
        "EndpointServiceResourceNotSupported",
    )


def test_xr_2_attaching_a_non_upgraded_alb_to_a_cross_region_service_is_refused(provider) -> None:
    service_id = create_service(
        provider, "alb-provider0001", users=(), supported_region_list=[SHANGHAI]
    )
    refused(
        lambda: provider.attach_resource_to_vpc_endpoint_service(
            pl.AttachResourceToVpcEndpointServiceRequest(
                region_id=REGION,
                service_id=service_id,
                resource_id="alb-provider0002",
                resource_type="alb",
            )
        ),
        "EndpointServiceResourceNotSupported",
    )
    resources = provider.list_vpc_endpoint_service_resources(
        pl.ListVpcEndpointServiceResourcesRequest(region_id=REGION, service_id=service_id)
    ).body.resources
    assert {r.resource_id for r in resources} == {"alb-provider0001"}


def test_xr_7_a_cross_region_zone_takes_no_manual_allocation(provider, consumer) -> None:
    service_id = cross_region_service(provider)
    endpoint_id = create_remote_endpoint(consumer, service_id, SHANGHAI)
    wait_remote_connection(consumer, endpoint_id, SHANGHAI, "Connected")
    disable_zone(provider, service_id, endpoint_id, SH_E)
    wait_zone_status(provider, service_id, endpoint_id, SH_E, "Disconnected")
    refused(
        lambda: change_zone_resource(
            provider,
            service_id,
            endpoint_id,
            SH_E,
            "nlb-provider0001",
            resource_allocate_mode="Manual",
        ),
        "OperationDenied.CrossRegionConnection",
    )


# -- BW-2: per-connection limits by resource type ------------------------------------------------


def enable(provider: Any, service_id: str, endpoint_id: str, bandwidth: int) -> None:
    provider.enable_vpc_endpoint_connection(
        pl.EnableVpcEndpointConnectionRequest(
            region_id=REGION, service_id=service_id, endpoint_id=endpoint_id, bandwidth=bandwidth
        )
    )


def change(provider: Any, service_id: str, endpoint_id: str, bandwidth: int) -> None:
    provider.update_vpc_endpoint_connection_attribute(
        pl.UpdateVpcEndpointConnectionAttributeRequest(
            region_id=REGION, service_id=service_id, endpoint_id=endpoint_id, bandwidth=bandwidth
        )
    )


@pytest.mark.parametrize("kind", list(BOUNDS))
def test_bw_2_enabling_a_connection_takes_bandwidth_within_the_type_bounds(
    provider, consumer, kind: str
) -> None:
    resource_id, low, high = BOUNDS[kind]
    service_id = create_service(provider, resource_id)
    at_low, at_high = (create_endpoint(consumer, service_id, zones=(H,)) for _ in range(2))
    for wrong in (low - 1, high + 1):
        refused(
            lambda w=wrong: enable(provider, service_id, at_low, w), "InvalidParameter.Bandwidth"
        )
    assert connection(provider, service_id, at_low).connection_status == "Pending"
    enable(provider, service_id, at_low, low)
    enable(provider, service_id, at_high, high)
    assert wait_provider_connection(provider, service_id, at_low, "Connected").bandwidth == low
    assert wait_provider_connection(provider, service_id, at_high, "Connected").bandwidth == high


@pytest.mark.parametrize("kind", list(BOUNDS))
def test_bw_2_changing_a_connected_connection_keeps_within_the_type_bounds(
    provider, consumer, kind: str
) -> None:
    resource_id, low, high = BOUNDS[kind]
    service_id = create_service(provider, resource_id, auto_accept_enabled=True)
    endpoint_id = create_endpoint(consumer, service_id, zones=(H,))
    wait_provider_connection(provider, service_id, endpoint_id, "Connected")
    for wrong in (low - 1, high + 1):
        refused(
            lambda w=wrong: change(provider, service_id, endpoint_id, w),
            "InvalidParameter.Bandwidth",
        )
    change(provider, service_id, endpoint_id, high)
    assert connection(provider, service_id, endpoint_id).bandwidth == high
    change(provider, service_id, endpoint_id, low)
    assert connection(provider, service_id, endpoint_id).bandwidth == low


# -- BW-1: one limit for every zone of the endpoint -------------------------------------------


def test_bw_1_both_sides_see_one_bandwidth_for_a_two_zone_endpoint(provider, consumer) -> None:
    service_id = create_service(provider, "nlb-provider0001", auto_accept_enabled=True)
    endpoint_id = create_endpoint(consumer, service_id, zones=(H, I))
    wait_provider_connection(provider, service_id, endpoint_id, "Connected")
    change(provider, service_id, endpoint_id, 4321)
    seen = connection(provider, service_id, endpoint_id)
    assert (seen.bandwidth, len(seen.zones)) == (4321, 2)
    assert get_endpoint(consumer, endpoint_id).bandwidth == 4321


# -- BW-3: the default bandwidth of CLB services -------------------------------------------------


def test_bw_3_a_clb_service_takes_a_connect_bandwidth(provider) -> None:
    service_id = create_service(provider, "lb-provider0001", users=())
    assert get_service(provider, service_id).connect_bandwidth == 3072
    update_service(provider, service_id, connect_bandwidth=5000)
    assert get_service(provider, service_id).connect_bandwidth == 5000


def test_bw_3_an_nlb_service_refuses_a_connect_bandwidth(provider) -> None:
    service_id = create_service(provider, "nlb-provider0001", users=())
    refused(
        lambda: update_service(provider, service_id, connect_bandwidth=5000),
        "InvalidParameter.ConnectBandwidth",
    )


def test_bw_3_a_new_clb_default_applies_to_connections_allowed_afterwards(
    provider, consumer
) -> None:
    service_id = create_service(provider, "lb-provider0001", auto_accept_enabled=True)
    before = create_endpoint(consumer, service_id, zones=(H,))
    wait_provider_connection(provider, service_id, before, "Connected")
    update_service(provider, service_id, connect_bandwidth=5000)
    after = create_endpoint(consumer, service_id, zones=(H,))
    assert wait_provider_connection(provider, service_id, after, "Connected").bandwidth == 5000
    assert connection(provider, service_id, before).bandwidth == 3072
