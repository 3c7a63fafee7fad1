"""Consumer pages: the endpoints list, Create Endpoint (verify the service name first), and an
endpoint's details with its domain names and the Zones and ENIs tab."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response

from privatelink.api.console.calls import ActionFailed
from privatelink.api.console.provider_tabs import not_found
from privatelink.api.console.session import Session
from privatelink.api.console.web import BASE, Web, status_of
from privatelink.api.errors_console import ConsoleOperationNotFound
from privatelink.domain.errors import EndpointServiceNotFound
from privatelink.domain.errors_invalid import MissingValue

Form = dict[str, Any]


def as_list(value: Any) -> list[str]:
    return [] if not value else [value] if isinstance(value, str) else list(value)


def vpcs_of(web: Web, session: Session, region: str) -> list[Any]:
    return [v for v in web.runtime.inventory.vpcs if v.owner == session.uid and v.region == region]


CREATE_FIELDS = (
    "RegionId",
    "ServiceName",
    "VpcId",
    "AddressIpVersion",
    "ZoneAffinityEnabled",
    "EndpointName",
    "EndpointDescription",
)


def create_params(form: Form, vpcs: list[Any]) -> list[tuple[str, Any]]:
    """The Create Endpoint form as CreateVpcEndpoint parameters."""
    params: list[tuple[str, Any]] = [(k, form.get(k)) for k in CREATE_FIELDS]
    if form.get("InterRegion"):
        params += [
            ("ServiceRegionId", form.get("ServiceRegionId")),
            ("CrossRegionBandwidth", form.get("CrossRegionBandwidth")),
        ]
    zone_of = {s.id: s.zone for v in vpcs for s in v.vswitches}
    for n, vsw in enumerate(as_list(form.get("VSwitch")), start=1):
        params += [
            (f"Zone.{n}.VSwitchId", vsw),
            (f"Zone.{n}.ZoneId", zone_of.get(vsw, "")),
            (f"Zone.{n}.ip", str(form.get(f"ip.{vsw}") or "").strip()),
        ]
    for n, group in enumerate(as_list(form.get("SecurityGroupId")), start=1):
        params.append((f"SecurityGroupId.{n}", group))
    return params


def verify_params(session: Session, form: Form) -> dict[str, Any]:
    """ListVpcEndpointServicesByEndUser's parameters for the name typed in the form; refused
    when there is none."""
    params = {
        "RegionId": form.get("RegionId") or session.region,
        "ServiceName": str(form.get("ServiceName") or "").strip() or None,
    }
    if form.get("InterRegion"):
        params["ServiceRegionId"] = form.get("ServiceRegionId")
    if not params["ServiceName"]:
        missing = MissingValue("Enter the endpoint service name to verify.")
        raise ActionFailed.of(missing, "", "create", field="ServiceName")
    return params


# op -> (action, (form, inventory) -> parameters, tab to show, notice)
EndpointOp = tuple[str, Callable[[Form, Any], dict[str, Any]], str, str]


def zone_to_add(form: Form, inventory: Any) -> dict[str, Any]:
    found = inventory.vswitch(str(form.get("VSwitchId", "")))
    zone = found[1].zone if found else None
    return {"VSwitchId": form.get("VSwitchId"), "ZoneId": zone, "ip": form.get("ip")}


ENDPOINT_OPS: dict[str, EndpointOp] = {
    "zone-add": ("AddZoneToVpcEndpoint", zone_to_add, "zones", "Added the zone."),
    "zone-remove": (
        "RemoveZoneFromVpcEndpoint",
        lambda form, _: {"ZoneId": form.get("ZoneId")},
        "zones",
        "Removing the zone.",
    ),
    "delete": ("DeleteVpcEndpoint", lambda form, _: {}, "details", "Deleting endpoint {id}."),
}


class ConsumerPages:
    """The consumer's pages and forms, for one console."""

    def __init__(self, web: Web) -> None:
        self.web = web

    async def endpoints(self, request: Request) -> Response:
        session = self.web.session(request)
        params = {"RegionId": session.region}
        rows = await self.web.call_all(session, "ListVpcEndpoints", params, "Endpoints")
        return self.web.page(request, session, "endpoints.html", endpoints=rows)

    # -- Create Endpoint ------------------------------------------------------------------

    async def new_page(
        self,
        request: Request,
        session: Session,
        form: Form,
        error: ActionFailed | None = None,
        verified: Any = None,
    ) -> Response:
        region = str(form.get("RegionId") or session.region)
        return self.web.page(
            request,
            session,
            "endpoint_new.html",
            status_of(error),
            error=error,
            form={"RegionId": region, **form},
            vpcs=vpcs_of(self.web, session, region),
            verified=verified,
        )

    async def new_endpoint(self, request: Request) -> Response:
        return await self.new_page(request, self.web.session(request), dict(request.query_params))

    async def verify(self, session: Session, form: Form) -> Any:
        """The service the name designates, as ListVpcEndpointServicesByEndUser answers it."""
        params = verify_params(session, form)
        found = (await self.web.call(session, "ListVpcEndpointServicesByEndUser", params))[
            "Services"
        ]
        if not found:
            missing = EndpointServiceNotFound(
                params["ServiceName"], "does not exist or you are not on its whitelist"
            )
            raise ActionFailed.of(missing, "", "create", field="ServiceName")
        return found[0]

    async def create_endpoint(self, request: Request) -> Response:
        web = self.web
        session = web.session(request)
        form = await web.form(request, session)
        region = str(form.get("RegionId") or session.region)
        try:
            if form.get("step") in ("verify", "region"):
                verified = await self.verify(session, form) if form["step"] == "verify" else None
                return await self.new_page(request, session, form, verified=verified)
            params = create_params(form, vpcs_of(web, session, region))
            created = await web.call(session, "CreateVpcEndpoint", params)
        except ActionFailed as failed:
            failed.form = "create"
            return await self.new_page(request, session, form, failed)
        session.region = region
        session.flash.append(f"Created endpoint {created['EndpointId']}.")
        return web.redirect(session, f"{BASE}/endpoints/{created['EndpointId']}")

    # -- an endpoint's page -----------------------------------------------------------------

    async def endpoint_data(self, session: Session, endpoint_id: str) -> dict[str, Any]:
        web, base = self.web, {"RegionId": session.region, "EndpointId": endpoint_id}
        endpoint = await web.call(session, "GetVpcEndpointAttribute", base)
        zones = await web.call_all(session, "ListVpcEndpointZones", base, "Zones")
        groups = await web.call_all(
            session, "ListVpcEndpointSecurityGroups", base, "SecurityGroups"
        )
        vpc = web.runtime.inventory.vpc(endpoint.get("VpcId", ""))
        vswitches = vpc.vswitches if vpc else []
        return {"endpoint": endpoint, "zones": zones, "groups": groups, "vswitches": vswitches}

    async def endpoint_page(
        self,
        request: Request,
        session: Session,
        endpoint_id: str,
        tab: str,
        error: ActionFailed | None = None,
        form: Form | None = None,
    ) -> Response:
        try:
            data = await self.endpoint_data(session, endpoint_id)
        except ActionFailed as failed:
            return not_found(self.web, request, session, failed)
        tab = tab if tab in ("details", "zones") else "details"
        status = status_of(error)
        context = {"error": error, "form": form or {}, "tab": tab, **data}
        return self.web.page(request, session, "endpoint.html", status, **context)

    async def endpoint(self, request: Request, endpoint_id: str, tab: str = "details") -> Response:
        return await self.endpoint_page(request, self.web.session(request), endpoint_id, tab)

    async def endpoint_op(self, request: Request, endpoint_id: str, op: str) -> Response:
        web = self.web
        session = web.session(request)
        form = await web.form(request, session)
        if op not in ENDPOINT_OPS:
            unknown = ConsoleOperationNotFound(f"The console has no operation '{op}'.")
            return not_found(web, request, session, ActionFailed.of(unknown, ""))
        action, build, tab, notice = ENDPOINT_OPS[op]
        params = {"RegionId": session.region, "EndpointId": endpoint_id}
        params |= build(form, web.runtime.inventory)
        form_id = f"{op}:{form.get('row') or ''}"
        failed = await web.act(
            session, form_id, action, params, notice.replace("{id}", endpoint_id)
        )
        if failed is None:
            back = f"{BASE}/endpoints/{endpoint_id}?tab={tab}"
            return web.redirect(session, f"{BASE}/endpoints" if op == "delete" else back)
        return await self.endpoint_page(request, session, endpoint_id, tab, failed, form)


def routes(app: FastAPI, web: Web) -> None:
    pages = ConsumerPages(web)
    app.get(f"{BASE}/endpoints")(pages.endpoints)
    app.get(f"{BASE}/endpoints/new")(pages.new_endpoint)
    app.post(f"{BASE}/endpoints/new")(pages.create_endpoint)
    app.get(f"{BASE}/endpoints/{{endpoint_id}}")(pages.endpoint)
    app.post(f"{BASE}/endpoints/{{endpoint_id}}/{{op}}")(pages.endpoint_op)
