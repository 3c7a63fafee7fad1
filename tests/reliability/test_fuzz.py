"""Hostile input: a property-based fuzzer over every action of the API description.

Each case is a well-signed request (ACS3, signed here, so the query is exactly what the case
says) whose parameters are missing, wrong-typed, huge, negative, unicode, duplicated,
injected, unknown, or ``Key.N`` with N past the limits, mixed with valid values and real ids
so that cases also reach the use cases. Every answer must be a 2xx or 4xx in the cloud's shape
(JSON with Code, Message and RequestId), never a 5xx; and a refused request must leave the
event log exactly as it was (the server's provisioner is idle before each case)."""

from __future__ import annotations

import os
import secrets
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import psycopg
import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st
from psycopg import sql

from tests.conftest import CONSUMER, OUTSIDER, PROVIDER, sdk_client
from tests.e2e.helpers import CONSUMER_UID, OUTSIDER_UID, create_endpoint, create_service
from tests.reliability import figures, reference
from tests.reliability.processes import Serve, drop_schema, views_position
from tests.reliability.signing import Answer, request

pytestmark = pytest.mark.reliability

ACTIONS = reference.actions()
if not ACTIONS:
    pytest.skip(f"{reference.API_JSON} is absent", allow_module_level=True)
EXAMPLES = int(os.environ.get("RELIABILITY_FUZZ_EXAMPLES", "60"))
# No shrinking: a case that poisons the views makes every later command wait for them (10 s),
# so shrinking would take minutes; the failing case is reported exactly as it was sent.
PHASES = (Phase.explicit, Phase.reuse, Phase.generate)
MAX_URL = 60_000  # httpx refuses longer URLs; the limits tests send those over a raw socket

HOSTILE = [
    "",
    " ",
    "-1",
    "0",
    "-0",
    "+5",
    "1.5",
    "1e3",
    "0x1F",
    "NaN",
    "Infinity",
    "-Infinity",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "9" * 40,
    "true",
    "TRUE",
    "yes",
    "1",
    "null",
    "None",
    "[]",
    "{}",
    '{"a":1}',
    "[1,2]",
    "\x00",
    "a\x00b",
    "\r\nX-Injected: yes",
    "\t",
    "\x7f",
    "' OR '1'='1",
    "'; DROP TABLE pl_views;--",
    '"; DROP SCHEMA public CASCADE; --',
    "<script>alert(1)</script>",
    "../../../../etc/passwd",
    "%00",
    "%2e%2e%2f",
    "${jndi:ldap://127.0.0.1/a}",
    "{{7*7}}",
    "$(id)",
    "`id`",
    "*",
    "?",
    "\u202egnp.exe",
    "😀",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "ｃｎ－ｈａｎｇｚｈｏｕ",
    "cn-hangzhou ",
    " cn-hangzhou",
    "CN-HANGZHOU",
    "cn-hangzhou\x00",
    "ep-",
    "epsrv-",
    "acs:ram::*:*",
    "acs:ram::0:root",
    "A" * 129,
    "A" * 257,
    "A" * 1025,
    "x" * 6145,
    "ß" * 600,
    "😀" * 300,
]
# Appended or prepended to valid values: control characters (NUL first of all), Unicode
# separators and marks that a store or a log line may not take.
INJECTED = [
    "\x00",
    "\x00",
    "\x01",
    "\x1b[31m",
    "\n",
    "\r\n",
    "\u2028",
    "\ufeff",
    "\u0301",
    "\U0001f600",
    "\\",
    "'",
    '"',
    "%",
    "\\u0000",
]
UNKNOWN_KEYS = [
    "Foo",
    "regionid",
    "REGIONID",
    "RegionId.1",
    "Action",
    "Version",
    "Signature",
    "AccessKeyId",
    "SignatureNonce",
    "Timestamp",
    "Format",
    "SecurityToken",
    "Tag",
    "Zone",
    "Tag.1.Foo",
    "Tag.0.Key",
    "Tag.01.Key",
    "Tag.-1.Key",
    "Tag.1.5.Key",
    "Tag.x.Key",
    "Tag.99999999999999999999.Key",
    "Zone.1",
    "Zone.1.ip.2",
    "__proto__",
    "constructor",
    "Key.N",
    "X" * 300,
    "Ünïcödé",
    "a b",
    "",
    ".",
    "..",
    "Resource.21.ResourceId",
]
INDICES = [
    "1",
    "1",
    "2",
    "3",
    "10",
    "20",
    "21",
    "50",
    "51",
    "0",
    "01",
    "-1",
    "1.5",
    "x",
    "99999999999999999999",
]


