"""Provider actions on the connections to its services."""

from __future__ import annotations

from typing import Any

from privatelink.api.actions import fields as F
from privatelink.api.actions.context import Ctx, pick
from privatelink.api.actions.listing import given, page_of
from privatelink.api.actions.registry import action
from privatelink.api.actions.services import owned_service
from privatelink.api.wire import models as m
from privatelink.application.connections import (
    ChangeConnectionBandwidth,
    DisableConnection,
    EnableConnection,
)
from privatelink.application.zone_connections import (
    ChangeZoneResource,
    DisableZoneConnection,
    EnableZoneConnection,
    ZoneConnection,
    ZoneResourceChange,
)
from privatelink.projections.views import CONNECTION, ZONE, endpoint_key, service_key


@action("ListVpcEndpointConnections")
def list_connections(ctx: Ctx, r: m.ListVpcEndpointConnectionsRequest) -> dict[str, Any]:
    if r.service_id is not None:
        owned_service(ctx, r.service_id, r.region_id)
    contains = given(
        ("ConnectionStatus", r.connection_status),
        ("EndpointOwnerId", r.endpoint_owner_id),
        ("ResourceGroupId", r.resource_group_id),
    )
    page = page_of(
        ctx,
        r,
        CONNECTION,
        owner=ctx.account,
        region=r.region_id,
        parent=service_key(r.service_id) if r.service_id else None,
        contains=contains,
        keys=connection_keys(ctx, r),
    )
    zones = ctx.views.children(ZONE, [k for k, _ in page.rows])
    connections = [
        {**d, "Zones": [pick(z, F.CONNECTION_ZONE) for z in zones[k]]} for k, d in page.rows
    ]
    return page.answer({"Connections": [pick(c, F.CONNECTION) for c in connections]}, str)


def connection_keys(ctx: Ctx, r: m.ListVpcEndpointConnectionsRequest) -> list[str] | None:
    """The connections the zone filters and EndpointId leave (None: no such filter)."""
    keys = zone_filtered_keys(ctx, r)
    if r.endpoint_id is None:
        return keys
    wanted = endpoint_key(r.endpoint_id)
    return [k for k in keys if k == wanted] if keys is not None else [wanted]


def zone_filtered_keys(ctx: Ctx, r: m.ListVpcEndpointConnectionsRequest) -> list[str] | None:
    """Connections with a zone on the given ENI or resource."""
    contains = given(
        ("EniId", r.eni_id),
        ("ResourceId", r.resource_id),
        ("ReplacedResourceId", r.replaced_resource_id),
    )
    if not contains:
        return None
    found, _ = ctx.views.page(ZONE, contains=contains, limit=1000)
    return sorted({key.split("/")[0] for key, _ in found})


@action("EnableVpcEndpointConnection")
def enable_connection(ctx: Ctx, r: m.EnableVpcEndpointConnectionRequest) -> dict[str, Any]:
    return ctx.settle(
        ctx.app.dispatch(
            EnableConnection(
                r.region_id, r.service_id, r.endpoint_id, r.bandwidth, r.traffic_control_mode
            ),
            ctx.command(r),
        )
    )


@action("DisableVpcEndpointConnection")
def disable_connection(ctx: Ctx, r: m.DisableVpcEndpointConnectionRequest) -> dict[str, Any]:
    return ctx.settle(
        ctx.app.dispatch(
            DisableConnection(r.region_id, r.service_id, r.endpoint_id), ctx.command(r)
        )
    )


@action("UpdateVpcEndpointConnectionAttribute")
def update_connection(ctx: Ctx, r: m.UpdateVpcEndpointConnectionAttributeRequest) -> dict[str, Any]:
    return ctx.settle(
        ctx.app.dispatch(
            ChangeConnectionBandwidth(
                r.region_id, r.service_id, r.endpoint_id, r.bandwidth, r.traffic_control_mode
            ),
            ctx.command(r),
        )
    )


@action("DisableVpcEndpointZoneConnection")
def disable_zone_connection(
    ctx: Ctx, r: m.DisableVpcEndpointZoneConnectionRequest
) -> dict[str, Any]:
    return ctx.settle(
        ctx.app.dispatch(
            DisableZoneConnection(zone_connection(r), bool(r.replaced_resource)), ctx.command(r)
        )
    )


@action("EnableVpcEndpointZoneConnection")
def enable_zone_connection(ctx: Ctx, r: m.EnableVpcEndpointZoneConnectionRequest) -> dict[str, Any]:
    return ctx.settle(ctx.app.dispatch(EnableZoneConnection(zone_connection(r)), ctx.command(r)))


@action("UpdateVpcEndpointZoneConnectionResourceAttribute")
def update_zone_resource(
    ctx: Ctx, r: m.UpdateVpcEndpointZoneConnectionResourceAttributeRequest
) -> dict[str, Any]:
    change = ZoneResourceChange(
        _mode(r.resource_allocate_mode), r.resource_replace_mode, r.resource_id
    )
    return ctx.settle(
        ctx.app.dispatch(ChangeZoneResource(zone_connection(r), change), ctx.command(r))
    )


def zone_connection(r: Any) -> ZoneConnection:
    """The zone of a connection a zone-connection request names."""
    return ZoneConnection(r.region_id, r.service_id, r.endpoint_id, r.zone_id)


def _mode(mode: str | None) -> str | None:
    """The docs also spell Manual as 'Mannual'."""
    return "Manual" if mode == "Mannual" else mode
