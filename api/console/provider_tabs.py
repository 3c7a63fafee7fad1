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
OPS: dict[str, tuple[str, Callable[[Form], dict[str, Any]], str, str]] = {
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
    return {
        "service": service,
        "resources": await web.call_all(
            session, "ListVpcEndpointServiceResources", base, "Resources"
        ),
        "users": [str(u["UserId"]) for u in users.get("Users", [])]
        + [u["UserARN"] for u in users.get("UserARNs", [])],
        "connections": await web.call_all(
            session, "ListVpcEndpointConnections", base, "Connections"
        ),
        "supported": supported,
        "load_balancers": [
            lb
            for lb in web.runtime.inventory.load_balancers
            if lb.owner == session.uid and lb.region == session.region
        ],
    }


def routes(app: FastAPI, web: Web) -> None:
    async def service_page(
        request: Request,
        session: Session,
        service_id: str,
        tab: str,
        error: ActionFailed | None = None,
        form: Form | None = None,
    ) -> Response:
        try:
            data = await service_data(web, session, service_id)
        except ActionFailed as failed:
            return not_found(web, request, session, failed)
        tab = tab if tab in dict(TABS) else "basic"
        return web.page(
            request,
            session,
            "service.html",
            status_of(error),
            tab=tab,
            tabs=TABS,
            error=error,
            form=form or {},
            **data,
        )

    @app.get(f"{BASE}/services/{{service_id}}")
    async def service(request: Request, service_id: str, tab: str = "basic") -> Response:
        return await service_page(request, web.session(request), service_id, tab)

    @app.post(f"{BASE}/services/{{service_id}}/{{op}}")
    async def service_op(request: Request, service_id: str, op: str) -> Response:
        session = web.session(request)
        form = await web.form(request, session)
        if op == "regions":
            current = (await service_data(web, session, service_id))["supported"]
            spec: tuple[str, Callable[[Form], dict[str, Any]], str, str] = (
                "UpdateVpcEndpointServiceAttribute",
                lambda f: region_changes(f, current),
                "regions",
                "Modified the remote access regions.",
            )
        elif op in OPS:
            spec = OPS[op]
        else:
            return not_found(
                web,
                request,
                session,
                ActionFailed.of(
                    ConsoleOperationNotFound(f"The console has no operation '{op}'."), ""
                ),
            )
        action, build, tab, notice = spec
        params = {"RegionId": session.region, "ServiceId": service_id, **build(form)}
        form_id = f"{op}:{form.get('row') or ''}"
        failed = await web.act(session, form_id, action, params, notice)
        if failed is None:
            return web.redirect(session, f"{BASE}/services/{service_id}?tab={tab}")
        failed.field = failed.field or FIELD_OF_FORM.get(op)
        return await service_page(request, session, service_id, tab, failed, form)
