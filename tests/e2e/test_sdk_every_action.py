"""Every action of the reference (``privatelink-2020-04-15.api.json``, 39 of them) called at
least once through the official SDK, in the order a user would: each answer parses into the
SDK's model with every response field the reference lists present, and none answers
UnsupportedOperation or a 5xx."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from alibabacloud_privatelink20200415 import models as pl
from alibabacloud_tea_openapi.exceptions import ClientException

from tests.conftest import CONSUMER, PROVIDER, Server
from tests.e2e.helpers import (
    CONSUMER_UID,
    REGION,
    VSWITCH,
    H,
    I,
    guarded_client,
    wait_until,
)
from tests.e2e.issue3_helpers import control_plane_server
from tests.reference import API_JSON

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def e2e_server(database_url: str) -> Iterator[Server]:
    """The module's server (overriding the shared one): the control plane only."""
    with control_plane_server(database_url) as srv:
        yield srv


REFERENCE = API_JSON

SPECS: dict[str, dict[str, Any]] = {
    a["action"]: a for a in json.loads(REFERENCE.read_text(encoding="utf-8"))["actions"]
}

# Response fields that are genuinely absent in the case this test drives, and why.
OPTIONAL = {
    # Only inter-region endpoints have an inter-region bandwidth (XR-6); this one is not.
    ("CreateVpcEndpoint", "CrossRegionBandwidth"),
    ("GetVpcEndpointAttribute", "CrossRegionBandwidth"),
    ("ListVpcEndpoints", "Endpoints[].CrossRegionBandwidth"),
}


def missing_fields(
    value: Any, fields: list[dict[str, Any]], action: str, path: str = ""
) -> list[str]:
    """Paths of the reference's fields that the parsed model leaves None (allow-list aside);
    nested objects and lists of objects are walked item by item."""
    missing = []
    for field in fields:
        where = f"{path}{field['key']}"
        found = getattr(value, field["attr"], None)
        if found is None:
            if (action, where) not in OPTIONAL:
                missing.append(where)
            continue
        children = field.get("children") or []
        if field["kind"] == "list" and children:
            for item in found:
                missing += missing_fields(item, children, action, f"{where}[].")
        elif field["kind"] == "object" and children:
            missing += missing_fields(found, children, action, f"{where}.")
    return missing


class Caller:
    """Calls actions through an SDK client and checks each answer against the reference."""

    def __init__(self, client: Any, called: set[str]) -> None:
        self.client = client
        self.called = called

    def __call__(self, action: str, request: Any = None) -> Any:
        spec = SPECS[action]
        method = getattr(self.client, spec["method_name"])
        try:
            response = method() if spec["request_model"] is None else method(request)
        except ClientException as error:  # a 5xx is a ServerException, caught by the guard
            assert error.code != "UnsupportedOperation", f"{action} is not implemented"
            raise AssertionError(f"{action} refused: {error.code} {error.data}") from None
        self.called.add(action)
        assert type(response.body).__name__ == spec["response_body_model"], action
        missing = missing_fields(response.body, spec["response"], action)
        assert not missing, f"{action} answered without {missing}: {response.body.to_map()}"
        return response.body

    def until(self, action: str, request: Any, predicate: Callable[[Any], bool]) -> Any:
        return wait_until(lambda: self(action, request), predicate)


