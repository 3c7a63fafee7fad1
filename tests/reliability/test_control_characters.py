"""Control characters in parameter values, found by the fuzzer and pinned here so that they
are checked on every run: a NUL (U+0000) must be refused at the edge with a named 4xx. It is
valid in the query string and in the event log, but PostgreSQL's ``jsonb`` and ``text``
cannot hold it, so anything that reaches the views fails there."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from tests.conftest import CONSUMER, PROVIDER
from tests.reliability import figures
from tests.reliability.processes import Serve, settled_mark, store_mark, views_position
from tests.reliability.signing import request

pytestmark = pytest.mark.reliability

R = ("RegionId", "cn-hangzhou")
FILTERS = [
    ("ListVpcEndpoints", CONSUMER, "EndpointName", "a\x00b"),
    ("ListVpcEndpoints", CONSUMER, "RegionId", "cn-hangzhou\x00"),
    ("ListVpcEndpointServices", PROVIDER, "ServiceName", "\x00"),
    ("ListVpcEndpointConnections", PROVIDER, "ReplacedResourceId", "\x00"),
    ("ListTagResources", PROVIDER, "Tag.1.Key", "team\x00"),
]


@pytest.fixture(scope="module")
def server(database_url: str, module_schema: str) -> Iterator[tuple[Serve, str]]:
    serve = Serve(database_url, module_schema)
    yield serve, module_schema
    serve.stop()


@pytest.mark.parametrize(
    ("action", "key", "field", "value"), FILTERS, ids=[f"{a}-{f}" for a, _, f, _ in FILTERS]
)
def test_a_nul_byte_in_a_filter_is_a_named_4xx_not_a_500(
    server: tuple[Serve, str],
    database_url: str,
    action: str,
    key: tuple[str, str, str],
    field: str,
    value: str,
) -> None:
    serve, schema = server
    query = [R, (field, value)] if field != "RegionId" else [(field, value)]
    if action == "ListTagResources":
        query.append(("ResourceType", "vpcendpointservice"))
    before = settled_mark(database_url, schema)
    answer = request(serve.endpoint, action, key, query).send()
    figures.add("control_characters", cases_sent=1, five_xx_seen=int(answer.status >= 500))
    assert 400 <= answer.status < 500 and answer.in_cloud_shape(), answer
    assert field in str((answer.json or {}).get("Message")), answer
    assert store_mark(database_url, schema) == before


def test_a_nul_byte_in_a_stored_text_is_refused_and_the_views_keep_following_the_log(
    database_url: str, schema: str
) -> None:
    """Otherwise the event is recorded, the projector fails on it again and again, and every
    later command of every account waits for views that never come and answers 503. (A
    creation, because a later update of the same field would paper over it: the projector
    folds both patches into one.)"""
    serve = Serve(database_url, schema)
    resource = [
        R,
        ("Resource.1.ResourceId", "nlb-provider0001"),
        ("Resource.1.ResourceType", "nlb"),
    ]
    try:
        before = settled_mark(database_url, schema)
        poisoned = request(
            serve.endpoint,
            "CreateVpcEndpointService",
            PROVIDER,
            [*resource, ("ServiceDescription", "a\x00b")],
        ).send()
        recorded = store_mark(database_url, schema) != before
        started = time.monotonic()
        after = request(serve.endpoint, "CreateVpcEndpointService", PROVIDER, resource).send()
        behind = settled_mark(database_url, schema)[0] - views_position(database_url, schema)
        figures.record(
            "control_characters_stored_text",
            nul_answer=poisoned.status,
            next_command_answer=after.status,
            next_command_seconds=round(time.monotonic() - started, 2),
            views_behind_by=behind,
        )
        assert 400 <= poisoned.status < 500 and poisoned.in_cloud_shape(), poisoned
        assert "ServiceDescription" in str((poisoned.json or {}).get("Message")), poisoned
        assert not recorded, "the refused request was recorded"
        assert after.status == 200, f"the next command, after the NUL: {after}"
        assert behind == 0, f"the views are {behind} events behind the log"
    finally:
        serve.stop()
