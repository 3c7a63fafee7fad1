"""Issue 17: a create answers from the view rows its commit just wrote, without reading them
back, and that answer is exactly what a read of the views gives right after it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from privatelink.api.actions.context import Ctx
from privatelink.api.actions.endpoints import create_vpc_endpoint, get_vpc_endpoint_attribute
from privatelink.api.actions.services import (
    create_vpc_endpoint_service,
    get_vpc_endpoint_service_attribute,
)
from privatelink.api.wire import models as m
from privatelink.composition import Runtime
from privatelink.domain.base import Caller
from privatelink.infra.dns_store import DnsRecords
from privatelink.infra.views_in_commit import WrittenRows
from privatelink.projections.ops import Delete, DeleteChildren, Patch, Put
from tests.application.helpers import CONSUMER, PROVIDER, REGION, create_endpoint, create_service
from tests.integrity.test_views_in_commit import assert_views_equal_a_rebuild


class CountedReads:
    """The runtime's views, counting the single-row reads made through them."""

    def __init__(self, views: Any) -> None:
        self.views = views
        self.gets = 0

    def get(self, kind: str, key: str) -> Any:
        self.gets += 1
        return self.views.get(kind, key)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.views, name)


def ctx_of(runtime: Runtime, account: str, action: str) -> Ctx:
    return Ctx(runtime, Caller(account, "req-answer-from-commit"), action, "fp")


def create_request(service_id: str) -> m.CreateVpcEndpointRequest:
    return m.CreateVpcEndpointRequest.model_validate(
        {
            "RegionId": REGION,
            "VpcId": "vpc-consumer0001",
            "ServiceId": service_id,
            "Zone": [{"ZoneId": "cn-hangzhou-h", "VSwitchId": "vsw-consumer-h"}],
        }
    )


def test_issue17_a_create_answers_from_its_commit_as_a_read_would(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    service_id = create_service(runtime)
    counted = CountedReads(runtime.views)
    monkeypatch.setattr(runtime, "views", counted)
    ctx = ctx_of(runtime, CONSUMER, "CreateVpcEndpoint")
    answer = create_vpc_endpoint(ctx, create_request(service_id))
    assert counted.gets == 0  # no read of the row just written
    assert ctx.written  # the commit wrote the views
    read = get_vpc_endpoint_attribute(
        ctx_of(runtime, CONSUMER, "GetVpcEndpointAttribute"),
        m.GetVpcEndpointAttributeRequest.model_validate(
            {"RegionId": REGION, "EndpointId": answer["EndpointId"]}
        ),
    )
    assert counted.gets == 1
    decided = ("EndpointStatus", "ConnectionStatus")  # the answer's, as decided: unchanged
    assert {k: read[k] for k in answer if k not in decided} == {
        k: v for k, v in answer.items() if k not in decided
    }
    assert_rows_as_read(runtime, ctx)


def assert_rows_as_read(runtime: Runtime, ctx: Ctx) -> None:
    """Every row the commit wrote equals what a read of the views gives now."""
    (rows,) = ctx.written
    assert len(rows) >= 2
    for kind, key in rows:
        assert rows[(kind, key)] == runtime.views.get(kind, key), (kind, key)


def test_issue17_a_service_create_answers_from_its_commit_as_a_read_would(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    counted = CountedReads(runtime.views)
    monkeypatch.setattr(runtime, "views", counted)
    ctx = ctx_of(runtime, PROVIDER, "CreateVpcEndpointService")
    answer = create_vpc_endpoint_service(
        ctx,
        m.CreateVpcEndpointServiceRequest.model_validate(
            {
                "RegionId": REGION,
                "AutoAcceptEnabled": True,
                "ServiceResourceType": "nlb",
                "Resource": [{"ResourceId": "nlb-provider0001", "ResourceType": "nlb"}],
            }
        ),
    )
    assert counted.gets == 0
    read = get_vpc_endpoint_service_attribute(
        ctx_of(runtime, PROVIDER, "GetVpcEndpointServiceAttribute"),
        m.GetVpcEndpointServiceAttributeRequest.model_validate(
            {"RegionId": REGION, "ServiceId": answer["ServiceId"]}
        ),
    )
    assert {k: read[k] for k in answer if k != "ServiceStatus"} == {
        k: v
        for k, v in answer.items()
        if k != "ServiceStatus"  # the answer's, as decided
    }
    assert_rows_as_read(runtime, ctx)


def test_issue17_the_answer_still_shows_another_account_nothing(runtime: Runtime) -> None:
    """SEC-3 holds for rows from the commit too: they carry their owner, and the check is
    the same as for a read."""
    service_id = create_service(runtime)
    ctx = ctx_of(runtime, CONSUMER, "CreateVpcEndpoint")
    answer = create_vpc_endpoint(ctx, create_request(service_id))
    ctx.written.append(ctx.written[-1])
    intruder = Ctx(runtime, Caller(PROVIDER, "req"), "GetVpcEndpointAttribute", "fp", ctx.written)
    with pytest.raises(Exception, match="EndpointNotFound|not exist|not found"):
        get_vpc_endpoint_attribute(
            intruder,
            m.GetVpcEndpointAttributeRequest.model_validate(
                {"RegionId": REGION, "EndpointId": answer["EndpointId"]}
            ),
        )


def test_issue17_written_rows_replay_the_commits_operations_in_order() -> None:
    rows = WrittenRows(
        [
            Put("endpoint", "a", "1", "r", {"x": 1, "t": (1, 2)}, parent="s"),
            Patch("endpoint", "a", {"y": 2}),
            Put("zone", "z1", "1", "r", {}, parent="a"),
            Put("zone", "z2", "1", "r", {}, parent="b"),
            DeleteChildren("zone", "a"),
            Put("endpoint", "gone", "1", "r", {}),
            Delete("endpoint", "gone"),
            Patch("endpoint", "elsewhere", {"y": 3}),  # a row this commit did not put
        ]
    )
    assert rows[("endpoint", "a")] == {
        "owner": "1",
        "region": "r",
        "parent": "s",
        "doc": {"x": 1, "t": [1, 2], "y": 2},  # as jsonb gives it back
    }
    assert set(rows) == {("endpoint", "a"), ("zone", "z2")}
    assert rows.unencoded()[("endpoint", "a")]["doc"] == {"x": 1, "t": (1, 2), "y": 2}
    assert rows.get(("endpoint", "elsewhere")) is None


def test_issue17_names_of_endpoints_a_batch_created_are_those_a_rebuild_makes(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS-1, EP-9: the writer makes the names of endpoints its batch created from the rows
    the batch wrote and one read of their services; they are exactly the names that the
    projector's reads (a rebuild from the log) make. Several creates at once, so batches
    carry several new endpoints, with two zones each, and the service's own changes."""
    service_id = create_service(runtime)
    made_from_the_batch = []
    real = DnsRecords._read_services

    def spied(self: DnsRecords, *args: Any) -> Any:
        made_from_the_batch.append(args[1])
        return real(self, *args)

    monkeypatch.setattr(DnsRecords, "_read_services", spied)
    with ThreadPoolExecutor(6) as pool:
        ids = list(
            pool.map(lambda _: create_endpoint(runtime, service_id, zones=("h", "i")), range(12))
        )
    assert len(set(ids)) == 12
    assert sum(len(keys) for keys in made_from_the_batch) == 12
    names = [row for row in runtime.views.rows() if row[0] == "dns"]
    assert len(names) == 12 * 3  # the endpoint domain and one per zone
    assert_views_equal_a_rebuild(runtime)
