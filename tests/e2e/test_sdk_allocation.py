"""Service resources end to end (RES-2, RES-3, RES-5, RES-6, RES-8, RES-9..11), driven by the
official SDK, the admin route and the CLI against a real server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from alibabacloud_privatelink20200415 import models as pl

from privatelink.application.facts import RESOURCE_MANAGEMENT_QUOTA
from privatelink.infra.inventory_file import demo_inventory_text
from tests.conftest import CONSUMER, PROVIDER, Server
from tests.e2e.helpers import (
    REGION,
    H,
    I,
    create_endpoint,
    create_service,
    delete_endpoint,
    endpoint_zones,
    guarded_client,
    refused,
)
from tests.e2e.issue3_helpers import (
    admin_fault,
    change_zone_resource,
    cli_fault,
    connected_endpoint,
    control_plane_server,
    disable_zone,
    enable_zone,
    schema_of,
    set_auto_allocation,
    wait_zone,
    wait_zone_status,
    zone_connection,
)

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def e2e_server(database_url: str) -> Iterator[Server]:
    """The module's server (overriding the shared one): the control plane only, so that no
    health prober marks load balancers down or up behind the RES-8 tests' back."""
    with control_plane_server(database_url) as srv:
        yield srv


CLBS = ("lb-provider0001", "lb-provider0003")  # both in zone h
NLBS = ("nlb-provider0001", "nlb-provider0002")  # sharing zone i
# ListVpcEndpointZones ZoneStatus values (STATES §1); Migrating/Migrated are connection-only.
ENDPOINT_ZONE_STATES = (
    "Creating",
    "Wait",
    "Connected",
    "Deleting",
    "Disconnecting",
    "Disconnected",
    "Connecting",
)


def clb_connection(provider: Any, consumer: Any) -> tuple[str, str, str, str]:
    """A CLB service of two CLBs in zone h with a Connected endpoint there, and the
    allocated resource's auto-allocation switched off: (service, endpoint, old, new)."""
    service_id = create_service(provider, *CLBS, auto_accept_enabled=True)
    endpoint_id = connected_endpoint(consumer, service_id, (H,))
    old = zone_connection(provider, service_id, endpoint_id, H).resource_id
    (new,) = [r for r in CLBS if r != old]
    set_auto_allocation(provider, service_id, old, False)
    return service_id, endpoint_id, old, new


# -- RES-2: which resources serve connections ------------------------------------------------


def related_counts(provider: Any, service_id: str) -> dict[tuple[str, str], tuple[int, int]]:
    body = provider.list_vpc_endpoint_service_resources(
        pl.ListVpcEndpointServiceResourcesRequest(region_id=REGION, service_id=service_id)
    ).body
    return {
        (r.resource_id, r.zone_id): (r.related_endpoint_count, r.related_deprecated_endpoint_count)
        for r in body.resources
    }


def test_res_2_related_endpoint_count_is_of_this_services_connections_only(
    provider, consumer
) -> None:
    used = create_service(provider, "lb-provider0001", auto_accept_enabled=True)
    idle = create_service(provider, "lb-provider0001", auto_accept_enabled=True)
    connected_endpoint(consumer, used, (H,))
    assert related_counts(provider, used) == {("lb-provider0001", H): (1, 0)}
    assert related_counts(provider, idle) == {("lb-provider0001", H): (0, 0)}


# -- RES-3: the auto-allocation switch ------------------------------------------------------


def test_res_3_switching_off_the_only_auto_resource_of_a_zone_is_refused(provider) -> None:
    service_id = create_service(provider, "lb-provider0001", users=())
    refused(
        lambda: set_auto_allocation(provider, service_id, "lb-provider0001", False),
        "OperationDenied.LastAutoAllocatedResource",
    )
    body = provider.list_vpc_endpoint_service_resources(
        pl.ListVpcEndpointServiceResourcesRequest(region_id=REGION, service_id=service_id)
    ).body
    assert [r.auto_allocated_enabled for r in body.resources] == [True]


def test_res_3_a_resource_switched_off_is_not_allocated_to_new_connections(
    provider, consumer
) -> None:
    service_id = create_service(provider, *CLBS, auto_accept_enabled=True)
    set_auto_allocation(provider, service_id, CLBS[0], False)
    for _ in range(2):
        endpoint_id = connected_endpoint(consumer, service_id, (H,))
        assert zone_connection(provider, service_id, endpoint_id, H).resource_id == CLBS[1]


# -- RES-10: graceful migration ----------------------------------------------------------------


