"""Tenancy matrix, history rows (issue 10; SEC-2, SEC-3 over AUD-1): ListResourceEvents and
GetResourceAsOf through a real server. A consumer reading its own endpoint's history (and
every past version of it) never sees another account's endpoint, the provider's load
balancers, nor the provider's account; a foreign real id is answered like a made-up one."""

from __future__ import annotations

import json
import secrets
import string
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from alibabacloud_privatelink20200415 import models as pl

from tests.conftest import CONSUMER, OUTSIDER, PROVIDER, sdk_client
from tests.e2e.helpers import (
    CONSUMER_UID,
    OUTSIDER_UID,
    PROVIDER_UID,
    REGION,
    create_endpoint,
    create_service,
    wait_connection,
    wait_until,
)
from tests.e2e.issue3_helpers import admin_fault
from tests.reliability import figures
from tests.reliability.processes import Serve, store_mark
from tests.reliability.signing import Answer, request

pytestmark = pytest.mark.reliability
FIRST, SPARE = "nlb-provider0001", "nlb-provider0003"
KEYS = {"provider": PROVIDER, "consumer": CONSUMER, "outsider": OUTSIDER}


def made_up(real: str) -> str:
    """An id of the same shape that does not exist."""
    prefix = real.rsplit("-", 1)[0] + "-"
    alphabet = string.ascii_lowercase + string.digits
    return prefix + "".join(secrets.choice(alphabet) for _ in range(len(real) - len(prefix)))


@dataclass(frozen=True)
class World:
    host: str
    database_url: str
    schema: str
    service_id: str
    mine: str
    theirs: str

    def ask(self, caller: str, action: str, resource_id: str, *extra: tuple[str, str]) -> Answer:
        return request(
            self.host,
            action,
            KEYS[caller],
            (("RegionId", REGION), ("ResourceId", resource_id), *extra),
        ).send()


def events(answer: Answer) -> list[dict[str, Any]]:
    assert answer.status == 200, answer
    return list((answer.json or {})["Events"])


@pytest.fixture(scope="module")
def world(database_url: str, module_schema: str) -> Iterator[World]:
    """Two accounts' endpoints on one service, whose zone fails over from FIRST to SPARE."""
    server = Serve(database_url, module_schema)
    try:
        provider = sdk_client(server.endpoint, PROVIDER)
        consumer = sdk_client(server.endpoint, CONSUMER)
        outsider = sdk_client(server.endpoint, OUTSIDER)
        service_id = create_service(
            provider, FIRST, users=(CONSUMER_UID, OUTSIDER_UID), auto_accept_enabled=True
        )
        mine = create_endpoint(consumer, service_id, zones=("cn-hangzhou-h",))
        theirs = str(
            outsider.create_vpc_endpoint(
                pl.CreateVpcEndpointRequest(
                    region_id=REGION,
                    vpc_id="vpc-outsider0001",
                    service_id=service_id,
                    security_group_id=["sg-outsider0001"],
                    zone=[
                        pl.CreateVpcEndpointRequestZone(
                            zone_id="cn-hangzhou-h", v_switch_id="vsw-outsider-h"
                        )
                    ],
                )
            ).body.endpoint_id
        )
        wait_connection(consumer, mine, "Connected")
        wait_connection(outsider, theirs, "Connected")
        provider.attach_resource_to_vpc_endpoint_service(
            pl.AttachResourceToVpcEndpointServiceRequest(
                region_id=REGION, service_id=service_id, resource_id=SPARE, resource_type="nlb"
            )
        )
        assert admin_fault(server.endpoint, FIRST, down=True).status_code == 200
        state = World(server.endpoint, database_url, module_schema, service_id, mine, theirs)
        wait_until(
            lambda: events(state.ask("provider", "ListResourceEvents", service_id)),
            lambda found: any(e["Type"] == "ResourceFailed" for e in found),
        )
        yield state
        figures.record("tenancy_history", cases=len(CASES) + 3)
    finally:
        server.stop()


def leaks(answer: Answer, world: World) -> list[str]:
    text = answer.raw.decode()
    return [s for s in (world.theirs, OUTSIDER_UID, PROVIDER_UID, "nlb-provider") if s in text]


def test_issue10_consumer_event_list_holds_only_its_own_connection(world: World) -> None:
    """SEC-2: ListResourceEvents on one's endpoint names nothing of other accounts or the
    provider's load balancers, and still tells of the failover of its own zone."""
    answer = world.ask("consumer", "ListResourceEvents", world.mine)
    assert leaks(answer, world) == [], answer
    failed = [e for e in events(answer) if e["Type"] == "ResourceFailed"]
    assert [e["Data"]["failed_over_zones"] for e in failed] == [["cn-hangzhou-h"]]


def test_issue10_consumer_past_versions_hold_only_its_own_fields(world: World) -> None:
    """SEC-2: GetResourceAsOf of every past version of one's endpoint shows its Get fields."""
    versions = [
        e["Version"]
        for e in events(world.ask("consumer", "ListResourceEvents", world.mine))
        if e["ResourceId"] == world.mine
    ]
    assert versions
    for version in versions:
        answer = world.ask("consumer", "GetResourceAsOf", world.mine, ("Version", str(version)))
        assert answer.status == 200 and leaks(answer, world) == [], answer


def test_issue10_provider_reads_its_service_history_whole(world: World) -> None:
    text = world.ask("provider", "ListResourceEvents", world.service_id).raw.decode()
    assert world.mine in text and world.theirs in text and FIRST in text


CASES = [
    ("ListResourceEvents", caller, kind)
    for caller, kind in (
        ("provider", "mine"),
        ("outsider", "mine"),
        ("consumer", "service_id"),
        ("outsider", "service_id"),
    )
]
CASES += [("GetResourceAsOf", caller, kind) for _, caller, kind in CASES]


@pytest.mark.parametrize("case", CASES, ids=["-".join(c) for c in CASES])
def test_sec_3_history_of_a_foreign_real_id_is_answered_like_a_missing_id(
    world: World, case: tuple[str, str, str]
) -> None:
    action, caller, kind = case
    real = getattr(world, kind)
    fake = made_up(real)
    extra = (("Version", "1"),) if action == "GetResourceAsOf" else ()
    before = store_mark(world.database_url, world.schema)
    with_real = world.ask(caller, action, real, *extra)
    with_fake = world.ask(caller, action, fake, *extra)
    assert store_mark(world.database_url, world.schema) == before
    assert with_real.status == with_fake.status == 404, (with_real, with_fake)

    def shape(answer: Answer, ident: str) -> Any:
        body = {k: v for k, v in (answer.json or {}).items() if k not in ("RequestId", "HostId")}
        return json.loads(json.dumps(body).replace(ident, "<id>"))

    assert shape(with_real, real) == shape(with_fake, fake)
