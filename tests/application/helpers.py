"""Commands for application tests, as the API would build them."""

from __future__ import annotations

import secrets

from privatelink.application.endpoints import ZoneRequest
from privatelink.application.services import ResourceRef
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
    outcome = rt.app.create_endpoint_service(
        cmd(PROVIDER, "CreateVpcEndpointService", **kwargs),
        REGION,
        [ResourceRef(resource)],
        ServiceOptions(auto_accept=auto_accept),
    )
    rt.wait_for_views(outcome.position)
    rt.app.add_user(cmd(PROVIDER), REGION, outcome.result["ServiceId"], CONSUMER)
    return str(outcome.result["ServiceId"])


def create_endpoint(
    rt: Runtime,
    service_id: str,
    ip: str | None = None,
    zones: tuple[str, ...] = ("h",),
    **kwargs: object,
) -> str:
    requests = [ZoneRequest(f"cn-hangzhou-{z}", f"vsw-consumer-{z}", ip) for z in zones]
    outcome = rt.app.create_endpoint(
        cmd(CONSUMER, "CreateVpcEndpoint", **kwargs),
        REGION,
        "vpc-consumer0001",
        service_id,
        None,
        requests,
        [],
        EndpointOptions(),
    )
    assert rt.wait_for_views(outcome.position)
    return str(outcome.result["EndpointId"])
