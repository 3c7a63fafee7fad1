"""Two `privatelink serve` processes on one store against one (issue 10, "Several processes").

`python bench/two_serves.py [--seconds 10] [--clients 8] [--json FILE]`: CreateVpcEndpoint
answers per second from the same number of SDK client processes, first against one `serve`
(with `privatelink project` beside it), then against two `serve` processes on one schema
(clients split between them; one `project`). Only one of the two provisions at a time (the
provisioning lease), so the second process adds API capacity without provisioning collisions.
Not a test: a figure for bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import workload
from bench.run import Serve, database, free_port, inventory_file, provider_service


def plain_serve(url: str, schema: str, inventory: Path) -> tuple[subprocess.Popen[bytes], str]:
    """A second `serve --no-projector` on the same schema (the first one's projector serves
    both)."""
    import httpx

    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "privatelink",
            "serve",
            "--port",
            str(port),
            "--database-url",
            url,
            "--schema",
            schema,
            "--inventory",
            str(inventory),
            "--no-dns",
            "--no-forwarders",
            "--probe-interval",
            "0",
            "--no-projector",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(f"http://{endpoint}/healthz", timeout=1).status_code == 200:
                return process, endpoint
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the second serve did not start")


def creates(endpoint: str, service_id: str, seconds: float) -> tuple[int, int]:
    """CreateVpcEndpoint for ``seconds``: (answered, refused with 503)."""
    from alibabacloud_privatelink20200415 import models as m
    from alibabacloud_privatelink20200415.client import Client
    from alibabacloud_tea_openapi.exceptions import ServerException
    from alibabacloud_tea_openapi.models import Config

    client = Client(
        Config(
            access_key_id=workload.CONSUMER[0],
            access_key_secret=workload.CONSUMER[1],
            endpoint=endpoint,
            protocol="http",
            region_id="cn-hangzhou",
        )
    )
    request = m.CreateVpcEndpointRequest(
        region_id="cn-hangzhou",
        vpc_id="vpc-consumer0001",
        service_id=service_id,
        zone=[
            m.CreateVpcEndpointRequestZone(zone_id="cn-hangzhou-h", v_switch_id="vsw-consumer-h")
        ],
    )
    answered = unavailable = 0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        try:
            client.create_vpc_endpoint(request)
            answered += 1
        except ServerException:
            unavailable += 1
    return answered, unavailable


def rate(endpoints: list[str], service_id: str, clients: int, seconds: float) -> tuple[float, int]:
    """Answers per second of ``clients`` processes spread over ``endpoints``, and 503s."""
    ctx = multiprocessing.get_context("spawn")
    args = [(endpoints[i % len(endpoints)], service_id, seconds) for i in range(clients)]
    with ctx.Pool(clients) as pool:
        results = pool.starmap(creates, args)
    return sum(r[0] for r in results) / seconds, sum(r[1] for r in results)


def measure(
    url: str, inventory: Path, servers: int, clients: int, seconds: float
) -> tuple[float, int]:
    serve = Serve(url, f"bench_two_{secrets.token_hex(3)}", inventory)
    extra: list[subprocess.Popen[bytes]] = []
    endpoints = [serve.endpoint]
    try:
        for _ in range(servers - 1):
            process, endpoint = plain_serve(url, serve_schema(serve), inventory)
            extra.append(process)
            endpoints.append(endpoint)
        service_id = provider_service(serve.endpoint)
        return rate(endpoints, service_id, clients, seconds)
    finally:
        for process in extra:
            process.terminate()
            process.wait(timeout=30)
        serve.stop()


def serve_schema(serve: Serve) -> str:
    args = serve.process.args
    return str(args[args.index("--schema") + 1])  # type: ignore[union-attr]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with database() as url, tempfile.TemporaryDirectory() as tmp:
        inventory = inventory_file(Path(tmp))
        runs = {n: measure(url, inventory, n, args.clients, args.seconds) for n in (1, 2)}
    figures: dict[str, float] = {}
    for n, (per_second, unavailable) in runs.items():
        figures[f"serve_{n}_create_endpoint_c{args.clients}"] = per_second
        figures[f"serve_{n}_unavailable_503"] = unavailable
    figures["two_over_one"] = runs[2][0] / runs[1][0] if runs[1][0] else 0.0
    print(json.dumps(figures, indent=1))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
