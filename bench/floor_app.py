"""The floors of `bench/floor.py`: the least a server on the product's own stack (FastAPI,
uvicorn, psycopg, eventsourcing, PostgreSQL) can do for a CreateVpcEndpoint that the official
SDK accepts. No signature check, no validation, no decision, no view: each create writes six
events durably and answers the fields the product answers.

``FLOOR_MODE`` picks the write: ``insert`` (one six-row INSERT, committed, in one round trip
on a pooled autocommit connection) or ``eventsourcing`` (an aggregate with six events saved by
the library's own PostgreSQL application recorder). ``FLOOR_URL`` is the database. Run it
with ``uvicorn bench.floor_app:app``; ``GET /count`` says how many events it has stored, so
the benchmark can check that every answer was a write."""

from __future__ import annotations

import json
import os
import uuid
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

    def __init__(self, url: str) -> None:
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

    def count(self) -> int:
        return int(self.app.recorder.max_notification_id() or 0)  # type: ignore[attr-defined]


class InsertFloor:
    """Six rows per create in one INSERT, committed in its one round trip."""

    SQL = "INSERT INTO floor_rows (originator_id, version, topic, state) VALUES " + ", ".join(
        ["(%s, %s, %s, %s)"] * EVENTS
    )

    def __init__(self, url: str) -> None:
        self.pool = ConnectionPool(url, kwargs={"autocommit": True}, min_size=2, open=True)
        with self.pool.connection() as conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS floor_rows (id bigserial PRIMARY KEY, "
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
            conn.execute(self.SQL, params, prepare=True)
        return originator.hex[:20]

    def count(self) -> int:
        with self.pool.connection() as conn:
            row = conn.execute("SELECT count(*) FROM floor_rows").fetchone()
        return int(row[0]) if row else 0


def make_floor() -> EventsourcingFloor | InsertFloor:
    mode, url = os.environ.get("FLOOR_MODE", "insert"), os.environ["FLOOR_URL"]
    return EventsourcingFloor(url) if mode == "eventsourcing" else InsertFloor(url)


floor = make_floor()
app = FastAPI()


def answer(params: dict[str, str]) -> dict[str, Any]:
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
    return JSONResponse(await run_in_threadpool(answer, params))


@app.get("/count")
async def count() -> dict[str, int]:
    """Events stored so far."""
    return {"events": await run_in_threadpool(floor.count)}


@app.get("/healthz")
async def healthz() -> dict[str, bool]:
    return {"ok": True}
