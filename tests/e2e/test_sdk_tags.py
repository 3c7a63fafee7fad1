"""Tags and resource groups end to end (STATES §4: at most 20 tags, no 'aliyun' or 'acs:'
prefix), driven by the official SDK against a real server."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from alibabacloud_privatelink20200415 import models as pl

from tests.conftest import Server
from tests.e2e.helpers import (
    REGION,
    H,
    create_endpoint,
    create_service,
    endpoint_ids,
    get_endpoint,
    provider_service_ids,
    refused,
    server_message,
)
from tests.e2e.issue3_helpers import control_plane_server

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def e2e_server(database_url: str) -> Iterator[Server]:
    """The module's server (overriding the shared one): the control plane only."""
    with control_plane_server(database_url) as srv:
        yield srv


ENDPOINT = "vpcendpoint"


@pytest.fixture(scope="module")
def service_id(provider) -> str:
    return create_service(provider, "nlb-provider0001")


def new_endpoint(consumer: Any, service_id: str) -> str:
    return create_endpoint(consumer, service_id, zones=(H,))


def tag(
    client: Any, ids: list[str], pairs: list[tuple[str, str]], resource_type: str = ENDPOINT
) -> None:
    client.tag_resources(
        pl.TagResourcesRequest(
            region_id=REGION,
            resource_type=resource_type,
            resource_id=ids,
            tag=[pl.TagResourcesRequestTag(key=k, value=v) for k, v in pairs],
        )
    )


def untag(
    client: Any, ids: list[str], keys: list[str] | None = None, all_tags: bool | None = None
) -> None:
    client.untag_resources(
        pl.UntagResourcesRequest(
            region_id=REGION, resource_type=ENDPOINT, resource_id=ids, tag_key=keys, all=all_tags
        )
    )


def tag_pages(client: Any, ids: list[str]) -> list[list[tuple[str, str, str]]]:
    """Every page of ListTagResources for ``ids``, following NextToken."""
    pages: list[list[tuple[str, str, str]]] = []
    token = None
    while True:
        body = client.list_tag_resources(
            pl.ListTagResourcesRequest(
                region_id=REGION, resource_type=ENDPOINT, resource_id=ids, next_token=token
            )
        ).body
        pages.append([(t.resource_id, t.tag_key, t.tag_value) for t in body.tag_resources])
        assert all(t.resource_type == ENDPOINT for t in body.tag_resources)
        token = body.next_token
        if not token:
            return pages
        assert len(pages) < 10, "NextToken never ends"


def listed_tags(client: Any, endpoint_id: str) -> dict[str, str]:
    body = client.list_vpc_endpoints(
        pl.ListVpcEndpointsRequest(region_id=REGION, endpoint_id=endpoint_id)
    ).body
    (endpoint,) = body.endpoints
    return {t.key: t.value for t in endpoint.tags or []}


def twenty(prefix: str) -> list[tuple[str, str]]:
    return [(f"k{n:02d}", f"{prefix}-v{n:02d}") for n in range(20)]


def test_tags_of_three_endpoints_come_back_once_each_across_pages(consumer, service_id) -> None:
    ids = [new_endpoint(consumer, service_id) for _ in range(3)]
    expected = set()
    for endpoint_id in ids:
        tag(consumer, [endpoint_id], twenty(endpoint_id))
        expected |= {(endpoint_id, k, v) for k, v in twenty(endpoint_id)}
    pages = tag_pages(consumer, ids)
    pairs = [pair for page in pages for pair in page]
    assert len(pages) > 1
    assert len(pairs) == len(set(pairs)) == 60
    assert set(pairs) == expected


def test_tagging_several_endpoints_in_one_call_tags_each(consumer, service_id) -> None:
    ids = [new_endpoint(consumer, service_id) for _ in range(2)]
    tag(consumer, ids, [("team", "orders")])
    assert all(listed_tags(consumer, e) == {"team": "orders"} for e in ids)


def test_tag_filters_on_list_vpc_endpoints(consumer, service_id) -> None:
    marked, other = new_endpoint(consumer, service_id), new_endpoint(consumer, service_id)
    value = secrets.token_hex(4)
    tag(consumer, [marked], [("filter-me", value)])
    tag(consumer, [other], [("filter-me", "something-else")])
    by_pair = endpoint_ids(
        consumer, tag=[pl.ListVpcEndpointsRequestTag(key="filter-me", value=value)]
    )
    assert by_pair == {marked}
    by_key = endpoint_ids(consumer, tag=[pl.ListVpcEndpointsRequestTag(key="filter-me")])
    assert {marked, other} <= by_key


