"""RES-8 on PostgreSQL: a load balancer's failure is a fact of the load balancer, so every
service that uses it agrees with its current health, whenever the service was created or the
resource attached or detached."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from privatelink.application.services import (
    AddUser,
    AttachResource,
    CreateEndpointService,
    DetachResource,
    MarkLoadBalancer,
    ResourceRef,
)
from privatelink.composition import Runtime
from privatelink.domain.errors import ZoneNotSupported
from privatelink.domain.service import EndpointService, ServiceOptions
from tests.application.helpers import PROVIDER, REGION, cmd, create_endpoint

BOTH_ZONES, ZONE_H_ONLY, OTHER = "nlb-provider0001", "nlb-provider0003", "nlb-provider0002"


def eventually(check: Callable[[], bool], timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.02)
    return False


def mark(rt: Runtime, resource_id: str, down: bool) -> None:
    rt.app.dispatch(MarkLoadBalancer(resource_id, down), cmd("operator", "Fault"))


def new_service(rt: Runtime, *resources: str) -> str:
    outcome = rt.app.dispatch(
        CreateEndpointService(
            REGION, [ResourceRef(r) for r in resources], ServiceOptions(auto_accept=True)
        ),
        cmd(PROVIDER, "CreateVpcEndpointService"),
    )
    service_id = str(outcome.result["ServiceId"])
    rt.app.dispatch(AddUser(REGION, service_id, "1210000000000002"), cmd(PROVIDER))
    return service_id


def failed(rt: Runtime, service_id: str) -> list[str]:
    service = rt.app.repository.get(EndpointService.create_id(service_id))
    return sorted(service.failed_resources)


def test_res_8_service_created_while_its_load_balancer_is_down_knows_it_is_down(
    runtime: Runtime,
) -> None:
    """RES-8: a service created on a failed load balancer does not treat it as healthy (no
    endpoint is allocated to it), and it recovers with the load balancer."""
    mark(runtime, ZONE_H_ONLY, down=True)
    service_id = new_service(runtime, ZONE_H_ONLY)
    assert failed(runtime, service_id) == [ZONE_H_ONLY]
    with pytest.raises(ZoneNotSupported):
        create_endpoint(runtime, service_id)
    mark(runtime, ZONE_H_ONLY, down=False)
    assert eventually(lambda: failed(runtime, service_id) == [])
    create_endpoint(runtime, service_id)


def test_res_8_resource_attached_while_down_is_known_down(runtime: Runtime) -> None:
    """RES-8: attaching a failed load balancer marks it failed in the service at once."""
    service_id = new_service(runtime, OTHER)
    mark(runtime, ZONE_H_ONLY, down=True)
    runtime.app.dispatch(
        AttachResource(REGION, service_id, ResourceRef(ZONE_H_ONLY)), cmd(PROVIDER)
    )
    assert failed(runtime, service_id) == [ZONE_H_ONLY]
    mark(runtime, ZONE_H_ONLY, down=False)
    assert eventually(lambda: failed(runtime, service_id) == [])


def test_res_8_detached_while_down_and_reattached_after_recovery_is_healthy(
    runtime: Runtime,
) -> None:
    """RES-8: a resource detached while down, re-attached after the load balancer recovered,
    is healthy again (it used to stay failed forever)."""
    service_id = new_service(runtime, BOTH_ZONES, ZONE_H_ONLY)
    mark(runtime, ZONE_H_ONLY, down=True)
    assert eventually(lambda: failed(runtime, service_id) == [ZONE_H_ONLY])
    runtime.app.dispatch(
        DetachResource(REGION, service_id, ResourceRef(ZONE_H_ONLY)), cmd(PROVIDER)
    )
    mark(runtime, ZONE_H_ONLY, down=False)
    runtime.app.dispatch(
        AttachResource(REGION, service_id, ResourceRef(ZONE_H_ONLY)), cmd(PROVIDER)
    )
    assert failed(runtime, service_id) == []
    assert eventually(lambda: failed(runtime, service_id) == [])
