"""Several processes on one schema: two ``privatelink serve --no-projector`` (A and B) and
one ``privatelink project``, clients spread over both servers. Read-your-writes holds on each
server, and conflicting commands sent to A and B at the same moment end with exactly one
winner and a clear 4xx for the other, or (allow against deny) with a final state consistent
with the order in which the event log applied them."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from alibabacloud_privatelink20200415 import models as pl
from alibabacloud_tea_openapi.exceptions import ClientException

from tests.conftest import CONSUMER, PROVIDER, sdk_client
from tests.e2e.helpers import (
    CONSUMER_UID,
    REGION,
    H,
    address,
    create_endpoint,
    create_service,
    endpoint_ids,
    endpoint_zones,
    get_endpoint,
    wait_until,
)
from tests.reliability import figures
from tests.reliability.audit import settled_connections
from tests.reliability.processes import Projector, Serve, history, rebuild_verify

pytestmark = pytest.mark.reliability

ROUNDS = 6

# What each event does to a connection's status: (allowed from, leads to).
TRANSITIONS = {
    "ConnectionRequested": ({None}, "Pending"),
    "ConnectionAllowed": ({"Pending", "Disconnected"}, "Connecting"),
    "ConnectionDenied": ({"Pending", "Connecting", "Connected"}, "Disconnecting"),
    "ConnectionEstablished": ({"Connecting", "Connected"}, "Connected"),
    "ConnectionDisconnected": ({"Disconnecting"}, "Disconnected"),
}


@dataclass
class Cluster:
    database_url: str
    schema: str
    a: Serve
    b: Serve
    projector: Projector

    def client(self, server: str, key: tuple[str, str, str]) -> Any:
        return sdk_client(getattr(self, server).endpoint, key)


@pytest.fixture(scope="module")
def cluster(database_url: str, module_schema: str) -> Iterator[Cluster]:
    with ExitStack() as stack:
        a = Serve(database_url, module_schema, "--no-projector")
        stack.callback(a.stop)
        b = Serve(database_url, module_schema, "--no-projector")
        stack.callback(b.stop)
        projector = Projector(database_url, module_schema)
        stack.callback(projector.stop)
        yield Cluster(database_url, module_schema, a, b, projector)


@pytest.fixture(scope="module")
def service_id(cluster: Cluster) -> str:
    return create_service(cluster.client("a", PROVIDER), "nlb-provider0001", users=(CONSUMER_UID,))


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released together; each result or ClientException."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], Any]) -> Any:
        barrier.wait()
        try:
            return call()
        except ClientException as error:
            return error

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def test_read_your_writes_holds_on_each_of_two_servers(cluster: Cluster, service_id: str) -> None:
    checked = 0
    for n in range(2 * ROUNDS):
        server, other = ("a", "b") if n % 2 == 0 else ("b", "a")
        consumer, provider = cluster.client(server, CONSUMER), cluster.client(server, PROVIDER)
        endpoint_id = create_endpoint(consumer, service_id, zones=(H,))
        assert get_endpoint(consumer, endpoint_id).endpoint_id == endpoint_id
        assert endpoint_id in endpoint_ids(consumer)
        consumer.update_vpc_endpoint_attribute(
            pl.UpdateVpcEndpointAttributeRequest(
                region_id=REGION, endpoint_id=endpoint_id, endpoint_name=f"ryw-{n}"
            )
        )
        assert get_endpoint(consumer, endpoint_id).endpoint_name == f"ryw-{n}"
        provider.enable_vpc_endpoint_connection(
            pl.EnableVpcEndpointConnectionRequest(
                region_id=REGION, service_id=service_id, endpoint_id=endpoint_id
            )
        )
        assert get_endpoint(consumer, endpoint_id).connection_status in ("Connecting", "Connected")
        # The other server follows too (no promise of immediacy there).
        follower = cluster.client(other, CONSUMER)
        wait_until(
            lambda e=endpoint_id, c=follower: get_endpoint(c, e),
            lambda e, name=f"ryw-{n}": e.endpoint_name == name,
        )
        checked += 1
    figures.record("several_processes_read_your_writes", servers=2, projectors=1, rounds=checked)


def replay(entries: list[dict[str, Any]], endpoint_id: str) -> tuple[list[str], str | None]:
    """The connection's events in log order, checked against TRANSITIONS; the final status."""
    status: str | None = None
    seen = []
    for entry in entries:
        kind = entry["type"]
        if kind not in TRANSITIONS or entry["data"].get("endpoint_id", endpoint_id) != endpoint_id:
            continue
        allowed_from, to = TRANSITIONS[kind]
        assert status in allowed_from, (
            f"impossible transition: {kind} while {status} (history {seen + [kind]})"
        )
        status = to
        seen.append(kind)
    return seen, status


