"""The forwarder set carries out what moved in the plan, and the whole plan when asked
(issue 17; BW-1)."""

from __future__ import annotations

import asyncio
import socket

from privatelink.infra.dataplane.forwarders import ForwarderSet
from privatelink.infra.dataplane.plan import Plan, PlanChanges, Route

REMOTE = "10.0.1.5"  # not this machine's: planned, limited, never bound


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def route(ip: str, port: int, backend: str = "127.0.0.1:9") -> Route:
    return Route(ip, port, backend, "nlb-provider0001")


def test_bw_1_an_update_opens_limits_and_closes_only_what_moved() -> None:
    async def scenario() -> None:
        forwarders, port = ForwarderSet(), free_port()
        key = ("127.0.0.1", port)
        await forwarders.update(PlanChanges({key: route(*key)}, {"127.0.0.1": 100}))
        assert set(forwarders.forwarders) == {key}
        assert forwarders.limiters["127.0.0.1"].mbps == 100
        await forwarders.update(PlanChanges({(REMOTE, 80): route(REMOTE, 80)}, {REMOTE: 50}))
        assert set(forwarders.forwarders) == {key}
        assert set(forwarders.limiters) == {"127.0.0.1", REMOTE}
        await forwarders.update(PlanChanges({key: None}, {"127.0.0.1": None}))
        assert (forwarders.forwarders, set(forwarders.limiters)) == ({}, {REMOTE})
        with socket.socket() as again:
            again.bind(key)  # the closed forwarder let its port go
        await forwarders.close()

    asyncio.run(scenario())


def test_bw_1_a_changed_limit_applies_to_the_running_forwarders_limiter() -> None:
    async def scenario() -> None:
        forwarders, port = ForwarderSet(), free_port()
        key = ("127.0.0.1", port)
        await forwarders.update(PlanChanges({key: route(*key)}, {"127.0.0.1": 100}))
        await forwarders.update(PlanChanges(bandwidth={"127.0.0.1": 400}))
        assert forwarders.forwarders[key].limiter.mbps == 400
        await forwarders.close()

    asyncio.run(scenario())


def test_a_moved_route_goes_to_its_new_backend_on_the_same_listener() -> None:
    async def scenario() -> None:
        forwarders, port = ForwarderSet(), free_port()
        key = ("127.0.0.1", port)
        await forwarders.update(PlanChanges({key: route(*key)}, {"127.0.0.1": 100}))
        listening = forwarders.forwarders[key]
        await forwarders.update(PlanChanges({key: route(*key, backend="127.0.0.1:10")}))
        assert forwarders.forwarders[key] is listening
        assert listening.route.backend == "127.0.0.1:10"
        await forwarders.close()

    asyncio.run(scenario())


def test_applying_a_whole_plan_closes_and_drops_what_it_no_longer_names() -> None:
    async def scenario() -> None:
        forwarders, ports = ForwarderSet(), (free_port(), free_port())
        keys = [("127.0.0.1", p) for p in ports]
        routes = {key: route(*key) for key in keys}
        await forwarders.update(PlanChanges(dict(routes), {"127.0.0.1": 100, REMOTE: 5}))
        await forwarders.apply(Plan({keys[1]: routes[keys[1]]}, {"127.0.0.1": 200}))
        assert set(forwarders.forwarders) == {keys[1]}
        assert {ip: lim.mbps for ip, lim in forwarders.limiters.items()} == {"127.0.0.1": 200}
        await forwarders.close()

    asyncio.run(scenario())
