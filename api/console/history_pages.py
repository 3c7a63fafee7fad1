"""What no cloud console has: a resource's timeline (who, when, request id, what changed), the
page as it was at a chosen moment (the answer of ``show --as-of``: GetResourceAsOf), the diff
between two moments, an endpoint's DNS records then and now, and a per-zone state chart."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response

from privatelink.api.console.calls import ActionFailed
from privatelink.api.console.chart import zone_chart
from privatelink.api.console.provider_tabs import not_found
from privatelink.api.console.session import Session
from privatelink.api.console.web import BASE, Web, status_of
from privatelink.application.history import iso_moment
from privatelink.projections.dns_records import EndpointRows, endpoint_names

CHART_MOMENTS = 80


def changes(
    before: dict[str, Any], after: dict[str, Any], prefix: str = ""
) -> list[tuple[str, Any, Any]]:
    """Field-by-field differences (zones by zone id, other nested objects by key)."""
    found: list[tuple[str, Any, Any]] = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if (
            isinstance(old, list)
            and isinstance(new, list)
            and key == "Zones"
            and all(isinstance(z, dict) for z in old + new)
        ):
            old = {z.get("ZoneId", i): z for i, z in enumerate(old)}
            new = {z.get("ZoneId", i): z for i, z in enumerate(new)}
        if isinstance(old, dict) and isinstance(new, dict):
            found += changes(old, new, f"{prefix}{key}.")
        elif old != new:
            found.append((f"{prefix}{key}", old, new))
    return found


def dns_records(doc: dict[str, Any] | None) -> list[tuple[str, list[str]]]:
    """The names an endpoint answers and their addresses, by the DNS-record view's own rule
    (EP-9, ACC-4: nothing before the provider accepts), from a Get answer with its Zones."""
    if not doc:
        return []
    endpoint = {k: v for k, v in doc.items() if k != "Zones"}
    rows = endpoint_names(EndpointRows(endpoint, list(doc.get("Zones", []))))
    return [(row.name, [z.ipv4 for z in row.zones if z.ipv4]) for row in rows]


def parse_moment(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return iso_moment(value)
    except ValueError:
        return None


def routes(app: FastAPI, web: Web) -> None:
    async def events_of(session: Session, resource_id: str) -> list[dict[str, Any]]:
        return await web.call_all(
            session, "ListResourceEvents", {"ResourceId": resource_id}, "Events"
        )

    async def as_of(session: Session, resource_id: str, when: str) -> dict[str, Any]:
        return await web.call(session, "GetResourceAsOf", {"ResourceId": resource_id, "AsOf": when})

    @app.get(f"{BASE}/history/{{resource_id}}")
    async def history(
        request: Request, resource_id: str, at: str = "", since: str = "", until: str = ""
    ) -> Response:
        """``at``: the moment to show; ``since``/``until``: the two moments to compare."""
        session = web.session(request)
        try:
            events = await events_of(session, resource_id)
        except ActionFailed as failed:
            return not_found(web, request, session, failed)
        moments = [e["Time"] for e in events]
        now = datetime.now(UTC).isoformat()
        error = None
        snapshot = diff = None
        chosen = at if parse_moment(at) else (moments[-1] if moments else "")
        try:
            snapshot = await as_of(session, resource_id, chosen) if chosen else None
            start, end = parse_moment(since), parse_moment(until)
            if start and end:
                before = await as_of(session, resource_id, since)
                after = await as_of(session, resource_id, until)
                between = [e for e in events if (t := parse_moment(e["Time"])) and start < t <= end]
                diff = {"changes": changes(before, after), "events": between}
        except ActionFailed as failed:
            failed.form = "travel"
            error = failed
        endpoint = resource_id.startswith("ep-")
        dns = chart = None
        if endpoint and snapshot is not None:
            current = await as_of(session, resource_id, now)
            dns = {"then": dns_records(snapshot), "now": dns_records(current)}
            states = []
            for moment in moments[-CHART_MOMENTS:]:
                doc = await as_of(session, resource_id, moment)
                states.append(
                    (moment, {z["ZoneId"]: z.get("ZoneStatus", "") for z in doc.get("Zones", [])})
                )
            chart = zone_chart(states, now)
        return web.page(
            request,
            session,
            "history.html",
            status_of(error),
            resource_id=resource_id,
            events=events,
            moments=moments,
            chosen=chosen,
            snapshot=snapshot,
            diff=diff,
            dns=dns,
            chart=chart,
            since=since,
            until=until,
            error=error,
            endpoint=endpoint,
        )
