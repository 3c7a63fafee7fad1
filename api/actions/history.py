"""The audit log and time travel as signed actions (ListResourceEvents, GetResourceAsOf)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from privatelink.api.actions import fields as F
from privatelink.api.actions.context import Ctx, pick
from privatelink.api.actions.listing import offset_page
from privatelink.api.actions.registry import action
from privatelink.api.wire.errors import InvalidParameter
from privatelink.api.wire.extensions import GetResourceAsOfRequest, ListResourceEventsRequest
from privatelink.application.app import PrivateLinkApp
from privatelink.application.history import HistoryEntry, Resource, iso_moment, resource_named
from privatelink.domain.errors_invalid import MissingValue
from privatelink.projections.attributes import endpoint_attribute, service_attribute
from privatelink.projections.docs import consumer_zone


def parse_time(name: str, value: str | None) -> datetime | None:
    """ISO 8601; a time without a zone is UTC."""
    if value is None:
        return None
    try:
        return iso_moment(value)
    except ValueError:
        raise InvalidParameter(name, "is not an ISO 8601 time (2026-11-26T10:42:00Z)") from None


@action("ListResourceEvents")
def list_resource_events(ctx: Ctx, r: ListResourceEventsRequest) -> dict[str, Any]:
    resource = resource_named(r.resource_id)
    entries = ctx.app.audit.history_for(
        ctx.account,
        resource,
        parse_time("StartTime", r.start_time),
        parse_time("EndTime", r.end_time),
    )
    limit = r.max_results or 50
    page, next_token = offset_page(entries, r.next_token, limit)
    return {
        "Events": [event_of(e) for e in page],
        "TotalCount": len(entries),
        "MaxResults": limit,
        "NextToken": next_token,
    }


def event_of(e: HistoryEntry) -> dict[str, Any]:
    """One entry of the audit log as ListResourceEvents answers it."""
    return {
        "Version": e.version,
        "Time": e.as_json()["time"],
        "Type": e.type,
        "Actor": e.actor,
        "RequestIdOfChange": e.request_id,
        "ResourceId": e.resource,
        "Data": e.data,
    }


@action("GetResourceAsOf")
def get_resource_as_of(ctx: Ctx, r: GetResourceAsOfRequest) -> dict[str, Any]:
    if (r.as_of is None) == (r.version is None):
        raise MissingValue("Give exactly one of AsOf and Version.")
    resource = resource_named(r.resource_id)
    ctx.app.audit.check_history_access(ctx.account, resource)
    return render_as_of(ctx.app, resource, parse_time("AsOf", r.as_of), r.version)


def render_as_of(
    app: PrivateLinkApp, resource: Resource, when: datetime | None, version: int | None
) -> dict[str, Any]:
    """The Get…Attribute answer of that moment (an endpoint's with its Zones)."""
    return render_state(resource, *app.audit.as_of(resource, when, version))


def render_state(resource: Resource, aggregate: Any, service: Any | None) -> dict[str, Any]:
    """The Get…Attribute answer for one state of the resource (and of its service)."""
    if resource.kind == "service":
        return pick(service_attribute(aggregate), F.SERVICE_GET)
    doc = endpoint_attribute(aggregate, service)
    zones = [pick(consumer_zone(z), F.ENDPOINT_ZONE) for z in doc["Zones"]]
    return {**pick(doc, F.ENDPOINT_GET), "Zones": zones}
