"""The forwarder plan, the token bucket and the prober, with no sockets (BW-1, RES-8,
RES-10, DNS-5)."""

from __future__ import annotations

import asyncio

from privatelink.domain.inventory import Listener
from privatelink.infra.dataplane.forwarders import TokenBucket, bindable
from privatelink.infra.dataplane.plan import EniAddresses, Route, plan_forwarders
from privatelink.infra.dataplane.prober import Prober
from tests.dataplane.helpers import ENI_IP, H, I, rows, zone_doc

LISTENERS = {
    "nlb-provider0001": [Listener(port=8000, backend="127.0.0.1:9000")],
    "lb-provider0001": [Listener(port=8000, backend="127.0.0.1:9100")],
}


def listeners(resource_id: str) -> list[Listener]:
    return LISTENERS.get(resource_id, [])


def test_bw_1_every_zone_eni_forwards_with_the_connections_bandwidth() -> None:
    plan = plan_forwarders(rows(bandwidth=250), listeners)
    assert plan.routes == {
        (ENI_IP[H], 8000): Route(ENI_IP[H], 8000, "127.0.0.1:9000", "nlb-provider0001"),
        (ENI_IP[I], 8000): Route(ENI_IP[I], 8000, "127.0.0.1:9000", "nlb-provider0001"),
    }
    assert plan.bandwidth == {ENI_IP[H]: 250, ENI_IP[I]: 250}
    assert plan.probes == {"nlb-provider0001": ("127.0.0.1:9000",)}


def test_acc_4_no_forwarder_without_an_accepted_connection() -> None:
    assert plan_forwarders(rows(connection="Pending"), listeners).routes == {}


def test_disconnected_zone_has_no_forwarder() -> None:
    view = rows(zones={H: zone_doc("ep-a", H), I: zone_doc("ep-a", I, status="Disconnected")})
    assert set(plan_forwarders(view, listeners).routes) == {(ENI_IP[H], 8000)}


def test_resource_without_listeners_has_no_forwarder_and_no_probe() -> None:
    view = rows(zones={H: zone_doc("ep-a", H, ResourceId="nlb-provider0003")})
    plan = plan_forwarders(view, listeners)
    assert (plan.routes, plan.probes) == ({}, {})


def test_res_8_reallocated_zone_moves_to_the_new_resources_backend() -> None:
    view = rows(zones={H: zone_doc("ep-a", H, ResourceId="lb-provider0001")})
    assert plan_forwarders(view, listeners).routes[(ENI_IP[H], 8000)].backend == "127.0.0.1:9100"


def test_res_10_graceful_migration_keeps_the_old_eni_on_the_old_resource() -> None:
    migrating = zone_doc(
        "ep-a",
        H,
        ZoneStatus="Migrating",
        EniId="eni-new",
        EniIp="127.16.1.20",
        ResourceId="lb-provider0001",
        ReplacedEniId="eni-old",
        ReplacedResourceId="nlb-provider0001",
    )
    plan = plan_forwarders(
        rows(zones={H: migrating}),
        listeners,
        lambda _endpoint, zone: {"eni-old": ENI_IP[H]}[zone["ReplacedEniId"]],
    )
    assert plan.routes[("127.16.1.20", 8000)].backend == "127.0.0.1:9100"
    assert plan.routes[(ENI_IP[H], 8000)].backend == "127.0.0.1:9000"


def test_res_10_the_old_eni_serves_until_the_replaced_resource_is_disconnected() -> None:
    enis = EniAddresses()
    connected = zone_doc("ep-a", H, EniId="eni-old", ResourceId="nlb-provider0001")
    assert set(enis.plan(rows(zones={H: connected}), listeners).routes) == {(ENI_IP[H], 8000)}
    migrating = {
        **connected,
        "ZoneStatus": "Migrated",
        "EniId": "eni-new",
        "EniIp": "127.16.1.20",
        "ResourceId": "lb-provider0001",
        "ReplacedEniId": "eni-old",
        "ReplacedResourceId": "nlb-provider0001",
    }
    plan = enis.plan(rows(zones={H: migrating}), listeners)
    assert {k: r.backend for k, r in plan.routes.items()} == {
        ("127.16.1.20", 8000): "127.0.0.1:9100",
        (ENI_IP[H], 8000): "127.0.0.1:9000",
    }
    disconnected = {
        **migrating,
        "ZoneStatus": "Connected",
        "ReplacedEniId": "",
        "ReplacedResourceId": "",
    }
    plan = enis.plan(rows(zones={H: disconnected}), listeners)
    assert set(plan.routes) == {("127.16.1.20", 8000)}
    assert enis.known == {"eni-new": "127.16.1.20"}


