"""The provider's side through the SDK: endpoint services (SVC), whitelist (WL) and the
high-availability warning (HA)."""

from __future__ import annotations

import re

import pytest
from alibabacloud_privatelink20200415 import models as pl
from alibabacloud_tea_openapi import utils_models as open_api_models
from alibabacloud_tea_openapi.utils import Utils
from darabonba.runtime import RuntimeOptions

from tests.e2e.helpers import (
    CONSUMER_UID,
    DOMAIN_SUFFIX,
    OUTSIDER_UID,
    PROVIDER_UID,
    REGION,
    H,
    I,
    J,
    add_user,
    allow,
    connection,
    create_endpoint,
    create_service,
    get_endpoint,
    get_service,
    provider_service_ids,
    refused,
    remove_user,
    resource_type,
    service_request,
    update_service,
    visible_service_ids,
    wait_connection,
    wait_until,
)

pytestmark = pytest.mark.e2e


# -- SVC -------------------------------------------------------------------------------------


def test_svc_1_service_from_several_resources_in_home_region(provider) -> None:
    created = provider.create_vpc_endpoint_service(
        service_request("nlb-provider0001", "nlb-provider0002")
    ).body
    assert created.service_status == "Creating"
    service = wait_until(
        lambda: get_service(provider, created.service_id), lambda s: s.service_status == "Active"
    )
    assert service.region_id == REGION
    assert sorted(service.zones) == [H, I, J]
    resources = provider.list_vpc_endpoint_service_resources(
        pl.ListVpcEndpointServiceResourcesRequest(region_id=REGION, service_id=created.service_id)
    ).body.resources
    assert sorted((r.resource_id, r.zone_id) for r in resources) == [
        ("nlb-provider0001", H),
        ("nlb-provider0001", I),
        ("nlb-provider0002", I),
        ("nlb-provider0002", J),
    ]


@pytest.mark.parametrize(
    "resource_id", ["lb-provider0004", "lb-provider0005"], ids=["subscription-clb", "internet-clb"]
)
def test_svc_2_clb_not_private_pay_as_you_go_is_refused(provider, resource_id) -> None:
    before = provider_service_ids(provider)
    refused(
        lambda: provider.create_vpc_endpoint_service(service_request(resource_id)),
        "EndpointServiceResourceNotSupported",
    )
    assert provider_service_ids(provider) == before


@pytest.mark.parametrize("resource_id", ["nlb-provider0001", "alb-provider0001", "lb-provider0001"])
def test_svc_2_nlb_alb_and_private_pay_as_you_go_clb_are_accepted(provider, resource_id) -> None:
    service_id = create_service(provider, resource_id, users=())
    assert get_service(provider, service_id).service_resource_type == resource_type(resource_id)


def test_svc_2_gateway_load_balancer_is_refused(provider) -> None:
    """SVC-2: only NLB, ALB and (private, pay-as-you-go) CLB; "any other resource is refused"."""
    before = provider_service_ids(provider)
    refused(
        lambda: provider.create_vpc_endpoint_service(service_request("gwlb-provider0001")),
        "EndpointServiceResourceNotSupported",
    )
    assert provider_service_ids(provider) == before


def test_svc_3_options_chosen_at_creation_are_kept(provider) -> None:
    service_id = create_service(
        provider,
        users=(),
        auto_accept_enabled=True,
        zone_affinity_enabled=True,
        payer="EndpointService",
        service_description="orders api",
    )
    service = get_service(provider, service_id)
    assert (service.auto_accept_enabled, service.zone_affinity_enabled) == (True, True)
    assert (service.payer, service.service_description) == ("EndpointService", "orders api")
    assert service.address_ip_version == "IPv4"


def test_svc_3_payer_defaults_to_the_consumer(provider) -> None:
    assert get_service(provider, create_service(provider, users=())).payer == "Endpoint"


def test_svc_4_dual_stack_refused_with_a_clb(provider) -> None:
    refused(
        lambda: provider.create_vpc_endpoint_service(
            service_request("lb-provider0001", address_ip_version="DualStack")
        ),
        "EndpointServiceResourceNotSupported",
    )


def test_svc_4_dual_stack_accepted_with_a_dual_stack_nlb(provider) -> None:
    service_id = create_service(
        provider, "nlb-provider0001", users=(), address_ip_version="DualStack"
    )
    assert get_service(provider, service_id).address_ip_version == "DualStack"