def test_res_10_graceful_clb_migration_from_start_to_end(provider, consumer) -> None:
    service_id, endpoint_id, old, new = clb_connection(provider, consumer)
    old_eni = zone_connection(provider, service_id, endpoint_id, H).eni_id
    old_ip = endpoint_zones(consumer, endpoint_id)[H].eni_ip

    change_zone_resource(
        provider, service_id, endpoint_id, H, new, resource_replace_mode="Graceful"
    )
    migrated = wait_zone_status(provider, service_id, endpoint_id, H, "Migrated")
    assert (migrated.resource_id, migrated.replaced_resource_id) == (new, old)
    assert migrated.replaced_eni_id == old_eni
    assert migrated.eni_id.startswith("eni-") and migrated.eni_id != old_eni

    disable_zone(provider, service_id, endpoint_id, H, replaced_resource=True)
    done = wait_zone_status(provider, service_id, endpoint_id, H, "Connected")
    assert (done.resource_id, done.eni_id) == (new, migrated.eni_id)
    assert not done.replaced_resource_id and not done.replaced_eni_id
    assert endpoint_zones(consumer, endpoint_id)[H].eni_id == migrated.eni_id
    # the old ENI is deleted: its address is free for another endpoint
    again = create_endpoint(consumer, service_id, zones=(H,), ips={H: old_ip})
    assert endpoint_zones(consumer, again)[H].eni_ip == old_ip


def test_res_10_the_consumer_zone_shows_an_endpoint_zone_state_while_migrating(
    provider, consumer
) -> None:
    """ListVpcEndpointZones has no Migrating/Migrated (STATES §1: those two exist only on
    ListVpcEndpointConnections); the consumer's zone keeps carrying traffic meanwhile."""
    service_id, endpoint_id, _, new = clb_connection(provider, consumer)
    change_zone_resource(
        provider, service_id, endpoint_id, H, new, resource_replace_mode="Graceful"
    )
    wait_zone_status(provider, service_id, endpoint_id, H, "Migrated")
    assert endpoint_zones(consumer, endpoint_id)[H].zone_status in ENDPOINT_ZONE_STATES


def test_res_10_deleting_an_endpoint_mid_migration_frees_the_old_eni_address(
    provider, consumer
) -> None:
    """DEL-3: the ENIs go with the endpoint, the one kept by a graceful migration too, so its
    address can be given to a new endpoint."""
    service_id, endpoint_id, _, new = clb_connection(provider, consumer)
    old_ip = endpoint_zones(consumer, endpoint_id)[H].eni_ip
    change_zone_resource(
        provider, service_id, endpoint_id, H, new, resource_replace_mode="Graceful"
    )
    wait_zone_status(provider, service_id, endpoint_id, H, "Migrated")
    delete_endpoint(consumer, endpoint_id)
    again = create_endpoint(consumer, service_id, zones=(H,), ips={H: old_ip})
    assert endpoint_zones(consumer, again)[H].eni_ip == old_ip


# -- RES-9 / RES-11: replacement rules and forcible migration ----------------------------------


def test_res_9_replacing_a_resource_still_auto_allocated_is_refused(provider, consumer) -> None:
    service_id = create_service(provider, *CLBS, auto_accept_enabled=True)
    endpoint_id = connected_endpoint(consumer, service_id, (H,))
    before = zone_connection(provider, service_id, endpoint_id, H)
    (new,) = [r for r in CLBS if r != before.resource_id]
    refused(
        lambda: change_zone_resource(
            provider, service_id, endpoint_id, H, new, resource_replace_mode="Force"
        ),
        "OperationDenied.AutoAllocationEnabled",
    )
    assert zone_connection(provider, service_id, endpoint_id, H).resource_id == before.resource_id


def test_res_11_force_replacement_swaps_resource_and_eni_at_once(provider, consumer) -> None:
    service_id, endpoint_id, _, new = clb_connection(provider, consumer)
    old_eni = zone_connection(provider, service_id, endpoint_id, H).eni_id
    old_ip = endpoint_zones(consumer, endpoint_id)[H].eni_ip
    change_zone_resource(provider, service_id, endpoint_id, H, new, resource_replace_mode="Force")
    swapped = zone_connection(provider, service_id, endpoint_id, H)
    assert (swapped.resource_id, swapped.zone_status) == (new, "Connected")
    assert swapped.eni_id != old_eni
    assert not swapped.replaced_resource_id and not swapped.replaced_eni_id
    assert endpoint_zones(consumer, endpoint_id)[H].eni_id == swapped.eni_id
    again = create_endpoint(consumer, service_id, zones=(H,), ips={H: old_ip})
    assert endpoint_zones(consumer, again)[H].eni_ip == old_ip


def test_res_9_replacing_a_zone_the_endpoint_lacks_is_a_4xx_not_a_500(provider, consumer) -> None:
    """RES-9 with a zone the endpoint does not have (found by the fuzzer: the ENI of the
    missing zone was read before the service's check, and the answer was a 500)."""
    service_id, endpoint_id, _, new = clb_connection(provider, consumer)
    refused(
        lambda: change_zone_resource(
            provider, service_id, endpoint_id, "cn-hangzhou-j", new, resource_replace_mode="Force"
        ),
        "EndpointZoneNotFound",
    )


