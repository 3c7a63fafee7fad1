"""What the end-to-end tests share: SDK clients that record every 5xx they see, a polling
helper for the asynchronous states, and small builders for services and endpoints.

The builders always go through the official SDK, exactly as a user would.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from ipaddress import ip_address, ip_network
from typing import Any, TypeVar

import pytest
from alibabacloud_privatelink20200415 import models as pl
from alibabacloud_tea_openapi.exceptions import AlibabaCloudException, ClientException

from tests.conftest import CONSUMER, OUTSIDER, PROVIDER, sdk_client

T = TypeVar("T")

REGION = "cn-hangzhou"
H, I, J = "cn-hangzhou-h", "cn-hangzhou-i", "cn-hangzhou-j"
CONSUMER_VPC = "vpc-consumer0001"
VSWITCH = {H: "vsw-consumer-h", I: "vsw-consumer-i", J: "vsw-consumer-j"}
CIDR = {H: "127.16.1.0/24", I: "127.16.2.0/24", J: "127.16.3.0/24"}
DOMAIN_SUFFIX = "privatelink.aliyuncs.com"
PROVIDER_UID, CONSUMER_UID, OUTSIDER_UID = PROVIDER[2], CONSUMER[2], OUTSIDER[2]
KEYS = {"provider": PROVIDER, "consumer": CONSUMER, "outsider": OUTSIDER}

SERVER_ERRORS: list[str] = []
"""Every 5xx any client saw during the current test (the autouse guard asserts it stays empty)."""


# -- clients ---------------------------------------------------------------------------------


def guarded_client(endpoint: str, key: tuple[str, str, str], **config: object) -> Any:
    """An SDK client (``sdk_client``) whose every 5xx answer is recorded in SERVER_ERRORS."""
    client = sdk_client(endpoint, key, **config)
    original = client.call_api

    def call_api(params: Any, request: Any, runtime: Any) -> Any:
        try:
            return original(params, request, runtime)
        except AlibabaCloudException as error:
            if (error.status_code or 0) >= 500:
                SERVER_ERRORS.append(
                    f"{params.action}: HTTP {error.status_code} {error.code} {error.data}"
                )
            raise

    client.call_api = call_api
    return client


# -- waiting and refusals --------------------------------------------------------------------


def wait_until(fn: Callable[[], T], predicate: Callable[[T], bool], timeout: float = 10) -> T:
    """Poll ``fn`` every 50 ms until ``predicate`` holds for its answer; return that answer."""
    deadline = time.monotonic() + timeout
    while True:
        value = fn()
        if predicate(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s; last value: {value!r}")
        time.sleep(0.05)


def refused(call: Callable[[], object], code: str | None = None) -> ClientException:
    """Run ``call``, expecting a 4xx ClientException (with ``code`` when given)."""
    with pytest.raises(ClientException) as info:
        call()
    error = info.value
    assert 400 <= error.status_code < 500, error.data
    if code is not None:
        assert error.code == code, error.data
    return error


def server_message(error: ClientException) -> str:
    """The ``Message`` the server sent (the SDK's ``message`` adds status and request id)."""
    return str(error.data["Message"])


# -- services (provider side) -----------------------------------------------------------------


def resource_type(resource_id: str) -> str:
    for prefix, kind in (("nlb-", "nlb"), ("alb-", "alb"), ("gwlb-", "gwlb"), ("lb-", "slb")):
        if resource_id.startswith(prefix):
            return kind
    raise ValueError(resource_id)


def service_request(*resources: str, **options: Any) -> pl.CreateVpcEndpointServiceRequest:
    return pl.CreateVpcEndpointServiceRequest(
        region_id=REGION,
        resource=[
            pl.CreateVpcEndpointServiceRequestResource(
                resource_id=r, resource_type=resource_type(r)
            )
            for r in resources or ("nlb-provider0001",)
        ],
        **options,
    )


def create_service(
    provider: Any,
    *resources: str,
    users: Iterable[str] = (CONSUMER_UID,),
    wait: bool = True,
    **options: Any,
) -> str:
    """A new service (nlb-provider0001 unless named), whitelisting ``users``; its id."""
    service_id: str = provider.create_vpc_endpoint_service(
        service_request(*resources, **options)
    ).body.service_id
    for user in users:
        add_user(provider, service_id, user)
    if wait:
        wait_until(
            lambda: get_service(provider, service_id).service_status,
            lambda status: status == "Active",
        )
    return service_id


def get_service(client: Any, service_id: str) -> Any:
    return client.get_vpc_endpoint_service_attribute(
        pl.GetVpcEndpointServiceAttributeRequest(region_id=REGION, service_id=service_id)
    ).body


def add_user(provider: Any, service_id: str, user: str) -> None:
    request = pl.AddUserToVpcEndpointServiceRequest(region_id=REGION, service_id=service_id)
    if user.isdigit():
        request.user_id = int(user)
    else:
        request.user_arn = user
    provider.add_user_to_vpc_endpoint_service(request)


def remove_user(provider: Any, service_id: str, user: str) -> None:
    request = pl.RemoveUserFromVpcEndpointServiceRequest(region_id=REGION, service_id=service_id)
    if user.isdigit():
        request.user_id = int(user)
    else:
        request.user_arn = user
    provider.remove_user_from_vpc_endpoint_service(request)


def update_service(provider: Any, service_id: str, **changes: Any) -> None:
    provider.update_vpc_endpoint_service_attribute(
        pl.UpdateVpcEndpointServiceAttributeRequest(
            region_id=REGION, service_id=service_id, **changes
        )
    )


def detach_resource(provider: Any, service_id: str, resource_id: str) -> None:
    provider.detach_resource_from_vpc_endpoint_service(
        pl.DetachResourceFromVpcEndpointServiceRequest(
            region_id=REGION,
            service_id=service_id,
            resource_id=resource_id,
            resource_type=resource_type(resource_id),
        )
    )


def delete_service(provider: Any, service_id: str) -> None:
    provider.delete_vpc_endpoint_service(
        pl.DeleteVpcEndpointServiceRequest(region_id=REGION, service_id=service_id)
    )


def provider_service_ids(client: Any) -> set[str]:
    body = client.list_vpc_endpoint_services(
        pl.ListVpcEndpointServicesRequest(region_id=REGION, max_results=1000)
    ).body
    return {s.service_id for s in body.services}


def visible_service_ids(client: Any) -> set[str]:
    body = client.list_vpc_endpoint_services_by_end_user(
        pl.ListVpcEndpointServicesByEndUserRequest(region_id=REGION, max_results=1000)
    ).body
    return {s.service_id for s in body.services}


# -- connections (provider side) --------------------------------------------------------------


def connections(provider: Any, service_id: str, endpoint_id: str | None = None) -> list[Any]:
    return list(
        provider.list_vpc_endpoint_connections(
            pl.ListVpcEndpointConnectionsRequest(
                region_id=REGION, service_id=service_id, endpoint_id=endpoint_id
            )
        ).body.connections
    )


def connection(provider: Any, service_id: str, endpoint_id: str) -> Any:
    (found,) = connections(provider, service_id, endpoint_id)
    return found


def allow(provider: Any, service_id: str, endpoint_id: str) -> None:
    provider.enable_vpc_endpoint_connection(
        pl.EnableVpcEndpointConnectionRequest(
            region_id=REGION, service_id=service_id, endpoint_id=endpoint_id
        )
    )


def deny(provider: Any, service_id: str, endpoint_id: str) -> None:
    provider.disable_vpc_endpoint_connection(
        pl.DisableVpcEndpointConnectionRequest(
            region_id=REGION, service_id=service_id, endpoint_id=endpoint_id
        )
    )


# -- endpoints (consumer side) ----------------------------------------------------------------


def zone(zone_id: str, ip: str | None = None) -> pl.CreateVpcEndpointRequestZone:
    return pl.CreateVpcEndpointRequestZone(zone_id=zone_id, v_switch_id=VSWITCH[zone_id], ip=ip)


def endpoint_request(
    service_id: str | None,
    zones: Sequence[str] = (H, I),
    ips: dict[str, str] | None = None,
    security_groups: Sequence[str] = ("sg-consumer0001",),
    **options: Any,
) -> pl.CreateVpcEndpointRequest:
    ips = ips or {}
    return pl.CreateVpcEndpointRequest(
        region_id=REGION,
        vpc_id=CONSUMER_VPC,
        service_id=service_id,
        zone=[zone(z, ips.get(z)) for z in zones],
        security_group_id=list(security_groups),
        **options,
    )


def create_endpoint(
    consumer: Any,
    service_id: str | None,
    zones: Sequence[str] = (H, I),
    ips: dict[str, str] | None = None,
    **options: Any,
) -> str:
    """A new endpoint in vpc-consumer0001 (zones h and i unless named); its id."""
    body = consumer.create_vpc_endpoint(endpoint_request(service_id, zones, ips, **options)).body
    return str(body.endpoint_id)


def get_endpoint(client: Any, endpoint_id: str) -> Any:
    return client.get_vpc_endpoint_attribute(
        pl.GetVpcEndpointAttributeRequest(region_id=REGION, endpoint_id=endpoint_id)
    ).body


def endpoint_zones(consumer: Any, endpoint_id: str) -> dict[str, Any]:
    body = consumer.list_vpc_endpoint_zones(
        pl.ListVpcEndpointZonesRequest(region_id=REGION, endpoint_id=endpoint_id)
    ).body
    return {z.zone_id: z for z in body.zones}


def delete_endpoint(consumer: Any, endpoint_id: str) -> None:
    consumer.delete_vpc_endpoint(
        pl.DeleteVpcEndpointRequest(region_id=REGION, endpoint_id=endpoint_id)
    )


def endpoint_ids(client: Any, **filters: Any) -> set[str]:
    body = client.list_vpc_endpoints(
        pl.ListVpcEndpointsRequest(region_id=REGION, max_results=1000, **filters)
    ).body
    return {e.endpoint_id for e in body.endpoints}


def wait_connection(consumer: Any, endpoint_id: str, status: str) -> Any:
    """The endpoint, once its ConnectionStatus is ``status``."""
    return wait_until(
        lambda: get_endpoint(consumer, endpoint_id), lambda e: e.connection_status == status
    )


def wait_provider_connection(provider: Any, service_id: str, endpoint_id: str, status: str) -> Any:
    return wait_until(
        lambda: connection(provider, service_id, endpoint_id),
        lambda c: c.connection_status == status,
    )


def in_cidr(ip: str, cidr: str) -> bool:
    return ip_address(ip) in ip_network(cidr)


def assignable(ip: str, cidr: str) -> bool:
    """Inside the block and not reserved (the first address and the last three, EP-4)."""
    network = ip_network(cidr)
    offset = int(ip_address(ip)) - int(network.network_address)
    return in_cidr(ip, cidr) and 0 < offset < network.num_addresses - 3


def address(zone_id: str, offset: int) -> str:
    """The address at ``offset`` in the consumer's vSwitch of ``zone_id``."""
    network = ip_network(CIDR[zone_id])
    return str(network.network_address + offset)
