"""The user guide's provider/consumer flow, written once against ``drivers.Driver`` so that
every real client runs exactly the same steps: create a service (manual acceptance),
whitelist, discover as the end user, create an endpoint, poll, allow, set bandwidth, list
zones, tags, pagination, deny, delete, and the error answers (wrong secret, missing id,
DryRun)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.e2e.drivers import CloudError, Driver
from tests.e2e.helpers import CONSUMER_UID, CONSUMER_VPC, REGION, VSWITCH, H, I, wait_until

Body = dict[str, Any]


def refused(call: Callable[[], object], *codes: str) -> CloudError:
    """Run ``call``; it must be refused with one of ``codes`` and a 4xx status (when the
    client reports one)."""
    with pytest.raises(CloudError) as info:
        call()
    error = info.value
    assert error.code in codes, error
    assert error.status is None or 400 <= error.status < 500, error
    return error


def service_of(client: Driver, service_id: str) -> Body:
    return client.call(
        "GetVpcEndpointServiceAttribute", {"RegionId": REGION, "ServiceId": service_id}
    )


def endpoint_of(client: Driver, endpoint_id: str) -> Body:
    return client.call("GetVpcEndpointAttribute", {"RegionId": REGION, "EndpointId": endpoint_id})


def connection_of(provider: Driver, service_id: str, endpoint_id: str) -> Body:
    body = provider.call(
        "ListVpcEndpointConnections",
        {"RegionId": REGION, "ServiceId": service_id, "EndpointId": endpoint_id},
    )
    (found,) = body["Connections"]
    return dict(found)


def create_service(provider: Driver, **options: Any) -> str:
    body = provider.call(
        "CreateVpcEndpointService",
        {
            "RegionId": REGION,
            "AutoAcceptEnabled": False,
            "ServiceResourceType": "nlb",
            "Resource": [{"ResourceId": "nlb-provider0001", "ResourceType": "nlb"}],
            **options,
        },
    )
    service_id = str(body["ServiceId"])
    assert service_id.startswith("epsrv-"), body
    wait_until(lambda: service_of(provider, service_id)["ServiceStatus"], lambda s: s == "Active")
    return service_id


def run_user_guide(provider: Driver, consumer: Driver) -> None:
    """The whole guide; every call goes through the drivers' real clients."""
    # Provider: a service with manual acceptance, the consumer's account whitelisted.
    service_id = create_service(provider)
    assert service_of(provider, service_id)["AutoAcceptEnabled"] is False
    provider.call(
        "AddUserToVpcEndpointService",
        {"RegionId": REGION, "ServiceId": service_id, "UserId": int(CONSUMER_UID)},
    )
    users = provider.call(
        "ListVpcEndpointServiceUsers", {"RegionId": REGION, "ServiceId": service_id}
    )["Users"]
    assert CONSUMER_UID in {str(u["UserId"]) for u in users}, users

    # Consumer: discovers it, creates an endpoint, polls until the request waits.
    offered = consumer.call(
        "ListVpcEndpointServicesByEndUser", {"RegionId": REGION, "ServiceId": service_id}
    )["Services"]
    assert [s["ServiceId"] for s in offered] == [service_id]
    created = consumer.call(
        "CreateVpcEndpoint",
        {
            "RegionId": REGION,
            "VpcId": CONSUMER_VPC,
            "ServiceId": service_id,
            "EndpointName": "guide ep/测试*~",
            "SecurityGroupId": ["sg-consumer0001"],
            "Zone": [
                {"ZoneId": H, "VSwitchId": VSWITCH[H]},
                {"ZoneId": I, "VSwitchId": VSWITCH[I]},
            ],
        },
    )
    endpoint_id = str(created["EndpointId"])
    assert created["EndpointName"] == "guide ep/测试*~"
    wait_until(
        lambda: endpoint_of(consumer, endpoint_id),
        lambda e: e["EndpointStatus"] == "Active" and e["ConnectionStatus"] == "Pending",
    )

    # Provider: allows it; the consumer sees it connected; bandwidth is changed.
    assert connection_of(provider, service_id, endpoint_id)["ConnectionStatus"] == "Pending"
    provider.call(
        "EnableVpcEndpointConnection",
        {"RegionId": REGION, "ServiceId": service_id, "EndpointId": endpoint_id},
    )
    wait_until(
        lambda: endpoint_of(consumer, endpoint_id)["ConnectionStatus"], lambda s: s == "Connected"
    )
    provider.call(
        "UpdateVpcEndpointConnectionAttribute",
        {"RegionId": REGION, "ServiceId": service_id, "EndpointId": endpoint_id, "Bandwidth": 1024},
    )
    wait_until(
        lambda: connection_of(provider, service_id, endpoint_id)["Bandwidth"],
        lambda b: int(b) == 1024,
    )

    # Consumer: the endpoint's zones, each connected with an ENI.
    zones = consumer.call("ListVpcEndpointZones", {"RegionId": REGION, "EndpointId": endpoint_id})[
        "Zones"
    ]
    assert sorted(z["ZoneId"] for z in zones) == [H, I]
    assert all(z["ZoneStatus"] == "Connected" and z["EniId"].startswith("eni-") for z in zones)

    # Tags: set, read back, removed.
    consumer.call(
        "TagResources",
        {
            "RegionId": REGION,
            "ResourceType": "vpcendpoint",
            "ResourceId": [endpoint_id],
            "Tag": [{"Key": "env", "Value": "guide"}],
        },
    )
    tags = consumer.call(
        "ListTagResources",
        {"RegionId": REGION, "ResourceType": "vpcendpoint", "ResourceId": [endpoint_id]},
    )
    assert [(t["ResourceId"], t["TagKey"], t["TagValue"]) for t in tags["TagResources"]] == [
        (endpoint_id, "env", "guide")
    ]
    consumer.call(
        "UntagResources",
        {
            "RegionId": REGION,
            "ResourceType": "vpcendpoint",
            "ResourceId": [endpoint_id],
            "TagKey": ["env"],
        },
    )
    assert (
        consumer.call(
            "ListTagResources",
            {"RegionId": REGION, "ResourceType": "vpcendpoint", "ResourceId": [endpoint_id]},
        ).get("TagResources", [])
        == []
    )

    # Pagination: two services, one per page, the token carries to the next.
    second = create_service(provider)
    seen = paginate(provider, "ListVpcEndpointServices", "Services", "ServiceId")
    assert {service_id, second} <= set(seen)
    assert len(seen) == len(set(seen))

    # Provider denies; consumer deletes; provider detaches and deletes.
    provider.call(
        "DisableVpcEndpointConnection",
        {"RegionId": REGION, "ServiceId": service_id, "EndpointId": endpoint_id},
    )
    wait_until(
        lambda: endpoint_of(consumer, endpoint_id)["ConnectionStatus"],
        lambda s: s == "Disconnected",
    )
    consumer.call("DeleteVpcEndpoint", {"RegionId": REGION, "EndpointId": endpoint_id})
    for sid in (service_id, second):
        provider.call(
            "DetachResourceFromVpcEndpointService",
            {
                "RegionId": REGION,
                "ServiceId": sid,
                "ResourceId": "nlb-provider0001",
                "ResourceType": "nlb",
            },
        )
        provider.call("DeleteVpcEndpointService", {"RegionId": REGION, "ServiceId": sid})
    refused(lambda: endpoint_of(consumer, endpoint_id), "EndpointNotFound")
    refused(lambda: service_of(provider, service_id), "EndpointServiceNotFound")


