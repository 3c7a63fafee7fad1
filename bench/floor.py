"""What the product's own stack allows, in one run (issue 17): CreateVpcEndpoint through the
official SDK, 1 and 8 client processes, against moto, two floors and the default `serve`.
`python bench/floor.py [--seconds 6] [--json FILE]`; see bench/README.md.

The floors (bench/floor_app.py) are FastAPI on uvicorn writing six events durably per create,
with nothing else: ``insert`` in one six-row INSERT on a pooled connection, ``eventsourcing``
through the library's own PostgreSQL recorder, each in a fresh schema; ``insert_nowait`` is the
``insert`` floor without waiting for the WAL's flush, and ``answer`` writes nothing. The run
checks, by counting each writing floor's table, that it stored exactly the events of the
creates it answered. ``serve_read`` is the same default `serve` answering DescribeZones, its
cheapest signed call.

``bound_c1`` is the most creates a second the default `serve` could answer at 1 client if a
create cost nothing beyond its cheapest signed call and the wait for one durable commit:
1 / (1 / serve_read + 1 / insert - 1 / insert_nowait), each at 1 client. ``budget_c1_ms`` is
what is left, at 1 client, for everything else a create does (its decision, its events, the
views and DNS names written with them) if it is to answer twice as many creates as moto:
1 / (2 x moto) - 1 / bound, in milliseconds (below zero: not even a create that did nothing
else could)."""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import workload
from bench.floor_app import EVENTS, TABLES
from bench.run import (
    WARM_UP,
    Serve,
    database,
    free_port,
    inventory_file,
    listening,
    load,
    moto_server,
    percentile,
    provider_service,
)

FLOORS = ("answer", "insert", "insert_nowait", "eventsourcing")
TARGETS = ("moto", *(f"floor_{mode}" for mode in FLOORS), "serve_read", "serve")
WORK = {
    "moto": workload.moto_creates,
    "serve_read": workload.privatelink_zones,
}
"""Each target's load where it is not CreateVpcEndpoint through the official SDK."""


def keys(clients: tuple[int, ...] = (1, 8)) -> list[str]:
    """Every figure a run writes: answers per second at each number of clients, the p50
    latency at the first, the p99 / p50 at the last, and (with 1 client) the bound of a
    create at 1 client."""
    rates = [f"c{n}" for n in clients]
    latencies = (f"p50_c{clients[0]}_ms", f"p99_over_p50_c{clients[-1]}")
    figures = [f"{t}_{k}" for t in TARGETS for k in (*rates, *latencies)]
    return figures + (["bound_c1", "budget_c1_ms"] if 1 in clients else [])


def bound(out: dict[str, float]) -> float:
    """Creates a second at 1 client if a create cost only the product's cheapest signed call
    and the wait for one durable commit (the ``insert`` floor's time less ``insert_nowait``'s)."""
    durability = 1 / out["floor_insert_c1"] - 1 / out["floor_insert_nowait_c1"]
    return 1 / (1 / out["serve_read_c1"] + durability)


@contextmanager
def floor_server(mode: str, url: str, schema: str) -> Iterator[str]:
    """A floor app on a free port, writing into ``schema``; its endpoint."""
    import httpx

    port = free_port()
    with listening(
        [sys.executable, "-m", "uvicorn", "bench.floor_app:app", "--port", str(port)]
        + ["--log-level", "warning", "--no-access-log"],
        port,
        cwd=ROOT,
        env={**os.environ, "FLOOR_MODE": mode, "FLOOR_URL": url, "FLOOR_SCHEMA": schema},
    ) as endpoint:
        httpx.get(f"http://{endpoint}/healthz", timeout=30).raise_for_status()
        yield endpoint


@contextmanager
def fresh_schema(url: str) -> Iterator[str]:
    """A schema of its own for one floor, dropped afterwards."""
    import psycopg

    schema = f"bench_floor_{secrets.token_hex(3)}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield schema
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def stored(url: str, schema: str, mode: str) -> int:
    """The events a floor stored, counted in its table."""
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute(f"SELECT count(*) FROM {schema}.{TABLES[mode]}").fetchone()
    return int(row[0]) if row else 0


def levels(target: str, args: tuple[str, str], run: tuple[float, tuple[int, ...]], out: Any) -> int:
    """Warm up, then each number of clients; the creates answered."""
    seconds, clients = run
    work = WORK.get(target, workload.privatelink_creates)
    _, warm = load(work, args, 1, WARM_UP)
    answered = len(warm) + 1  # with the warm-up client's untimed first call
    for n in clients:
        rate, latencies = load(work, args, n, seconds)
        answered += len(latencies) + n  # each client's untimed first call
        out[f"{target}_c{n}"] = rate
        if n == clients[0]:
            out[f"{target}_p50_c{n}_ms"] = percentile(latencies, 0.5) * 1000
        if n == clients[-1]:
            tail = percentile(latencies, 0.99) / percentile(latencies, 0.5)
            out[f"{target}_p99_over_p50_c{n}"] = tail
    return answered


def measure(seconds: float, clients: tuple[int, ...] = (1, 8)) -> dict[str, float]:
    out: dict[str, float] = {}
    run = (seconds, clients)
    with database() as url, tempfile.TemporaryDirectory() as tmp:
        for mode in FLOORS:
            with fresh_schema(url) as schema:
                with floor_server(mode, url, schema) as endpoint:
                    answered = levels(f"floor_{mode}", (endpoint, "epsrv-floor"), run, out)
                if mode in TABLES and stored(url, schema, mode) != answered * EVENTS:
                    raise RuntimeError(f"the {mode} floor stored other than it answered")
        serve = Serve(url, "", inventory_file(Path(tmp)), layout="default")
        try:
            args = (serve.endpoint, provider_service(serve.endpoint))
            for target in ("serve_read", "serve"):
                levels(target, args, run, out)
        finally:
            serve.stop()
        with moto_server() as endpoint:
            levels("moto", (endpoint, ""), run, out)
    if 1 in clients:
        out["bound_c1"] = bound(out)
        out["budget_c1_ms"] = 1000 * (1 / (2 * out["moto_c1"]) - 1 / out["bound_c1"])
    return {k: out[k] for k in keys(clients)}


def report(results: dict[str, float], clients: tuple[int, ...]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table("target", f"p50 ms c{clients[0]}", f"p99/p50 c{clients[-1]}")
    for n in clients:
        table.add_column(f"c{n} /s")
        table.add_column(f"c{n} / moto")
    for target in TARGETS:
        row = [
            target,
            f"{results[f'{target}_p50_c{clients[0]}_ms']:.2f}",
            f"{results[f'{target}_p99_over_p50_c{clients[-1]}']:.2f}",
        ]
        for n in clients:
            rate = results[f"{target}_c{n}"]
            row += [f"{rate:.1f}", f"{rate / results[f'moto_c{n}']:.2f}x"]
        table.add_row(*row)
    console = Console(width=100)
    console.print(table)
    if "bound_c1" in results:
        console.print(
            f"bound of a create at 1 client (its cheapest signed call and one durable commit): "
            f"{results['bound_c1']:.1f}/s, {results['bound_c1'] / results['moto_c1']:.2f}x moto; "
            f"left for the rest of a create at 2x moto: {results['budget_c1_ms']:.2f} ms"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=6.0, help="per level")
    parser.add_argument(
        "--clients", default="1,8", help="numbers of client processes, comma-separated"
    )
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    args = parser.parse_args()
    clients = tuple(int(n) for n in args.clients.split(","))
    started = time.time()
    results = measure(args.seconds, clients)
    report(results, clients)
    print(f"({time.time() - started:.0f} s)", file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
