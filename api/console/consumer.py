"""Consumer pages: the endpoints list, Create Endpoint (verify the service name first), and an
endpoint's details with its domain names and the Zones and ENIs tab."""

from __future__ import annotations

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


def create_params(form: Form, vpcs: list[Any]) -> list[tuple[str, Any]]:
    """The Create Endpoint form as CreateVpcEndpoint parameters."""
    inter = bool(form.get("InterRegion"))
    params: list[tuple[str, Any]] = [
        (k, form.get(k))
        for k in (
            "RegionId",
            "ServiceName",
            "VpcId",
            "AddressIpVersion",
            "ZoneAffinityEnabled",
            "EndpointName",
            "EndpointDescription",
        )
    ]
    if inter:
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


def routes(app: FastAPI, web: Web) -> None:
    @app.get(f"{BASE}/endpoints")
    async def endpoints(request: Request) -> Response:
        session = web.session(request)
        rows = await web.call_all(
            session, "ListVpcEndpoints", {"RegionId": session.region}, "Endpoints"
        )
        return web.page(request, session, "endpoints.html", endpoints=rows)

    async def new_page(
        request: Request,
        session: Session,
        form: Form,
        error: ActionFailed | None = None,
        verified: Any = None,
    ) -> Response:
        region = str(form.get("RegionId") or session.region)
        return web.page(
            request,
            session,
            "endpoint_new.html",
            status_of(error),
            error=error,
            form={"RegionId": region, **form},
            vpcs=vpcs_of(web, session, region),
            verified=verified,
        )

    @app.get(f"{BASE}/endpoints/new")
    async def new_endpoint(request: Request) -> Response:
        return await new_page(request, web.session(request), dict(request.query_params))

    async def verify(session: Session, form: Form) -> Any:
        """The service the name designates, as ListVpcEndpointServicesByEndUser answers it."""
        params = {
            "RegionId": form.get("RegionId") or session.region,
            "ServiceName": str(form.get("ServiceName") or "").strip() or None,
        }
        if form.get("InterRegion"):
            params["ServiceRegionId"] = form.get("ServiceRegionId")
        if not params["ServiceName"]:
            raise ActionFailed.of(
                MissingValue("Enter the endpoint service name to verify."),
                "",
                "create",
                field="ServiceName",
            )
        found = (await web.call(session, "ListVpcEndpointServicesByEndUser", params))["Services"]
        if not found:
            missing = EndpointServiceNotFound(
                params["ServiceName"], "does not exist or you are not on its whitelist"
            )
            raise ActionFailed.of(missing, "", "create", field="ServiceName")
        return found[0]

    @app.post(f"{BASE}/endpoints/new")
    async def create_endpoint(request: Request) -> Response:
        session = web.session(request)
        form = await web.form(request, session)
        region = str(form.get("RegionId") or session.region)
        try:
            if form.get("step") in ("verify", "region"):
                verified = await verify(session, form) if form["step"] == "verify" else None
                return await new_page(request, session, form, verified=verified)
            created = await web.call(
                session, "CreateVpcEndpoint", create_params(form, vpcs_of(web, session, region))
            )
        except ActionFailed as failed:
            failed.form = "create"
            return await new_page(request, session, form, failed)
        session.region = region
        session.flash.append(f"Created endpoint {created['EndpointId']}.")
        return web.redirect(session, f"{BASE}/endpoints/{created['EndpointId']}")

    async def endpoint_page(
        request: Request,
        session: Session,
        endpoint_id: str,
        tab: str,
        error: ActionFailed | None = None,
        form: Form | None = None,
    ) -> Response:
        base = {"RegionId": session.region, "EndpointId": endpoint_id}
        try:
            endpoint = await web.call(session, "GetVpcEndpointAttribute", base)
            zones = await web.call_all(session, "ListVpcEndpointZones", base, "Zones")
            groups = await web.call_all(
                session, "ListVpcEndpointSecurityGroups", base, "SecurityGroups"
            )
        except ActionFailed as failed:
            return not_found(web, request, session, failed)
        vpc = web.runtime.inventory.vpc(endpoint.get("VpcId", ""))
        return web.page(
            request,
            session,
            "endpoint.html",
            status_of(error),
            error=error,
            form=form or {},
            endpoint=endpoint,
            zones=zones,
            groups=groups,
            tab=tab if tab in ("details", "zones") else "details",
            vswitches=vpc.vswitches if vpc else [],
        )

    @app.get(f"{BASE}/endpoints/{{endpoint_id}}")
    async def endpoint(request: Request, endpoint_id: str, tab: str = "details") -> Response:
        return await endpoint_page(request, web.session(request), endpoint_id, tab)

    @app.post(f"{BASE}/endpoints/{{endpoint_id}}/{{op}}")
    async def endpoint_op(request: Request, endpoint_id: str, op: str) -> Response:
        session = web.session(request)
        form = await web.form(request, session)
        base = {"RegionId": session.region, "EndpointId": endpoint_id}
        if op == "zone-add":
            found = web.runtime.inventory.vswitch(str(form.get("VSwitchId", "")))
            spec = (
                "AddZoneToVpcEndpoint",
                {
                    "VSwitchId": form.get("VSwitchId"),
                    "ZoneId": found[1].zone if found else None,
                    "ip": form.get("ip"),
                },
                "zones",
                "Added the zone.",
            )
        elif op == "zone-remove":
            spec = (
                "RemoveZoneFromVpcEndpoint",
                {"ZoneId": form.get("ZoneId")},
                "zones",
                "Removing the zone.",
            )
        elif op == "delete":
            spec = ("DeleteVpcEndpoint", {}, "details", f"Deleting endpoint {endpoint_id}.")
        else:
            return not_found(
                web,
                request,
                session,
                ActionFailed.of(
                    ConsoleOperationNotFound(f"The console has no operation '{op}'."), ""
                ),
            )
        action, params, tab, notice = spec
        failed = await web.act(
            session, f"{op}:{form.get('row') or ''}", action, {**base, **params}, notice
        )
        if failed is None:
            return web.redirect(
                session,
                f"{BASE}/endpoints"
                if op == "delete"
                else f"{BASE}/endpoints/{endpoint_id}?tab={tab}",
            )
        return await endpoint_page(request, session, endpoint_id, tab, failed, form)
