"""Provider actions on endpoint services, their resources and whitelist."""

from __future__ import annotations

import re
from typing import Any

from privatelink.api.actions import fields as F
from privatelink.api.actions.context import Ctx, pick
from privatelink.api.actions.listing import given, page_of
from privatelink.api.actions.registry import action
from privatelink.api.wire import models as m
from privatelink.application.services import (
    AddUser,
    AttachResource,
    CreateEndpointService,
    DeleteEndpointService,
    DetachResource,
    RemoveUser,
    ResourceRef,
    SetAutoAllocation,
    UpdateEndpointService,
)
from privatelink.domain.errors import EndpointServiceNotFound, InvalidValue
from privatelink.domain.errors_invalid import MissingValue
from privatelink.domain.service import ServiceOptions
from privatelink.projections.views import RESOURCE, SERVICE, USER, ZONE, child_key, service_key

_ARN = re.compile(r"^acs:ram::(\*|[0-9]+):.+$")


def owned_service(ctx: Ctx, service_id: str, region: str) -> dict[str, Any]:
    """SEC-3: a service of another account (or region) is answered as missing."""
    row = ctx.row(SERVICE, service_key(service_id))
    if row is None or row["owner"] != ctx.account or row["region"] != region:
        raise EndpointServiceNotFound(service_id)
    return dict(row["doc"])


