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

    @app.exception_handler(NeedSignIn)
    async def need_sign_in(request: Request, _: NeedSignIn) -> RedirectResponse:
        return RedirectResponse(f"{BASE}/login", status_code=303)

    @app.exception_handler(BadCsrf)
    async def bad_csrf(request: Request, _: BadCsrf) -> PlainTextResponse:
        return PlainTextResponse(
            "The form is stale or was not sent by this console (CSRF "
            "token mismatch); reload the page and try again.",
            403,
        )

    @app.get(BASE, include_in_schema=False)
    @app.get(f"{BASE}/", include_in_schema=False)
    def home(request: Request) -> RedirectResponse:
        session = web.sessions.read(request)
        return RedirectResponse(f"{BASE}/services" if session else f"{BASE}/login", 303)

    @app.get(f"{BASE}/login")
    def login_page(request: Request) -> HTMLResponse:
        return web.page(request, None, "login.html")

    @app.post(f"{BASE}/login")
    async def login(request: Request) -> Response:
        form = await request.form()
        key_id, secret = str(form.get("AccessKeyId", "")), str(form.get("AccessKeySecret", ""))
        region = runtime.inventory.regions[0].id if runtime.inventory.regions else ""
        session = web.sessions.sign_in(key_id, secret, region)
        if session is None:
            return web.page(
                request,
                None,
                "login.html",
                400,
                form={"AccessKeyId": key_id},
                login_error="The AccessKeyId or its secret is not right.",
            )
        return web.redirect(session, f"{BASE}/services")

    @app.post(f"{BASE}/logout")
    async def logout(request: Request) -> RedirectResponse:
        session = web.session(request)
        await web.form(request, session)
        response = RedirectResponse(f"{BASE}/login", 303)
        response.delete_cookie("privatelink_console", path=BASE)
        return response

    @app.post(f"{BASE}/region")
    async def region(request: Request) -> RedirectResponse:
        session = web.session(request)
        form = await web.form(request, session)
        if runtime.inventory.region(str(form.get("region", ""))) is not None:
            session.region = str(form["region"])
        return web.redirect(
            session,
            str(form.get("back") or f"{BASE}/services")
            if str(form.get("back", "")).startswith(BASE + "/")
            else f"{BASE}/services",
        )

    @app.get(f"{BASE}/position")
    def position(request: Request) -> dict[str, int]:
        """The read views' position: a page reloads its live parts when it moves."""
        web.session(request)
        return {"position": web.position()}

    for module in (provider, consumer, history_pages, operator):
        module.routes(app, web)
