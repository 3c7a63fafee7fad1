"""Tags and resource groups of services and endpoints."""

from __future__ import annotations

from typing import Any

from privatelink.api.actions.context import Ctx, decode_token, encode_token
from privatelink.api.actions.registry import action
from privatelink.api.wire import models as m
from privatelink.api.wire.errors import InvalidParameter
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
        {
            "ResourceId": doc[id_field],
            "ResourceType": r.resource_type,
            "TagKey": tag["Key"],
            "TagValue": tag["Value"],
        }
        for _, doc in rows
        for tag in doc["Tags"]
    ]
    token = decode_token(r.next_token)
    if token is not None and not token.isdigit():
        raise InvalidParameter("NextToken", "is not a token this API returned")
    start = int(token or 0)
    page = pairs[start : start + PAGE]
    more = start + PAGE < len(pairs)
    return {"TagResources": page, "NextToken": encode_token(str(start + PAGE)) if more else ""}


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
