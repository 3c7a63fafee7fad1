"""Tenancy matrix (SEC-3): for every action of the API description that takes an id
(ServiceId, EndpointId, ResourceId), a call by an account that does not own the resource,
with the real id, is answered exactly like the same call with an id that does not exist:
same HTTP status, same code, same message once the id is replaced (for listings: the same
body). The event log does not move."""

from __future__ import annotations

import json
import re
import secrets
import string
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.conftest import CONSUMER, OUTSIDER, PROVIDER, sdk_client
from tests.e2e.helpers import CONSUMER_UID, allow, create_endpoint, create_service, wait_connection
from tests.reliability import figures, reference
from tests.reliability.processes import Serve, store_mark
from tests.reliability.signing import Answer, request

pytestmark = pytest.mark.reliability

ACTIONS = {a["action"]: a for a in reference.actions()}
if not ACTIONS:
    pytest.skip(f"{reference.API_JSON} is absent", allow_module_level=True)
ID_PARAMS = ("ServiceId", "EndpointId", "ResourceId")
KEYS = {"outsider": OUTSIDER, "consumer": CONSUMER, "provider": PROVIDER}
# Callers with no right to the resource: anyone but the provider for its service, anyone but
# the consumer for its endpoint. (The whitelisted consumer may *find* the service, so the two
# actions that look services up for consumers are asked by the outsider only.)
FOR_CONSUMERS = {"CreateVpcEndpoint", "ListVpcEndpointServicesByEndUser"}
LB_RESOURCE = {
    "AttachResourceToVpcEndpointService",
    "DetachResourceFromVpcEndpointService",
    "UpdateVpcEndpointServiceResourceAttribute",
    "ListVpcEndpointConnections",
    "ListVpcEndpointServices",
    "UpdateVpcEndpointZoneConnectionResourceAttribute",
}
TAGGED = {"TagResources", "UntagResources", "ListTagResources", "ChangeResourceGroup"}
# Optional parameters without which these actions refuse any call as malformed.
EXTRAS = {
    "AddUserToVpcEndpointService": [("UserId", "1210000000000003")],
    "RemoveUserFromVpcEndpointService": [("UserId", CONSUMER_UID)],
    "UpdateVpcEndpointZoneConnectionResourceAttribute": [("ResourceAllocateMode", "Manual")],
}
CALLER_VPC = {
    "outsider": ("vpc-outsider0001", "vsw-outsider-h", "sg-outsider0001"),
    "provider": ("vpc-provider0001", "vsw-provider-h", "sg-provider0001"),
    "consumer": ("vpc-consumer0001", "vsw-consumer-h", "sg-consumer0001"),
}


def made_up(real: str) -> str:
    prefix = real.rsplit("-", 1)[0] + "-"
    alphabet = string.ascii_lowercase + string.digits
    return prefix + "".join(secrets.choice(alphabet) for _ in range(len(real) - len(prefix)))


@dataclass(frozen=True)
class Case:
    action: str
    caller: str
    param: str
    resource_type: str = ""

    @property
    def id(self) -> str:
        kind = f"-{self.resource_type}" if self.resource_type else ""
        return f"{self.action}-{self.param}{kind}-as-{self.caller}"


def owner_kind(action: str, resource_type: str) -> str:
    if resource_type:
        return "endpoint" if resource_type.lower() == "vpcendpoint" else "service"
    names = {p["key"] for p in ACTIONS[action]["params"]}
    return "service" if "ServiceId" in names else "endpoint"


def matrix() -> list[Case]:
    cases = []
    for name, action in sorted(ACTIONS.items()):
        params = [p["key"] for p in action["params"] if p["key"] in ID_PARAMS]
        if not params:
            continue
        types = ["vpcendpoint", "vpcendpointservice"] if name in TAGGED else [""]
        if name == "ChangeResourceGroup":
            types = ["VpcEndpoint", "VpcEndpointService"]
        for resource_type in types:
            kind = owner_kind(name, resource_type)
            callers = (
                ["outsider"]
                if name in FOR_CONSUMERS
                else ["outsider", "consumer" if kind == "service" else "provider"]
            )
            cases += [
                Case(name, caller, param, resource_type) for caller in callers for param in params
            ]
    return cases


CASES = matrix()


