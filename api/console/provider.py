"""Provider pages: the endpoint services list, Create Endpoint Service, deleting a service in
the guide's order. The service's own tabs live in ``provider_tabs.py``."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response

from privatelink.api.console import provider_tabs
from privatelink.api.console.calls import ActionFailed
from privatelink.api.console.session import Session
from privatelink.api.console.web import BASE, Web, status_of

GUIDE_DELETE_FIRST = (
    "Before you delete the service, you must reject and disconnect all "
    "connected interface endpoints."
)
GUIDE_DELETE_WARNING = (
    "This action is irreversible and permanently terminates all associated "
    "endpoint connections. Proceed with caution."
)


def load_balancers(web: Web, session: Session, region: str) -> list[Any]:
    """The signed-in account's load balancers in ``region`` (its own inventory only)."""
    return [
        lb
        for lb in web.runtime.inventory.load_balancers
        if lb.owner == session.uid and lb.region == region
    ]


def create_params(form: dict[str, Any]) -> list[tuple[str, Any]]:
    """The Create Endpoint Service form as CreateVpcEndpointService parameters."""
    params: list[tuple[str, Any]] = [
        (k, form.get(k))
        for k in (
            "RegionId",
            "ServiceResourceType",
            "AutoAcceptEnabled",
            "ZoneAffinityEnabled",
            "AddressIpVersion",
            "Payer",
            "ServiceDescription",
        )
    ]
    picked = form.get("Resource") or []
    for n, item in enumerate([picked] if isinstance(picked, str) else picked, start=1):
        resource_type, resource_id, zone = (item.split("|") + ["", "", ""])[:3]
        params += [
            (f"Resource.{n}.ResourceId", resource_id),
            (f"Resource.{n}.ResourceType", resource_type),
            (f"Resource.{n}.ZoneId", zone),
        ]
    regions = form.get("SupportedRegionList") or []
    for n, region in enumerate([regions] if isinstance(regions, str) else regions, start=1):
        params.append((f"SupportedRegionList.{n}", region))
    return params


def routes(app: FastAPI, web: Web) -> None:
    async def services_page(
        request: Request, session: Session, error: ActionFailed | None = None
    ) -> Response:
        services = await web.call_all(
            session, "ListVpcEndpointServices", {"RegionId": session.region}, "Services"
        )
        return web.page(
            request, session, "services.html", status_of(error), services=services, error=error
        )

    @app.get(f"{BASE}/services")
    async def services(request: Request) -> Response:
        return await services_page(request, web.session(request))

    def new_page(
        request: Request, session: Session, form: dict[str, Any], error: ActionFailed | None = None
    ) -> Response:
        region = str(form.get("RegionId") or session.region)
        return web.page(
            request,
            session,
            "service_new.html",
            status_of(error),
            error=error,
            form={"RegionId": region, **form},
            load_balancers=load_balancers(web, session, region),
        )

    @app.get(f"{BASE}/services/new")
    def new_service(request: Request) -> Response:
        session = web.session(request)
        return new_page(request, session, dict(request.query_params))

    @app.post(f"{BASE}/services/new")
    async def create_service(request: Request) -> Response:
        session = web.session(request)
        form = await web.form(request, session)
        if form.get("step") == "region":  # the region changed: list its load balancers
            return new_page(request, session, form)
        try:
            created = await web.call(session, "CreateVpcEndpointService", create_params(form))
        except ActionFailed as failed:
            failed.form = "create"
            return new_page(request, session, form, failed)
        session.region = str(form.get("RegionId") or session.region)
        session.flash.append(
            f"Created endpoint service {created['ServiceId']} ({created['ServiceName']})."
        )
        return web.redirect(session, f"{BASE}/services/{created['ServiceId']}")

    async def delete_page(
        request: Request, session: Session, service_id: str, error: ActionFailed | None = None
    ) -> Response:
        service = await web.call(
            session,
            "GetVpcEndpointServiceAttribute",
            {"RegionId": session.region, "ServiceId": service_id},
        )
        connections = await web.call_all(
            session,
            "ListVpcEndpointConnections",
            {"RegionId": session.region, "ServiceId": service_id},
            "Connections",
        )
        return web.page(
            request,
            session,
            "service_delete.html",
            status_of(error),
            service=service,
            connections=connections,
            error=error,
            first=GUIDE_DELETE_FIRST,
            warning=GUIDE_DELETE_WARNING,
        )

    @app.get(f"{BASE}/services/{{service_id}}/delete")
    async def confirm_delete(request: Request, service_id: str) -> Response:
        session = web.session(request)
        try:
            return await delete_page(request, session, service_id)
        except ActionFailed as failed:
            return provider_tabs.not_found(web, request, session, failed)

    @app.post(f"{BASE}/services/{{service_id}}/delete")
    async def delete_service(request: Request, service_id: str) -> Response:
        session = web.session(request)
        await web.form(request, session)
        failed = await web.act(
            session,
            "delete",
            "DeleteVpcEndpointService",
            {"RegionId": session.region, "ServiceId": service_id},
            f"Deleted endpoint service {service_id}.",
        )
        if failed is None:
            return web.redirect(session, f"{BASE}/services")
        try:
            return await delete_page(request, session, service_id, failed)
        except ActionFailed as gone:
            return provider_tabs.not_found(web, request, session, gone)

    provider_tabs.routes(app, web)
