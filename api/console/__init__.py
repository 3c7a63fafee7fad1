"""The web console at ``/console/``: server-rendered pages over the read views, every action
through the API's own handlers (see ``calls.py``). ``mount_console(app, runtime)`` adds it."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from privatelink.api.console import consumer, history_pages, operator, provider
from privatelink.api.console.web import BASE, HERE, BadCsrf, NeedSignIn, Web


def mount_console(app: FastAPI, runtime: Any) -> None:
    """Serve the console under ``/console/`` on ``app``."""
    web = Web(runtime)
    app.mount(f"{BASE}/static", StaticFiles(directory=str(HERE / "static")), name="console-static")
    app.exception_handler(NeedSignIn)(need_sign_in)
    app.exception_handler(BadCsrf)(bad_csrf)
    pages = SessionPages(web)
    app.get(BASE, include_in_schema=False)(pages.home)
    app.get(f"{BASE}/", include_in_schema=False)(pages.home)
    app.get(f"{BASE}/login")(pages.login_page)
    app.post(f"{BASE}/login")(pages.login)
    app.post(f"{BASE}/logout")(pages.logout)
    app.post(f"{BASE}/region")(pages.region)
    app.get(f"{BASE}/position")(pages.position)
    for module in (provider, consumer, history_pages, operator):
        module.routes(app, web)


async def need_sign_in(request: Request, _: NeedSignIn) -> RedirectResponse:
    return RedirectResponse(f"{BASE}/login", status_code=303)


async def bad_csrf(request: Request, _: BadCsrf) -> PlainTextResponse:
    return PlainTextResponse(
        "The form is stale or was not sent by this console (CSRF "
        "token mismatch); reload the page and try again.",
        403,
    )


class SessionPages:
    """Signing in and out, the home redirect, the region switch and the views' position."""

    def __init__(self, web: Web) -> None:
        self.web = web

    @property
    def inventory(self) -> Any:
        return self.web.runtime.inventory

    def home(self, request: Request) -> RedirectResponse:
        session = self.web.sessions.read(request)
        return RedirectResponse(f"{BASE}/services" if session else f"{BASE}/login", 303)

    def login_page(self, request: Request) -> HTMLResponse:
        return self.web.page(request, None, "login.html")

    async def login(self, request: Request) -> Response:
        form = await request.form()
        key_id, secret = str(form.get("AccessKeyId", "")), str(form.get("AccessKeySecret", ""))
        region = self.inventory.regions[0].id if self.inventory.regions else ""
        session = self.web.sessions.sign_in(key_id, secret, region)
        if session is None:
            return self.web.page(
                request,
                None,
                "login.html",
                400,
                form={"AccessKeyId": key_id},
                login_error="The AccessKeyId or its secret is not right.",
            )
        return self.web.redirect(session, f"{BASE}/services")

    async def logout(self, request: Request) -> RedirectResponse:
        session = self.web.session(request)
        await self.web.form(request, session)
        response = RedirectResponse(f"{BASE}/login", 303)
        response.delete_cookie("privatelink_console", path=BASE)
        return response

    async def region(self, request: Request) -> RedirectResponse:
        session = self.web.session(request)
        form = await self.web.form(request, session)
        if self.inventory.region(str(form.get("region", ""))) is not None:
            session.region = str(form["region"])
        back = str(form.get("back") or "")
        return self.web.redirect(
            session, back if back.startswith(BASE + "/") else f"{BASE}/services"
        )

    def position(self, request: Request) -> dict[str, int]:
        """The read views' position: a page reloads its live parts when it moves."""
        self.web.session(request)
        return {"position": self.web.position()}
