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


class OperatorPage:
    """The operator page: the account's load balancers, each marked down or up."""

    def __init__(self, web: Web) -> None:
        self.web = web

    def is_down(self, resource_id: str) -> bool:
        return bool(
            self.web.runtime.app.aggregates.lb_state(Caller("console", ""), resource_id).failed
        )

    def mine(self, session: Any) -> list[Any]:
        return [lb for lb in self.web.runtime.inventory.load_balancers if lb.owner == session.uid]

    async def page(
        self, request: Request, session: Any, error: ActionFailed | None = None
    ) -> Response:
        mine = self.mine(session)
        down = {lb.id for lb in mine if await run_in_threadpool(self.is_down, lb.id)}
        return self.web.page(
            request,
            session,
            "operator.html",
            error.status if error else 200,
            load_balancers=mine,
            down=down,
            allowed=loopback(request),
            error=error,
        )

    async def operator(self, request: Request) -> Response:
        return await self.page(request, self.web.session(request))

    def refusal(
        self, request: Request, session: Any, resource_id: str, request_id: str
    ) -> ActionFailed | None:
        """Why this caller may not mark this load balancer; None when it may."""
        if not loopback(request):
            only = AdminOnly("The operator page acts for callers on this machine only.")
            return ActionFailed.of(only, request_id, "fault")
        if resource_id not in {lb.id for lb in self.mine(session)}:
            unknown = InvalidResourceIdNotFound(missing("load balancer", resource_id))
            return ActionFailed.of(unknown, request_id, "fault", field="ResourceId")
        return None

    async def fault(self, resource_id: str, down: bool, request_id: str) -> None:
        """Mark the load balancer through the faults command, and wait for it to settle."""
        runtime = self.web.runtime
        command = Command(Caller("operator", request_id), "AdminFault")
        fault = MarkLoadBalancer(resource_id, down)
        outcome = await run_in_threadpool(runtime.app.dispatch, fault, command)
        await run_in_threadpool(Ctx(runtime, command.caller, "AdminFault", "").settle, outcome)

    async def mark(self, request: Request) -> Response:
        session = self.web.session(request)
        form = await self.web.form(request, session)
        resource_id, down = str(form.get("ResourceId", "")), form.get("Down") == "true"
        request_id = new_request_id()
        failed = self.refusal(request, session, resource_id, request_id)
        if failed is None:
            try:
                await self.fault(resource_id, down, request_id)
            except KNOWN_ERRORS as error:
                failed = ActionFailed.of(error, request_id, "fault")
        if failed is not None:
            return await self.page(request, session, failed)
        session.flash.append(
            f"Marked {resource_id} {'down' if down else 'up'} (request {request_id})."
        )
        return self.web.redirect(session, f"{BASE}/operator")


def routes(app: FastAPI, web: Web) -> None:
    page = OperatorPage(web)
    app.get(f"{BASE}/operator")(page.operator)
    app.post(f"{BASE}/operator")(page.mark)
