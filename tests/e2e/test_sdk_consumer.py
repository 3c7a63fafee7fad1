"""The consumer's side through the SDK: interface endpoints, their zones, addresses and
security groups (EP), and read-your-writes on the consumer's commands."""

from __future__ import annotations

import re

import pytest
from alibabacloud_privatelink20200415 import models as pl

from tests.e2e.helpers import (
    CIDR,
    DOMAIN_SUFFIX,
    REGION,
    VSWITCH,
    H,
    I,
    J,
    address,
    assignable,
    connection,
    create_endpoint,
    create_service,
    endpoint_ids,
    endpoint_request,
    endpoint_zones,
    get_endpoint,
    get_service,
    refused,
    wait_connection,
    wait_until,
)

pytestmark = pytest.mark.e2e


def update_endpoint(consumer, endpoint_id: str, **changes) -> None:
    consumer.update_vpc_endpoint_attribute(
        pl.UpdateVpcEndpointAttributeRequest(region_id=REGION, endpoint_id=endpoint_id, **changes)
    )


def security_groups(consumer, endpoint_id: str) -> list[str]:
    body = consumer.list_vpc_endpoint_security_groups(
        pl.ListVpcEndpointSecurityGroupsRequest(region_id=REGION, endpoint_id=endpoint_id)
    ).body
    return sorted(g.security_group_id for g in body.security_groups)


def add_zone(consumer, endpoint_id: str, zone_id: str, ip: str | None = None) -> None:
    consumer.add_zone_to_vpc_endpoint(
        pl.AddZoneToVpcEndpointRequest(
            region_id=REGION,
            endpoint_id=endpoint_id,
            zone_id=zone_id,
            v_switch_id=VSWITCH[zone_id],
            ip=ip,
        )
    )


def remove_zone(consumer, endpoint_id: str, zone_id: str) -> None:
    consumer.remove_zone_from_vpc_endpoint(
        pl.RemoveZoneFromVpcEndpointRequest(
            region_id=REGION, endpoint_id=endpoint_id, zone_id=zone_id
        )
    )


# -- EP-1..3 ----------------------------------------------------------------------------------


def test_ep_1_endpoint_is_created_in_the_consumers_vpc(provider, consumer) -> None:
    service_id = create_service(provider)
    created = consumer.create_vpc_endpoint(endpoint_request(service_id, endpoint_name="orders"))
    body = created.body
    assert re.fullmatch(r"ep-[a-z0-9]{20}", body.endpoint_id)
    assert (body.vpc_id, body.service_id, body.endpoint_name) == (
        "vpc-consumer0001",
        service_id,
        "orders",
    )
    assert body.endpoint_status == "Creating"
    wait_until(
        lambda: get_endpoint(consumer, body.endpoint_id).endpoint_status,
        lambda status: status == "Active",
    )


def test_ep_2_endpoint_outside_the_services_regions_is_refused(provider, consumer) -> None:
    service_id = create_service(provider)
    request = pl.CreateVpcEndpointRequest(
        region_id="cn-shanghai",
        vpc_id="vpc-consumer0002",
        service_id=service_id,
        service_region_id=REGION,
        zone=[
            pl.CreateVpcEndpointRequestZone(
                zone_id="cn-shanghai-e", v_switch_id="vsw-consumer-sh-e"
            )
        ],
    )
    refused(lambda: consumer.create_vpc_endpoint(request), "EndpointService.RegionNotSupported")
    request.service_region_id = None  # the service is looked up in the endpoint's region
    refused(lambda: consumer.create_vpc_endpoint(request), "EndpointServiceNotFound")


def test_ep_3_one_eni_per_zone_in_that_zones_vswitch(provider, consumer) -> None:
    service_id = create_service(provider)
    zones = endpoint_zones(consumer, create_endpoint(consumer, service_id, zones=(H, I)))
    assert {z: zones[z].v_switch_id for z in zones} == {H: VSWITCH[H], I: VSWITCH[I]}
    assert len({z.eni_id for z in zones.values()}) == 2


def test_ep_3_vswitch_of_another_zone_is_refused(provider, consumer) -> None:
    service_id = create_service(provider)
    request = endpoint_request(service_id, zones=(H,))
    request.zone[0].v_switch_id = VSWITCH[I]
    refused(lambda: consumer.create_vpc_endpoint(request), "InvalidVSwitchId.ZoneMismatch")


def test_ep_3_vswitch_of_another_vpc_is_refused(provider, consumer) -> None:
    service_id = create_service(provider)
    request = endpoint_request(service_id, zones=(H,))
    request.zone[0].v_switch_id = "vsw-outsider-h"
    refused(lambda: consumer.create_vpc_endpoint(request), "InvalidVSwitchId.NotFound")