def test_every_action_answers_in_the_shape_of_its_sdk_model(e2e_server) -> None:
    called: set[str] = set()
    provider = Caller(guarded_client(e2e_server.endpoint, PROVIDER), called)
    consumer = Caller(guarded_client(e2e_server.endpoint, CONSUMER), called)
    r = {"region_id": REGION}

    # account and geography
    provider("OpenPrivateLinkService", pl.OpenPrivateLinkServiceRequest())
    provider("CheckProductOpen")
    provider("DescribeRegions", pl.DescribeRegionsRequest(**r))
    provider("DescribeZones", pl.DescribeZonesRequest(**r))

    # the provider's service, whitelist and resources
    service_id = provider(
        "CreateVpcEndpointService",
        pl.CreateVpcEndpointServiceRequest(
            **r,
            service_description="every action",
            supported_region_list=["cn-shanghai"],
            resource=[
                pl.CreateVpcEndpointServiceRequestResource(
                    resource_id="nlb-provider0001", resource_type="nlb"
                )
            ],
        ),
    ).service_id
    service = {**r, "service_id": service_id}
    provider.until(
        "GetVpcEndpointServiceAttribute",
        pl.GetVpcEndpointServiceAttributeRequest(**service),
        lambda body: body.service_status == "Active",
    )
    provider(
        "UpdateVpcEndpointServiceAttribute",
        pl.UpdateVpcEndpointServiceAttributeRequest(
            **service, service_description="every action, updated"
        ),
    )
    provider(
        "AddUserToVpcEndpointService",
        pl.AddUserToVpcEndpointServiceRequest(**service, user_id=int(CONSUMER_UID)),
    )
    provider(
        "AddUserToVpcEndpointService",
        pl.AddUserToVpcEndpointServiceRequest(**service, user_arn="*"),
    )
    users = provider(
        "ListVpcEndpointServiceUsers", pl.ListVpcEndpointServiceUsersRequest(**service)
    )
    assert users.users and users.user_arns
    provider(
        "AttachResourceToVpcEndpointService",
        pl.AttachResourceToVpcEndpointServiceRequest(
            **service, resource_id="nlb-provider0002", resource_type="nlb"
        ),
    )
    assert provider(
        "ListVpcEndpointServiceResources", pl.ListVpcEndpointServiceResourcesRequest(**service)
    ).resources
    provider(
        "UpdateVpcEndpointServiceResourceAttribute",
        pl.UpdateVpcEndpointServiceResourceAttributeRequest(
            **service, resource_id="nlb-provider0002", zone_id=I, auto_allocated_enabled=False
        ),
    )
    provider(
        "TagResources",
        pl.TagResourcesRequest(
            **r,
            resource_type="vpcendpointservice",
            resource_id=[service_id],
            tag=[pl.TagResourcesRequestTag(key="suite", value="every-action")],
        ),
    )
    assert provider(
        "ListVpcEndpointServices", pl.ListVpcEndpointServicesRequest(**service)
    ).services
    assert consumer(
        "ListVpcEndpointServicesByEndUser", pl.ListVpcEndpointServicesByEndUserRequest(**service)
    ).services

    # the consumer's endpoint, its zones and security groups
    endpoint_id = consumer(
        "CreateVpcEndpoint",
        pl.CreateVpcEndpointRequest(
            **service,
            vpc_id="vpc-consumer0001",
            security_group_id=["sg-consumer0001"],
            zone=[pl.CreateVpcEndpointRequestZone(zone_id=H, v_switch_id=VSWITCH[H])],
            tag=[pl.CreateVpcEndpointRequestTag(key="suite", value="every-action")],
        ),
    ).endpoint_id
    endpoint = {**r, "endpoint_id": endpoint_id}
    consumer("GetVpcEndpointAttribute", pl.GetVpcEndpointAttributeRequest(**endpoint))
    consumer(
        "UpdateVpcEndpointAttribute",
        pl.UpdateVpcEndpointAttributeRequest(**endpoint, endpoint_name="every-action"),
    )
    consumer(
        "AddZoneToVpcEndpoint",
        pl.AddZoneToVpcEndpointRequest(**endpoint, zone_id=I, v_switch_id=VSWITCH[I]),
    )
    assert (
        len(consumer("ListVpcEndpointZones", pl.ListVpcEndpointZonesRequest(**endpoint)).zones) == 2
    )
    consumer(
        "AttachSecurityGroupToVpcEndpoint",
        pl.AttachSecurityGroupToVpcEndpointRequest(**endpoint, security_group_id="sg-consumer0002"),
    )
    assert consumer(
        "ListVpcEndpointSecurityGroups", pl.ListVpcEndpointSecurityGroupsRequest(**endpoint)
    ).security_groups
    consumer(
        "DetachSecurityGroupFromVpcEndpoint",
        pl.DetachSecurityGroupFromVpcEndpointRequest(
            **endpoint, security_group_id="sg-consumer0002"
        ),
    )
    assert consumer("ListVpcEndpoints", pl.ListVpcEndpointsRequest(**endpoint)).endpoints

    # the provider's side of the connection, whole and per zone
    link = {**service, "endpoint_id": endpoint_id}
    provider(
        "EnableVpcEndpointConnection", pl.EnableVpcEndpointConnectionRequest(**link, bandwidth=2000)
    )
    listing = pl.ListVpcEndpointConnectionsRequest(**link)
    provider.until(
        "ListVpcEndpointConnections",
        listing,
        lambda body: body.connections[0].connection_status == "Connected",
    )
    provider(
        "UpdateVpcEndpointConnectionAttribute",
        pl.UpdateVpcEndpointConnectionAttributeRequest(**link, bandwidth=3000),
    )
    provider(
        "DisableVpcEndpointZoneConnection",
        pl.DisableVpcEndpointZoneConnectionRequest(**link, zone_id=I),
    )
    provider.until(
        "ListVpcEndpointConnections", listing, lambda body: zone_status(body, I) == "Disconnected"
    )
    provider(
        "UpdateVpcEndpointZoneConnectionResourceAttribute",
        pl.UpdateVpcEndpointZoneConnectionResourceAttributeRequest(
            **link,
            zone_id=I,
            resource_allocate_mode="Manual",
            resource_id="nlb-provider0001",
            resource_type="nlb",
        ),
    )
    provider(
        "EnableVpcEndpointZoneConnection",
        pl.EnableVpcEndpointZoneConnectionRequest(**link, zone_id=I),
    )
    provider.until(
        "ListVpcEndpointConnections", listing, lambda body: zone_status(body, I) == "Connected"
    )

    # tags and resource groups
    tagged = {**r, "resource_type": "vpcendpoint", "resource_id": [endpoint_id]}
    consumer(
        "TagResources",
        pl.TagResourcesRequest(
            **tagged, tag=[pl.TagResourcesRequestTag(key="team", value="orders")]
        ),
    )
    assert consumer("ListTagResources", pl.ListTagResourcesRequest(**tagged)).tag_resources
    consumer("UntagResources", pl.UntagResourcesRequest(**tagged, all=True))
    consumer(
        "ChangeResourceGroup",
        pl.ChangeResourceGroupRequest(
            resource_type="VpcEndpoint", resource_id=endpoint_id, resource_group_id="rg-every"
        ),
    )

    # and everything taken down again
    consumer(
        "RemoveZoneFromVpcEndpoint", pl.RemoveZoneFromVpcEndpointRequest(**endpoint, zone_id=I)
    )
    provider("DisableVpcEndpointConnection", pl.DisableVpcEndpointConnectionRequest(**link))
    provider.until(
        "ListVpcEndpointConnections",
        listing,
        lambda body: body.connections[0].connection_status == "Disconnected",
    )
    consumer("DeleteVpcEndpoint", pl.DeleteVpcEndpointRequest(**endpoint))
    provider(
        "RemoveUserFromVpcEndpointService",
        pl.RemoveUserFromVpcEndpointServiceRequest(**service, user_arn="*"),
    )
    provider(
        "UpdateVpcEndpointServiceAttribute",
        pl.UpdateVpcEndpointServiceAttributeRequest(
            **service, delete_supported_region_set=["cn-shanghai"]
        ),
    )  # XR-2 before detaching all
    for resource_id in ("nlb-provider0002", "nlb-provider0001"):
        provider(
            "DetachResourceFromVpcEndpointService",
            pl.DetachResourceFromVpcEndpointServiceRequest(
                **service, resource_id=resource_id, resource_type="nlb"
            ),
        )
    provider("DeleteVpcEndpointService", pl.DeleteVpcEndpointServiceRequest(**service))

    assert sorted(set(SPECS) - called) == []
    assert len(SPECS) == 39


def zone_status(body: Any, zone_id: str) -> str | None:
    zones = {z.zone_id: z.zone_status for z in body.connections[0].zones}
    return zones.get(zone_id)