def test_allow_and_deny_of_one_connection_on_two_servers_end_consistently(
    cluster: Cluster, service_id: str
) -> None:
    consumer = cluster.client("a", CONSUMER)
    rounds = []
    for n in range(ROUNDS):
        endpoint_id = create_endpoint(consumer, service_id, zones=(H,))
        for server in ("a", "b"):
            reader = cluster.client(server, CONSUMER)
            wait_until(
                lambda c=reader, e=endpoint_id: get_endpoint(c, e),
                lambda e: e.connection_status == "Pending",
            )
        allow_on, deny_on = ("a", "b") if n % 2 == 0 else ("b", "a")
        allow_client = cluster.client(allow_on, PROVIDER)
        deny_client = cluster.client(deny_on, PROVIDER)
        allow_request = pl.EnableVpcEndpointConnectionRequest(
            region_id=REGION, service_id=service_id, endpoint_id=endpoint_id
        )
        deny_request = pl.DisableVpcEndpointConnectionRequest(
            region_id=REGION, service_id=service_id, endpoint_id=endpoint_id
        )
        allowed, denied = at_once(
            partial(allow_client.enable_vpc_endpoint_connection, allow_request),
            partial(deny_client.disable_vpc_endpoint_connection, deny_request),
        )
        rounds.append((endpoint_id, allowed, denied))
    connections = settled_connections(cluster.client("a", PROVIDER), service_id)
    # One after another: processes that open a schema at the same moment can collide (see
    # test_processes_opening_one_schema_at_the_same_moment_all_start).
    histories = [history(cluster.database_url, cluster.schema, r[0]) for r in rounds]
    outcomes = []
    for (endpoint_id, allowed, denied), entries in zip(rounds, histories):
        for answer in (allowed, denied):
            if isinstance(answer, ClientException):
                assert 400 <= answer.status_code < 500, answer.data
                assert answer.code == "EndpointConnectionOperationDenied", answer.data
        wins = [isinstance(a, ClientException) is False for a in (allowed, denied)]
        assert any(wins), f"{endpoint_id}: neither allow nor deny was applied"
        seen, final = replay(entries, endpoint_id)
        assert seen.count("ConnectionAllowed") == int(wins[0]), (endpoint_id, seen, wins)
        assert seen.count("ConnectionDenied") == int(wins[1]), (endpoint_id, seen, wins)
        assert connections[endpoint_id].connection_status == final, (endpoint_id, seen)
        last = [k for k in seen if k in ("ConnectionAllowed", "ConnectionDenied")][-1]
        assert final == ("Connected" if last == "ConnectionAllowed" else "Disconnected")
        outcomes.append("both applied" if all(wins) else ("allow won" if wins[0] else "deny won"))
    figures.record(
        "several_processes_allow_deny_race",
        rounds=ROUNDS,
        outcomes={o: outcomes.count(o) for o in sorted(set(outcomes))},
        impossible_transitions=0,
    )


