"""The floors of `bench/floor.py`: the least a server on the product's own stack (FastAPI,
uvicorn, psycopg, eventsourcing, PostgreSQL) can do for a CreateVpcEndpoint that the official
SDK accepts. No signature check, no validation, no decision, no view: each create writes six
events durably and answers the fields the product answers.

``FLOOR_MODE`` picks the write: ``insert`` (one six-row INSERT, committed, in one round trip
on a pooled autocommit connection); ``insert_nowait`` (the same, committed without waiting for
the WAL's flush, ``synchronous_commit=off``: the difference between the two is what waiting
for durability costs a create here); ``eventsourcing`` (an aggregate with six events saved by
the library's own PostgreSQL application recorder); or ``answer`` (no write at all: what the
HTTP stack and the SDK cost alone). ``FLOOR_URL`` is the database and
``FLOOR_SCHEMA`` the schema its table goes in (``TABLES`` names it), which the benchmark makes
and counts afterwards, so that every answer is checked to have been a write. Run it with
``uvicorn bench.floor_app:app``."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qsl, urlparse

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from psycopg_pool import ConnectionPool
from starlette.concurrency import run_in_threadpool

EVENTS = 6
"""Events per create: as many as the product writes for a create into one zone."""
TABLES = {
    "insert": "floor_rows",
    "insert_nowait": "floor_rows",
    "eventsourcing": "floorapplication_events",
}
"""Each writing floor's table of events, in ``FLOOR_SCHEMA``."""


class FloorEndpoint(Aggregate):
    """An endpoint with the life of a create: six events."""

    @event("Created")
    def __init__(self, vpc_id: str, service_id: str) -> None:
        self.vpc_id, self.service_id, self.status = vpc_id, service_id, "Creating"
        self.zones: dict[str, dict[str, str]] = {}

    @event("ZoneAdded")
    def add_zone(self, zone_id: str, vswitch_id: str) -> None:
        self.zones[zone_id] = {"vswitch": vswitch_id, "status": "Creating"}

    @event("ConnectionRequested")
    def request(self) -> None:
        self.status = "Connecting"

    @event("ConnectionAllowed")
    def allow(self) -> None:
        self.status = "Connected"

    @event("ZoneReady")
    def ready(self, zone_id: str, ip: str) -> None:
        self.zones[zone_id].update(status="Connected", ip=ip)

    @event("Activated")
    def activate(self) -> None:
        self.status = "Active"


class FloorApplication(Application[uuid.UUID]):
    """The library's application, on its own table (``floorapplication_events``)."""


class EventsourcingFloor:
    """Six events per create through the library's application recorder."""

    def __init__(self, url: str, schema: str) -> None:
        parts = urlparse(url)
        query = dict(parse_qsl(parts.query))
        self.app = FloorApplication(
            env={
                "PERSISTENCE_MODULE": "eventsourcing.postgres",
                "POSTGRES_DBNAME": parts.path.lstrip("/") or "postgres",
                "POSTGRES_HOST": query.get("host", parts.hostname or "127.0.0.1"),
                "POSTGRES_PORT": query.get("port", str(parts.port or 5432)),
                "POSTGRES_USER": parts.username or "postgres",
                "POSTGRES_PASSWORD": parts.password or "",
                "POSTGRES_SCHEMA": schema,
                "CREATE_TABLE": "y",
            }
        )

    def create(self, vpc_id: str, service_id: str, zone_id: str, vswitch_id: str) -> str:
        endpoint = FloorEndpoint(vpc_id, service_id)
        endpoint.add_zone(zone_id, vswitch_id)
        endpoint.request()
        endpoint.allow()
        endpoint.ready(zone_id, "10.0.0.10")
        endpoint.activate()
        self.app.save(endpoint)
        return endpoint.id.hex[:20]