# -- EP-4 addresses ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ip", "code"),
    [
        ("127.16.2.10", "InvalidIpAddress.NotInVSwitch"),
        ("10.0.0.5", "InvalidIpAddress.NotInVSwitch"),
        ("127.16.1.0", "InvalidIpAddress.Reserved"),
        ("127.16.1.253", "InvalidIpAddress.Reserved"),
        ("127.16.1.254", "InvalidIpAddress.Reserved"),
        ("127.16.1.255", "InvalidIpAddress.Reserved"),
    ],
    ids=["other-vswitch", "outside-vpc", "first", "last-but-two", "last-but-one", "last"],
)
def test_ep_4_explicit_ip_outside_cidr_or_reserved_is_refused(provider, consumer, ip, code) -> None:
    service_id = create_service(provider)
    refused(lambda: create_endpoint(consumer, service_id, zones=(H,), ips={H: ip}), code)
    assert (
        endpoint_ids(consumer, service_name=get_service(provider, service_id).service_name) == set()
    )


def test_ep_4_explicit_ip_already_in_use_is_refused(provider, consumer) -> None:
    service_id = create_service(provider)
    ip = address(H, 210)
    create_endpoint(consumer, service_id, zones=(H,), ips={H: ip})
    refused(
        lambda: create_endpoint(consumer, service_id, zones=(H,), ips={H: ip}),
        "InvalidIpAddress.AlreadyUsed",
    )


def test_ep_4_explicit_ip_is_used(provider, consumer) -> None:
    service_id = create_service(provider)
    ip = address(I, 211)
    endpoint_id = create_endpoint(consumer, service_id, zones=(H, I), ips={I: ip})
    assert endpoint_zones(consumer, endpoint_id)[I].eni_ip == ip


def test_ep_4_auto_assigned_ip_lies_in_the_vswitch_cidr(provider, consumer) -> None:
    service_id = create_service(provider)
    zones = endpoint_zones(consumer, create_endpoint(consumer, service_id, zones=(H, I)))
    for zone_id, z in zones.items():
        assert assignable(z.eni_ip, CIDR[zone_id]), z.eni_ip


# -- EP-5 .. EP-7 ------------------------------------------------------------------------------


def test_ep_5_dual_stack_endpoint_for_an_ipv4_service_is_refused(provider, consumer) -> None:
    service_id = create_service(provider)
    refused(
        lambda: create_endpoint(consumer, service_id, address_ip_version="DualStack"),
        "InvalidParameter.AddressIpVersion",
    )


def test_ep_5_dual_stack_endpoint_for_a_dual_stack_service(provider, consumer) -> None:
    service_id = create_service(provider, address_ip_version="DualStack")
    endpoint_id = create_endpoint(consumer, service_id, address_ip_version="DualStack")
    assert get_endpoint(consumer, endpoint_id).address_ip_version == "DualStack"


def test_ep_6_security_groups_are_attached_listed_and_detached(provider, consumer) -> None:
    service_id = create_service(provider)
    endpoint_id = create_endpoint(consumer, service_id, security_groups=("sg-consumer0001",))
    assert security_groups(consumer, endpoint_id) == ["sg-consumer0001"]
    consumer.attach_security_group_to_vpc_endpoint(
        pl.AttachSecurityGroupToVpcEndpointRequest(
            region_id=REGION, endpoint_id=endpoint_id, security_group_id="sg-consumer0002"
        )
    )
    assert security_groups(consumer, endpoint_id) == ["sg-consumer0001", "sg-consumer0002"]
    consumer.detach_security_group_from_vpc_endpoint(
        pl.DetachSecurityGroupFromVpcEndpointRequest(
            region_id=REGION, endpoint_id=endpoint_id, security_group_id="sg-consumer0001"
        )
    )
    assert security_groups(consumer, endpoint_id) == ["sg-consumer0002"]


@pytest.mark.parametrize(
    "group", ["sg-consumer0003", "sg-outsider0001"], ids=["own-other-vpc", "other-account"]
)
def test_ep_6_security_group_of_another_vpc_is_refused(provider, consumer, group) -> None:
    service_id = create_service(provider)
    refused(
        lambda: create_endpoint(consumer, service_id, security_groups=(group,)),
        "InvalidSecurityGroupId.NotFound",
    )
    endpoint_id = create_endpoint(consumer, service_id)
    refused(
        lambda: consumer.attach_security_group_to_vpc_endpoint(
            pl.AttachSecurityGroupToVpcEndpointRequest(
                region_id=REGION, endpoint_id=endpoint_id, security_group_id=group
            )
        ),
        "InvalidSecurityGroupId.NotFound",
    )
    assert security_groups(consumer, endpoint_id) == ["sg-consumer0001"]


def test_ep_7_zone_affinity_refused_when_the_service_has_it_off(provider, consumer) -> None:
    service_id = create_service(provider, zone_affinity_enabled=False)
    refused(
        lambda: create_endpoint(consumer, service_id, zone_affinity_enabled=True),
        "InvalidParameter.ZoneAffinityEnabled",
    )
    endpoint_id = create_endpoint(consumer, service_id)
    refused(
        lambda: update_endpoint(consumer, endpoint_id, zone_affinity_enabled=True),
        "InvalidParameter.ZoneAffinityEnabled",
    )
    assert get_endpoint(consumer, endpoint_id).zone_affinity_enabled is False