# -- RES-6: manual allocation -----------------------------------------------------------------


def test_res_6_manual_allocation_disconnect_choose_reconnect(provider, consumer) -> None:
    service_id = create_service(provider, *CLBS, auto_accept_enabled=True)
    endpoint_id = connected_endpoint(consumer, service_id, (H,))
    (chosen,) = [
        r for r in CLBS if r != zone_connection(provider, service_id, endpoint_id, H).resource_id
    ]

    disable_zone(provider, service_id, endpoint_id, H)
    wait_zone_status(provider, service_id, endpoint_id, H, "Disconnected")
    change_zone_resource(
        provider, service_id, endpoint_id, H, chosen, resource_allocate_mode="Manual"
    )
    enable_zone(provider, service_id, endpoint_id, H)
    reconnected = wait_zone_status(provider, service_id, endpoint_id, H, "Connected")
    assert reconnected.resource_id == chosen


# -- RES-8: failure and recovery ---------------------------------------------------------------


def failover_connection(provider: Any, consumer: Any) -> tuple[str, str, str, str]:
    """An NLB service of two NLBs sharing zone i, a Connected endpoint there:
    (service, endpoint, allocated, other)."""
    service_id = create_service(provider, *NLBS, auto_accept_enabled=True)
    endpoint_id = connected_endpoint(consumer, service_id, (I,))
    allocated = zone_connection(provider, service_id, endpoint_id, I).resource_id
    (other,) = [r for r in NLBS if r != allocated]
    return service_id, endpoint_id, allocated, other


def test_res_8_failover_and_recovery_through_the_admin_route(
    provider, consumer, e2e_server
) -> None:
    service_id, endpoint_id, allocated, other = failover_connection(provider, consumer)
    answer = admin_fault(e2e_server.endpoint, allocated, True)
    try:
        assert answer.status_code == 200, answer.text
        moved = wait_zone(provider, service_id, endpoint_id, I, lambda z: z.resource_id == other)
        assert moved.zone_status == "Connected"
    finally:
        recovered = admin_fault(e2e_server.endpoint, allocated, False)
    assert recovered.status_code == 200, recovered.text
    assert zone_connection(provider, service_id, endpoint_id, I).zone_status == "Connected"


def test_res_8_failover_and_recovery_through_the_cli(
    provider, consumer, e2e_server, database_url
) -> None:
    service_id, endpoint_id, allocated, other = failover_connection(provider, consumer)
    schema = schema_of(e2e_server)
    down = cli_fault(database_url, schema, allocated, True)
    try:
        assert down.returncode == 0, down.stderr
        wait_zone(provider, service_id, endpoint_id, I, lambda z: z.resource_id == other)
    finally:
        up = cli_fault(database_url, schema, allocated, False)
    assert up.returncode == 0, up.stderr
    assert zone_connection(provider, service_id, endpoint_id, I).zone_status == "Connected"


def test_res_8_the_admin_route_refuses_an_unknown_load_balancer(e2e_server) -> None:
    answer = admin_fault(e2e_server.endpoint, "nlb-nope0001", True)
    assert 400 <= answer.status_code < 500
    assert answer.json()["Code"]


# -- RES-5: without the resource-management quota ---------------------------------------------


@pytest.fixture
def no_quota_server(database_url: str, tmp_path: Path) -> Iterator[Server]:
    """A server whose inventory is the demo one less the provider's RES-5 quota."""
    inventory = yaml.safe_load(demo_inventory_text())
    quotas = inventory["accounts"][0]["quotas"]
    del quotas[RESOURCE_MANAGEMENT_QUOTA]
    path = tmp_path / "inventory.yaml"
    path.write_text(yaml.safe_dump(inventory), encoding="utf-8")
    with control_plane_server(database_url, "--inventory", str(path)) as srv:
        yield srv


def test_res_5_without_the_quota_manual_allocation_and_replacement_are_refused(
    no_quota_server,
) -> None:
    provider = guarded_client(no_quota_server.endpoint, PROVIDER)
    consumer = guarded_client(no_quota_server.endpoint, CONSUMER)
    service_id, endpoint_id, old, new = clb_connection(provider, consumer)
    refused(
        lambda: change_zone_resource(
            provider, service_id, endpoint_id, H, new, resource_replace_mode="Graceful"
        ),
        "OperationDenied.ResourceManagementNotEnabled",
    )
    disable_zone(provider, service_id, endpoint_id, H)
    wait_zone_status(provider, service_id, endpoint_id, H, "Disconnected")
    refused(
        lambda: change_zone_resource(
            provider, service_id, endpoint_id, H, new, resource_allocate_mode="Manual"
        ),
        "OperationDenied.ResourceManagementNotEnabled",
    )
    assert zone_connection(provider, service_id, endpoint_id, H).resource_id == old
