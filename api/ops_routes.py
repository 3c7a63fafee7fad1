"""Operations routes (issues 12, 16): ``GET /_privatelink/health`` (``/healthz`` is the same
answer), Prometheus text at ``/metrics``, and the projection-lag summary the benchmark reads at
``/_privatelink/metrics.json``."""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from privatelink.api.access_log import CLAIMED
from privatelink.api.actions import ACTIONS
from privatelink.infra.health import check_health
from privatelink.infra.metrics import ServerMetrics


def ops_router(app: FastAPI) -> APIRouter:
    """The routes, and the metrics of the app's runtime (``runtime.metrics``, which
    ``observed`` feeds with each request)."""
    runtime = app.state.runtime
    metrics = ServerMetrics(runtime)
    app.state.metrics = runtime.metrics = metrics
    lag = getattr(runtime, "lag", None)
    feed_metrics(runtime, metrics)
    router = APIRouter()
    health = health_route(runtime)
    router.add_api_route("/_privatelink/health", health, methods=["GET"])
    router.add_api_route("/healthz", health, methods=["GET"])
    router.add_api_route("/metrics", prometheus_route(metrics), methods=["GET"])
    router.add_api_route("/_privatelink/metrics.json", lag_route(lag), methods=["GET"])
    return router


def health_route(runtime: Any) -> Callable[[], Awaitable[Response]]:
    async def health() -> Response:
        healthy, document = await run_in_threadpool(check_health, runtime)
        return JSONResponse(document, 200 if healthy else 503)

    return health


def prometheus_route(metrics: ServerMetrics) -> Callable[[], Response]:
    def prometheus() -> Response:
        body, content_type = metrics.render()
        return Response(body, media_type=content_type)

    return prometheus


def lag_route(lag: Any) -> Callable[[bool], dict[str, Any]]:
    def metrics_json(reset: bool = False) -> dict[str, Any]:
        """Projection lag (commit of an event in this process to its view row)."""
        return {"projection_lag": lag.summary(reset) if lag else {}}

    return metrics_json


def feed_metrics(runtime: Any, metrics: ServerMetrics) -> None:
    """Hand the metrics the projection's lag and the writer's batch sizes, where they exist."""
    lag = getattr(runtime, "lag", None)
    if lag is not None:
        lag.listeners.append(metrics.projection_lag.observe)
    executor = getattr(getattr(runtime, "app", None), "executor", None)
    if executor is not None:
        executor.on_batch = metrics.batch_size.observe


Answer = Callable[[Any, MutableMapping[str, Any], bytes], Awaitable[tuple[int, bytes]]]


def observed(answer: Answer) -> Answer:
    """Wrap the cloud protocol's ``answer``: each request is counted by action and code (the
    cloud's error code, or ``OK``) with its latency, in the runtime's metrics when it has them."""

    @functools.wraps(answer)
    async def timed(
        runtime: Any, scope: MutableMapping[str, Any], raw_body: bytes
    ) -> tuple[int, bytes]:
        started = time.perf_counter()
        status, body = await answer(runtime, scope, raw_body)
        metrics: ServerMetrics | None = getattr(runtime, "metrics", None)
        if metrics is not None:
            code = "OK" if status == 200 else error_code(body, status)
            claimed = scope.get(CLAIMED)  # what the signature proved, when it did
            action = claimed[0] if claimed and claimed[0] in ACTIONS else action_of(scope, raw_body)
            metrics.observe_request(action, code, time.perf_counter() - started)
        return status, body

    return timed


def action_of(scope: MutableMapping[str, Any], raw_body: bytes) -> str:
    """The request's action (the ``x-acs-action`` header, or the legacy ``Action`` parameter)
    when it is one we know; "unknown" otherwise, so the labels stay few."""
    named = [
        v.decode("latin-1") for k, v in scope.get("headers", []) if k.lower() == b"x-acs-action"
    ]
    for source in (scope.get("query_string", b""), raw_body[:65536]):
        named += parse_qs(source.decode("latin-1")).get("Action", [])
    return named[-1] if named and named[-1] in ACTIONS else "unknown"


def error_code(body: bytes, status: int) -> str:
    try:
        code = json.loads(body).get("Code")
    except (ValueError, AttributeError):
        code = None
    return code if isinstance(code, str) and len(code) < 80 else str(status)
