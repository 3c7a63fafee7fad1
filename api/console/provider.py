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


CREATE_FIELDS = (
    "RegionId",
    "ServiceResourceType",
    "AutoAcceptEnabled",
    "ZoneAffinityEnabled",
    "AddressIpVersion",
    "Payer",
    "ServiceDescription",
)


def as_list(value: Any) -> list[Any]:
    return [value] if isinstance(value, str) else list(value or [])


def create_params(form: dict[str, Any]) -> list[tuple[str, Any]]:
    """The Create Endpoint Service form as CreateVpcEndpointService parameters."""
    params: list[tuple[str, Any]] = [(k, form.get(k)) for k in CREATE_FIELDS]
    for n, item in enumerate(as_list(form.get("Resource")), start=1):
        resource_type, resource_id, zone = (item.split("|") + ["", "", ""])[:3]
        params += [
            (f"Resource.{n}.ResourceId", resource_id),
            (f"Resource.{n}.ResourceType", resource_type),
            (f"Resource.{n}.ZoneId", zone),
        ]
    for n, region in enumerate(as_list(form.get("SupportedRegionList")), start=1):
        params.append((f"SupportedRegionList.{n}", region))
    return params


class ProviderPages:
    """The provider's list of services, Create Endpoint Service and Delete, for one console."""

    def __init__(self, web: Web) -> None:
        self.web = web

    async def services_page(
        self, request: Request, session: Session, error: ActionFailed | None = None
    ) -> Response:
        params = {"RegionId": session.region}
        services = await self.web.call_all(session, "ListVpcEndpointServices", params, "Services")
        return self.web.page(
            request, session, "services.html", status_of(error), services=services, error=error
        )

    async def services(self, request: Request) -> Response:
        return await self.services_page(request, self.web.session(request))

    # -- Create Endpoint Service ------------------------------------------------------------

    def new_page(
        self,
        request: Request,
        session: Session,
        form: dict[str, Any],
        error: ActionFailed | None = None,
    ) -> Response:
        region = str(form.get("RegionId") or session.region)
        return self.web.page(
            request,
            session,
            "service_new.html",
            status_of(error),
            error=error,
            form={"RegionId": region, **form},
            load_balancers=load_balancers(self.web, session, region),
        )

    def new_service(self, request: Request) -> Response:
        session = self.web.session(request)
        return self.new_page(request, session, dict(request.query_params))

    async def create_service(self, request: Request) -> Response:
        web = self.web
        session = web.session(request)
        form = await web.form(request, session)
        if form.get("step") == "region":  # the region changed: list its load balancers
            return self.new_page(request, session, form)
        try:
            created = await web.call(session, "CreateVpcEndpointService", create_params(form))
        except ActionFailed as failed:
            failed.form = "create"
            return self.new_page(request, session, form, failed)
        session.region = str(form.get("RegionId") or session.region)
        session.flash.append(
            f"Created endpoint service {created['ServiceId']} ({created['ServiceName']})."
        )
        return web.redirect(session, f"{BASE}/services/{created['ServiceId']}")

    # -- Delete, in the guide's order -------------------------------------------------------

    async def delete_page(
        self,
        request: Request,
        session: Session,
        service_id: str,
        error: ActionFailed | None = None,
    ) -> Response:
        web, base = self.web, {"RegionId": session.region, "ServiceId": service_id}
        service = await web.call(session, "GetVpcEndpointServiceAttribute", base)
        connections = await web.call_all(session, "ListVpcEndpointConnections", base, "Connections")
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

    async def confirm_delete(self, request: Request, service_id: str) -> Response:
        session = self.web.session(request)
        try:
            return await self.delete_page(request, session, service_id)
        except ActionFailed as failed:
            return provider_tabs.not_found(self.web, request, session, failed)

    async def delete_service(self, request: Request, service_id: str) -> Response:
        web = self.web
        session = web.session(request)
        await web.form(request, session)
        params = {"RegionId": session.region, "ServiceId": service_id}
        notice = f"Deleted endpoint service {service_id}."
        failed = await web.act(session, "delete", "DeleteVpcEndpointService", params, notice)
        if failed is None:
            return web.redirect(session, f"{BASE}/services")
        try:
            return await self.delete_page(request, session, service_id, failed)
        except ActionFailed as gone:
            return provider_tabs.not_found(web, request, session, gone)


def routes(app: FastAPI, web: Web) -> None:
    pages = ProviderPages(web)
    app.get(f"{BASE}/services")(pages.services)
    app.get(f"{BASE}/services/new")(pages.new_service)
    app.post(f"{BASE}/services/new")(pages.create_service)
    app.get(f"{BASE}/services/{{service_id}}/delete")(pages.confirm_delete)
    app.post(f"{BASE}/services/{{service_id}}/delete")(pages.delete_service)
    provider_tabs.routes(app, web)