class InsertFloor:
    """Six rows per create in one INSERT, committed in its one round trip."""

    def __init__(self, url: str, schema: str, durable: bool = True) -> None:
        table = f'"{schema}".{TABLES["insert"]}'
        self.sql = f"INSERT INTO {table} (originator_id, version, topic, state) VALUES " + (
            ", ".join(["(%s, %s, %s, %s)"] * EVENTS)
        )
        kwargs: dict[str, Any] = {"autocommit": True}
        if not durable:
            kwargs["options"] = "-c synchronous_commit=off"
        self.pool = ConnectionPool(url, kwargs=kwargs, min_size=2, open=True)
        with self.pool.connection() as conn:
            conn.execute(
                f"CREATE TABLE IF NOT EXISTS {table} (id bigserial PRIMARY KEY, "
                "originator_id uuid, version int, topic text, state bytea)"
            )

    def create(self, vpc_id: str, service_id: str, zone_id: str, vswitch_id: str) -> str:
        originator = uuid.uuid4()
        facts = {
            "VpcId": vpc_id,
            "ServiceId": service_id,
            "ZoneId": zone_id,
            "VSwitchId": vswitch_id,
        }
        params: list[Any] = []
        for version in range(1, EVENTS + 1):
            state = json.dumps({**facts, "version": version}).encode()
            params += [originator, version, "floor:FloorEndpoint.Event", state]
        with self.pool.connection() as conn:
            conn.execute(self.sql, params, prepare=True)
        return originator.hex[:20]


class AnswerFloor:
    """No write: the answer alone."""

    def create(self, vpc_id: str, service_id: str, zone_id: str, vswitch_id: str) -> str:
        return uuid.uuid4().hex[:20]


def make_floor() -> EventsourcingFloor | InsertFloor | AnswerFloor:
    mode, url, schema = (
        os.environ["FLOOR_MODE"],
        os.environ["FLOOR_URL"],
        os.environ["FLOOR_SCHEMA"],
    )
    if mode == "answer":
        return AnswerFloor()
    if mode == "eventsourcing":
        return EventsourcingFloor(url, schema)
    return InsertFloor(url, schema, durable=mode == "insert")


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    app.state.floor = make_floor()
    yield


app = FastAPI(lifespan=lifespan)


def answer(floor: Any, params: dict[str, str]) -> dict[str, Any]:
    """The fields the product answers a create with (api/actions/fields.py ENDPOINT_CREATE)."""
    vpc, service = params.get("VpcId", ""), params.get("ServiceId", "")
    zone, vswitch = params.get("Zone.1.ZoneId", ""), params.get("Zone.1.VSwitchId", "")
    endpoint_id = "ep-" + floor.create(vpc, service, zone, vswitch)
    return {
        "RequestId": str(uuid.uuid4()).upper(),
        "AddressIpVersion": "IPv4",
        "Bandwidth": 3072,
        "ConnectionStatus": "Connected",
        "CreateTime": "2026-12-06T00:00:00Z",
        "CrossRegionBandwidth": 1024,
        "EndpointBusinessStatus": "Normal",
        "EndpointDescription": "",
        "EndpointDomain": f"{endpoint_id}.epsrv-floor.cn-hangzhou.privatelink.aliyuncs.com",
        "EndpointId": endpoint_id,
        "EndpointName": "",
        "EndpointStatus": "Creating",
        "ServiceId": service,
        "ServiceName": "com.aliyuncs.privatelink.cn-hangzhou.epsrv-floor",
        "ServiceRegionId": "cn-hangzhou",
        "VpcId": vpc,
        "ZoneAffinityEnabled": False,
    }


@app.api_route("/", methods=["GET", "POST"])
async def rpc(request: Request) -> JSONResponse:
    """The cloud's RPC route: the action is a parameter, or (the v2 SDK) a header."""
    params = dict(request.query_params)
    if request.method == "POST":
        params.update(parse_qsl((await request.body()).decode()))
    action = params.get("Action") or request.headers.get("x-acs-action")
    if action != "CreateVpcEndpoint":
        return JSONResponse({"RequestId": str(uuid.uuid4()).upper(), "Code": "Unsupported"}, 400)
    return JSONResponse(await run_in_threadpool(answer, request.app.state.floor, params))


@app.get("/healthz")
async def healthz() -> dict[str, bool]:
    return {"ok": True}
