"""Consumer actions on interface endpoints, their zones and security groups."""

from __future__ import annotations

from typing import Any

from privatelink.api.actions import fields as F
from privatelink.api.actions.context import Ctx, pick
from privatelink.api.actions.listing import given, page_of
from privatelink.api.actions.registry import action
from privatelink.api.actions.services import tag_filter, tags_of
from privatelink.api.wire import models as m
from privatelink.application.endpoints import (
    AddZone,
    AttachSecurityGroup,
    CreateEndpoint,
    DeleteEndpoint,
    DetachSecurityGroup,
    RemoveZone,
    UpdateEndpoint,
    ZoneRequest,
)
from privatelink.domain.endpoint import EndpointOptions
from privatelink.domain.errors import EndpointNotFound, InvalidValue
from privatelink.domain.errors_invalid import MissingValue
from privatelink.projections.docs import consumer_zone
from privatelink.projections.views import ENDPOINT, SECURITY_GROUP, ZONE, endpoint_key


def owned_endpoint(ctx: Ctx, endpoint_id: str, region: str) -> dict[str, Any]:
    """SEC-3: an endpoint of another account (or region) is answered as missing."""
    row = ctx.row(ENDPOINT, endpoint_key(endpoint_id))
    if row is None or row["owner"] != ctx.account or row["region"] != region:
        raise EndpointNotFound(endpoint_id)
    return dict(row["doc"])


def zone_requests(zones: list[Any]) -> list[ZoneRequest]:
    requests = []
    for i, zone in enumerate(zones, 1):
        if not zone.zone_id or not zone.v_switch_id:
            raise MissingValue(f"Zone.{i}.ZoneId and Zone.{i}.VSwitchId are required.")
        requests.append(ZoneRequest(zone.zone_id, zone.v_switch_id, zone.ip, zone.ipv6_address))
    return requests


@action("CreateVpcEndpoint")
def create_vpc_endpoint(ctx: Ctx, r: m.CreateVpcEndpointRequest) -> dict[str, Any]:
    if r.endpoint_type not in (None, "Interface"):
        raise InvalidValue(f"EndpointType '{r.endpoint_type}' is not supported; use Interface.")
    options = endpoint_options(r)  # checked before the zones, as it always was
    create = CreateEndpoint(
        r.region_id,
        r.vpc_id,
        r.service_id,
        r.service_name,
        zone_requests(r.zone),
        list(r.security_group_id),
        options,
        r.service_region_id,
    )
    result = ctx.settle(ctx.app.dispatch(create, ctx.command(r)))
    doc = {
        **owned_endpoint(ctx, result["EndpointId"], r.region_id),
        **{k: v for k, v in result.items() if k in ("EndpointStatus", "ConnectionStatus")},
    }
    return pick(doc, F.ENDPOINT_CREATE)


def endpoint_options(r: m.CreateVpcEndpointRequest) -> EndpointOptions:
    return EndpointOptions(
        name=r.endpoint_name or "",
        description=r.endpoint_description or "",
        address_ip_version=r.address_ip_version or "IPv4",
        zone_affinity=bool(r.zone_affinity_enabled),
        protected=bool(r.protected_enabled),
        resource_group_id=r.resource_group_id or "",
        tags=tags_of(r),
        cross_region_bandwidth=r.cross_region_bandwidth,
        policy_document=r.policy_document or "",
    )


@action("GetVpcEndpointAttribute")
def get_vpc_endpoint_attribute(ctx: Ctx, r: m.GetVpcEndpointAttributeRequest) -> dict[str, Any]:
    return pick(owned_endpoint(ctx, r.endpoint_id, r.region_id), F.ENDPOINT_GET)


@action("UpdateVpcEndpointAttribute")
def update_vpc_endpoint_attribute(
    ctx: Ctx, r: m.UpdateVpcEndpointAttributeRequest
) -> dict[str, Any]:
    policy = "" if r.reset_policy else r.policy_document
    changes = given(
        ("name", r.endpoint_name),
        ("description", r.endpoint_description),
        ("zone_affinity", r.zone_affinity_enabled),
        ("address_ip_version", r.address_ip_version),
        ("cross_region_bandwidth", r.cross_region_bandwidth),
        ("policy_document", policy),
    )
    return ctx.settle(
        ctx.app.dispatch(UpdateEndpoint(r.region_id, r.endpoint_id, changes), ctx.command(r))
    )


