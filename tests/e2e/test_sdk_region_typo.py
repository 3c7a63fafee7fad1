"""Issue 15: a mistyped region is answered the same way by every action that takes a
``RegionId`` (``InvalidRegionId.NotFound``, HTTP 404), as the cloud does: not
``EndpointNotFound`` from a Get, an empty page from a List and ``InvalidRegionId.NotFound``
only from a Create. Every action is called through the official SDK."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alibabacloud_privatelink20200415 import models as pl
from alibabacloud_tea_openapi.exceptions import ClientException

from tests.conftest import Server
from tests.e2e.issue3_helpers import control_plane_server
from tests.reference import API_JSON

pytestmark = pytest.mark.e2e

REFERENCE = Path(os.environ.get("PRIVATELINK_API_JSON") or API_JSON)
if not REFERENCE.exists():
    pytest.skip(f"{REFERENCE} is absent", allow_module_level=True)

TYPO = "cn-hangzhuo"
ACTIONS = [
    a
    for a in json.loads(REFERENCE.read_text(encoding="utf-8"))["actions"]
    if any(p["key"] == "RegionId" for p in a["params"])
]
SAMPLES = {
    "ResourceType": "vpcendpoint",
    "ZoneId": "cn-hangzhou-h",
    "VpcId": "vpc-consumer0001",
    "VSwitchId": "vsw-consumer-h",
    "SecurityGroupId": "sg-consumer0001",
}


@pytest.fixture(scope="module")
def e2e_server(database_url: str) -> Iterator[Server]:
    with control_plane_server(database_url) as srv:
        yield srv


def sample(param: dict[str, Any]) -> Any:
    """A well-formed value for a required parameter, so only the region can be wrong."""
    if param["kind"] == "list" and param.get("children"):
        cls = getattr(pl, param["type"])
        return [cls(**{c["attr"]: "k1" for c in param["children"]})]
    if param["kind"] == "list":
        return ["ep-sample0001"]
    if param["type"] == "bool":
        return True
    if param["type"] == "int":
        return 1
    return SAMPLES.get(
        param["key"], "epsrv-sample0001" if "Service" in param["key"] else "ep-sample0001"
    )


def request_for(spec: dict[str, Any]) -> Any:
    values = {p["attr"]: sample(p) for p in spec["params"] if p["required"]}
    values["region_id"] = TYPO
    return getattr(pl, spec["request_model"])(**values)


@pytest.mark.parametrize("spec", ACTIONS, ids=[a["action"] for a in ACTIONS])
def test_issue15_mistyped_region_is_invalid_region_everywhere(
    spec: dict[str, Any], consumer: Any
) -> None:
    """Issue 15: every action taking RegionId answers a region the cloud does not have with
    InvalidRegionId.NotFound (404), whatever else the request names."""
    with pytest.raises(ClientException) as info:
        getattr(consumer, spec["method_name"])(request_for(spec))
    assert (info.value.code, info.value.status_code) == ("InvalidRegionId.NotFound", 404), (
        info.value.data
    )
    assert TYPO in info.value.message


def test_issue15_mistyped_service_region_is_invalid_region(consumer: Any) -> None:
    """Issue 15: a mistyped ServiceRegionId is answered like a mistyped RegionId."""
    with pytest.raises(ClientException) as info:
        consumer.list_vpc_endpoints(
            pl.ListVpcEndpointsRequest(region_id="cn-hangzhou", service_region_id=TYPO)
        )
    assert (info.value.code, info.value.status_code) == ("InvalidRegionId.NotFound", 404)
