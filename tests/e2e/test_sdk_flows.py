"""The user guide's flow end to end, acceptance (ACC) and deletion (DEL), driven by the
official SDK against a real server."""

from __future__ import annotations

import pytest
from alibabacloud_privatelink20200415 import models as pl

from tests.e2e.helpers import (
    CIDR,
    CONSUMER_UID,
    DOMAIN_SUFFIX,
    REGION,
    VSWITCH,
    H,
    I,
    add_user,
    address,
    allow,
    assignable,
    connection,
    connections,
    create_endpoint,
    create_service,
    delete_endpoint,
    delete_service,
    deny,
    detach_resource,
    endpoint_ids,
    endpoint_zones,
    get_endpoint,
    get_service,
    refused,
    service_request,
    update_service,
    visible_service_ids,
    wait_connection,
    wait_provider_connection,
    wait_until,
)

pytestmark = pytest.mark.e2e


def test_user_guide_flow_from_service_to_deletion(provider, consumer) -> None:
    """Provider offers, consumer connects, provider allows then denies, both clean up."""
    created = provider.create_vpc_endpoint_service(
        service_request("nlb-provider0001", auto_accept_enabled=False)
    ).body
    service_id = created.service_id
    assert created.service_status == "Creating"
    wait_until(lambda: get_service(provider, service_id).service_status, lambda s: s == "Active")
    add_user(provider, service_id, CONSUMER_UID)

    offered = consumer.list_vpc_endpoint_services_by_end_user(
        pl.ListVpcEndpointServicesByEndUserRequest(region_id=REGION, service_id=service_id)
    ).body.services
    assert [s.service_id for s in offered] == [service_id]
    assert sorted(offered[0].zones) == [H, I]

    endpoint_id = create_endpoint(
        consumer, service_id, zones=(H, I), security_groups=("sg-consumer0001",)
    )
    pending = connection(provider, service_id, endpoint_id)
    assert pending.connection_status == "Pending"
    assert pending.endpoint_owner_id == int(CONSUMER_UID)

    allow(provider, service_id, endpoint_id)
    wait_provider_connection(provider, service_id, endpoint_id, "Connected")
    assert get_endpoint(consumer, endpoint_id).connection_status == "Connected"
    zones = endpoint_zones(consumer, endpoint_id)
    assert sorted(zones) == [H, I]
    for zone_id, z in zones.items():
        assert z.zone_status == "Connected"
        assert z.eni_id.startswith("eni-")
        assert z.v_switch_id == VSWITCH[zone_id]
        assert assignable(z.eni_ip, CIDR[zone_id]), z.eni_ip
        assert z.zone_domain == f"{endpoint_id}-{zone_id}.{service_id}.{REGION}.{DOMAIN_SUFFIX}"

    deny(provider, service_id, endpoint_id)
    wait_provider_connection(provider, service_id, endpoint_id, "Disconnected")
    delete_endpoint(consumer, endpoint_id)
    assert endpoint_id not in endpoint_ids(consumer)
    detach_resource(provider, service_id, "nlb-provider0001")
    delete_service(provider, service_id)
    refused(lambda: get_service(provider, service_id), "EndpointServiceNotFound")


# -- acceptance (ACC) -----------------------------------------------------------------------


def test_acc_1_new_endpoint_requests_a_connection(provider, consumer) -> None:
    service_id = create_service(provider)
    endpoint_id = create_endpoint(consumer, service_id)
    requested = connection(provider, service_id, endpoint_id)
    assert requested.connection_status == "Pending"
    assert requested.endpoint_vpc_id == "vpc-consumer0001"
    assert get_endpoint(consumer, endpoint_id).connection_status == "Pending"


def test_acc_2_auto_accept_connects_without_provider_action(provider, consumer) -> None:
    service_id = create_service(provider, auto_accept_enabled=True)
    endpoint_id = create_endpoint(consumer, service_id)
    wait_connection(consumer, endpoint_id, "Connected")
    assert connection(provider, service_id, endpoint_id).connection_status == "Connected"


def test_acc_3_manual_connection_waits_until_allowed(provider, consumer) -> None:
    service_id = create_service(provider, auto_accept_enabled=False)
    endpoint_id = create_endpoint(consumer, service_id)
    assert get_endpoint(consumer, endpoint_id).connection_status == "Pending"
    allow(provider, service_id, endpoint_id)
    wait_connection(consumer, endpoint_id, "Connected")


def test_acc_3_denied_pending_connection_is_disconnected(provider, consumer) -> None:
    service_id = create_service(provider, auto_accept_enabled=False)
    endpoint_id = create_endpoint(consumer, service_id)
    deny(provider, service_id, endpoint_id)
    wait_connection(consumer, endpoint_id, "Disconnected")
    assert connection(provider, service_id, endpoint_id).connection_status == "Disconnected"