def with_zones(ctx: Ctx, keyed_docs: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    resources = ctx.views.children(RESOURCE, [k for k, _ in keyed_docs])
    return [{**doc, "Zones": sorted({r["ZoneId"] for r in resources[k]})} for k, doc in keyed_docs]


def tags_of(request: Any) -> tuple[tuple[str, str], ...]:
    return tuple((t.key or "", t.value or "") for t in request.tag)


def tag_filter(request: Any) -> dict[str, Any]:
    wanted = [
        {"Key": t.key, "Value": t.value} if t.value is not None else {"Key": t.key}
        for t in request.tag
        if t.key
    ]
    return {"Tags": wanted} if wanted else {}


@action("CreateVpcEndpointService")
def create_vpc_endpoint_service(ctx: Ctx, r: m.CreateVpcEndpointServiceRequest) -> dict[str, Any]:
    options = ServiceOptions(
        auto_accept=bool(r.auto_accept_enabled),
        zone_affinity=bool(r.zone_affinity_enabled),
        address_ip_version=r.address_ip_version or "IPv4",
        payer=r.payer or "Endpoint",
        description=r.service_description or "",
        ipv6=bool(r.service_support_ipv6),
        resource_group_id=r.resource_group_id or "",
        resource_type=r.service_resource_type,
        tags=tags_of(r),
        supported_regions=tuple(r.supported_region_list),
    )
    refs = [ResourceRef(x.resource_id or "", x.resource_type, x.zone_id) for x in r.resource]
    for i, ref in enumerate(refs, 1):
        if not ref.resource_id:
            raise MissingValue(f"Resource.{i}.ResourceId is required.")
    result = ctx.settle(
        ctx.app.dispatch(CreateEndpointService(r.region_id, refs, options), ctx.command(r))
    )
    doc = {
        **owned_service(ctx, result["ServiceId"], r.region_id),
        **{k: v for k, v in result.items() if k == "ServiceStatus"},
    }
    return pick(doc, F.SERVICE_CREATE)


@action("GetVpcEndpointServiceAttribute")
def get_vpc_endpoint_service_attribute(
    ctx: Ctx, r: m.GetVpcEndpointServiceAttributeRequest
) -> dict[str, Any]:
    doc = owned_service(ctx, r.service_id, r.region_id)
    return pick(with_zones(ctx, [(service_key(r.service_id), doc)])[0], F.SERVICE_GET)


@action("UpdateVpcEndpointServiceAttribute")
def update_vpc_endpoint_service_attribute(
    ctx: Ctx, r: m.UpdateVpcEndpointServiceAttributeRequest
) -> dict[str, Any]:
    changes = given(
        ("description", r.service_description),
        ("auto_accept", r.auto_accept_enabled),
        ("zone_affinity", r.zone_affinity_enabled),
        ("ipv6", r.service_support_ipv6),
        ("address_ip_version", r.address_ip_version),
        ("connect_bandwidth", r.connect_bandwidth),
    )
    return ctx.settle(
        ctx.app.dispatch(
            UpdateEndpointService(
                r.region_id,
                r.service_id,
                changes,
                list(r.add_supported_region_set),
                list(r.delete_supported_region_set),
            ),
            ctx.command(r),
        )
    )


@action("DeleteVpcEndpointService")
def delete_vpc_endpoint_service(ctx: Ctx, r: m.DeleteVpcEndpointServiceRequest) -> dict[str, Any]:
    return ctx.settle(
        ctx.app.dispatch(DeleteEndpointService(r.region_id, r.service_id), ctx.command(r))
    )


@action("ListVpcEndpointServices")
def list_vpc_endpoint_services(ctx: Ctx, r: m.ListVpcEndpointServicesRequest) -> dict[str, Any]:
    contains = given(
        ("AddressIpVersion", r.address_ip_version),
        ("AutoAcceptEnabled", r.auto_accept_enabled),
        ("ServiceBusinessStatus", r.service_business_status),
        ("ServiceId", r.service_id),
        ("ServiceName", r.service_name),
        ("ServiceResourceType", r.service_resource_type),
        ("ServiceStatus", r.service_status),
        ("ZoneAffinityEnabled", r.zone_affinity_enabled),
        ("ResourceGroupId", r.resource_group_id),
    )
    page = page_of(
        ctx,
        r,
        SERVICE,
        owner=ctx.account,
        region=r.region_id,
        contains={**contains, **tag_filter(r)},
        keys=services_with_resource(ctx, r.resource_id),
    )
    return page.answer({"Services": [pick(d, F.SERVICE_LIST) for d in with_zones(ctx, page.rows)]})


def services_with_resource(ctx: Ctx, resource_id: str | None) -> list[str] | None:
    """The keys of the caller's services that use the resource (None: no such filter)."""
    if resource_id is None:
        return None
    found, _ = ctx.views.page(
        RESOURCE, owner=ctx.account, contains={"ResourceId": resource_id}, limit=1000
    )
    return sorted({key.split("/")[0] for key, _ in found})


@action("ListVpcEndpointServicesByEndUser")
def list_vpc_endpoint_services_by_end_user(
    ctx: Ctx, r: m.ListVpcEndpointServicesByEndUserRequest
) -> dict[str, Any]:
    """WL-2/WL-3: a consumer sees the services whose whitelist admits it; XR-1: homed in
    ServiceRegionId (default: RegionId) and supporting endpoints in RegionId."""
    contains = given(
        ("ServiceId", r.service_id),
        ("ServiceName", r.service_name),
        ("ServiceType", r.service_type),
        ("ResourceGroupId", r.resource_group_id),
    )
    contains["SupportedRegionSet"] = [{"SupportedRegionId": r.region_id}]
    page = page_of(
        ctx,
        r,
        SERVICE,
        region=r.service_region_id or r.region_id,
        visible_to=ctx.account,
        contains={**contains, **tag_filter(r)},
    )
    services = [{**d, "VpcEndpointPolicySupported": False} for d in with_zones(ctx, page.rows)]
    return page.answer({"Services": [pick(d, F.SERVICE_BY_END_USER) for d in services]}, str)


# -- resources ---------------------------------------------------------------------------


@action("AttachResourceToVpcEndpointService")
def attach_resource(ctx: Ctx, r: m.AttachResourceToVpcEndpointServiceRequest) -> dict[str, Any]:
    ref = ResourceRef(r.resource_id, r.resource_type, r.zone_id)
    return ctx.settle(
        ctx.app.dispatch(AttachResource(r.region_id, r.service_id, ref), ctx.command(r))
    )


@action("DetachResourceFromVpcEndpointService")
def detach_resource(ctx: Ctx, r: m.DetachResourceFromVpcEndpointServiceRequest) -> dict[str, Any]:
    ref = ResourceRef(r.resource_id, r.resource_type, r.zone_id)
    return ctx.settle(
        ctx.app.dispatch(DetachResource(r.region_id, r.service_id, ref), ctx.command(r))
    )


@action("ListVpcEndpointServiceResources")
def list_resources(ctx: Ctx, r: m.ListVpcEndpointServiceResourcesRequest) -> dict[str, Any]:
    owned_service(ctx, r.service_id, r.region_id)
    page = page_of(ctx, r, RESOURCE, parent=service_key(r.service_id))
    resources = [{**d, "_service": r.service_id} for _, d in page.rows]
    return page.answer(
        {"Resources": [pick(related_counts(ctx, d), F.RESOURCE) for d in resources]}, None
    )


def related_counts(ctx: Ctx, doc: dict[str, Any]) -> dict[str, Any]:
    """How many endpoint zones the resource serves, and how many it still serves only as the
    replaced resource of a migration, read from the zone view."""
    service = {"_service": doc["_service"]}
    serving = ctx.views.count(
        ZONE, {"ResourceId": doc["ResourceId"], **service}, exclude={"ZoneStatus": "Disconnected"}
    )
    replaced = ctx.views.count(ZONE, {"ReplacedResourceId": doc["ResourceId"], **service})
    return {**doc, "RelatedEndpointCount": serving, "RelatedDeprecatedEndpointCount": replaced}


@action("UpdateVpcEndpointServiceResourceAttribute")
def update_resource_attribute(
    ctx: Ctx, r: m.UpdateVpcEndpointServiceResourceAttributeRequest
) -> dict[str, Any]:
    return ctx.settle(
        ctx.app.dispatch(
            SetAutoAllocation(
                r.region_id, r.service_id, r.resource_id, r.zone_id, r.auto_allocated_enabled
            ),
            ctx.command(r),
        )
    )


# -- whitelist -----------------------------------------------------------------------------


def whitelist_entry(user_id: int | None, user_arn: str | None) -> str:
    """A UID, or '*' for everyone (WL-3): from UserId, or from UserARN ('*' or an ARN)."""
    if user_id is not None and user_arn is not None:
        raise InvalidValue("Give either UserId or UserARN, not both.")
    if user_id is not None:
        if user_id <= 0:
            raise InvalidValue("UserId must be a positive account UID.")
        return str(user_id)
    if user_arn is None:
        raise MissingValue("Either UserId or UserARN is required.")
    if user_arn == "*":
        return "*"
    match = _ARN.match(user_arn)
    if match is None:
        raise InvalidValue(f"UserARN '{user_arn}' is not '*' or acs:ram::<uid>:<resource>.")
    return match.group(1)


@action("AddUserToVpcEndpointService")
def add_user(ctx: Ctx, r: m.AddUserToVpcEndpointServiceRequest) -> dict[str, Any]:
    user = whitelist_entry(r.user_id, r.user_arn)
    return ctx.settle(ctx.app.dispatch(AddUser(r.region_id, r.service_id, user), ctx.command(r)))


@action("RemoveUserFromVpcEndpointService")
def remove_user(ctx: Ctx, r: m.RemoveUserFromVpcEndpointServiceRequest) -> dict[str, Any]:
    user = whitelist_entry(r.user_id, r.user_arn)
    return ctx.settle(ctx.app.dispatch(RemoveUser(r.region_id, r.service_id, user), ctx.command(r)))


@action("ListVpcEndpointServiceUsers")
def list_users(ctx: Ctx, r: m.ListVpcEndpointServiceUsersRequest) -> dict[str, Any]:
    owned_service(ctx, r.service_id, r.region_id)
    parent = service_key(r.service_id)
    keys = [child_key(parent, str(r.user_id))] if r.user_id is not None else None
    page = page_of(ctx, r, USER, parent=parent, keys=keys)
    users = [d["UserId"] for _, d in page.rows]
    return page.answer(
        {
            "Users": [{"UserId": int(u)} for u in users if u.isdigit()],
            "UserARNs": [{"UserARN": u} for u in users if not u.isdigit()],
        },
        str,
    )
