"""Admin routes for test suites and operators (issue 12), under ``/_privatelink/``:

- ``POST /_privatelink/reset``: an empty store, the inventory kept (or replaced by
  ``{"Inventory": {...}}``, or back to the start-up seed with ``{"Inventory": "seed"}``);
- ``GET /_privatelink/inventory``, ``POST /_privatelink/inventory/{kind}`` (the item, in the
  inventory file's shape, plus its parent for nested kinds), ``DELETE
  /_privatelink/inventory/{kind}/{id}``, ``GET /_privatelink/inventory/history``;
- ``POST /_privatelink/provisioner/{hold|release|step}`` ``{"ResourceId": "ep-..."}`` and
  ``GET /_privatelink/provisioner``: time control of the asynchronous states (``step`` waits
  up to ``WaitSeconds``, 5 by default, for a step of the resource to be parked).

They answer loopback callers, or callers sending the configured admin key in the
``X-PrivateLink-Admin-Key`` header; errors come in the cloud's shape.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from privatelink.api.admin_models import (
    ProvisionerRequest,
    ResetRequest,
    body_as,
    payload_of,
)
from privatelink.api.error_handlers import install_cloud_errors
from privatelink.api.errors import AdminOnly, ServiceUnavailable
from privatelink.api.responses import new_request_id
from privatelink.api.wire.errors import InvalidParameter
from privatelink.application.live_inventory import change_inventory, read_log
from privatelink.application.provisioner_holds import take
from privatelink.application.unit_of_work import Command
from privatelink.domain.base import Caller
from privatelink.domain.errors_denied import OperationDeniedInventoryItemInUse
from privatelink.domain.inventory_changes import apply_change
from privatelink.domain.records import InventoryChange

ADMIN_KEY_HEADER = "x-privatelink-admin-key"
Handler = Callable[[Request, str], Awaitable[dict[str, Any]]]


def check_admin(runtime: Any, request: Request) -> None:
    client = request.client.host if request.client else ""
    if client.startswith("127.") or client == "::1":
        return
    key = getattr(runtime.settings, "admin_key", None)
    given = request.headers.get(ADMIN_KEY_HEADER, "")
    if key and hmac.compare_digest(key.encode(), given.encode()):
        return
    raise AdminOnly(
        "The admin routes answer loopback callers, or callers sending the admin "
        "key (PRIVATELINK_ADMIN_KEY) in the X-PrivateLink-Admin-Key header."
    )


def include_admin_routes(app: FastAPI, runtime: Any) -> None:
    """Mount the admin routes on ``app`` for ``runtime``."""
    router = APIRouter(prefix="/_privatelink")

    def route(method: str, path: str, handler: Handler) -> None:
        async def endpoint(request: Request) -> Response:
            request_id = new_request_id()
            check_admin(runtime, request)
            body = await handler(request, request_id)  # errors: api/error_handlers.py
            return JSONResponse({**body, "RequestId": request_id})

        router.add_api_route(path, endpoint, methods=[method])

    route("POST", "/reset", lambda rq, rid: reset(runtime, rq, rid))
    route("GET", "/inventory", lambda rq, rid: show_inventory(runtime))
    route("GET", "/inventory/history", lambda rq, rid: inventory_history(runtime))
    route("POST", "/inventory/{kind}", lambda rq, rid: add_item(runtime, rq, rid))
    route("DELETE", "/inventory/{kind}/{ident}", lambda rq, rid: remove_item(runtime, rq, rid))
    route("GET", "/provisioner", lambda rq, rid: holds(runtime))
    for verb in ("hold", "release", "step"):
        route("POST", f"/provisioner/{verb}", partial(provisioner, runtime, verb))
    app.include_router(router)
    install_cloud_errors(app)


async def reset(runtime: Any, request: Request, request_id: str) -> dict[str, Any]:
    wanted = (await body_as(ResetRequest, request)).Inventory
    inventory = None
    if wanted == "seed":
        inventory = runtime.inventory.seed
    elif wanted is not None:
        inventory = apply_change(runtime.inventory.current, {"op": "replace", "inventory": wanted})
    return await run_in_threadpool(runtime.reset, inventory)


async def show_inventory(runtime: Any) -> dict[str, Any]:
    return {
        "Inventory": runtime.inventory.current.model_dump(mode="json"),
        "Version": runtime.inventory.version,
    }


async def inventory_history(runtime: Any) -> dict[str, Any]:
    from privatelink.application.history import entry

    def events() -> list[dict[str, Any]]:
        log = read_log(runtime.app)
        if log is None:
            return []
        stored = runtime.app.repository.event_store.get(log.id)
        return [entry(e, "inventory").as_json() for e in stored]

    return {"Events": await run_in_threadpool(events)}


async def _change(runtime: Any, request_id: str, change: InventoryChange) -> dict[str, Any]:
    command = Command(Caller("operator", request_id), "AdminInventory")
    inventory = await run_in_threadpool(
        change_inventory, runtime.app, runtime.inventory, command, change
    )
    return {
        "Version": runtime.inventory.version,
        "Counts": {
            "Accounts": len(inventory.accounts),
            "Regions": len(inventory.regions),
            "Vpcs": len(inventory.vpcs),
            "LoadBalancers": len(inventory.load_balancers),
        },
    }


async def add_item(runtime: Any, request: Request, request_id: str) -> dict[str, Any]:
    item = await payload_of(request)
    if not isinstance(item, dict) or not item:
        raise InvalidParameter(
            "body", "must be a JSON object: the item, in the inventory file's shape"
        )
    return await _change(
        runtime, request_id, {"op": "add", "kind": request.path_params["kind"], "item": item}
    )


# What endpoints use, by kind: (view kind, document field). A VPC, vSwitch or security group in
# use cannot leave the inventory (the endpoint's zones and ENIs live in it).
IN_USE = {
    "vpc": ("endpoint", "VpcId"),
    "vswitch": ("zone", "VSwitchId"),
    "security_group": ("sg", "SecurityGroupId"),
}


def refuse_in_use(runtime: Any, kind: str, ident: str) -> None:
    if kind not in IN_USE:
        return
    view, field = IN_USE[kind]
    used = runtime.views.count(view, {field: ident})
    if used:
        raise OperationDeniedInventoryItemInUse(
            f"The {kind.replace('_', ' ')} '{ident}' is used by {used} "
            f"endpoint(s); delete them first."
        )


async def remove_item(runtime: Any, request: Request, request_id: str) -> dict[str, Any]:
    await run_in_threadpool(
        refuse_in_use, runtime, request.path_params["kind"], request.path_params["ident"]
    )
    return await _change(
        runtime,
        request_id,
        {"op": "remove", "kind": request.path_params["kind"], "id": request.path_params["ident"]},
    )


async def holds(runtime: Any) -> dict[str, Any]:
    return runtime.app.holds.describe()  # type: ignore[no-any-return]


async def provisioner(runtime: Any, verb: str, request: Request, request_id: str) -> dict[str, Any]:
    asked = await body_as(ProvisionerRequest, request)
    resource_id = asked.ResourceId
    holds_ = runtime.app.holds
    if verb == "hold":
        holds_.hold(resource_id)
        return {**holds_.describe(), "Taken": 0}
    wait = asked.WaitSeconds
    steps = (
        holds_.release(resource_id)
        if verb == "release"
        else await run_in_threadpool(holds_.step, resource_id, float(wait))
    )
    position = await run_in_threadpool(take, runtime.app, steps)
    if position is not None and not await run_in_threadpool(runtime.wait_for_views, position):
        raise ServiceUnavailable("The step was taken; the read views have not caught up yet.")
    return {**holds_.describe(), "Taken": len(steps)}