def test_res_10_an_old_eni_never_seen_is_asked_of_the_fallback() -> None:
    enis = EniAddresses(lambda endpoint, zone: "127.16.1.33")
    migrating = zone_doc(
        "ep-a",
        H,
        ZoneStatus="Migrating",
        EniId="eni-new",
        EniIp="127.16.1.20",
        ReplacedEniId="eni-old",
        ReplacedResourceId="lb-provider0001",
    )
    assert ("127.16.1.33", 8000) in enis.plan(rows(zones={H: migrating}), listeners).routes


def test_only_loopback_enis_are_bound_here() -> None:
    assert bindable("127.16.1.5") and not bindable("10.0.1.5") and not bindable("fd00::1")


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_bw_1_token_bucket_holds_its_rate() -> None:
    clock = FakeClock()
    bucket = TokenBucket(100, clock)  # 12.5 MB/s
    waited = 0.0
    for _ in range(200):  # 200 x 64 KiB = 13.1 MB
        delay = bucket.reserve(64 * 1024)
        clock.now += delay
        waited += delay
    assert abs(waited - 200 * 64 * 1024 / 12_500_000) < 0.03


def test_bw_1_token_bucket_rate_change_applies_to_the_next_chunk() -> None:
    clock = FakeClock()
    bucket = TokenBucket(100, clock)
    clock.now += bucket.reserve(10_000_000)
    bucket.set_rate(1000)  # 125 MB/s: 1.25 MB now takes 10 ms, not 100 ms
    assert abs(bucket.reserve(1_250_000) - 0.01) < 0.001


class FakeApp:
    """Records what the prober records; knows which load balancers the log holds down."""

    def __init__(self, down: set[str] | None = None) -> None:
        self.down = set(down or ())
        self.recorded: list[tuple[str, bool]] = []
        self.up: dict[str, bool] = {}

    async def check(self, backend: str) -> bool:
        return self.up.get(backend, False)

    async def record(self, lb_id: str, down: bool) -> None:
        self.recorded.append((lb_id, down))
        (self.down.add if down else self.down.discard)(lb_id)

    async def recorded_down(self, lb_id: str) -> bool:
        return lb_id in self.down


def probe(app: FakeApp, prober: Prober, probes: dict[str, tuple[str, ...]]) -> None:
    asyncio.run(prober.round(probes))


def test_dns_5_prober_records_only_changes_of_state() -> None:
    app = FakeApp()
    prober = Prober(app.check, app.record, app.recorded_down)
    targets = {"nlb-a": ("127.0.0.1:9000",)}
    app.up["127.0.0.1:9000"] = True
    probe(app, prober, targets)
    probe(app, prober, targets)
    assert app.recorded == []
    app.up["127.0.0.1:9000"] = False
    probe(app, prober, targets)
    probe(app, prober, targets)
    assert app.recorded == [("nlb-a", True)]
    app.up["127.0.0.1:9000"] = True
    probe(app, prober, targets)
    assert app.recorded == [("nlb-a", True), ("nlb-a", False)]


def test_res_8_prober_keeps_probing_a_failed_over_load_balancer_until_it_recovers() -> None:
    app = FakeApp()
    prober = Prober(app.check, app.record, app.recorded_down)
    app.up["127.0.0.1:9000"] = True
    probe(app, prober, {"nlb-a": ("127.0.0.1:9000",)})
    app.up["127.0.0.1:9000"] = False
    probe(app, prober, {"nlb-a": ("127.0.0.1:9000",)})
    app.up["127.0.0.1:9000"] = True
    probe(app, prober, {})  # its zones moved away: it serves none now
    assert app.recorded == [("nlb-a", True), ("nlb-a", False)]


def test_prober_first_sight_of_a_silent_backend_records_nothing() -> None:
    app = FakeApp()
    probe(app, Prober(app.check, app.record, app.recorded_down), {"nlb-a": ("127.0.0.1:1",)})
    assert app.recorded == []


def test_prober_backend_that_starts_late_records_nothing() -> None:
    app = FakeApp()
    prober = Prober(app.check, app.record, app.recorded_down)
    probe(app, prober, {"nlb-a": ("127.0.0.1:9000",)})
    app.up["127.0.0.1:9000"] = True
    probe(app, prober, {"nlb-a": ("127.0.0.1:9000",)})
    assert app.recorded == []


def test_prober_first_sight_recovers_a_load_balancer_recorded_down() -> None:
    app = FakeApp(down={"nlb-a"})
    app.up["127.0.0.1:9000"] = True
    probe(app, Prober(app.check, app.record, app.recorded_down), {"nlb-a": ("127.0.0.1:9000",)})
    assert app.recorded == [("nlb-a", False)]


def test_prober_needs_every_listener_backend_to_answer() -> None:
    app = FakeApp()
    prober = Prober(app.check, app.record, app.recorded_down)
    app.up.update({"127.0.0.1:9000": True, "127.0.0.1:9001": True})
    targets = {"nlb-a": ("127.0.0.1:9000", "127.0.0.1:9001")}
    probe(app, prober, targets)
    app.up["127.0.0.1:9001"] = False
    probe(app, prober, targets)
    assert app.recorded == [("nlb-a", True)]
