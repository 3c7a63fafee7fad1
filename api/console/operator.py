"""Operators mark a load balancer down or up (RES-8) through the same faults command as
``POST /admin/faults``: from this machine only, and only the signed-in account's own load
balancers are listed (SEC-3)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from privatelink.api.actions.context import Ctx
from privatelink.api.console.calls import ActionFailed
from privatelink.api.console.web import BASE, Web
from privatelink.api.errors import KNOWN_ERRORS, AdminOnly
from privatelink.api.responses import new_request_id
from privatelink.application.jobs import Command
from privatelink.application.services import MarkLoadBalancer
from privatelink.domain.base import Caller
from privatelink.domain.errors import InvalidResourceIdNotFound, missing


def loopback(request: Request) -> bool:
    host = request.client.host if request.client else ""
    return host.startswith("127.") or host == "::1"


def routes(app: FastAPI, web: Web) -> None:
    def is_down(resource_id: str) -> bool:
        return bool(web.runtime.app.aggregates.lb_state(Caller("console", ""), resource_id).failed)

    async def page(request: Request, session: Any, error: ActionFailed | None = None) -> Response:
        mine = [lb for lb in web.runtime.inventory.load_balancers if lb.owner == session.uid]
        down = {lb.id for lb in mine if await run_in_threadpool(is_down, lb.id)}
        return web.page(
            request,
            session,
            "operator.html",
            error.status if error else 200,
            load_balancers=mine,
            down=down,
            allowed=loopback(request),
            error=error,
        )

    @app.get(f"{BASE}/operator")
    async def operator(request: Request) -> Response:
        return await page(request, web.session(request))

    @app.post(f"{BASE}/operator")
    async def mark(request: Request) -> Response:
        session = web.session(request)
        form = await web.form(request, session)
        resource_id, down = str(form.get("ResourceId", "")), form.get("Down") == "true"
        request_id = new_request_id()
        if not loopback(request):
            failed = ActionFailed.of(
                AdminOnly("The operator page acts for callers on this machine only."),
                request_id,
                "fault",
            )
            return await page(request, session, failed)
        if resource_id not in {
            lb.id for lb in web.runtime.inventory.load_balancers if lb.owner == session.uid
        }:
            failed = ActionFailed.of(
                InvalidResourceIdNotFound(missing("load balancer", resource_id)),
                request_id,
                "fault",
                field="ResourceId",
            )
            return await page(request, session, failed)
        command = Command(Caller("operator", request_id), "AdminFault")
        try:
            fault = MarkLoadBalancer(resource_id, down)
            outcome = await run_in_threadpool(web.runtime.app.dispatch, fault, command)
            await run_in_threadpool(
                Ctx(web.runtime, command.caller, "AdminFault", "").settle, outcome
            )
        except KNOWN_ERRORS as error:
            failed = ActionFailed.of(error, request_id, "fault")
            return await page(request, session, failed)
        session.flash.append(
            f"Marked {resource_id} {'down' if down else 'up'} (request {request_id})."
        )
        return web.redirect(session, f"{BASE}/operator")
