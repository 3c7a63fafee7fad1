"""Tags and resource groups of services and endpoints."""

from __future__ import annotations

from typing import Any

from privatelink.api.actions.context import Ctx
from privatelink.api.actions.listing import offset_page
from privatelink.api.actions.registry import action
from privatelink.api.wire import models as m
from privatelink.application.tagging import ChangeResourceGroup, TagResources, UntagResources
from privatelink.domain.errors import InvalidValue
from privatelink.domain.errors_invalid import MissingValue
from privatelink.projections.views import ENDPOINT, SERVICE, endpoint_key, service_key

PAGE = 50
KINDS = {
    "vpcendpoint": (ENDPOINT, "EndpointId", endpoint_key),
    "vpcendpointservice": (SERVICE, "ServiceId", service_key),
}


@action("TagResources")
def tag_resources(ctx: Ctx, r: m.TagResourcesRequest) -> dict[str, Any]:
    tags = [(t.key, t.value) for t in r.tag]
    return ctx.settle(
        ctx.app.dispatch(
            TagResources(r.region_id, r.resource_type, list(r.resource_id), tags), ctx.command(r)
        )
    )


@action("UntagResources")
def untag_resources(ctx: Ctx, r: m.UntagResourcesRequest) -> dict[str, Any]:
    if not r.all and not r.tag_key:
        raise MissingValue("Give TagKey.N, or All=true to remove every tag.")
    keys = None if r.all else list(r.tag_key)
    return ctx.settle(
        ctx.app.dispatch(
            UntagResources(r.region_id, r.resource_type, list(r.resource_id), keys),
            ctx.command(r),
        )
    )


@action("ListTagResources")
def list_tag_resources(ctx: Ctx, r: m.ListTagResourcesRequest) -> dict[str, Any]:
    if r.resource_type not in KINDS:
        raise InvalidValue("ResourceType must be vpcendpoint or vpcendpointservice.")
    if not r.resource_id and not r.tag:
        raise MissingValue("Give ResourceId.N or Tag.N.")
    kind, id_field, key_of = KINDS[r.resource_type]
    keys = [key_of(i) for i in r.resource_id] if r.resource_id else None
    wanted = [
        {"Key": t.key, **({"Value": t.value} if t.value is not None else {})}
        for t in r.tag
        if t.key
    ]
    rows, _ = ctx.views.page(
        kind,
        owner=ctx.account,
        region=r.region_id,
        keys=keys,
        contains={"Tags": wanted} if wanted else None,
        limit=10_000,
    )
    pairs = [
        tag_pair(doc[id_field], r.resource_type, tag) for _, doc in rows for tag in doc["Tags"]
    ]
    page, next_token = offset_page(pairs, r.next_token, PAGE)
    return {"TagResources": page, "NextToken": next_token}


def tag_pair(resource_id: str, resource_type: str, tag: dict[str, str]) -> dict[str, str]:
    return {
        "ResourceId": resource_id,
        "ResourceType": resource_type,
        "TagKey": tag["Key"],
        "TagValue": tag["Value"],
    }


@action("ChangeResourceGroup")
def change_resource_group(ctx: Ctx, r: m.ChangeResourceGroupRequest) -> dict[str, Any]:
    resource_type = r.resource_type or (
        "VpcEndpointService" if r.resource_id.startswith("epsrv-") else "VpcEndpoint"
    )
    return ctx.settle(
        ctx.app.dispatch(
            ChangeResourceGroup(resource_type, r.resource_id, r.resource_group_id), ctx.command(r)
        )
    )