def test_svc_4_attaching_a_single_stack_resource_to_dual_stack_is_refused(provider) -> None:
    service_id = create_service(
        provider, "nlb-provider0001", users=(), address_ip_version="DualStack"
    )
    refused(
        lambda: provider.attach_resource_to_vpc_endpoint_service(
            pl.AttachResourceToVpcEndpointServiceRequest(
                region_id=REGION,
                service_id=service_id,
                resource_id="nlb-provider0002",
                resource_type="nlb",
            )
        ),
        "EndpointServiceResourceNotSupported",
    )
    assert sorted(get_service(provider, service_id).zones) == [H, I]


def test_svc_5_payer_cannot_be_changed_by_an_update(provider) -> None:
    service_id = create_service(provider, users=(), payer="EndpointService")
    request = open_api_models.OpenApiRequest(
        query=Utils.query({"RegionId": REGION, "ServiceId": service_id, "Payer": "Endpoint"})
    )
    params = open_api_models.Params(
        action="UpdateVpcEndpointServiceAttribute",
        version="2020-04-15",
        protocol="HTTP",
        pathname="/",
        method="POST",
        auth_type="AK",
        style="RPC",
        req_body_type="formData",
        body_type="json",
    )
    refused(lambda: provider.call_api(params, request, RuntimeOptions()), "InvalidParameter")
    update_service(provider, service_id, service_description="v2", auto_accept_enabled=True)
    assert get_service(provider, service_id).payer == "EndpointService"


def test_svc_6_turning_auto_accept_off_keeps_connected_connections(provider, consumer) -> None:
    service_id = create_service(provider, auto_accept_enabled=True)
    endpoint_id = create_endpoint(consumer, service_id)
    wait_connection(consumer, endpoint_id, "Connected")
    update_service(provider, service_id, auto_accept_enabled=False)
    assert get_service(provider, service_id).auto_accept_enabled is False
    assert connection(provider, service_id, endpoint_id).connection_status == "Connected"
    assert get_endpoint(consumer, endpoint_id).connection_status == "Connected"


def test_svc_6_turning_auto_accept_on_keeps_pending_connections(provider, consumer) -> None:
    service_id = create_service(provider, auto_accept_enabled=False)
    endpoint_id = create_endpoint(consumer, service_id)
    update_service(provider, service_id, auto_accept_enabled=True)
    assert connection(provider, service_id, endpoint_id).connection_status == "Pending"


def test_svc_7_service_name_and_domain_formats(provider) -> None:
    service_id = create_service(provider, users=())
    assert re.fullmatch(r"epsrv-[a-z0-9]{20}", service_id)
    service = get_service(provider, service_id)
    assert service.service_name == f"com.aliyuncs.privatelink.{REGION}.{service_id}"
    assert service.service_domain == f"{service_id}.{REGION}.{DOMAIN_SUFFIX}"


def test_svc_7_consumer_connects_by_service_name(provider, consumer) -> None:
    service_id = create_service(provider)
    name = get_service(provider, service_id).service_name
    found = consumer.list_vpc_endpoint_services_by_end_user(
        pl.ListVpcEndpointServicesByEndUserRequest(region_id=REGION, service_name=name)
    ).body.services
    assert [s.service_id for s in found] == [service_id]
    endpoint_id = create_endpoint(consumer, None, service_name=name)
    endpoint = get_endpoint(consumer, endpoint_id)
    assert (endpoint.service_id, endpoint.service_name) == (service_id, name)


# -- WL --------------------------------------------------------------------------------------


def test_wl_1_provider_is_on_the_whitelist_after_creation(provider) -> None:
    service_id = create_service(provider, users=())
    assert whitelist(provider, service_id) == ([int(PROVIDER_UID)], [])


def test_wl_2_unlisted_consumer_cannot_find_or_connect(provider, consumer) -> None:
    service_id = create_service(provider, users=())
    name = get_service(provider, service_id).service_name
    assert service_id not in visible_service_ids(consumer)
    refused(lambda: create_endpoint(consumer, service_id), "EndpointServiceNotFound")
    refused(lambda: create_endpoint(consumer, None, service_name=name), "EndpointServiceNotFound")
    assert connection_count(provider, service_id) == 0


