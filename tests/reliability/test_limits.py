"""Limits: request size, list lengths (``Key.N`` up to the documented maxima, one more is
refused), string lengths and page sizes, each refused with a named error in the cloud's
shape, and a refusal leaves the event log as it was."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.conftest import CONSUMER, PROVIDER, sdk_client
from tests.e2e.helpers import CONSUMER_UID, create_endpoint, create_service
from tests.reliability import figures
from tests.reliability.processes import Serve, settled_mark, store_mark
from tests.reliability.raw_http import send_raw
from tests.reliability.signing import Answer, request

pytestmark = pytest.mark.reliability

R = ("RegionId", "cn-hangzhou")


@dataclass
class Limits:
    server: Serve
    database_url: str
    schema: str
    service_id: str
    endpoint_id: str
    cases: int = 0

    @property
    def host(self) -> str:
        return self.server.endpoint

    def mark(self) -> tuple[int, int]:
        return store_mark(self.database_url, self.schema)

    def settled(self) -> tuple[int, int]:
        return settled_mark(self.database_url, self.schema)

    def accepted(
        self,
        action: str,
        key: tuple[str, str, str],
        query: list[tuple[str, str]] = (),
        **options: object,
    ) -> Answer:
        answer = request(self.host, action, key, query, **options).send()
        self.cases += 1
        assert answer.status == 200 and answer.in_cloud_shape(), f"{action}: {answer}"
        return answer

    def refused(
        self,
        action: str,
        key: tuple[str, str, str],
        query: list[tuple[str, str]] = (),
        code: str = "InvalidParameter",
        names: str = "",
        **options: object,
    ) -> Answer:
        """A named 4xx in the cloud's shape whose message names ``names``; nothing recorded."""
        before = self.settled()
        answer = request(self.host, action, key, query, **options).send()
        self.cases += 1
        assert 400 <= answer.status < 500 and answer.in_cloud_shape(), f"{action}: {answer}"
        assert answer.code == code, f"{action}: {answer}"
        assert names in str((answer.json or {}).get("Message")), f"{action}: {answer}"
        assert self.mark() == before, f"{action}: a refused request changed the event log"
        return answer


@pytest.fixture(scope="module")
def limits(database_url: str, module_schema: str) -> Iterator[Limits]:
    server = Serve(database_url, module_schema)
    try:
        service_id = create_service(sdk_client(server.endpoint, PROVIDER), users=(CONSUMER_UID,))
        endpoint_id = create_endpoint(sdk_client(server.endpoint, CONSUMER), service_id)
        state = Limits(server, database_url, module_schema, service_id, endpoint_id)
        yield state
        figures.add("limits", cases_sent=state.cases)
    finally:
        server.stop()


def tags(n: int, prefix: str = "k") -> list[tuple[str, str]]:
    return [
        pair
        for i in range(1, n + 1)
        for pair in ((f"Tag.{i}.Key", f"{prefix}{i}"), (f"Tag.{i}.Value", f"v{i}"))
    ]


def service_resource() -> list[tuple[str, str]]:
    return [R, ("Resource.1.ResourceId", "nlb-provider0001"), ("Resource.1.ResourceType", "nlb")]


# -- list lengths -------------------------------------------------------------------------------


def test_create_service_takes_20_tags_and_refuses_21_naming_tag_21(limits: Limits) -> None:
    limits.accepted("CreateVpcEndpointService", PROVIDER, service_resource() + tags(20))
    limits.refused(
        "CreateVpcEndpointService", PROVIDER, service_resource() + tags(21), names="Tag.21"
    )


def test_tag_resources_takes_20_tags_and_refuses_21_naming_tag_21(limits: Limits) -> None:
    target = [R, ("ResourceType", "vpcendpoint"), ("ResourceId.1", limits.endpoint_id)]
    limits.accepted("TagResources", CONSUMER, form=tuple(target + tags(20)))
    limits.refused("TagResources", CONSUMER, form=tuple(target + tags(21)), names="Tag.21")