def test_ep_7_consumer_turns_zone_affinity_on_and_off(provider, consumer) -> None:
    service_id = create_service(provider, zone_affinity_enabled=True)
    endpoint_id = create_endpoint(consumer, service_id, zone_affinity_enabled=True)
    assert get_endpoint(consumer, endpoint_id).zone_affinity_enabled is True
    update_endpoint(consumer, endpoint_id, zone_affinity_enabled=False)
    assert get_endpoint(consumer, endpoint_id).zone_affinity_enabled is False
    update_endpoint(consumer, endpoint_id, zone_affinity_enabled=True)
    assert get_endpoint(consumer, endpoint_id).zone_affinity_enabled is True


# -- EP-8 zones ---------------------------------------------------------------------------------


def test_ep_8_zone_added_and_removed_after_creation(provider, consumer) -> None:
    service_id = create_service(provider)
    endpoint_id = create_endpoint(consumer, service_id, zones=(H,))
    add_zone(consumer, endpoint_id, I)
    assert sorted(endpoint_zones(consumer, endpoint_id)) == [H, I]
    remove_zone(consumer, endpoint_id, H)
    assert sorted(endpoint_zones(consumer, endpoint_id)) == [I]


def test_ep_8_zone_added_to_a_connected_endpoint_connects(provider, consumer) -> None:
    service_id = create_service(provider, auto_accept_enabled=True)
    endpoint_id = create_endpoint(consumer, service_id, zones=(H,))
    wait_connection(consumer, endpoint_id, "Connected")
    add_zone(consumer, endpoint_id, I)
    zones = wait_until(
        lambda: endpoint_zones(consumer, endpoint_id),
        lambda zs: zs.get(I) is not None and zs[I].zone_status == "Connected",
    )
    assert assignable(zones[I].eni_ip, CIDR[I])
    assert {z.zone_id for z in connection(provider, service_id, endpoint_id).zones} == {H, I}


def test_ep_8_zone_the_service_does_not_serve_is_refused(provider, consumer) -> None:
    service_id = create_service(provider, "nlb-provider0001")
    refused(lambda: create_endpoint(consumer, service_id, zones=(H, J)), "EndpointZoneNotSupported")
    endpoint_id = create_endpoint(consumer, service_id, zones=(H,))
    refused(lambda: add_zone(consumer, endpoint_id, J), "EndpointZoneNotSupported")
    assert sorted(endpoint_zones(consumer, endpoint_id)) == [H]


def test_ep_8_last_zone_cannot_be_removed(provider, consumer) -> None:
    service_id = create_service(provider)
    endpoint_id = create_endpoint(consumer, service_id, zones=(H,))
    refused(lambda: remove_zone(consumer, endpoint_id, H))
    assert sorted(endpoint_zones(consumer, endpoint_id)) == [H]


def test_ep_8_removed_zone_frees_its_ip(provider, consumer) -> None:
    service_id = create_service(provider)
    ip = address(I, 212)
    endpoint_id = create_endpoint(consumer, service_id, zones=(H, I), ips={I: ip})
    remove_zone(consumer, endpoint_id, I)
    add_zone(consumer, endpoint_id, I, ip=ip)
    assert endpoint_zones(consumer, endpoint_id)[I].eni_ip == ip


# -- EP-9 domains -------------------------------------------------------------------------------


def test_ep_9_endpoint_and_zone_domain_formats(provider, consumer) -> None:
    service_id = create_service(provider)
    endpoint_id = create_endpoint(consumer, service_id, zones=(H, I))
    endpoint = get_endpoint(consumer, endpoint_id)
    assert endpoint.endpoint_domain == f"{endpoint_id}.{service_id}.{REGION}.{DOMAIN_SUFFIX}"
    zones = endpoint_zones(consumer, endpoint_id)
    assert {z: zones[z].zone_domain for z in zones} == {
        z: f"{endpoint_id}-{z}.{service_id}.{REGION}.{DOMAIN_SUFFIX}" for z in (H, I)
    }


# -- read-your-writes ---------------------------------------------------------------------------


def test_endpoint_name_update_is_read_back_at_once(provider, consumer) -> None:
    service_id = create_service(provider)
    endpoint_id = create_endpoint(consumer, service_id, endpoint_name="before")
    update_endpoint(consumer, endpoint_id, endpoint_name="after", endpoint_description="desc")
    endpoint = get_endpoint(consumer, endpoint_id)
    assert (endpoint.endpoint_name, endpoint.endpoint_description) == ("after", "desc")
    assert endpoint_ids(consumer, endpoint_name="after") >= {endpoint_id}


def test_new_endpoint_is_listed_at_once(provider, consumer) -> None:
    service_id = create_service(provider)
    endpoint_id = create_endpoint(consumer, service_id)
    assert endpoint_id in endpoint_ids(consumer)
    assert connection(provider, service_id, endpoint_id).endpoint_id == endpoint_id