@dataclass
class World:
    host: str
    database_url: str
    schema: str
    service_id: str
    endpoint_id: str
    compared: int = 0

    def real_id(self, case: Case, param: str) -> str:
        if param == "ServiceId":
            return self.service_id
        if param == "EndpointId":
            return self.endpoint_id
        if case.action in LB_RESOURCE:
            return "nlb-provider0001"
        return (
            self.endpoint_id
            if owner_kind(case.action, case.resource_type) == "endpoint"
            else self.service_id
        )

    def query(self, case: Case, ids: dict[str, str]) -> list[tuple[str, str]]:
        """Every required parameter, well formed for the caller, and every id parameter."""
        vpc, vswitch, group = CALLER_VPC[case.caller]
        fill = {
            "RegionId": "cn-hangzhou",
            "ZoneId": "cn-hangzhou-h",
            "VSwitchId": vswitch,
            "VpcId": vpc,
            "SecurityGroupId": group,
            "ResourceGroupId": "rg-acfm0001",
            "AutoAllocatedEnabled": "false",
            "UserId": CONSUMER_UID,
            "ResourceType": case.resource_type or "nlb",
            "Bandwidth": "1000",
        }
        pairs: list[tuple[str, str]] = []
        for param in ACTIONS[case.action]["params"]:
            key = param["key"]
            if key in ids:
                pairs.append((f"{key}.1", ids[key]) if param["kind"] == "list" else (key, ids[key]))
            elif key == "Tag" and (param["required"] or case.action == "ListTagResources"):
                pairs += [("Tag.1.Key", "team"), ("Tag.1.Value", "blue")]
            elif key == "TagKey":
                pairs.append(("TagKey.1", "team"))
            elif key == "Zone":
                pairs += [("Zone.1.ZoneId", "cn-hangzhou-h"), ("Zone.1.VSwitchId", vswitch)]
            elif key == "SecurityGroupId" and param["kind"] == "list":
                pairs.append(("SecurityGroupId.1", group))
            elif param["required"] or key in ("ResourceType",):
                pairs.append((key, fill[key]))
        return pairs + EXTRAS.get(case.action, [])

    def send(self, case: Case, ids: dict[str, str]) -> Answer:
        pairs = tuple(self.query(case, ids))
        if case.action in ("TagResources", "UntagResources"):  # form body (WIRE.md §3)
            return request(self.host, case.action, KEYS[case.caller], form=pairs).send()
        return request(self.host, case.action, KEYS[case.caller], pairs).send()


@pytest.fixture(scope="module")
def world(database_url: str, module_schema: str) -> Iterator[World]:
    schema = module_schema
    server = Serve(database_url, schema)
    try:
        provider = sdk_client(server.endpoint, PROVIDER)
        consumer = sdk_client(server.endpoint, CONSUMER)
        service_id = create_service(provider, "nlb-provider0001", users=(CONSUMER_UID,))
        endpoint_id = create_endpoint(consumer, service_id)
        allow(provider, service_id, endpoint_id)
        wait_connection(consumer, endpoint_id, "Connected")
        state = World(server.endpoint, database_url, schema, service_id, endpoint_id)
        for key, kind, rid in (
            (PROVIDER, "vpcendpointservice", service_id),
            (CONSUMER, "vpcendpoint", endpoint_id),
        ):
            assert (
                request(
                    server.endpoint,
                    "TagResources",
                    key,
                    form=(
                        ("RegionId", "cn-hangzhou"),
                        ("ResourceType", kind),
                        ("ResourceId.1", rid),
                        ("Tag.1.Key", "team"),
                        ("Tag.1.Value", "blue"),
                    ),
                )
                .send()
                .status
                == 200
            )
        yield state
        figures.record(
            "tenancy_matrix",
            actions=len({c.action for c in CASES}),
            cases=len(CASES),
            pairs_compared=state.compared,
        )
    finally:
        server.stop()


def normalised(answer: Answer, replace: str) -> Any:
    body = dict(answer.json or {})
    body.pop("RequestId", None)
    body.pop("HostId", None)
    return json.loads(json.dumps(body).replace(replace, "<id>"))


def test_the_matrix_covers_every_action_that_takes_an_id() -> None:
    with_ids = {
        name for name, a in ACTIONS.items() if any(p["key"] in ID_PARAMS for p in a["params"])
    }
    assert with_ids == {c.action for c in CASES}
    assert len(with_ids) >= 30


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_sec_3_a_foreign_real_id_is_answered_like_a_missing_id(world: World, case: Case) -> None:
    ids = {
        p["key"]: world.real_id(case, p["key"])
        for p in ACTIONS[case.action]["params"]
        if p["key"] in ID_PARAMS
    }
    real = ids[case.param]
    fake = made_up(real)
    before = store_mark(world.database_url, world.schema)
    with_real = world.send(case, ids)
    with_fake = world.send(case, {**ids, case.param: fake})
    world.compared += 1
    assert store_mark(world.database_url, world.schema) == before, (
        f"a foreign caller changed the store: {with_real}"
    )
    assert with_real.in_cloud_shape() and with_fake.in_cloud_shape(), (with_real, with_fake)
    assert with_real.status == with_fake.status, f"real: {with_real}\nmade up: {with_fake}"
    if with_real.status >= 400:
        assert with_real.code not in ("MissingParameter", "InvalidParameter"), (
            f"the case is malformed, not a tenancy check: {with_real}"
        )
    assert normalised(with_real, real) == normalised(with_fake, fake), (
        f"real: {with_real}\nmade up: {with_fake}"
    )
    if with_real.status < 400:
        assert not re.search(re.escape(real), with_real.raw.decode()) or case.action.startswith(
            "List"
        ), f"the foreign id leaked: {with_real}"
