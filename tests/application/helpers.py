"""Commands for application tests, as the API would build them."""

from __future__ import annotations

import secrets

from privatelink.application.endpoints import CreateEndpoint, ZoneRequest
from privatelink.application.services import AddUser, CreateEndpointService, ResourceRef
from privatelink.application.unit_of_work import Command
from privatelink.composition import Runtime
from privatelink.domain.base import Caller
from privatelink.domain.endpoint import EndpointOptions
from privatelink.domain.service import ServiceOptions

PROVIDER = "1210000000000001"
CONSUMER = "1210000000000002"
REGION = "cn-hangzhou"


def cmd(account: str, action: str = "Test", **kwargs: object) -> Command:
    return Command(Caller(account, f"req-{secrets.token_hex(4)}"), action, **kwargs)  # type: ignore[arg-type]


def create_service(
    rt: Runtime, auto_accept: bool = True, resource: str = "nlb-provider0001", **kwargs: object
) -> str:
    outcome = rt.app.dispatch(
        CreateEndpointService(
            REGION, [ResourceRef(resource)], ServiceOptions(auto_accept=auto_accept)
        ),
        cmd(PROVIDER, "CreateVpcEndpointService", **kwargs),
    )
    rt.wait_for_views(outcome.position)
    rt.app.dispatch(AddUser(REGION, outcome.result["ServiceId"], CONSUMER), cmd(PROVIDER))
    return str(outcome.result["ServiceId"])


def create_endpoint(
    rt: Runtime,
    service_id: str,
    ip: str | None = None,
    zones: tuple[str, ...] = ("h",),
    **kwargs: object,
) -> str:
    requests = [ZoneRequest(f"cn-hangzhou-{z}", f"vsw-consumer-{z}", ip) for z in zones]
    outcome = rt.app.dispatch(
        CreateEndpoint(
            REGION, "vpc-consumer0001", service_id, None, requests, [], EndpointOptions()
        ),
        cmd(CONSUMER, "CreateVpcEndpoint", **kwargs),
    )
    assert rt.wait_for_views(outcome.position)
    return str(outcome.result["EndpointId"])
