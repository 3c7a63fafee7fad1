"""The HTTP surface: the cloud's RPC protocol on ``GET``/``POST /`` and ``GET /healthz``."""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.types import Scope

from privatelink.api.access_log import access_logged
from privatelink.api.actions import ACTIONS
from privatelink.api.actions.context import Ctx, RuntimeLike, fingerprint
from privatelink.api.admin_routes import include_admin_routes
from privatelink.api.auth import RawRequest
from privatelink.api.console import mount_console
from privatelink.api.errors import (
    HTTP_STATUS,
    AdminOnly,
    ServiceUnavailable,
    error_body,
    status_for,
)
from privatelink.api.first_answer import first_answer
from privatelink.api.protocol import (
    RPC_METHODS,
    check_version,
    common_params,
    install_cloud_errors,
    rendered,
)
from privatelink.api.wire.errors import InvalidParameter, UnknownAction
from privatelink.api.wire.parse import parse_params
from privatelink.application.unit_of_work import Command
from privatelink.domain import json_documents
from privatelink.domain.base import Caller

log = logging.getLogger("privatelink")
KNOWN_ERRORS = tuple(HTTP_STATUS)
API_VERSION = "2020-04-15"


def new_request_id() -> str:
    return str(uuid.uuid4()).upper()


def handle(runtime: RuntimeLike, raw: RawRequest, request_id: str) -> dict[str, Any]:
    """Authenticate, parse, dispatch. Nothing runs before the signature holds (SEC-1)."""
    signed = runtime.authenticator.authenticate(raw)  # type: ignore[attr-defined]
    account = runtime.inventory.account_for_key(signed.access_key_id)
    handler = ACTIONS.get(signed.action)
    if handler is None:
        raise UnknownAction(signed.action)
    check_version(signed)
    request = parse_params(signed.action, common_params(signed.action, signed.params))
    ctx = Ctx(runtime, Caller(account.uid, request_id), signed.action,
              fingerprint(signed.params))
    return first_answer(ctx, request, handler)


def build_http_app(runtime: RuntimeLike, **fastapi_args: Any) -> FastAPI:
    """The FastAPI application answering the cloud's protocol for ``runtime``."""
    app = FastAPI(title="privatelink", docs_url=None, redoc_url=None, openapi_url=None,
                  **fastapi_args)
    app.state.runtime = runtime
    install_cloud_errors(app)

    @app.get("/metrics")
    def metrics(reset: bool = False) -> dict[str, Any]:
        """Projection lag (commit of an event in this process to its view row)."""
        lag = getattr(runtime, "lag", None)
        return {"projection_lag": lag.summary(reset) if lag else {}}

    @app.get("/healthz")
    def healthz() -> dict[str, Any]:
        return {"status": "ok", "views_position": runtime.watcher.position}  # type: ignore[attr-defined]

    include_admin_routes(app, runtime)  # /_privatelink/: reset, inventory, provisioner (issue 12)

    @app.post("/admin/faults")
    async def fault(request: Request) -> Response:
        """RES-8 for operators: mark a load balancer down or up (loopback callers only)."""
        request_id = new_request_id()
        host = request.headers.get("host", "")
        try:
            body = await admin_fault(runtime, request, request_id)
        except KNOWN_ERRORS as error:
            return JSONResponse(error_body(error, request_id, host), status_for(error))
        except Exception as error:  # noqa: BLE001
            return internal_error(error, request_id, host)
        return JSONResponse({**body, "RequestId": request_id})

    mount_console(app, runtime)

    @app.api_route("/", methods=list(RPC_METHODS))
    async def rpc(request: Request) -> Response:
        raw_body = await request.body()
        status, body = await answer(runtime, request.scope, raw_body)
        content_type, body = rendered(request.scope, raw_body, status, body)
        return Response(body, status, media_type=content_type)

    return app


@access_logged
async def answer(runtime: RuntimeLike, scope: Scope, raw_body: bytes
                 ) -> tuple[int, bytes]:
    """One cloud RPC request, from its ASGI scope and body to (status, JSON body)."""
    request_id = new_request_id()
    headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
    raw = RawRequest(scope["method"], scope["path"], scope["query_string"].decode("latin-1"), headers,
                     raw_body)
    host = next((v for k, v in headers if k.lower() == "host"), "")
    try:
        body = await run_in_threadpool(handle, runtime, raw, request_id)
    except KNOWN_ERRORS as error:
        return status_for(error), encode(error_body(error, request_id, host))
    except Exception as error:  # noqa: BLE001 - the last line: answer, log, never hang
        response = internal_error(error, request_id, host)
        return response.status_code, bytes(response.body)
    return 200, encode({**body, "RequestId": request_id})


def encode(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


class CloudProtocol:
    """ASGI entry: the cloud protocol's ``POST /`` answered directly (it is the hot path, so it
    skips the framework's middleware), everything else (health, admin, lifespan) by FastAPI."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.runtime: RuntimeLike = app.state.runtime

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"] != "/" or scope["method"] not in RPC_METHODS:
            await self.app(scope, receive, send)
            return
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        status, body = await answer(self.runtime, scope, b"".join(chunks))
        content_type, body = rendered(scope, b"".join(chunks), status, body)
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", content_type.encode()),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


async def admin_fault(runtime: RuntimeLike, request: Request, request_id: str
                      ) -> dict[str, Any]:
    client = request.client.host if request.client else ""
    if not client.startswith("127.") and client != "::1":
        raise AdminOnly("The admin routes answer loopback callers only.")
    try:
        payload = json_documents.loads(await request.body())
        resource_id, down = str(payload["ResourceId"]), payload["Down"]
    except (ValueError, KeyError, TypeError):
        raise InvalidParameter("body", 'must be JSON like {"ResourceId": "lb-...", '
                               '"Down": true}') from None
    if not isinstance(down, bool):
        raise InvalidParameter("Down", "is not a boolean (true or false)")
    command = Command(Caller("operator", request_id), "AdminFault")
    outcome = await run_in_threadpool(runtime.app.mark_load_balancer, command, resource_id, down)
    return Ctx(runtime, command.caller, "AdminFault", "").settle(outcome)


def internal_error(error: Exception, request_id: str, host: str) -> JSONResponse:
    if is_database_outage(error):
        unavailable = ServiceUnavailable("The event store is unavailable; retry shortly.")
        return JSONResponse(error_body(unavailable, request_id, host), 503)
    log.exception("request %s failed", request_id)
    body = {"RequestId": request_id, "HostId": host, "Code": "InternalError",
            "Message": "The request processing has failed due to some unknown error."}
    return JSONResponse(body, 500)


def is_database_outage(error: BaseException) -> bool:
    import psycopg
    from eventsourcing.persistence import InterfaceError, OperationalError

    return isinstance(error, (psycopg.OperationalError, OperationalError, InterfaceError))


def cloud_http_protocol() -> type:
    """uvicorn's HTTP parser, answering a request it cannot parse (e.g. a URL too long for it)
    in the cloud's error shape instead of plain text, so the SDK reads a code."""
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class CloudHttpProtocol(HttpToolsProtocol):
        def send_400_response(self, msg: str) -> None:
            body = encode({"RequestId": new_request_id(), "HostId": "", "Code": "InvalidParameter",
                           "Message": f"The request cannot be read: {msg} (is it too large?)"})
            self.transport.write(b"".join([
                b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\n",
                b"content-length: " + str(len(body)).encode() + b"\r\n",
                b"connection: close\r\n\r\n", body]))
            self.transport.close()

    return CloudHttpProtocol
