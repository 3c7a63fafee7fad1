"""The endpoint service's details page and its tabs: Basic Information, Service Resource,
Service Whitelist, Endpoint Connections, Remote Access Regions. Every button is one action."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response

from privatelink.api.console.calls import ActionFailed
from privatelink.api.console.session import Session
from privatelink.api.console.web import BASE, Web, status_of
from privatelink.api.errors_console import ConsoleOperationNotFound

TABS = (
    ("basic", "Basic Information"),
    ("resources", "Service Resource"),
    ("whitelist", "Service Whitelist"),
    ("connections", "Endpoint Connections"),
    ("regions", "Remote Access Regions"),
)

Form = dict[str, Any]


def whitelist_user(form: Form) -> dict[str, Any]:
    """`*` or an account UID typed in one box, as the API's UserARN or UserId."""
    user = str(form.get("User", "")).strip()
    return {"UserId": user} if user.isdigit() else {"UserARN": user or None}


def region_changes(form: Form, current: list[str]) -> dict[str, Any]:
    """The Remote Access Regions checkboxes as regions to add and to delete."""
    wanted = form.get("Region") or []
    wanted = {wanted} if isinstance(wanted, str) else set(wanted)
    params: dict[str, Any] = {}
    for n, region in enumerate(sorted(wanted - set(current)), start=1):
        params[f"AddSupportedRegionSet.{n}"] = region
    for n, region in enumerate(sorted(set(current) - wanted), start=1):
        params[f"DeleteSupportedRegionSet.{n}"] = region
    return params


def pick(form: Form, *names: str) -> dict[str, Any]:
    return {n: form.get(n) for n in names}


def replace_params(form: Form) -> dict[str, Any]:
    return {
        **pick(form, "EndpointId", "ZoneId", "ResourceId", "ResourceReplaceMode"),
        "ResourceType": form.get("ResourceType") or None,
    }


# op -> (action, form -> parameters, tab to show, notice)
ServiceOp = tuple[str, Callable[[Form], dict[str, Any]], str, str]
OPS: dict[str, ServiceOp] = {
    "attribute": (
        "UpdateVpcEndpointServiceAttribute",
        lambda f: pick(
            f, "AutoAcceptEnabled", "ConnectBandwidth", "ZoneAffinityEnabled", "ServiceDescription"
        ),
        "basic",
        "Saved the basic information.",
    ),
    "resource-add": (
        "AttachResourceToVpcEndpointService",
        lambda f: {
            "ResourceId": str(f.get("Resource", "")).split("|")[-1] or None,
            "ResourceType": str(f.get("Resource", "")).split("|")[0] or None,
            "ZoneId": f.get("ZoneId"),
        },
        "resources",
        "Added the service resource.",
    ),
    "resource-remove": (
        "DetachResourceFromVpcEndpointService",
        lambda f: pick(f, "ResourceId", "ZoneId"),
        "resources",
        "Removed the service resource.",
    ),
    "resource-auto": (
        "UpdateVpcEndpointServiceResourceAttribute",
        lambda f: pick(f, "ResourceId", "ZoneId", "AutoAllocatedEnabled"),
        "resources",
        "Changed the automatic allocation.",
    ),
    "user-add": (
        "AddUserToVpcEndpointService",
        whitelist_user,
        "whitelist",
        "Added to the whitelist.",
    ),
    "user-remove": (
        "RemoveUserFromVpcEndpointService",
        whitelist_user,
        "whitelist",
        "Removed from the whitelist.",
    ),
    "allow": (
        "EnableVpcEndpointConnection",
        lambda f: pick(f, "EndpointId", "Bandwidth"),
        "connections",
        "Allowed the connection.",
    ),
    "deny": (
        "DisableVpcEndpointConnection",
        lambda f: pick(f, "EndpointId"),
        "connections",
        "Denied the connection.",
    ),
    "bandwidth": (
        "UpdateVpcEndpointConnectionAttribute",
        lambda f: pick(f, "EndpointId", "Bandwidth"),
        "connections",
        "Changed the connection bandwidth.",
    ),
    "zone-disconnect": (
        "DisableVpcEndpointZoneConnection",
        lambda f: {
            **pick(f, "EndpointId", "ZoneId"),
            "ReplacedResource": f.get("ReplacedResource") or None,
        },
        "connections",
        "Disconnected the zone.",
    ),
    "zone-connect": (
        "EnableVpcEndpointZoneConnection",
        lambda f: pick(f, "EndpointId", "ZoneId"),
        "connections",
        "Connected the zone.",
    ),
    "zone-allocate": (
        "UpdateVpcEndpointZoneConnectionResourceAttribute",
        lambda f: pick(f, "EndpointId", "ZoneId", "ResourceAllocateMode", "ResourceId"),
        "connections",
        "Allocated the zone's service resource.",
    ),
    "replace": (
        "UpdateVpcEndpointZoneConnectionResourceAttribute",
        replace_params,
        "connections",
        "Replacing the zone's service resource.",
    ),
}


