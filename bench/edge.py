"""What a direct ASGI path for the cloud protocol would save over FastAPI's routing, in one run
(issue 13). ``privatelink serve`` had one (``CloudProtocol``: ``GET``/``POST /`` answered before
FastAPI); measured here, it saved less than 10 %, so it was removed and the protocol's route
is FastAPI's. It lives on below as ``DirectRpc``, so that the claim can be measured again.

One server process, one runtime, one event loop: the same FastAPI application served on two
ports, once wrapped in ``DirectRpc`` and once bare (as ``privatelink serve`` serves it), both
with the edge's limits and uvicorn protocol as ``privatelink serve`` has them. A client
process then calls, through the official SDK (signed requests), CreateVpcEndpoint and
GetVpcEndpointAttribute against the two ports in alternating rounds, so that load drift
touches both alike, and prints the median latency of each and the ratio.

    DATABASE_URL=postgresql://... python bench/edge.py [--rounds 10] [--calls 40]

Without DATABASE_URL an embedded PostgreSQL is started (as by ``bench/run.py``).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import multiprocessing
import secrets
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.run import database, free_port, inventory_file, provider_service, wait_port
from bench.workload import CONSUMER

PATHS = ("bypass", "fastapi")


class DirectRpc:
    """ASGI entry answering the cloud protocol's ``GET``/``POST /`` directly (the same
    ``answer`` and ``rendered`` as the FastAPI route), everything else by FastAPI."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.runtime = app.state.runtime

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        from privatelink.api.http import answer
        from privatelink.api.protocol import RPC_METHODS, rendered

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
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", content_type.encode()),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def serve_both(url: str, inventory: Path) -> tuple[dict[str, int], Any]:
    """Start the two servers in a thread of this process; their ports and the loop."""
    import uvicorn

    from privatelink.api.http import cloud_http_protocol
    from privatelink.api.limits import limit_server
    from privatelink.composition import create_app
    from privatelink.infra.settings import Settings

    logging.getLogger("privatelink").setLevel(logging.ERROR)  # HA-1 warnings, one per create
    settings = Settings(
        database_url=url, db_schema=f"bench_edge_{secrets.token_hex(3)}", inventory=inventory
    )
    app = create_app(settings)
    ports = {path: free_port() for path in PATHS}
    servers = [
        uvicorn.Server(
            limit_server(
                uvicorn.Config(
                    DirectRpc(app) if path == "bypass" else app,
                    host="127.0.0.1",
                    port=ports[path],
                    log_level="warning",
                    access_log=False,
                    log_config=None,
                    http=cloud_http_protocol(),
                    lifespan="on" if path == "bypass" else "off",
                ),
                settings,
            )
        )
        for path in PATHS
    ]
    loop = asyncio.new_event_loop()

    async def run() -> None:
        await asyncio.gather(*(server.serve() for server in servers))

    threading.Thread(target=loop.run_until_complete, args=(run(),), daemon=True).start()
    for port in ports.values():
        wait_port(port)
    return ports, servers


def client(
    ports: dict[str, int], service_id: str, rounds: int, calls: int
) -> dict[str, dict[str, list[float]]]:
    """Latencies (s) per path and action, measured in alternating rounds."""
    from alibabacloud_privatelink20200415 import models as m
    from alibabacloud_privatelink20200415.client import Client
    from alibabacloud_tea_openapi.models import Config

    clients = {
        path: Client(
            Config(
                access_key_id=CONSUMER[0],
                access_key_secret=CONSUMER[1],
                endpoint=f"127.0.0.1:{port}",
                protocol="http",
                region_id="cn-hangzhou",
            )
        )
        for path, port in ports.items()
    }
    create = m.CreateVpcEndpointRequest(
        region_id="cn-hangzhou",
        vpc_id="vpc-consumer0001",
        service_id=service_id,
        zone=[
            m.CreateVpcEndpointRequestZone(zone_id="cn-hangzhou-h", v_switch_id="vsw-consumer-h")
        ],
    )
    out: dict[str, dict[str, list[float]]] = {p: {"create": [], "get": []} for p in PATHS}
    for round_ in range(rounds + 1):  # round 0 warms both servers up and is not counted
        for path in PATHS if round_ % 2 else reversed(PATHS):
            sdk = clients[path]
            created, gets = [], []
            for _ in range(calls):
                start = time.perf_counter()
                endpoint_id = sdk.create_vpc_endpoint(create).body.endpoint_id
                created.append(time.perf_counter() - start)
                get = m.GetVpcEndpointAttributeRequest(
                    region_id="cn-hangzhou", endpoint_id=endpoint_id
                )
                start = time.perf_counter()
                sdk.get_vpc_endpoint_attribute(get)
                gets.append(time.perf_counter() - start)
            if round_:
                out[path]["create"] += created
                out[path]["get"] += gets
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--calls", type=int, default=40, help="calls per action and round")
    args = parser.parse_args()
    with database() as url, tempfile.TemporaryDirectory(prefix="privatelink-edge-") as tmp:
        ports, servers = serve_both(url, inventory_file(Path(tmp)))
        service_id = provider_service(f"127.0.0.1:{ports['bypass']}")
        with multiprocessing.get_context("spawn").Pool(1) as pool:
            result = pool.apply(client, (ports, service_id, args.rounds, args.calls))
        for server in servers:
            server.should_exit = True
    print(f"{args.rounds} rounds x {args.calls} calls per action and path; median ms")
    print(f"{'action':<26}{'bypass':>10}{'fastapi':>10}{'fastapi/bypass':>16}")
    for action, name in (("create", "CreateVpcEndpoint"), ("get", "GetVpcEndpointAttribute")):
        bypass = statistics.median(result["bypass"][action]) * 1000
        routed = statistics.median(result["fastapi"][action]) * 1000
        print(f"{name:<26}{bypass:>10.2f}{routed:>10.2f}{routed / bypass:>16.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