def test_a_resource_keeps_at_most_20_tags(limits: Limits) -> None:
    service_id = limits.accepted(
        "CreateVpcEndpointService", PROVIDER, service_resource() + tags(20)
    ).json["ServiceId"]  # type: ignore[index]
    limits.refused(
        "TagResources",
        PROVIDER,
        form=(
            R,
            ("ResourceType", "vpcendpointservice"),
            ("ResourceId.1", service_id),
            ("Tag.1.Key", "one-more"),
            ("Tag.1.Value", "v"),
        ),
        code="QuotaExceeded.TagNum",
    )


def test_list_filters_take_20_tags_and_refuse_21(limits: Limits) -> None:
    limits.accepted("ListVpcEndpoints", CONSUMER, [R, *tags(20)])
    limits.refused("ListVpcEndpoints", CONSUMER, [R, *tags(21)], names="Tag.21")
    limits.accepted("ListVpcEndpointServices", PROVIDER, [R, *tags(20)])
    limits.refused("ListVpcEndpointServices", PROVIDER, [R, *tags(21)], names="Tag.21")


def test_tag_apis_take_50_resource_ids_and_refuse_51(limits: Limits) -> None:
    ids = [(f"ResourceId.{i}", f"epsrv-{i:020d}") for i in range(1, 52)]
    limits.accepted(
        "ListTagResources", PROVIDER, [R, ("ResourceType", "vpcendpointservice"), *ids[:50]]
    )
    limits.refused(
        "ListTagResources",
        PROVIDER,
        [R, ("ResourceType", "vpcendpointservice"), *ids],
        names="ResourceId.51",
    )
    limits.refused(
        "TagResources",
        PROVIDER,
        form=(
            R,
            ("ResourceType", "vpcendpointservice"),
            ("Tag.1.Key", "k"),
            ("Tag.1.Value", "v"),
            *ids,
        ),
        names="ResourceId.51",
    )


def test_untag_takes_20_tag_keys_and_refuses_21(limits: Limits) -> None:
    target = [R, ("ResourceType", "vpcendpointservice"), ("ResourceId.1", limits.service_id)]
    keys = [(f"TagKey.{i}", f"k{i}") for i in range(1, 22)]
    limits.accepted("UntagResources", PROVIDER, form=tuple(target + keys[:20]))
    limits.refused("UntagResources", PROVIDER, form=tuple(target + keys), names="TagKey.21")


def test_a_service_takes_at_most_20_resources(limits: Limits) -> None:
    resources = [(f"Resource.{i}.ResourceId", "nlb-provider0001") for i in range(1, 22)]
    limits.refused("CreateVpcEndpointService", PROVIDER, [R, *resources], names="Resource.21")


# -- string lengths -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "longest"), [("EndpointName", 128), ("EndpointDescription", 256), ("ClientToken", 64)]
)
def test_endpoint_strings_take_their_documented_length_and_refuse_one_more(
    limits: Limits, field: str, longest: int
) -> None:
    target = [R, ("EndpointId", limits.endpoint_id)]
    limits.accepted("UpdateVpcEndpointAttribute", CONSUMER, [*target, (field, "a" * longest)])
    limits.refused(
        "UpdateVpcEndpointAttribute",
        CONSUMER,
        [*target, (field, "a" * (longest + 1))],
        names=f'"{field}" must be at most {longest}',
    )


@pytest.mark.parametrize(("field", "shortest"), [("EndpointName", 2), ("EndpointDescription", 2)])
def test_endpoint_strings_below_their_documented_length_are_refused(
    limits: Limits, field: str, shortest: int
) -> None:
    """UpdateVpcEndpointAttribute documents "2 to 128" (name) and "2 to 256" (description)."""
    target = [R, ("EndpointId", limits.endpoint_id)]
    limits.accepted("UpdateVpcEndpointAttribute", CONSUMER, [*target, (field, "ab")])
    limits.refused(
        "UpdateVpcEndpointAttribute",
        CONSUMER,
        [*target, (field, "a" * (shortest - 1))],
        names=field,
    )


