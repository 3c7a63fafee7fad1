"""What every console route shares: the session, CSRF-checked forms, calls to the actions,
rendering a page (with the views' position for live updates) and redirects."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from privatelink.api.console.calls import ActionFailed, Params, call, call_all
from privatelink.api.console.session import COOKIE, MAX_AGE, Session, Sessions, csrf_ok
from privatelink.api.responses import new_request_id

HERE = Path(__file__).parent
BASE = "/console"


class NeedSignIn(Exception):
    """No valid session: the page answers with the sign-in page."""


class BadCsrf(Exception):
    """A form without this session's CSRF token."""


class Web:
    """The console's shared machinery for one runtime."""

    def __init__(self, runtime: Any) -> None:
        self.runtime = runtime
        self.sessions = Sessions(runtime.inventory)
        self.templates = Jinja2Templates(directory=str(HERE / "templates"))
        self.templates.env.globals["BASE"] = BASE
        self.templates.env.globals["field_in"] = field_in
        self.templates.env.filters["wire_type"] = wire_type

    # -- sessions and forms -------------------------------------------------------------
    def session(self, request: Request) -> Session:
        found = self.sessions.read(request)
        if found is None:
            raise NeedSignIn()
        return found

    async def form(self, request: Request, session: Session) -> dict[str, Any]:
        """The posted form, once its CSRF token matches the session's."""
        form = await request.form()
        if not csrf_ok(session, str(form.get("csrf", ""))):
            raise BadCsrf()
        return {k: (form.getlist(k) if len(form.getlist(k)) > 1 else form.get(k)) for k in form}

    # -- actions -------------------------------------------------------------------------
    async def call(self, session: Session, action: str, params: Params) -> dict[str, Any]:
        return await run_in_threadpool(
            call, self.runtime, session.uid, action, params, new_request_id()
        )

    async def call_all(
        self, session: Session, action: str, params: Params, key: str
    ) -> list[dict[str, Any]]:
        return await run_in_threadpool(
            call_all, self.runtime, session.uid, action, params, key, new_request_id()
        )

    async def act(
        self, session: Session, form_id: str, action: str, params: Params, notice: str
    ) -> ActionFailed | None:
        """Run a command; on success queue ``notice``; on refusal return it for the form."""
        try:
            result = await self.call(session, action, params)
        except ActionFailed as failed:
            failed.form = form_id
            return failed
        session.flash.append(
            notice.format(**{k: v for k, v in result.items() if isinstance(v, (str, int))})
        )
        return None

    # -- responses -----------------------------------------------------------------------
    def position(self) -> int:
        return int(getattr(self.runtime.watcher, "position", 0) or 0)

    def page(
        self,
        request: Request,
        session: Session | None,
        template: str,
        status: int = 200,
        **context: Any,
    ) -> HTMLResponse:
        flash = list(session.flash) if session else []
        if session:
            session.flash.clear()
        shared = {"session": session, "flash": flash, "position": self.position()}
        shared |= {"error": context.pop("error", None), "form": context.pop("form", {})}
        shared["inventory"] = self.runtime.inventory
        response = self.templates.TemplateResponse(
            request, template, {**shared, **context}, status_code=status
        )
        if session:
            self.set_cookie(response, session)
        return response

    def redirect(self, session: Session, url: str) -> RedirectResponse:
        response = RedirectResponse(url, status_code=303)
        self.set_cookie(response, session)
        return response

    def set_cookie(self, response: Response, session: Session) -> None:
        response.set_cookie(
            COOKIE,
            self.sessions.cookie(session),
            max_age=MAX_AGE,
            httponly=True,
            samesite="strict",
            path=BASE,
        )


def wire_type(lb_type: str) -> str:
    """A load balancer's type as the API names it (a CLB is ``slb`` on the wire)."""
    return {"clb": "slb"}.get(lb_type, lb_type)


def field_in(field: str | None, names: list[str]) -> bool:
    """Whether a refused parameter is one of ``names`` (a name ending in '.' is a prefix:
    ``Zone.`` covers ``Zone.2.ip``)."""
    return bool(field) and any(
        field == n or (n.endswith(".") and str(field).startswith(n)) for n in names
    )


def status_of(error: ActionFailed | None) -> int:
    return error.status if error else 200