def test_untagging_by_key_removes_only_that_key(consumer, service_id) -> None:
    endpoint_id = new_endpoint(consumer, service_id)
    tag(consumer, [endpoint_id], [("keep", "1"), ("drop", "2")])
    untag(consumer, [endpoint_id], keys=["drop"])
    assert listed_tags(consumer, endpoint_id) == {"keep": "1"}


def test_untagging_with_all_removes_every_tag(consumer, service_id) -> None:
    endpoint_id = new_endpoint(consumer, service_id)
    tag(consumer, [endpoint_id], twenty("all"))
    untag(consumer, [endpoint_id], all_tags=True)
    assert listed_tags(consumer, endpoint_id) == {}
    assert tag_pages(consumer, [endpoint_id]) == [[]]


def test_a_tag_key_starting_with_aliyun_is_refused(consumer, service_id) -> None:
    endpoint_id = new_endpoint(consumer, service_id)
    refused(lambda: tag(consumer, [endpoint_id], [("aliyun-owner", "x")]), "InvalidTagKey")
    assert listed_tags(consumer, endpoint_id) == {}


def test_a_twenty_first_tag_is_refused(consumer, service_id) -> None:
    endpoint_id = new_endpoint(consumer, service_id)
    tag(consumer, [endpoint_id], twenty("full"))
    refused(lambda: tag(consumer, [endpoint_id], [("k20", "one-too-many")]), "QuotaExceeded.TagNum")
    assert len(listed_tags(consumer, endpoint_id)) == 20


def test_twenty_one_tags_at_once_are_refused(consumer, service_id) -> None:
    endpoint_id = new_endpoint(consumer, service_id)
    # refused as a request (Tag.21 is past the list's limit) or by the tag rule: either way 4xx
    error = refused(lambda: tag(consumer, [endpoint_id], [*twenty("x"), ("k20", "x")]))
    assert "Tag" in server_message(error)
    assert listed_tags(consumer, endpoint_id) == {}


def test_another_account_cannot_tag_an_endpoint(provider, consumer, service_id) -> None:
    endpoint_id = new_endpoint(consumer, service_id)
    refused(lambda: tag(provider, [endpoint_id], [("team", "x")]), "EndpointNotFound")
    assert listed_tags(consumer, endpoint_id) == {}


def test_service_tags_round_trip(provider) -> None:
    service_id = create_service(provider, "nlb-provider0001", users=())
    tag(provider, [service_id], [("tier", "gold")], resource_type="vpcendpointservice")
    body = provider.list_tag_resources(
        pl.ListTagResourcesRequest(
            region_id=REGION, resource_type="vpcendpointservice", resource_id=[service_id]
        )
    ).body
    assert [(t.resource_id, t.tag_key, t.tag_value) for t in body.tag_resources] == [
        (service_id, "tier", "gold")
    ]


# -- resource groups -------------------------------------------------------------------------


def change_group(client: Any, resource_type: str, resource_id: str, group: str) -> None:
    client.change_resource_group(
        pl.ChangeResourceGroupRequest(
            resource_type=resource_type, resource_id=resource_id, resource_group_id=group
        )
    )


def test_change_resource_group_then_filter_endpoints_by_it(consumer, service_id) -> None:
    endpoint_id = new_endpoint(consumer, service_id)
    group = f"rg-{secrets.token_hex(8)}"
    change_group(consumer, "VpcEndpoint", endpoint_id, group)
    assert get_endpoint(consumer, endpoint_id).resource_group_id == group
    assert endpoint_ids(consumer, resource_group_id=group) == {endpoint_id}


def test_change_resource_group_then_filter_services_by_it(provider) -> None:
    service_id = create_service(provider, "nlb-provider0001", users=())
    group = f"rg-{secrets.token_hex(8)}"
    change_group(provider, "VpcEndpointService", service_id, group)
    body = provider.list_vpc_endpoint_services(
        pl.ListVpcEndpointServicesRequest(region_id=REGION, resource_group_id=group)
    ).body
    assert [s.service_id for s in body.services] == [service_id]
    assert service_id in provider_service_ids(provider)
