"""The HTTP surface: the cloud's RPC protocol on ``GET``/``POST /`` and ``GET /healthz``."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.types import Scope

from privatelink.api.access_log import CLAIMED, access_logged
from privatelink.api.actions import ACTIONS
from privatelink.api.actions.context import Ctx, RuntimeLike, fingerprint
from privatelink.api.admin_models import FaultRequest, body_as
from privatelink.api.admin_routes import include_admin_routes
from privatelink.api.auth import RawRequest
from privatelink.api.console_mount import mount_console_lazily
from privatelink.api.error_handlers import install_cloud_errors
from privatelink.api.errors import AdminOnly, ServiceUnavailable, error_response
from privatelink.api.first_answer import first_answer
from privatelink.api.limit_errors import UnreadableRequest
from privatelink.api.ops_routes import observed, ops_router
from privatelink.api.protocol import (
    API_VERSION,
    RPC_METHODS,
    check_version,
    common_params,
    rendered,
)
from privatelink.api.responses import encode, new_request_id
from privatelink.api.wire.errors import UnknownAction
from privatelink.api.wire.parse import parse_params
from privatelink.application.jobs import Command, PendingNonce
from privatelink.application.services import MarkLoadBalancer
from privatelink.domain.base import Caller

__all__ = ["API_VERSION", "build_http_app", "cloud_http_protocol", "encode", "new_request_id"]


def handle(
    runtime: RuntimeLike, raw: RawRequest, request_id: str, scope: Scope | None = None
) -> dict[str, Any]:
    """Authenticate, parse, dispatch. Nothing runs before the signature holds (SEC-1), and
    nothing is acted on before the nonce is remembered: by the writer's turn that decides
    the request's command, when the writer takes nonces (issue 17: no round trip of its
    own), or here, before the answer (or the error) of a request that no turn took."""
    signed, nonce = runtime.authenticator.authenticate_later(raw)  # type: ignore[attr-defined]
    if scope is not None:  # for the access log, which need not parse the request again
        scope[CLAIMED] = (signed.action, signed.access_key_id)
    if not writer_takes_nonces(runtime):
        nonce.settle()
    try:
        answer = dispatched(runtime, signed, request_id, nonce)
    except Exception:
        refuse_if_replayed(nonce)
        raise
    nonce.settle()
    return answer


def refuse_if_replayed(nonce: PendingNonce) -> None:
    """A request that failed, and that no writer's turn took the nonce of, is refused as a
    replay when it is one, whatever else it met; the store failing then changes nothing."""
    try:
        nonce.settle()
    except Exception as error:
        if error is nonce.refusal:
            raise


def writer_takes_nonces(runtime: RuntimeLike) -> bool:
    return bool(getattr(getattr(runtime.app, "executor", None), "takes_nonces", False))


def dispatched(
    runtime: RuntimeLike, signed: Any, request_id: str, nonce: PendingNonce
) -> dict[str, Any]:
    """The answer to an authenticated request."""
    account = runtime.inventory.account_for_key(signed.access_key_id)
    handler = ACTIONS.get(signed.action)
    if handler is None:
        raise UnknownAction(signed.action)
    check_version(signed)
    request = parse_params(signed.action, common_params(signed.action, signed.params))
    watcher = getattr(runtime, "watcher", None)
    if watcher is not None and not watcher.caught_up(runtime.settings.store_timeout):  # type: ignore[attr-defined]
        raise ServiceUnavailable(
            "The read views are being rebuilt after the store restarted; retry shortly."
        )
    ctx = Ctx(
        runtime,
        Caller(account.uid, request_id),
        signed.action,
        fingerprint(signed.params),
        nonce=nonce,
    )
    return first_answer(ctx, request, handler)


def build_http_app(runtime: RuntimeLike, **fastapi_args: Any) -> FastAPI:
    """The FastAPI application answering the cloud's protocol for ``runtime``."""
    app = FastAPI(
        title="privatelink", docs_url=None, redoc_url=None, openapi_url=None, **fastapi_args
    )
    app.state.runtime = runtime
    install_cloud_errors(app)

    app.include_router(ops_router(app))

    include_admin_routes(app, runtime)  # /_privatelink/: reset, inventory, provisioner (issue 12)
    add_fault_route(app, runtime)
    mount_console_lazily(app, runtime)  # built on its first request
    add_cloud_route(app, runtime)
    return app


