"""The forwarding plan kept one endpoint at a time (issue 17): after any sequence of endpoint
changes, removals and view replacements it equals the full plan of every endpoint's rows
(``plan_forwarders`` through ``EniAddresses``), and it reports exactly what moved (BW-1,
RES-8, RES-10)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from privatelink.domain.inventory import Listener
from privatelink.infra.dataplane.incremental import IncrementalPlan, Owned
from privatelink.infra.dataplane.plan import EniAddresses, Plan, PlanChanges, forwarding_rows
from tests.dataplane.helpers import ENI_IP, H, I, J

LISTENERS = {
    "nlb-provider0001": [
        Listener(port=8000, backend="127.0.0.1:9000"),
        Listener(port=8001, backend="127.0.0.1:9001"),
    ],
    "lb-provider0001": [Listener(port=8000, backend="127.0.0.1:9100")],
}
RESOURCES = ["nlb-provider0001", "lb-provider0001", "nlb-provider0003", ""]
ENDPOINTS = ["ep-a", "ep-b", "ep-c", "ep-d"]
# Few addresses, shared by every endpoint: two endpoints' ENIs often name the same route.
IPS = [ENI_IP[H], ENI_IP[I], "127.16.1.20", ""]


def listeners(resource_id: str) -> list[Listener]:
    return LISTENERS.get(resource_id, [])


def facts(status: str = "Connected", bandwidth: int = 100, *zones: dict[str, Any]) -> Any:
    return {"ConnectionStatus": status, "Bandwidth": bandwidth, "Zones": list(zones)}


def zone(zone_id: str, eni: str, ip: str, resource: str = "nlb-provider0001", **more: Any) -> Any:
    base = {"ZoneId": zone_id, "ZoneStatus": "Connected", "EniId": eni, "EniIp": ip}
    return {**base, "ResourceId": resource, "ReplacedEniId": "", "ReplacedResourceId": "", **more}


def test_owned_key_takes_the_value_of_its_last_walked_owner() -> None:
    rank = {"ep-a": 0, "ep-b": 1}
    owned: Owned[str, int] = Owned(rank.__getitem__)
    owned.put("ep-b", {}, {"127.16.1.10": 200})
    owned.put("ep-a", {}, {"127.16.1.10": 100})
    assert owned.values == {"127.16.1.10": 200}
    owned.put("ep-b", {"127.16.1.10": 200}, {})
    assert owned.values == {"127.16.1.10": 100}
    assert owned.take() == {"127.16.1.10": 100}


def test_owners_that_agree_are_not_ranked() -> None:
    ranked: list[str] = []
    owned: Owned[str, tuple[str, ...]] = Owned(lambda owner: ranked.append(owner) or 0)
    for n in range(1000):
        owned.put(f"ep-{n}", {}, {"nlb-provider0001": ("127.0.0.1:9000",)})
    owned.put("ep-7", {"nlb-provider0001": ("127.0.0.1:9000",)}, {})
    assert ranked == [] and owned.values == {"nlb-provider0001": ("127.0.0.1:9000",)}


def test_res_8_a_load_balancer_is_probed_while_any_endpoint_uses_it() -> None:
    planner = IncrementalPlan(listeners, lambda _endpoint, _zone: None)
    planner.put("ep-a", facts("Connected", 100, zone(H, "eni-a", ENI_IP[H])))
    planner.put("ep-b", facts("Connected", 100, zone(I, "eni-b", ENI_IP[I])))
    assert planner.settle().began() == ["nlb-provider0001"]
    planner.remove("ep-a")
    changes = planner.settle()
    assert "nlb-provider0001" in planner.plan.probes and changes.probes == {}
    planner.remove("ep-b")
    assert planner.settle().probes == {"nlb-provider0001": None}
    assert planner.plan.probes == {}


def test_bw_1_a_changed_bandwidth_moves_only_that_endpoints_limit() -> None:
    planner = IncrementalPlan(listeners, lambda _endpoint, _zone: None)
    planner.put("ep-a", facts("Connected", 100, zone(H, "eni-a", ENI_IP[H])))
    planner.put("ep-b", facts("Connected", 100, zone(I, "eni-b", ENI_IP[I])))
    planner.settle()
    planner.put("ep-a", facts("Connected", 500, zone(H, "eni-a", ENI_IP[H])))
    assert planner.settle() == PlanChanges(bandwidth={ENI_IP[H]: 500})
    assert planner.plan.bandwidth == {ENI_IP[H]: 500, ENI_IP[I]: 100}


def test_a_change_re_plans_only_the_endpoint_it_touched() -> None:
    asked: list[str] = []

    def counted(resource_id: str) -> list[Listener]:
        asked.append(resource_id)
        return listeners(resource_id)

    planner = IncrementalPlan(counted, lambda _endpoint, _zone: None)
    for n in range(200):
        planner.put(f"ep-{n}", facts("Connected", 100, zone(H, f"eni-{n}", f"127.16.3.{n}")))
    planner.settle()
    asked.clear()
    planner.put("ep-7", facts("Connected", 100, zone(H, "eni-7", "127.16.4.7")))
    changes = planner.settle()
    assert asked == ["nlb-provider0001"]
    assert set(changes.routes) == {
        (ip, p) for ip in ("127.16.3.7", "127.16.4.7") for p in (8000, 8001)
    }


def test_res_10_a_migrating_zone_keeps_its_old_eni_remembered_per_endpoint() -> None:
    planner = IncrementalPlan(listeners, lambda _endpoint, _zone: None)
    planner.put("ep-a", facts("Connected", 100, zone(H, "eni-old", ENI_IP[H])))
    planner.settle()
    migrating = zone(
        H, "eni-new", "127.16.1.20", "lb-provider0001",
        ZoneStatus="Migrating", ReplacedEniId="eni-old", ReplacedResourceId="nlb-provider0001",
    )  # fmt: skip
    planner.put("ep-a", facts("Connected", 100, migrating))
    planner.settle()
    assert {k: r.backend for k, r in planner.plan.routes.items()} == {
        ("127.16.1.20", 8000): "127.0.0.1:9100",
        (ENI_IP[H], 8000): "127.0.0.1:9000",
        (ENI_IP[H], 8001): "127.0.0.1:9001",
    }
    assert planner.known == {"ep-a": {"eni-old": ENI_IP[H], "eni-new": "127.16.1.20"}}


def test_res_10_an_old_eni_the_fallback_did_not_know_is_asked_again_at_the_next_change() -> None:
    answers: dict[str, str] = {}
    planner = IncrementalPlan(listeners, lambda _endpoint, z: answers.get(z["ReplacedEniId"]))
    migrating = zone(
        H, "eni-new", "127.16.1.20", ZoneStatus="Migrating",
        ReplacedEniId="eni-old", ReplacedResourceId="lb-provider0001",
    )  # fmt: skip
    planner.put("ep-a", facts("Connected", 100, migrating))
    planner.settle()
    assert (ENI_IP[H], 8000) not in planner.plan.routes
    answers["eni-old"] = ENI_IP[H]
    planner.put("ep-b", facts("Connected", 100, zone(I, "eni-b", ENI_IP[I])))
    assert planner.settle().routes[(ENI_IP[H], 8000)] is not None


# -- the property: incremental plan == full plan, for any sequence of changes ------------------

ZONES = st.builds(
    lambda zone_id, status, eni, ip, resource, replaced, replaced_resource: {
        "ZoneId": zone_id,
        "ZoneStatus": status,
        "EniId": eni,
        "EniIp": ip,
        "ResourceId": resource,
        "ReplacedEniId": replaced,
        "ReplacedResourceId": replaced_resource,
    },
    st.sampled_from([H, I, J]),
    st.sampled_from(["Connected", "Migrating", "Migrated", "Disconnected", "Connecting"]),
    st.sampled_from(["eni-0", "eni-1", "eni-2", ""]),
    st.sampled_from(IPS),
    st.sampled_from(RESOURCES),
    st.sampled_from(["", "eni-0", "eni-1", "eni-2"]),
    st.sampled_from(RESOURCES),
)
FACTS = st.builds(
    lambda status, bandwidth, zones: facts(status, bandwidth, *zones),
    st.sampled_from(["Connected", "Connected", "Pending", "Disconnected"]),
    st.sampled_from([0, 100, 250]),
    st.lists(ZONES, max_size=3),
)
OPS = st.one_of(
    st.tuples(st.just("put"), st.sampled_from(ENDPOINTS), FACTS),
    st.tuples(st.just("remove"), st.sampled_from(ENDPOINTS), st.none()),
    st.tuples(st.just("reset"), st.none(), st.dictionaries(st.sampled_from(ENDPOINTS), FACTS)),
    st.tuples(st.just("learn"), st.sampled_from(["eni-0", "eni-1", "eni-2"]), st.sampled_from(IPS)),
)


def scoped(endpoint_id: str, found: dict[str, Any]) -> dict[str, Any]:
    """An ENI belongs to one endpoint: ``eni-0`` of ep-a is not ``eni-0`` of ep-b."""
    zones = [
        {**z, **{k: f"{z[k]}-{endpoint_id}" for k in ("EniId", "ReplacedEniId") if z[k]}}
        for z in found["Zones"]
    ]
    return {**found, "Zones": zones}


class Reference:
    """Today's full path: every endpoint's facts in one dict, re-planned whole on a change."""

    def __init__(self, fallback: Any) -> None:
        self.forwarding: dict[str, dict[str, Any]] = {}
        self.enis = EniAddresses(fallback)
        self.plan = Plan()

    def replan(self) -> None:
        self.plan = self.enis.plan(forwarding_rows(self.forwarding), listeners)


def step(op: tuple[str, Any, Any], ref: Reference, planner: IncrementalPlan, fallback: Any) -> bool:
    kind, endpoint_id, value = op
    if kind == "learn":
        fallback[f"{endpoint_id}-ep-a"] = value
        return False
    if kind == "remove":
        ref.forwarding.pop(endpoint_id, None)
        return planner.remove(endpoint_id)
    if kind == "put":
        changed = ref.forwarding.get(endpoint_id) != scoped(endpoint_id, value)
        ref.forwarding[endpoint_id] = scoped(endpoint_id, value)
        return planner.put(endpoint_id, scoped(endpoint_id, value)) | changed
    ref.forwarding = {e: scoped(e, found) for e, found in value.items()}
    planner.reset()
    for e, found in value.items():
        planner.put(e, scoped(e, found))
    return True


def follow(mirror: Plan, changes: PlanChanges) -> None:
    for have, moved in (
        (mirror.routes, changes.routes),
        (mirror.bandwidth, changes.bandwidth),
        (mirror.probes, changes.probes),
    ):
        for key, value in moved.items():
            if value is None:
                have.pop(key, None)  # type: ignore[attr-defined]
            else:
                have[key] = value  # type: ignore[index]


@settings(max_examples=400, deadline=None)
@given(st.lists(OPS, max_size=25))
def test_bw_1_res_10_incremental_plan_equals_the_full_plan(ops: list[Any]) -> None:
    answers: dict[str, str] = {}
    fallback = lambda _endpoint, z: answers.get(z["ReplacedEniId"])
    ref, planner, mirror = Reference(fallback), IncrementalPlan(listeners, fallback), Plan()
    for op in ops:
        if not step(op, ref, planner, answers):
            continue
        ref.replan()
        follow(mirror, planner.settle())
        assert planner.plan == ref.plan
        assert mirror == ref.plan, "the changes reported lead to the same plan"
        flat = {eni: ip for known in planner.known.values() for eni, ip in known.items()}
        assert flat == ref.enis.known
