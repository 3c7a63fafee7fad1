"""The API's conventions through the SDK: DryRun, ClientToken, pagination, the legacy RPC
signature, unknown actions and tags."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

import pytest
from alibabacloud_privatelink20200415 import models as pl
from alibabacloud_tea_openapi import utils_models as open_api_models
from alibabacloud_tea_openapi.utils import Utils
from darabonba.runtime import RuntimeOptions

from tests.conftest import CONSUMER, PROVIDER
from tests.e2e.helpers import (
    CONSUMER_UID,
    REGION,
    H,
    J,
    add_user,
    address,
    connections,
    create_endpoint,
    create_service,
    endpoint_ids,
    endpoint_request,
    endpoint_zones,
    get_endpoint,
    get_service,
    guarded_client,
    provider_service_ids,
    refused,
    service_request,
)

pytestmark = pytest.mark.e2e


# -- DryRun ------------------------------------------------------------------------------------


def test_dry_run_create_service_changes_nothing(provider) -> None:
    before = provider_service_ids(provider)
    refused(
        lambda: provider.create_vpc_endpoint_service(
            service_request("nlb-provider0001", dry_run=True)
        ),
        "DryRunOperation",
    )
    assert provider_service_ids(provider) == before


def test_dry_run_create_endpoint_changes_nothing(provider, consumer) -> None:
    service_id = create_service(provider)
    ip = address(H, 220)
    before = endpoint_ids(consumer)
    refused(
        lambda: consumer.create_vpc_endpoint(
            endpoint_request(service_id, zones=(H,), ips={H: ip}, dry_run=True)
        ),
        "DryRunOperation",
    )
    assert endpoint_ids(consumer) == before
    assert connections(provider, service_id) == []
    endpoint_id = create_endpoint(consumer, service_id, zones=(H,), ips={H: ip})
    assert endpoint_zones(consumer, endpoint_id)[H].eni_ip == ip


def test_dry_run_delete_endpoint_changes_nothing(provider, consumer) -> None:
    endpoint_id = create_endpoint(consumer, create_service(provider))
    refused(
        lambda: consumer.delete_vpc_endpoint(
            pl.DeleteVpcEndpointRequest(region_id=REGION, endpoint_id=endpoint_id, dry_run=True)
        ),
        "DryRunOperation",
    )
    assert get_endpoint(consumer, endpoint_id).endpoint_id == endpoint_id
    assert endpoint_id in endpoint_ids(consumer)


def test_dry_run_breaking_a_rule_gives_the_rules_error(provider, consumer) -> None:
    refused(
        lambda: provider.create_vpc_endpoint_service(
            service_request("lb-provider0004", dry_run=True)
        ),
        "EndpointServiceResourceNotSupported",
    )
    service_id = create_service(provider)
    refused(
        lambda: consumer.create_vpc_endpoint(
            endpoint_request(service_id, zones=(H, J), dry_run=True)
        ),
        "EndpointZoneNotSupported",
    )


# -- ClientToken ---------------------------------------------------------------------------------


def test_client_token_replays_a_service_creation(provider) -> None:
    token = secrets.token_hex(8)
    before = provider_service_ids(provider)
    first = provider.create_vpc_endpoint_service(
        service_request("nlb-provider0001", client_token=token)
    ).body.service_id
    again = provider.create_vpc_endpoint_service(
        service_request("nlb-provider0001", client_token=token)
    ).body.service_id
    assert again == first
    assert provider_service_ids(provider) - before == {first}


def test_client_token_replays_an_endpoint_creation(provider, consumer) -> None:
    service_id = create_service(provider)
    token = secrets.token_hex(8)
    first = create_endpoint(consumer, service_id, client_token=token)
    again = create_endpoint(consumer, service_id, client_token=token)
    assert again == first
    assert [c.endpoint_id for c in connections(provider, service_id)] == [first]


def test_client_token_with_other_parameters_is_refused(provider) -> None:
    token = secrets.token_hex(8)
    provider.create_vpc_endpoint_service(service_request("nlb-provider0001", client_token=token))
    before = provider_service_ids(provider)
    refused(
        lambda: provider.create_vpc_endpoint_service(
            service_request("nlb-provider0002", client_token=token)
        ),
        "IdempotentParameterMismatch",
    )
    assert provider_service_ids(provider) == before


# -- pagination ----------------------------------------------------------------------------------


def all_pages(
    fetch: Callable[[str | None], Any], items: str, id_of: Callable[[Any], str]
) -> tuple[list[str], list[Any]]:
    """Follow NextToken from the first page until it comes back empty."""
    seen: list[str] = []
    totals: list[Any] = []
    token: str | None = None
    for _ in range(1000):
        body = fetch(token)
        page = getattr(body, items) or []
        assert len(page) <= 2
        seen += [id_of(item) for item in page]
        totals.append(body.total_count if hasattr(body, "total_count") else None)
        token = body.next_token
        if not token:
            return seen, totals
    raise AssertionError("NextToken never came back empty")


def assert_each_once(
    seen: list[str], totals: list[Any], wanted: set[str], total_type: type
) -> None:
    assert len(seen) == len(set(seen)), seen
    assert wanted <= set(seen)
    assert all(type(t) is total_type for t in totals), totals
    assert {int(t) for t in totals} == {len(seen)}


@pytest.fixture(scope="module")
def five_endpoints(provider, consumer) -> tuple[str, list[str]]:
    """A service with five endpoints of the consumer."""
    service_id = create_service(provider)
    return service_id, [create_endpoint(consumer, service_id, zones=(H,)) for _ in range(5)]


def test_pagination_of_endpoints(provider, consumer, five_endpoints) -> None:
    service_id, endpoints = five_endpoints
    name = get_service(provider, service_id).service_name
    seen, totals = all_pages(
        lambda token: (
            consumer.list_vpc_endpoints(
                pl.ListVpcEndpointsRequest(
                    region_id=REGION, service_name=name, max_results=2, next_token=token
                )
            ).body
        ),
        "endpoints",
        lambda e: e.endpoint_id,
    )
    assert_each_once(seen, totals, set(endpoints), int)
    assert len(seen) == 5


def test_pagination_of_connections(provider, five_endpoints) -> None:
    service_id, endpoints = five_endpoints
    seen, totals = all_pages(
        lambda token: (
            provider.list_vpc_endpoint_connections(
                pl.ListVpcEndpointConnectionsRequest(
                    region_id=REGION, service_id=service_id, max_results=2, next_token=token
                )
            ).body
        ),
        "connections",
        lambda c: c.endpoint_id,
    )
    assert_each_once(seen, totals, set(endpoints), str)
    assert len(seen) == 5


def test_pagination_of_services(provider, consumer) -> None:
    services = {create_service(provider, wait=False) for _ in range(5)}
    seen, totals = all_pages(
        lambda token: (
            provider.list_vpc_endpoint_services(
                pl.ListVpcEndpointServicesRequest(region_id=REGION, max_results=2, next_token=token)
            ).body
        ),
        "services",
        lambda s: s.service_id,
    )
    assert_each_once(seen, totals, services, int)
    seen, totals = all_pages(
        lambda token: (
            consumer.list_vpc_endpoint_services_by_end_user(
                pl.ListVpcEndpointServicesByEndUserRequest(
                    region_id=REGION, max_results=2, next_token=token
                )
            ).body
        ),
        "services",
        lambda s: s.service_id,
    )
    assert_each_once(seen, totals, services, str)


def test_pagination_of_service_users(provider) -> None:
    service_id = create_service(provider, users=())
    users = {str(1210000000000100 + n) for n in range(4)}
    for user in users:
        add_user(provider, service_id, user)
    seen, totals = all_pages(
        lambda token: (
            provider.list_vpc_endpoint_service_users(
                pl.ListVpcEndpointServiceUsersRequest(
                    region_id=REGION, service_id=service_id, max_results=2, next_token=token
                )
            ).body
        ),
        "users",
        lambda u: str(u.user_id),
    )
    assert_each_once(seen, totals, users | {PROVIDER[2]}, str)
    assert len(seen) == 5


@pytest.mark.parametrize(
    "token",
    ["garbage", "%%%", "AAAA", "Zm9vYmFy"],
    ids=["not-base64", "empty-after-decoding", "nul-bytes", "never-issued"],
)
def test_pagination_token_not_issued_by_the_api_is_refused(provider, token) -> None:
    refused(
        lambda: provider.list_vpc_endpoint_services(
            pl.ListVpcEndpointServicesRequest(region_id=REGION, max_results=2, next_token=token)
        ),
        "InvalidParameter",
    )


@pytest.mark.parametrize("max_results", [0, -1, 1001])
def test_pagination_max_results_out_of_range_is_refused(provider, max_results) -> None:
    refused(
        lambda: provider.list_vpc_endpoint_services(
            pl.ListVpcEndpointServicesRequest(region_id=REGION, max_results=max_results)
        ),
        "InvalidParameter",
    )


# -- legacy signature, unknown actions, tags -----------------------------------------------------


def test_legacy_rpc_signature_lists_services(e2e_server, provider) -> None:
    service_id = create_service(provider, users=())
    legacy = guarded_client(e2e_server.endpoint, PROVIDER, signature_algorithm="v2")
    assert service_id in provider_service_ids(legacy)


def test_legacy_rpc_signature_creates_an_endpoint(e2e_server, provider) -> None:
    service_id = create_service(provider, users=(CONSUMER_UID,))
    legacy = guarded_client(e2e_server.endpoint, CONSUMER, signature_algorithm="v2")
    endpoint_id = create_endpoint(legacy, service_id, endpoint_name="legacy ep/测试*~")
    assert get_endpoint(legacy, endpoint_id).endpoint_name == "legacy ep/测试*~"


def test_unknown_action_answers_a_client_error(provider) -> None:
    params = open_api_models.Params(
        action="DescribeVpcEndpointTeleporters",
        version="2020-04-15",
        protocol="HTTP",
        pathname="/",
        method="POST",
        auth_type="AK",
        style="RPC",
        req_body_type="formData",
        body_type="json",
    )
    request = open_api_models.OpenApiRequest(query=Utils.query({"RegionId": REGION}))
    refused(lambda: provider.call_api(params, request, RuntimeOptions()), "InvalidAction.NotFound")


def test_tags_are_read_back_at_once(provider) -> None:
    service_id = create_service(provider, users=())
    provider.tag_resources(
        pl.TagResourcesRequest(
            region_id=REGION,
            resource_type="vpcendpointservice",
            resource_id=[service_id],
            tag=[pl.TagResourcesRequestTag(key="env", value="dev")],
        )
    )
    body = provider.list_tag_resources(
        pl.ListTagResourcesRequest(
            region_id=REGION, resource_type="vpcendpointservice", resource_id=[service_id]
        )
    ).body
    assert [(t.resource_id, t.tag_key, t.tag_value) for t in body.tag_resources] == [
        (service_id, "env", "dev")
    ]