# A process that opens the store the way every ``privatelink`` command does (serve, project,
# history, ...), `times` times, each time only once the test says go: the openings of all the
# processes then happen within a millisecond of each other.
OPENER = """
import sys, time
from pathlib import Path
from privatelink.composition import open_runtime
from privatelink.infra.settings import Settings
url, schema, me, folder, times = sys.argv[1], sys.argv[2], sys.argv[3], Path(sys.argv[4]), int(sys.argv[5])
for k in range(times):
    (folder / f"ready-{me}-{k}").touch()
    while not (folder / f"go-{k}").exists():
        time.sleep(0.0002)
    with open_runtime(Settings(database_url=url, db_schema=schema), serve=False):
        pass
"""


def test_processes_opening_one_schema_at_the_same_moment_all_start(
    cluster: Cluster, tmp_path: Path
) -> None:
    """Six processes open the schema together, 20 times. Each opening sets the schema up
    (eventsourcing's CREATE_TABLE, views tables); all must succeed, as two ``privatelink``
    processes started together must (PostgreSQL refuses two concurrent ``CREATE OR REPLACE
    FUNCTION`` of one function with "tuple concurrently updated")."""
    count, times = 6, 20
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                OPENER,
                cluster.database_url,
                cluster.schema,
                str(n),
                str(tmp_path),
                str(times),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(count)
    ]
    opened = 0
    try:
        for k in range(times):
            deadline = time.monotonic() + 60
            while not all((tmp_path / f"ready-{n}-{k}").exists() for n in range(count)):
                if any(p.poll() is not None for p in processes) or time.monotonic() > deadline:
                    break
                time.sleep(0.002)
            else:
                (tmp_path / f"go-{k}").touch()
                opened = k + 1
                continue
            break
        for process in processes:
            process.wait(timeout=60 if process.poll() is None and opened == times else 0.5)
    except subprocess.TimeoutExpired:
        pass
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    crashed = [
        p.stderr.read().strip().splitlines()[-1:]
        for p in processes  # type: ignore[union-attr]
        if p.returncode not in (0, -9)
    ]
    figures.record(
        "several_processes_simultaneous_start",
        processes=count,
        simultaneous_openings=opened,
        crashed=len(crashed),
    )
    assert not crashed, (
        f"{len(crashed)} processes crashed opening the schema together "
        f"(opening {opened} of {times}): {crashed}"
    )
    assert opened == times


def test_two_endpoints_racing_for_one_ip_on_two_servers_have_one_winner(
    cluster: Cluster, service_id: str
) -> None:
    winners = {"a": 0, "b": 0}
    for n in range(ROUNDS):
        ip = address(H, 200 + n)
        before = endpoint_ids(cluster.client("a", CONSUMER))

        on_a, on_b = at_once(
            *(
                partial(
                    create_endpoint,
                    cluster.client(server, CONSUMER),
                    service_id,
                    zones=(H,),
                    ips={H: ip},
                )
                for server in ("a", "b")
            )
        )
        won = [answer for answer in (on_a, on_b) if isinstance(answer, str)]
        lost = [answer for answer in (on_a, on_b) if isinstance(answer, ClientException)]
        assert len(won) == 1 and len(lost) == 1, f"{ip}: {on_a!r} / {on_b!r}"
        assert (
            400 <= lost[0].status_code < 500 and lost[0].code == "InvalidIpAddress.AlreadyUsed"
        ), lost[0].data
        assert ip in str(lost[0].data["Message"])
        winners["a" if isinstance(on_a, str) else "b"] += 1
        winner = won[0]
        assert endpoint_zones(cluster.client("a", CONSUMER), winner)[H].eni_ip == ip
        wait_until(
            partial(endpoint_ids, cluster.client("a", CONSUMER)),
            lambda ids, known=before: len(ids - known) >= 1,
        )
        assert endpoint_ids(cluster.client("a", CONSUMER)) - before == {winner}
    rebuild_verify(cluster.database_url, cluster.schema)
    figures.record(
        "several_processes_ip_race", rounds=ROUNDS, winners_by_server=winners, double_assignments=0
    )
