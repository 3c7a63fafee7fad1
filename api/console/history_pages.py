"""What no cloud console has: a resource's timeline (who, when, request id, what changed), the
page as it was at a chosen moment (the answer of ``show --as-of``: GetResourceAsOf), the diff
between two moments, an endpoint's DNS records then and now, and a per-zone state chart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response
from markupsafe import Markup

from privatelink.api.console.calls import ActionFailed
from privatelink.api.console.chart import zone_chart
from privatelink.api.console.provider_tabs import not_found
from privatelink.api.console.session import Session
from privatelink.api.console.web import BASE, Web, status_of
from privatelink.application.history import iso_moment
from privatelink.projections.dns_records import EndpointRows, endpoint_names

CHART_MOMENTS = 80
# at, since, until
Moments = tuple[str, str, str]


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


def zone_states(doc: dict[str, Any]) -> dict[str, str]:
    return {z["ZoneId"]: z.get("ZoneStatus", "") for z in doc.get("Zones", [])}


@dataclass
class Travel:
    """The moment shown and its page, the diff between two moments, or why not."""

    chosen: str
    snapshot: dict[str, Any] | None = None
    diff: dict[str, Any] | None = None
    error: ActionFailed | None = None


class HistoryPages:
    """A resource's history page, for one console."""

    def __init__(self, web: Web) -> None:
        self.web = web

    async def events_of(self, session: Session, resource_id: str) -> list[dict[str, Any]]:
        params = {"ResourceId": resource_id}
        return await self.web.call_all(session, "ListResourceEvents", params, "Events")

    async def as_of(self, session: Session, resource_id: str, when: str) -> dict[str, Any]:
        params = {"ResourceId": resource_id, "AsOf": when}
        return await self.web.call(session, "GetResourceAsOf", params)

    async def travel(
        self, session: Session, resource_id: str, events: list[dict[str, Any]], moments: Moments
    ) -> Travel:
        at, since, until = moments
        times = [e["Time"] for e in events]
        found = Travel(at if parse_moment(at) else (times[-1] if times else ""))
        try:
            if found.chosen:
                found.snapshot = await self.as_of(session, resource_id, found.chosen)
            start, end = parse_moment(since), parse_moment(until)
            if start and end:
                before = await self.as_of(session, resource_id, since)
                after = await self.as_of(session, resource_id, until)
                between = [e for e in events if (t := parse_moment(e["Time"])) and start < t <= end]
                found.diff = {"changes": changes(before, after), "events": between}
        except ActionFailed as failed:
            failed.form = "travel"
            found.error = failed
        return found

    async def endpoint_views(
        self, session: Session, resource_id: str, snapshot: dict[str, Any], moments: list[str]
    ) -> tuple[dict[str, Any], Markup]:
        """An endpoint's DNS records then and now, and its zones' state chart."""
        now = datetime.now(UTC).isoformat()
        current = await self.as_of(session, resource_id, now)
        dns = {"then": dns_records(snapshot), "now": dns_records(current)}
        states = []
        for moment in moments[-CHART_MOMENTS:]:
            states.append((moment, zone_states(await self.as_of(session, resource_id, moment))))
        return dns, zone_chart(states, now)

    async def history(
        self, request: Request, resource_id: str, at: str = "", since: str = "", until: str = ""
    ) -> Response:
        """``at``: the moment to show; ``since``/``until``: the two moments to compare."""
        session = self.web.session(request)
        try:
            events = await self.events_of(session, resource_id)
        except ActionFailed as failed:
            return not_found(self.web, request, session, failed)
        moments = [e["Time"] for e in events]
        found = await self.travel(session, resource_id, events, (at, since, until))
        endpoint = resource_id.startswith("ep-")
        dns = chart = None
        context: dict[str, Any] = {"endpoint": endpoint}
        if endpoint and found.snapshot is not None:
            dns, chart = await self.endpoint_views(session, resource_id, found.snapshot, moments)
        context |= {"resource_id": resource_id, "events": events, "moments": moments}
        context |= {"dns": dns, "chart": chart, "since": since, "until": until}
        context |= {"chosen": found.chosen, "snapshot": found.snapshot, "diff": found.diff}
        status = status_of(found.error)
        page = self.web.page
        return page(request, session, "history.html", status, error=found.error, **context)


def routes(app: FastAPI, web: Web) -> None:
    app.get(f"{BASE}/history/{{resource_id}}")(HistoryPages(web).history)