# The field a refusal without a parameter name concerns, per form.
FIELD_OF_FORM = {
    "user-add": "UserARN",
    "user-remove": "UserARN",
    "bandwidth": "Bandwidth",
    "allow": "Bandwidth",
}


def not_found(web: Web, request: Request, session: Session, error: ActionFailed) -> Response:
    return web.page(request, session, "not_found.html", error.status, failure=error)


async def service_data(web: Web, session: Session, service_id: str) -> dict[str, Any]:
    base = {"RegionId": session.region, "ServiceId": service_id}
    service = await web.call(session, "GetVpcEndpointServiceAttribute", base)
    users = await web.call(session, "ListVpcEndpointServiceUsers", base)
    supported = [
        r.get("SupportedRegionId", "") if isinstance(r, dict) else str(r)
        for r in service.get("SupportedRegionSet") or []
    ]
    resources = await web.call_all(session, "ListVpcEndpointServiceResources", base, "Resources")
    connections = await web.call_all(session, "ListVpcEndpointConnections", base, "Connections")
    return {
        "service": service,
        "resources": resources,
        "users": [str(u["UserId"]) for u in users.get("Users", [])]
        + [u["UserARN"] for u in users.get("UserARNs", [])],
        "connections": connections,
        "supported": supported,
        "load_balancers": [
            lb
            for lb in web.runtime.inventory.load_balancers
            if lb.owner == session.uid and lb.region == session.region
        ],
    }


class ServicePages:
    """An endpoint service's tabs and their forms, for one console."""

    def __init__(self, web: Web) -> None:
        self.web = web

    async def service_page(
        self,
        request: Request,
        session: Session,
        service_id: str,
        tab: str,
        error: ActionFailed | None = None,
        form: Form | None = None,
    ) -> Response:
        try:
            data = await service_data(self.web, session, service_id)
        except ActionFailed as failed:
            return not_found(self.web, request, session, failed)
        tab = tab if tab in dict(TABS) else "basic"
        context = {"tab": tab, "tabs": TABS, "error": error, "form": form or {}, **data}
        return self.web.page(request, session, "service.html", status_of(error), **context)

    async def service(self, request: Request, service_id: str, tab: str = "basic") -> Response:
        return await self.service_page(request, self.web.session(request), service_id, tab)

    async def spec_of(self, session: Session, service_id: str, op: str) -> ServiceOp | None:
        """What the form ``op`` does; None for no such form."""
        if op != "regions":
            return OPS.get(op)
        current = (await service_data(self.web, session, service_id))["supported"]
        return (
            "UpdateVpcEndpointServiceAttribute",
            lambda f: region_changes(f, current),
            "regions",
            "Modified the remote access regions.",
        )

    async def service_op(self, request: Request, service_id: str, op: str) -> Response:
        web = self.web
        session = web.session(request)
        form = await web.form(request, session)
        spec = await self.spec_of(session, service_id, op)
        if spec is None:
            unknown = ConsoleOperationNotFound(f"The console has no operation '{op}'.")
            return not_found(web, request, session, ActionFailed.of(unknown, ""))
        action, build, tab, notice = spec
        params = {"RegionId": session.region, "ServiceId": service_id, **build(form)}
        form_id = f"{op}:{form.get('row') or ''}"
        failed = await web.act(session, form_id, action, params, notice)
        if failed is None:
            return web.redirect(session, f"{BASE}/services/{service_id}?tab={tab}")
        failed.field = failed.field or FIELD_OF_FORM.get(op)
        return await self.service_page(request, session, service_id, tab, failed, form)


def routes(app: FastAPI, web: Web) -> None:
    pages = ServicePages(web)
    app.get(f"{BASE}/services/{{service_id}}")(pages.service)
    app.post(f"{BASE}/services/{{service_id}}/{{op}}")(pages.service_op)
