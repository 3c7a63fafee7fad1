"""Start to ready (issue 12): ``privatelink serve`` on the embedded store with a fresh and with
a reused data directory, beside ``moto_server``. Ready means the health route answers 200
(privatelink) or the port answers HTTP (moto). Not a test: figures go to bench/README.md.

    python bench/start.py --runs 5 [--json out.json] [--baseline-python OTHER/bin/python]

``--baseline-python`` also starts the ``privatelink`` installed in another environment (e.g. an
earlier commit's checkout, ``pip install -e``) in the same runs, interleaved, so a change is
measured against its baseline under the same machine load.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(process: subprocess.Popen, url: str, ok: int | None, started: float) -> float:  # type: ignore[type-arg]
    while process.poll() is None:
        try:
            answer = httpx.get(url, timeout=1)
            if ok is None or answer.status_code == ok:
                return time.perf_counter() - started
        except httpx.HTTPError:
            time.sleep(0.01)
    raise RuntimeError(f"{process.args} exited with {process.returncode}")


def stop(process: subprocess.Popen) -> None:  # type: ignore[type-arg]
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def privatelink_start(data_dir: Path, python: str = sys.executable) -> float:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    started = time.perf_counter()
    process = subprocess.Popen(
        [
            python,
            "-m",
            "privatelink",
            "serve",
            "--data-dir",
            str(data_dir),
            "--port",
            str(port),
            "--dns-port",
            str(free_port()),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        return wait_http(process, f"http://127.0.0.1:{port}/_privatelink/health", 200, started)
    finally:
        stop(process)


def fresh_and_reused(python: str, fresh: list[float], reused: list[float]) -> None:
    """One start on a new data directory, then one on the same directory again."""
    with tempfile.TemporaryDirectory(prefix="privatelink-start-") as directory:
        data_dir = Path(directory) / "store"
        fresh.append(privatelink_start(data_dir, python))
        reused.append(privatelink_start(data_dir, python))


def moto_start() -> float:
    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("moto_server")), "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        return wait_http(process, f"http://127.0.0.1:{port}/moto-api/", None, started)
    finally:
        stop(process)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    parser.add_argument("--baseline-python", help="also start the privatelink of this python")
    args = parser.parse_args()
    fresh: list[float] = []
    reused: list[float] = []
    moto: list[float] = []
    base_fresh: list[float] = []
    base_reused: list[float] = []
    for _ in range(args.runs):
        fresh_and_reused(sys.executable, fresh, reused)
        if args.baseline_python:
            fresh_and_reused(args.baseline_python, base_fresh, base_reused)
        moto.append(moto_start())
    rows = [
        ("privatelink_fresh_data_dir", fresh),
        ("privatelink_reused_data_dir", reused),
        ("moto_server", moto),
    ]
    if args.baseline_python:
        rows += [("baseline_fresh_data_dir", base_fresh), ("baseline_reused_data_dir", base_reused)]
    figures = {
        name: {
            "median_s": round(statistics.median(values), 3),
            "min_s": round(min(values), 3),
            "max_s": round(max(values), 3),
        }
        for name, values in rows
    }
    for name, figure in figures.items():
        print(
            f"{name:30s} median {figure['median_s']:.3f} s  "
            f"(min {figure['min_s']:.3f}, max {figure['max_s']:.3f}; {args.runs} runs)"
        )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1) + "\n")


if __name__ == "__main__":
    main()
