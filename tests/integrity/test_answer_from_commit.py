"""Issue 17: a create answers from the view rows its commit just wrote, without reading them
back, and that answer is exactly what a read of the views gives right after it."""

from __future__ import annotations

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
from privatelink.infra.views_in_commit import WrittenRows
from privatelink.projections.ops import Delete, DeleteChildren, Patch, Put
from tests.application.helpers import CONSUMER, PROVIDER, REGION, create_service


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
    assert rows.get(("endpoint", "elsewhere")) is None
