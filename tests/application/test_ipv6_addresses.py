"""EP-4 for DualStack endpoints on PostgreSQL: an ``Ipv6Address`` is checked like an IPv4 one
(in the vSwitch's IPv6 block, not reserved, unique), and a refused one leaves nothing behind."""

from __future__ import annotations

import pytest

from privatelink.application.endpoints import CreateEndpoint, DeleteEndpoint, ZoneRequest
from privatelink.application.services import AddUser, CreateEndpointService, ResourceRef
from privatelink.composition import Runtime
from privatelink.domain.addresses import VSwitchAddresses
from privatelink.domain.endpoint import EndpointOptions
from privatelink.domain.errors import IpAddressUnavailable
from privatelink.domain.service import ServiceOptions
from tests.application.helpers import CONSUMER, PROVIDER, REGION, cmd

VSWITCH = "vsw-consumer-h"


def dual_stack_service(rt: Runtime) -> str:
    outcome = rt.app.dispatch(
        CreateEndpointService(
            REGION,
            [ResourceRef("nlb-provider0001")],
            ServiceOptions(auto_accept=True, address_ip_version="DualStack", ipv6=True),
        ),
        cmd(PROVIDER, "CreateVpcEndpointService"),
    )
    service_id = str(outcome.result["ServiceId"])
    rt.app.dispatch(AddUser(REGION, service_id, CONSUMER), cmd(PROVIDER))
    return service_id


def dual_stack_endpoint(rt: Runtime, service_id: str, ipv6: str | None) -> str:
    outcome = rt.app.dispatch(
        CreateEndpoint(
            REGION,
            "vpc-consumer0001",
            service_id,
            None,
            [ZoneRequest("cn-hangzhou-h", VSWITCH, None, ipv6)],
            [],
            EndpointOptions(address_ip_version="DualStack"),
        ),
        cmd(CONSUMER, "CreateVpcEndpoint"),
    )
    return str(outcome.result["EndpointId"])


def block(rt: Runtime) -> VSwitchAddresses:
    return rt.app.repository.get(VSwitchAddresses.create_id(VSWITCH))  # type: ignore[no-any-return]


@pytest.mark.parametrize("ipv6", ["::", "::1", "ff02::1"])
def test_ep_4_ipv6_unspecified_loopback_multicast_are_refused(runtime: Runtime, ipv6: str) -> None:
    service_id = dual_stack_service(runtime)
    with pytest.raises(IpAddressUnavailable) as info:
        dual_stack_endpoint(runtime, service_id, ipv6)
    assert info.value.code == "InvalidIpv6Address.NotInVSwitch"


def test_ep_4_ipv6_duplicate_in_one_vswitch_is_refused(runtime: Runtime) -> None:
    service_id = dual_stack_service(runtime)
    first = dual_stack_endpoint(runtime, service_id, None)
    taken = next(iter(block(runtime).taken_ipv6))
    assert block(runtime).taken_ipv6[taken].startswith("eni-")
    with pytest.raises(IpAddressUnavailable) as info:
        dual_stack_endpoint(runtime, service_id, taken)
    assert info.value.code == "InvalidIpv6Address.AlreadyUsed"
    runtime.app.dispatch(DeleteEndpoint(REGION, first), cmd(CONSUMER, "DeleteVpcEndpoint"))
    assert block(runtime).taken_ipv6 == {}
    dual_stack_endpoint(runtime, service_id, taken)
    assert list(block(runtime).taken_ipv6) == [taken]
