"""Builders for unit tests of the aggregates: load balancer facts, callers, a service and an
endpoint, made by hand (no inventory file, no database)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from eventsourcing.domain import Aggregate

from privatelink.domain.base import Caller
from privatelink.domain.endpoint import Endpoint, EndpointOptions, ZonePlacement
from privatelink.domain.resources import ResourceFacts
from privatelink.domain.service import EndpointService, ServiceOptions
from privatelink.domain.service_facts import ServiceFacts

REGION = "cn-hangzhou"
ZONE_H, ZONE_I, ZONE_J = "cn-hangzhou-h", "cn-hangzhou-i", "cn-hangzhou-j"
PROVIDER_UID = "1210000000000001"
CONSUMER_UID = "1210000000000002"
OUTSIDER_UID = "1210000000000003"

provider = Caller(PROVIDER_UID, "req-1")
consumer = Caller(CONSUMER_UID, "req-2")
outsider = Caller(OUTSIDER_UID, "req-3")
provisioner = Caller("system", "req-provisioner")


def _facts(
    resource_id: str,
    resource_type: str,
    zones: Iterable[str],
    *,
    dual_stack: bool,
    intranet: bool = True,
    payg: bool = True,
    upgraded: bool = False,
    bandwidth: int = 5000,
) -> ResourceFacts:
    return ResourceFacts(
        resource_id=resource_id,
        resource_type=resource_type,
        owner=PROVIDER_UID,
        region=REGION,
        zones=tuple(zones),
        dual_stack=dual_stack,
        intranet=intranet,
        pay_as_you_go=payg,
        upgraded=upgraded,
        bandwidth_mbps=bandwidth,
    )


def nlb(
    resource_id: str = "nlb-1",
    zones: Iterable[str] = (ZONE_H, ZONE_I),
    dual_stack: bool = True,
    bandwidth: int = 5000,
    intranet: bool = True,
) -> ResourceFacts:
    return _facts(
        resource_id, "nlb", zones, dual_stack=dual_stack, intranet=intranet, bandwidth=bandwidth
    )


def alb(
    resource_id: str = "alb-1",
    zones: Iterable[str] = (ZONE_H, ZONE_I),
    dual_stack: bool = False,
    bandwidth: int = 5000,
    intranet: bool = True,
    upgraded: bool = False,
) -> ResourceFacts:
    return _facts(
        resource_id,
        "alb",
        zones,
        dual_stack=dual_stack,
        intranet=intranet,
        upgraded=upgraded,
        bandwidth=bandwidth,
    )


def clb(
    resource_id: str = "clb-1",
    zone: str = ZONE_H,
    payg: bool = True,
    intranet: bool = True,
    bandwidth: int = 5000,
) -> ResourceFacts:
    return _facts(
        resource_id,
        "slb",
        (zone,),
        dual_stack=False,
        intranet=intranet,
        payg=payg,
        bandwidth=bandwidth,
    )


def new_service(
    *resources: ResourceFacts | tuple[ResourceFacts, str | None],
    service_id: str = "epsrv-test0001",
    by: Caller = provider,
    drain: bool = True,
    **options: Any,
) -> EndpointService:
    """A service (default: one dual-stack NLB in zones h and i), its creation events collected
    unless ``drain=False`` so that a test sees only what it does next."""
    pairs = [r if isinstance(r, tuple) else (r, None) for r in resources] or [(nlb(), None)]
    service = EndpointService.create(by, service_id, REGION, pairs, ServiceOptions(**options))
    if drain:
        service.collect_events()
    return service


def placement(zone_id: str, ip: str = "", eni_id: str = "") -> ZonePlacement:
    suffix = zone_id.rsplit("-", 1)[-1]
    return ZonePlacement(
        zone_id=zone_id,
        vswitch_id=f"vsw-consumer-{suffix}",
        eni_id=eni_id or f"eni-{suffix}0001",
        ip=ip or f"127.16.1.{ord(suffix)}",
    )


def new_endpoint(
    service: EndpointService,
    zones: Iterable[str] = (ZONE_H,),
    endpoint_id: str = "ep-test0001",
    by: Caller = consumer,
    security_groups: Iterable[str] = ("sg-consumer0001",),
    drain: bool = True,
    **options: Any,
) -> Endpoint:
    """An endpoint of the consumer's VPC to ``service``; creation events collected unless
    ``drain=False``. The connection is not requested: see :func:`connect`."""
    endpoint = Endpoint.create(
        by,
        endpoint_id,
        REGION,
        "vpc-consumer0001",
        service.facts(),
        [placement(z) for z in zones],
        list(security_groups),
        EndpointOptions(**options),
    )
    if drain:
        endpoint.collect_events()
    return endpoint


def connection_facts(endpoint: Endpoint) -> dict[str, Any]:
    """What the service keeps about the endpoint on the other end (as the application sends)."""
    return {
        "endpoint_id": endpoint.endpoint_id,
        "consumer": endpoint.owner,
        "endpoint_region": endpoint.region,
        "vpc_id": endpoint.vpc_id,
    }


def request_for(
    service: EndpointService,
    zones: Iterable[str] = (ZONE_H,),
    region: str = REGION,
    by: Caller = consumer,
) -> ServiceFacts:
    """As CreateVpcEndpoint asks first: the service judges its own rules on a new endpoint
    (EP-1 visibility, EP-2/XR-1 region, EP-3 zones) once, before the endpoint exists."""
    return service.admit_endpoint(by.account, region, list(zones))


def connect(service: EndpointService, endpoint: Endpoint, by: Caller = consumer) -> None:
    """ACC-1: the endpoint asks the service for a connection in all its zones."""
    service.request_connection(by, connection_facts(endpoint), sorted(endpoint.zones))


def connected_endpoint(
    service: EndpointService, zones: Iterable[str] = (ZONE_H,), endpoint_id: str = "ep-test0001"
) -> Endpoint:
    """An endpoint whose connection the provider allowed and the provisioner established;
    every event collected."""
    endpoint = new_endpoint(service, zones, endpoint_id=endpoint_id)
    connect(service, endpoint)
    if not service.auto_accept:
        service.allow_connection(provider, endpoint_id)
    service.complete_connection(provisioner, endpoint_id)
    drain(service, endpoint)
    return endpoint


def disconnect(service: EndpointService, endpoint_id: str) -> None:
    """Deny the connection and let the provisioner finish it; events collected."""
    service.deny_connection(provider, endpoint_id)
    service.complete_disconnection(provisioner, endpoint_id)
    service.collect_events()


def drain(*aggregates: Aggregate) -> None:
    for aggregate in aggregates:
        aggregate.collect_events()


def event_names(aggregate: Aggregate) -> list[str]:
    """The class names of the aggregate's pending events, collecting them."""
    return [type(e).__name__ for e in aggregate.collect_events()]


def zone_statuses(service: EndpointService, endpoint_id: str) -> dict[str, str]:
    return {z: zc["status"] for z, zc in service.connection(endpoint_id)["zones"].items()}
