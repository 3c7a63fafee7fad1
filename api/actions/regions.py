"""Account and geography actions, answered from the inventory."""

from __future__ import annotations

from typing import Any

from privatelink.api.actions.context import Ctx
from privatelink.api.actions.registry import action
from privatelink.api.wire import models as m
from privatelink.domain.errors import InvalidRegionIdNotFound, missing
from privatelink.domain.resources import WIRE_RESOURCE_TYPES


@action("CheckProductOpen")
def check_product_open(ctx: Ctx, r: m.CheckProductOpenRequest) -> dict[str, Any]:
    return {"Success": True}


@action("OpenPrivateLinkService")
def open_private_link_service(ctx: Ctx, r: m.OpenPrivateLinkServiceRequest) -> dict[str, Any]:
    """The emulator's product is always open; the order id names the caller's activation."""
    return {"OrderId": f"{ctx.account}-privatelink"}


@action("DescribeRegions")
def describe_regions(ctx: Ctx, r: m.DescribeRegionsRequest) -> dict[str, Any]:
    types = list(WIRE_RESOURCE_TYPES)
    return {
        "Regions": {
            "Region": [
                {
                    "RegionId": region.id,
                    "LocalName": region.id,
                    "RegionEndpoint": f"privatelink.{region.id}.aliyuncs.com",
                    "ServiceResourceTypes": {"ServiceResourceType": types},
                }
                for region in ctx.runtime.inventory.regions
            ]
        }
    }


@action("DescribeZones")
def describe_zones(ctx: Ctx, r: m.DescribeZonesRequest) -> dict[str, Any]:
    region = ctx.runtime.inventory.region(r.region_id)
    if region is None:
        raise InvalidRegionIdNotFound(missing("region", r.region_id))
    return {"Zones": {"Zone": [{"ZoneId": z, "LocalName": z} for z in region.zones]}}