def test_acc_4_only_an_allowed_connection_has_connected_zones(provider, consumer) -> None:
    service_id = create_service(provider)
    endpoint_id = create_endpoint(consumer, service_id)
    waiting = connection(provider, service_id, endpoint_id)
    assert {z.zone_status for z in waiting.zones} == {"Wait"}
    assert not any(z.resource_id for z in waiting.zones)
    allow(provider, service_id, endpoint_id)
    live = wait_provider_connection(provider, service_id, endpoint_id, "Connected")
    assert {z.zone_status for z in live.zones} == {"Connected"}
    assert {z.resource_id for z in live.zones} == {"nlb-provider0001"}


def test_acc_5_denying_a_connected_connection_disconnects_every_zone(provider, consumer) -> None:
    service_id = create_service(provider, auto_accept_enabled=True)
    endpoint_id = create_endpoint(consumer, service_id, zones=(H, I))
    wait_connection(consumer, endpoint_id, "Connected")
    deny(provider, service_id, endpoint_id)
    wait_connection(consumer, endpoint_id, "Disconnected")
    zones = endpoint_zones(consumer, endpoint_id)
    assert {z.zone_status for z in zones.values()} == {"Disconnected"}
    allow(provider, service_id, endpoint_id)
    wait_connection(consumer, endpoint_id, "Connected")
    assert {z.zone_status for z in endpoint_zones(consumer, endpoint_id).values()} == {"Connected"}


def test_acc_3_connected_connection_cannot_be_allowed_again(provider, consumer) -> None:
    service_id = create_service(provider, auto_accept_enabled=True)
    endpoint_id = create_endpoint(consumer, service_id)
    wait_connection(consumer, endpoint_id, "Connected")
    refused(lambda: allow(provider, service_id, endpoint_id), "EndpointConnectionOperationDenied")


# -- deletion (DEL) --------------------------------------------------------------------------


def test_del_1_service_with_a_live_connection_cannot_be_deleted(provider, consumer) -> None:
    service_id = create_service(provider, auto_accept_enabled=True)
    endpoint_id = create_endpoint(consumer, service_id)
    wait_connection(consumer, endpoint_id, "Connected")
    refused(
        lambda: detach_resource(provider, service_id, "nlb-provider0001"),
        "EndpointServiceResourceInUse",
    )
    refused(lambda: delete_service(provider, service_id), "EndpointServiceConnectionDependence")
    assert get_service(provider, service_id).service_id == service_id


def test_del_1_service_with_attached_resources_cannot_be_deleted(provider) -> None:
    service_id = create_service(provider, users=())
    refused(lambda: delete_service(provider, service_id), "EndpointServiceResourceDependence")
    detach_resource(provider, service_id, "nlb-provider0001")
    delete_service(provider, service_id)
    refused(lambda: get_service(provider, service_id), "EndpointServiceNotFound")


def test_del_2_deleted_service_leaves_endpoint_service_deleted(provider, consumer) -> None:
    service_id = create_service(provider, auto_accept_enabled=True)
    endpoint_id = create_endpoint(consumer, service_id)
    wait_connection(consumer, endpoint_id, "Connected")
    deny(provider, service_id, endpoint_id)
    wait_connection(consumer, endpoint_id, "Disconnected")
    detach_resource(provider, service_id, "nlb-provider0001")
    delete_service(provider, service_id)

    assert get_endpoint(consumer, endpoint_id).connection_status == "ServiceDeleted"
    assert service_id not in visible_service_ids(consumer)
    refused(lambda: connections(provider, service_id), "EndpointServiceNotFound")
    delete_endpoint(consumer, endpoint_id)
    refused(lambda: get_endpoint(consumer, endpoint_id), "EndpointNotFound")


def test_del_3_endpoint_deleted_while_connected(provider, consumer) -> None:
    service_id = create_service(provider, auto_accept_enabled=True)
    endpoint_id = create_endpoint(consumer, service_id)
    wait_connection(consumer, endpoint_id, "Connected")
    delete_endpoint(consumer, endpoint_id)
    refused(lambda: get_endpoint(consumer, endpoint_id), "EndpointNotFound")
    assert connections(provider, service_id, endpoint_id) == []


def test_del_3_deleted_endpoint_frees_its_ip(provider, consumer) -> None:
    service_id = create_service(provider)
    ip = address(H, 200)
    first = create_endpoint(consumer, service_id, zones=(H,), ips={H: ip})
    refused(
        lambda: create_endpoint(consumer, service_id, zones=(H,), ips={H: ip}),
        "InvalidIpAddress.AlreadyUsed",
    )
    delete_endpoint(consumer, first)
    second = create_endpoint(consumer, service_id, zones=(H,), ips={H: ip})
    assert endpoint_zones(consumer, second)[H].eni_ip == ip


def test_del_2_deleted_service_takes_no_new_endpoints_nor_updates(provider, consumer) -> None:
    service_id = create_service(provider)
    detach_resource(provider, service_id, "nlb-provider0001")
    delete_service(provider, service_id)
    refused(lambda: create_endpoint(consumer, service_id), "EndpointServiceNotFound")
    refused(
        lambda: update_service(provider, service_id, service_description="x"),
        "EndpointServiceNotFound",
    )