def paginate(client: Driver, action: str, key: str, field: str) -> list[str]:
    """Every item of a list action, one per page."""
    ids: list[str] = []
    token: str | None = None
    for _ in range(1000):
        params: dict[str, Any] = {"RegionId": REGION, "MaxResults": 1}
        if token:
            params["NextToken"] = token
        page = client.call(action, params)
        assert len(page[key]) <= 1
        ids += [item[field] for item in page[key]]
        token = page.get("NextToken") or None
        if not token:
            return ids
    raise AssertionError("pagination did not end")


def run_error_answers(provider: Driver, wrong_secret_codes: tuple[str, ...]) -> None:
    """Wrong secret, an id that does not exist, DryRun: each in the cloud's code."""
    wrong = provider.with_secret("not-the-secret")
    refused(
        lambda: wrong.call("ListVpcEndpointServices", {"RegionId": REGION}), *wrong_secret_codes
    )
    refused(lambda: service_of(provider, "epsrv-doesnotexist0000"), "EndpointServiceNotFound")
    refused(
        lambda: provider.call(
            "CreateVpcEndpointService",
            {
                "RegionId": REGION,
                "DryRun": True,
                "ServiceResourceType": "nlb",
                "Resource": [{"ResourceId": "nlb-provider0001", "ResourceType": "nlb"}],
            },
        ),
        "DryRunOperation",
    )