@action("DeleteVpcEndpoint")
def delete_vpc_endpoint(ctx: Ctx, r: m.DeleteVpcEndpointRequest) -> dict[str, Any]:
    return ctx.settle(ctx.app.dispatch(DeleteEndpoint(r.region_id, r.endpoint_id), ctx.command(r)))


@action("ListVpcEndpoints")
def list_vpc_endpoints(ctx: Ctx, r: m.ListVpcEndpointsRequest) -> dict[str, Any]:
    contains = given(
        ("AddressIpVersion", r.address_ip_version),
        ("ConnectionStatus", r.connection_status),
        ("EndpointId", r.endpoint_id),
        ("EndpointName", r.endpoint_name),
        ("EndpointStatus", r.endpoint_status),
        ("EndpointType", r.endpoint_type),
        ("ServiceName", r.service_name),
        ("ServiceRegionId", r.service_region_id),
        ("VpcId", r.vpc_id),
        ("ResourceGroupId", r.resource_group_id),
    )
    scope = {"owner": ctx.account, "region": r.region_id}
    page = page_of(ctx, r, ENDPOINT, **scope, contains={**contains, **tag_filter(r)})
    return page.answer({"Endpoints": [pick(d, F.ENDPOINT_LIST) for _, d in page.rows]})


# -- zones -----------------------------------------------------------------------------------


@action("AddZoneToVpcEndpoint")
def add_zone(ctx: Ctx, r: m.AddZoneToVpcEndpointRequest) -> dict[str, Any]:
    zone = ZoneRequest(r.zone_id, r.v_switch_id, r.ip, r.ipv6_address)
    return ctx.settle(ctx.app.dispatch(AddZone(r.region_id, r.endpoint_id, zone), ctx.command(r)))


@action("RemoveZoneFromVpcEndpoint")
def remove_zone(ctx: Ctx, r: m.RemoveZoneFromVpcEndpointRequest) -> dict[str, Any]:
    return ctx.settle(
        ctx.app.dispatch(RemoveZone(r.region_id, r.endpoint_id, r.zone_id), ctx.command(r))
    )


@action("ListVpcEndpointZones")
def list_zones(ctx: Ctx, r: m.ListVpcEndpointZonesRequest) -> dict[str, Any]:
    owned_endpoint(ctx, r.endpoint_id, r.region_id)
    page = page_of(ctx, r, ZONE, parent=endpoint_key(r.endpoint_id))
    return page.answer({"Zones": [pick(consumer_zone(d), F.ENDPOINT_ZONE) for _, d in page.rows]})


# -- security groups -----------------------------------------------------------------------


@action("AttachSecurityGroupToVpcEndpoint")
def attach_security_group(ctx: Ctx, r: m.AttachSecurityGroupToVpcEndpointRequest) -> dict[str, Any]:
    return ctx.settle(
        ctx.app.dispatch(
            AttachSecurityGroup(r.region_id, r.endpoint_id, r.security_group_id), ctx.command(r)
        )
    )


@action("DetachSecurityGroupFromVpcEndpoint")
def detach_security_group(
    ctx: Ctx, r: m.DetachSecurityGroupFromVpcEndpointRequest
) -> dict[str, Any]:
    return ctx.settle(
        ctx.app.dispatch(
            DetachSecurityGroup(r.region_id, r.endpoint_id, r.security_group_id), ctx.command(r)
        )
    )


@action("ListVpcEndpointSecurityGroups")
def list_security_groups(ctx: Ctx, r: m.ListVpcEndpointSecurityGroupsRequest) -> dict[str, Any]:
    owned_endpoint(ctx, r.endpoint_id, r.region_id)
    page = page_of(ctx, r, SECURITY_GROUP, parent=endpoint_key(r.endpoint_id))
    return page.answer({"SecurityGroups": [pick(d, F.SECURITY_GROUP) for _, d in page.rows]})