def add_fault_route(app: FastAPI, runtime: RuntimeLike) -> None:
    @app.post("/admin/faults")
    async def fault(request: Request) -> Response:
        """RES-8 for operators: mark a load balancer down or up (loopback callers only)."""
        request_id = new_request_id()
        body = await admin_fault(runtime, request, request_id)  # errors: api/error_handlers.py
        return JSONResponse({**body, "RequestId": request_id})


def add_cloud_route(app: FastAPI, runtime: RuntimeLike) -> None:
    @app.api_route("/", methods=list(RPC_METHODS))  # the cloud protocol: its one route
    async def rpc(request: Request) -> Response:
        # ``answer`` turns its errors into answers with ``error_response`` (as the exception
        # handlers do), so that the access log records each answer's code and status.
        raw_body = await request.body()
        return await rpc_response(runtime, request.scope, raw_body)

    async def direct(scope: Scope, raw_body: bytes, receive: Any, send: Any) -> None:
        response = await rpc_response(runtime, scope, raw_body)
        await response(scope, receive, send)

    # The same answer for the server's edge (api/limits.py), which has read the body already:
    # without the framework's middleware and routing, about a tenth of a create's CPU.
    app.state.rpc = direct


async def rpc_response(runtime: RuntimeLike, scope: Scope, raw_body: bytes) -> Response:
    status, body = await answer(runtime, scope, raw_body)
    content_type, body = rendered(scope, raw_body, status, body)
    return Response(body, status, media_type=content_type)


@access_logged
@observed
async def answer(runtime: RuntimeLike, scope: Scope, raw_body: bytes) -> tuple[int, bytes]:
    """One cloud RPC request, from its ASGI scope and body to (status, JSON body)."""
    request_id = new_request_id()
    headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
    raw = RawRequest(
        scope["method"], scope["path"], scope["query_string"].decode("latin-1"), headers, raw_body
    )
    host = next((v for k, v in headers if k.lower() == "host"), "")
    try:
        body = await run_in_threadpool(handle, runtime, raw, request_id, scope)
    except Exception as error:  # noqa: BLE001 - every error answers in the cloud's shape
        status, refusal = error_response(error, request_id, host)
        return status, encode(refusal)
    return 200, encode({**body, "RequestId": request_id})


async def admin_fault(runtime: RuntimeLike, request: Request, request_id: str) -> dict[str, Any]:
    client = request.client.host if request.client else ""
    if not client.startswith("127.") and client != "::1":
        raise AdminOnly("The admin routes answer loopback callers only.")
    asked = await body_as(FaultRequest, request)
    command = Command(Caller("operator", request_id), "AdminFault")
    fault = MarkLoadBalancer(asked.ResourceId, asked.Down)
    outcome = await run_in_threadpool(runtime.app.dispatch, fault, command)
    return Ctx(runtime, command.caller, "AdminFault", "").settle(outcome)


def cloud_http_protocol() -> type:
    """uvicorn's HTTP parser, answering a request it cannot parse (e.g. a URL too long for it)
    in the cloud's error shape instead of plain text, so the SDK reads a code."""
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class CloudHttpProtocol(HttpToolsProtocol):
        def send_400_response(self, msg: str) -> None:
            unreadable = UnreadableRequest(f"The request cannot be read: {msg} (is it too large?)")
            _, doc = error_response(unreadable, new_request_id(), "")
            body = encode(doc)
            self.transport.write(
                b"".join(
                    [
                        b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\n",
                        b"content-length: " + str(len(body)).encode() + b"\r\n",
                        b"connection: close\r\n\r\n",
                        body,
                    ]
                )
            )
            self.transport.close()

    return CloudHttpProtocol