@dataclass
class Fuzzed:
    """The module's server and what the cases can point at."""

    database_url: str
    conn: psycopg.Connection  # type: ignore[type-arg]
    http: httpx.Client
    server: Serve | None = None
    schema: str = ""
    host: str = ""
    ids: dict[str, list[str]] = field(default_factory=dict)
    poisoned: str = ""
    resets: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    by_action: Counter[str] = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)
    changed_by_refusal: list[str] = field(default_factory=list)

    def mark(self) -> tuple[int, int]:
        row = self.conn.execute(
            sql.SQL("SELECT coalesce(max(notification_id), 0), count(*) FROM {}").format(
                sql.Identifier(self.schema, "privatelink_events")
            )
        ).fetchone()
        assert row is not None
        return int(row[0]), int(row[1])

    def open(self) -> None:
        """A server on a fresh schema with one service and one endpoint to point at."""
        self.schema = f"rel_{secrets.token_hex(6)}"
        try:
            self.server = Serve(self.database_url, self.schema)
        except BaseException:
            drop_schema(self.database_url, self.schema)
            raise
        self.host = self.server.endpoint
        provider = sdk_client(self.host, PROVIDER)
        consumer = sdk_client(self.host, CONSUMER)
        service_id = create_service(provider, "nlb-provider0001", users=(CONSUMER_UID,))
        endpoint_id = create_endpoint(consumer, service_id)
        self.ids = {
            "ServiceId": [service_id, "epsrv-zzzzzzzzzzzzzzzzzzzz"],
            "EndpointId": [endpoint_id, "ep-zzzzzzzzzzzzzzzzzzzz"],
            "ServiceName": [f"com.aliyuncs.privatelink.cn-hangzhou.{service_id}"],
            "ResourceId": [
                "nlb-provider0001",
                "lb-provider0001",
                "nlb-provider0002",
                endpoint_id,
                service_id,
            ],
        }
        self.settle()
        self.poisoned = ""

    def close(self) -> None:
        if self.server is not None:
            self.server.stop()
            drop_schema(self.database_url, self.schema)
            self.server = None

    def reset_if_poisoned(self) -> None:
        if self.poisoned:
            self.close()
            self.open()
            self.resets += 1

    def views_stuck(self, timeout: float = 3) -> bool:
        """Whether the views stopped following the log (an event the projector cannot
        apply blocks every later command's read-your-writes)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if views_position(self.database_url, self.schema) >= self.mark()[0]:
                return False
            time.sleep(0.05)
        return True

    def settle(self, timeout: float = 10) -> None:
        """Wait until nothing writes to the log (the provisioner finished its steps)."""
        deadline = time.monotonic() + timeout
        last, quiet = self.mark(), 0
        while quiet < 4 and time.monotonic() < deadline:
            time.sleep(0.03)
            now = self.mark()
            quiet = quiet + 1 if now == last else 0
            last = now


@pytest.fixture(scope="module")
def fuzzed(database_url: str) -> Iterator[Fuzzed]:
    with psycopg.connect(database_url, autocommit=True) as conn, httpx.Client(timeout=30) as http:
        state = Fuzzed(database_url, conn, http)
        try:
            state.open()
            yield state
        finally:
            state.close()
            figures.record(
                "fuzz",
                actions=len(state.by_action),
                cases_sent=sum(state.by_action.values()),
                examples_per_action=EXAMPLES,
                by_status=dict(state.statuses),
                five_xx_seen=len(state.server_errors),
                five_xx_examples=state.server_errors[:5],
                refused_but_store_changed=len(state.changed_by_refusal),
                servers_reset_after_poisoned_views=state.resets,
            )


VALID: dict[str, list[str]] = {
    "RegionId": ["cn-hangzhou", "cn-hangzhou", "cn-shanghai", "ap-southeast-1"],
    "ServiceRegionId": ["cn-hangzhou"],
    "ZoneId": ["cn-hangzhou-h", "cn-hangzhou-i", "cn-hangzhou-j", "cn-shanghai-e"],
    "VSwitchId": ["vsw-consumer-h", "vsw-consumer-i", "vsw-provider-h"],
    "VpcId": ["vpc-consumer0001", "vpc-provider0001"],
    "SecurityGroupId": ["sg-consumer0001", "sg-consumer0002", "sg-outsider0001"],
    "ResourceType": [
        "nlb",
        "slb",
        "alb",
        "gwlb",
        "vpcendpoint",
        "vpcendpointservice",
        "VpcEndpoint",
        "VpcEndpointService",
    ],
    "UserId": [CONSUMER_UID, OUTSIDER_UID],
    "UserARN": [f"acs:ram::{OUTSIDER_UID}:root", "*"],
    "ServiceResourceType": ["nlb", "slb", "alb"],
    "Payer": ["Endpoint", "EndpointService"],
    "AddressIpVersion": ["IPv4", "DualStack"],
    "TrafficControlMode": ["Scalability", "BandwidthLimit"],
    "ResourceAllocateMode": ["Auto", "Manual"],
    "ResourceReplaceMode": ["Graceful", "Force"],
    "ConnectionStatus": ["Pending", "Connected"],
    "EndpointType": ["Interface"],
    "ip": ["127.16.1.77", "127.16.2.77"],
    "Key": ["env", "team"],
    "Value": ["dev", ""],
    "TagKey": ["env"],
    "ResourceGroupId": ["rg-acfm0001"],
    "NextToken": ["cGwxOmE"],
    "MaxResults": ["1", "50", "1000"],
    "Bandwidth": ["100", "3072", "50000"],
}


def valid_value(name: str, kind: str, ids: dict[str, list[str]]) -> st.SearchStrategy[str]:
    valid = ids.get(name) or VALID.get(name)
    if valid is None:
        valid = {"bool": ["true", "false", "True", "False"], "int": ["1", "2", "100", "1000"]}.get(
            kind, ["name-1", "a description"]
        )
    return st.sampled_from(valid)


def hostile_value(valid: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(HOSTILE),
        st.tuples(valid, st.sampled_from(INJECTED), st.booleans()).map(
            lambda t: t[1] + t[0] if t[2] else t[0] + t[1]
        ),
        st.text(st.characters(blacklist_categories=("Cs",)), max_size=40),
        st.integers(-(2**70), 2**70).map(str),
        st.tuples(st.integers(1, 2500), st.booleans()).map(nested),
    )


def nested(depth_and_kind: tuple[int, bool]) -> str:
    """JSON nested ``depth`` levels (issue 16: ~1,000 levels made a RecursionError, a 500)."""
    depth, objects = depth_and_kind
    return '{"a":' * depth + "1" + "}" * depth if objects else "[" * depth + "]" * depth


Slot = tuple[str, st.SearchStrategy[str]]  # a wire key and the valid values it takes


def slots(draw: st.DrawFn, action: dict[str, Any], ids: dict[str, list[str]]) -> list[Slot]:
    """The parameters of one case, each with its valid values: required ones nearly always,
    optional ones sometimes, list items as ``Key.N[.Sub]``, usually with sane indices."""
    found: list[Slot] = []
    for param in action["params"]:
        if not draw(st.floats(0, 1)) < (0.9 if param["required"] else 0.3):
            continue
        if param["kind"] == "scalar":
            found.append((param["key"], valid_value(param["key"], param["type"], ids)))
            continue
        children = param.get("children") or [None]
        for n in range(1, draw(st.integers(1, 3)) + 1):
            index = str(n) if draw(st.floats(0, 1)) < 0.8 else draw(st.sampled_from(INDICES))
            for child in children if draw(st.booleans()) else children[:1]:
                key = f"{param['key']}.{index}" + (f".{child['key']}" if child else "")
                name = child["key"] if child else param["key"]
                found.append((key, valid_value(name, child["type"] if child else "str", ids)))
    return found


@st.composite
def cases(
    draw: st.DrawFn, action: dict[str, Any], ids: dict[str, list[str]]
) -> tuple[tuple[str, str, str], list[tuple[str, str]], bool]:
    """Mostly valid parameters with one to three of them made hostile, so that cases get past
    the wire checks and reach the use cases and the views; plus unknown and duplicated keys."""
    found = slots(draw, action, ids)
    hostile = (
        set(draw(st.lists(st.integers(0, max(len(found) - 1, 0)), max_size=3))) if found else set()
    )
    pairs = [
        (key, draw(hostile_value(valid) if i in hostile else valid))
        for i, (key, valid) in enumerate(found)
    ]
    if draw(st.floats(0, 1)) < 0.25:
        pairs.append((draw(st.sampled_from(UNKNOWN_KEYS)), draw(st.sampled_from(HOSTILE))))
    if pairs and draw(st.floats(0, 1)) < 0.15:
        key, value = draw(st.sampled_from(pairs))
        pairs.append((key, draw(st.sampled_from([value, "other"]))))
    caller = draw(st.sampled_from([PROVIDER, CONSUMER, CONSUMER, PROVIDER, OUTSIDER]))
    in_body = any(p["loc"] == "body" for p in action["params"]) and draw(st.floats(0, 1)) < 0.9
    return caller, pairs, in_body


def send(
    state: Fuzzed,
    action: str,
    caller: tuple[str, str, str],
    pairs: list[tuple[str, str]],
    in_body: bool,
) -> Answer:
    if in_body:
        signed = request(state.host, action, caller, form=tuple(pairs))
    else:
        signed = request(state.host, action, caller, tuple(pairs))
    assume(len(signed.url()) < MAX_URL)
    return signed.send(state.http)


@pytest.mark.parametrize("action", ACTIONS, ids=[a["action"] for a in ACTIONS])
def test_every_action_answers_hostile_input_with_a_4xx_in_the_cloud_shape(
    fuzzed: Fuzzed, action: dict[str, Any]
) -> None:
    name = action["action"]
    fuzzed.reset_if_poisoned()

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        phases=PHASES,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases(action, fuzzed.ids))
    def fuzz(case: tuple[tuple[str, str, str], list[tuple[str, str]], bool]) -> None:
        caller, pairs, in_body = case
        before = fuzzed.mark()
        answer = send(fuzzed, name, caller, pairs, in_body)
        fuzzed.by_action[name] += 1
        fuzzed.statuses[f"{answer.status // 100}xx"] += 1
        where = f"{name} as {caller[2]} with {pairs!r} (in body: {in_body}): {answer}"
        if answer.status >= 500:
            fuzzed.server_errors.append(where)
            if fuzzed.views_stuck():
                fuzzed.poisoned = where
                raise AssertionError(
                    f"the views stopped following the event log (at "
                    f"{views_position(fuzzed.database_url, fuzzed.schema)}, the log at "
                    f"{fuzzed.mark()[0]}): every later command waits for them and answers "
                    f"503. Last case: {where}"
                )
        assert answer.status < 500, where
        assert answer.in_cloud_shape(), where
        after = fuzzed.mark()
        if answer.status >= 400 and after != before:
            fuzzed.changed_by_refusal.append(where)
        assert answer.status < 400 or after == before, (
            f"a refused request changed the event log {before} -> {after}: {where}"
        )
        if after != before:
            fuzzed.settle()
            if fuzzed.views_stuck():
                fuzzed.poisoned = where
                raise AssertionError(f"the views stopped following the event log after: {where}")

    fuzz()


@given(
    action=st.one_of(
        st.sampled_from(
            [
                "",
                " ",
                "createvpcendpoint",
                "CreateVpcEndpoint ",
                "../CreateVpcEndpoint",
                "Create\x00VpcEndpoint",
                "ListVpcEndpoints;DeleteVpcEndpoint",
                "😀" * 10,
                "x" * 5000,
            ]
        ),
        st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=60),
    )
)
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    phases=PHASES,
    suppress_health_check=list(HealthCheck),
)
def test_an_unknown_or_mangled_action_name_is_a_4xx_in_the_cloud_shape(
    fuzzed: Fuzzed, action: str
) -> None:
    assume(action not in {a["action"] for a in ACTIONS})
    fuzzed.reset_if_poisoned()
    before = fuzzed.mark()
    try:
        answer = request(fuzzed.host, action, PROVIDER, [("RegionId", "cn-hangzhou")]).send(
            fuzzed.http
        )
    except (httpx.LocalProtocolError, UnicodeEncodeError):
        assume(False)  # not sendable as a header at all
        raise
    fuzzed.by_action["<mangled action>"] += 1
    fuzzed.statuses[f"{answer.status // 100}xx"] += 1
    assert 400 <= answer.status < 500 and answer.in_cloud_shape(), f"{action!r}: {answer}"
    assert fuzzed.mark() == before