def test_wl_3_star_lets_every_account_find_and_connect(provider, outsider) -> None:
    service_id = create_service(provider, users=("*",))
    assert whitelist(provider, service_id)[1] == ["*"]
    assert service_id in visible_service_ids(outsider)
    endpoint_id = outsider.create_vpc_endpoint(
        pl.CreateVpcEndpointRequest(
            region_id=REGION,
            vpc_id="vpc-outsider0001",
            service_id=service_id,
            zone=[pl.CreateVpcEndpointRequestZone(zone_id=H, v_switch_id="vsw-outsider-h")],
        )
    ).body.endpoint_id
    assert connection(provider, service_id, endpoint_id).endpoint_owner_id == int(OUTSIDER_UID)


def test_wl_4_users_are_added_and_removed_one_at_a_time(provider) -> None:
    service_id = create_service(provider, users=())
    add_user(provider, service_id, CONSUMER_UID)
    assert whitelist(provider, service_id)[0] == sorted([int(PROVIDER_UID), int(CONSUMER_UID)])
    add_user(provider, service_id, OUTSIDER_UID)
    remove_user(provider, service_id, CONSUMER_UID)
    assert whitelist(provider, service_id)[0] == sorted([int(PROVIDER_UID), int(OUTSIDER_UID)])


def test_wl_4_removed_user_keeps_its_connection_but_cannot_add_endpoints(
    provider, consumer
) -> None:
    service_id = create_service(provider)
    endpoint_id = create_endpoint(consumer, service_id)
    allow(provider, service_id, endpoint_id)
    wait_connection(consumer, endpoint_id, "Connected")
    remove_user(provider, service_id, CONSUMER_UID)
    assert get_endpoint(consumer, endpoint_id).connection_status == "Connected"
    assert service_id not in visible_service_ids(consumer)
    refused(lambda: create_endpoint(consumer, service_id), "EndpointServiceNotFound")


def test_wl_4_removing_a_user_not_listed_is_refused(provider) -> None:
    service_id = create_service(provider, users=())
    refused(lambda: remove_user(provider, service_id, OUTSIDER_UID))


# -- HA --------------------------------------------------------------------------------------


def test_ha_1_single_zone_service_is_accepted_with_a_warning(provider, e2e_server) -> None:
    service_id = create_service(provider, "nlb-provider0003", users=())
    assert get_service(provider, service_id).zones == [H]
    log = wait_until(e2e_server.output, lambda text: service_id in text)
    line = next(line for line in log.splitlines() if service_id in line)
    assert "WARNING" in line and "not highly available" in line and "nlb-provider0003" in line


def test_ha_1_single_zone_endpoint_is_accepted_with_a_warning(
    provider, consumer, e2e_server
) -> None:
    service_id = create_service(provider)
    endpoint_id = create_endpoint(consumer, service_id, zones=(I,))
    assert list(endpoint_zones_of(consumer, endpoint_id)) == [I]
    log = wait_until(e2e_server.output, lambda text: endpoint_id in text)
    line = next(line for line in log.splitlines() if endpoint_id in line)
    assert "WARNING" in line and "not highly available" in line


def test_ha_1_two_zone_service_and_endpoint_log_no_warning(provider, consumer, e2e_server) -> None:
    service_id = create_service(provider, "nlb-provider0001")
    endpoint_id = create_endpoint(consumer, service_id, zones=(H, I))
    warnings = [line for line in e2e_server.output().splitlines() if "not highly available" in line]
    assert not [line for line in warnings if service_id in line or endpoint_id in line]


# -- helpers of this module -------------------------------------------------------------------


def whitelist(provider, service_id: str) -> tuple[list[int], list[str]]:
    body = provider.list_vpc_endpoint_service_users(
        pl.ListVpcEndpointServiceUsersRequest(region_id=REGION, service_id=service_id)
    ).body
    return sorted(u.user_id for u in body.users), [a.user_arn for a in body.user_arns]


def connection_count(provider, service_id: str) -> int:
    return int(
        provider.list_vpc_endpoint_connections(
            pl.ListVpcEndpointConnectionsRequest(region_id=REGION, service_id=service_id)
        ).body.total_count
    )


def endpoint_zones_of(consumer, endpoint_id: str) -> list[str]:
    body = consumer.list_vpc_endpoint_zones(
        pl.ListVpcEndpointZonesRequest(region_id=REGION, endpoint_id=endpoint_id)
    ).body
    return [z.zone_id for z in body.zones]