@pytest.mark.parametrize(("field", "longest"), [("Key", 64), ("Value", 128)])
def test_tag_strings_take_their_documented_length_and_refuse_one_more(
    limits: Limits, field: str, longest: int
) -> None:
    target = [R, ("ResourceType", "vpcendpoint"), ("ResourceId.1", limits.endpoint_id)]
    other = "Value" if field == "Key" else "Key"
    limits.accepted("UntagResources", CONSUMER, form=(*target, ("All", "true")))
    limits.accepted(
        "TagResources",
        CONSUMER,
        form=(*target, (f"Tag.1.{field}", "a" * longest), (f"Tag.1.{other}", "x")),
    )
    limits.refused(
        "TagResources",
        CONSUMER,
        form=(*target, (f"Tag.1.{field}", "a" * (longest + 1)), (f"Tag.1.{other}", "x")),
        names=f"Tag.1.{field}",
    )


# -- page sizes ---------------------------------------------------------------------------------

PAGED = [
    ("ListVpcEndpoints", "consumer", 1000),
    ("ListVpcEndpointZones", "consumer", 1000),
    ("ListVpcEndpointSecurityGroups", "consumer", 50),
    ("ListVpcEndpointConnections", "provider", 1000),
    ("ListVpcEndpointServices", "provider", 1000),
    ("ListVpcEndpointServicesByEndUser", "consumer", 1000),
    ("ListVpcEndpointServiceUsers", "provider", 50),
    ("ListVpcEndpointServiceResources", "provider", 50),
]


@pytest.mark.parametrize(("action", "who", "largest"), PAGED, ids=[p[0] for p in PAGED])
def test_page_size_is_1_to_its_documented_maximum(
    limits: Limits, action: str, who: str, largest: int
) -> None:
    key = CONSUMER if who == "consumer" else PROVIDER
    scope = (
        [("EndpointId", limits.endpoint_id)]
        if "Zones" in action or "Security" in action
        else [("ServiceId", limits.service_id)]
        if action.endswith(("Users", "Resources"))
        else []
    )
    for size in (1, largest):
        limits.accepted(action, key, [R, ("MaxResults", str(size)), *scope])
    for size in (0, -1, largest + 1, 2**63):
        limits.refused(action, key, [R, ("MaxResults", str(size)), *scope], names="MaxResults")


# -- request size -------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [100_000, 1_000_000], ids=["100KB", "1MB"])
def test_a_huge_query_gets_a_4xx_in_the_cloud_shape(limits: Limits, size: int) -> None:
    """The SDK can only read an error in the cloud's JSON shape (a text/plain 400 surfaces as
    an UnretryableException with no code)."""
    before = limits.mark()
    answer = send_raw(
        request(limits.host, "ListVpcEndpoints", CONSUMER, [R, ("EndpointName", "x" * size)])
    )
    limits.cases += 1
    assert 400 <= answer.status < 500, answer
    assert answer.in_cloud_shape(), f"not in the cloud's shape: {answer}"
    assert limits.mark() == before


def test_a_huge_form_body_gets_a_named_4xx_and_the_server_stays_up(limits: Limits) -> None:
    """A body over the edge's 8 MiB limit is refused as too large (413, issue 10); one within
    it is read, and its oversized parameter named."""
    before = limits.mark()
    started = time.monotonic()
    target = (
        R,
        ("ResourceType", "vpcendpointservice"),
        ("ResourceId.1", limits.service_id),
        ("Tag.1.Key", "k"),
    )
    answer = request(
        limits.host, "TagResources", PROVIDER, form=(*target, ("Tag.1.Value", "v" * 32_000_000))
    ).send(timeout=60)
    limits.cases += 1
    assert answer.status == 413 and answer.code == "RequestEntityTooLarge", answer
    assert answer.in_cloud_shape(), answer
    answer = request(
        limits.host, "TagResources", PROVIDER, form=(*target, ("Tag.1.Value", "v" * 8_000_000))
    ).send(timeout=60)
    limits.cases += 1
    assert 400 <= answer.status < 500 and answer.in_cloud_shape(), answer
    assert "Tag.1.Value" in str((answer.json or {}).get("Message")), answer
    assert limits.mark() == before
    figures.record(
        "limits_huge_body",
        bytes=32_000_000,
        answered_in_seconds=round(time.monotonic() - started, 2),
    )
    limits.accepted("ListVpcEndpointServices", PROVIDER, [R])
