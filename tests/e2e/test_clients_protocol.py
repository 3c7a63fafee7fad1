"""Issue 11: what the cloud's gateway does around every action, seen through real clients —
``Format=XML``, the API version check, the documented common parameters, and every other
method or path answered in the cloud's shape."""

from __future__ import annotations

import json
import warnings

import httpx
import pytest
import xmltodict
from alibabacloud_tea_openapi import models as open_api
from alibabacloud_tea_openapi.exceptions import ClientException
from darabonba.runtime import RuntimeOptions

from tests.conftest import CONSUMER, PROVIDER, sdk_client
from tests.e2e.drivers import Legacy, OfficialCallApi, flatten
from tests.e2e.helpers import CONSUMER_VPC, REGION, VSWITCH, H, I
from tests.e2e.user_guide import create_service, refused

pytestmark = pytest.mark.e2e

CLOUD_ERROR_KEYS = {"RequestId", "HostId", "Code", "Message", "Recommend"}


def legacy_raw(
    endpoint: str,
    action: str,
    params: dict,
    *,
    fmt: str,
    method: str = "GET",
    version: str = "2020-04-15",
    key=PROVIDER,
) -> tuple[int, dict, bytes]:
    """(status, headers, body) of a legacy-SDK request asking for ``fmt``: the raw answer,
    as ``AcsClient.do_action`` (the SDK's call that keeps the requested format) receives it."""
    from aliyunsdkcore.request import CommonRequest

    legacy = Legacy(endpoint, key, common=True, method=method)
    request = legacy.request(action, params)
    request.set_version(version)
    request.set_accept_format(fmt)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        status, headers, body, _ = legacy.client()._implementation_of_do_action(request)
    assert isinstance(request, CommonRequest)
    return status, {k.lower(): v for k, v in headers.items()}, body


# -- Format=XML ------------------------------------------------------------------------------


def test_issue_11_format_xml_answers_the_action_response_with_repeated_list_elements(
    e2e_server,
) -> None:
    """Format=XML: text/xml;charset=utf-8, root <{Action}Response>, a list as one element per
    item, booleans lower-case."""
    create_service(Legacy(e2e_server.endpoint, PROVIDER))
    create_service(Legacy(e2e_server.endpoint, PROVIDER))
    status, headers, body = legacy_raw(
        e2e_server.endpoint, "ListVpcEndpointServices", {"RegionId": REGION}, fmt="XML"
    )
    assert status == 200
    assert headers["content-type"] == "text/xml;charset=utf-8"
    assert body.startswith(b"<?xml")
    document = xmltodict.parse(body)
    assert list(document) == ["ListVpcEndpointServicesResponse"]
    answer = document["ListVpcEndpointServicesResponse"]
    assert answer["RequestId"]
    services = answer["Services"]
    assert isinstance(services, list) and len(services) >= 2  # repeated <Services> elements
    assert {s["AutoAcceptEnabled"] for s in services} == {"false"}
    assert all(s["ServiceId"].startswith("epsrv-") for s in services)


def test_issue_11_format_xml_list_of_strings_repeats_the_element(e2e_server) -> None:
    """A list of plain values (a service's Zones) is the same element repeated."""
    service_id = create_service(Legacy(e2e_server.endpoint, PROVIDER))
    status, _, body = legacy_raw(
        e2e_server.endpoint,
        "GetVpcEndpointServiceAttribute",
        {"RegionId": REGION, "ServiceId": service_id},
        fmt="XML",
        method="POST",
    )
    assert status == 200
    zones = xmltodict.parse(body)["GetVpcEndpointServiceAttributeResponse"]["Zones"]
    assert zones == ["cn-hangzhou-h", "cn-hangzhou-i"]
    assert body.count(b"<Zones>") == 2


def test_issue_11_format_xml_nested_lists_repeat_at_each_level(e2e_server) -> None:
    """Connections (a list of objects) each with Zones (a list of objects): repeated elements
    inside repeated elements, exactly as the JSON nests them."""
    provider, consumer = (
        Legacy(e2e_server.endpoint, PROVIDER),
        Legacy(e2e_server.endpoint, CONSUMER),
    )
    service_id = create_service(provider)
    provider.call(
        "AddUserToVpcEndpointService",
        {"RegionId": REGION, "ServiceId": service_id, "UserId": int(CONSUMER[2])},
    )
    consumer.call(
        "CreateVpcEndpoint",
        {
            "RegionId": REGION,
            "VpcId": CONSUMER_VPC,
            "ServiceId": service_id,
            "SecurityGroupId": ["sg-consumer0001"],
            "Zone": [
                {"ZoneId": H, "VSwitchId": VSWITCH[H]},
                {"ZoneId": I, "VSwitchId": VSWITCH[I]},
            ],
        },
    )
    consumer.call(
        "CreateVpcEndpoint",
        {
            "RegionId": REGION,
            "VpcId": CONSUMER_VPC,
            "ServiceId": service_id,
            "SecurityGroupId": ["sg-consumer0001"],
            "Zone": [{"ZoneId": H, "VSwitchId": VSWITCH[H]}],
        },
    )
    status, _, body = legacy_raw(
        e2e_server.endpoint,
        "ListVpcEndpointConnections",
        {"RegionId": REGION, "ServiceId": service_id},
        fmt="XML",
    )
    assert status == 200
    as_json = provider.call(
        "ListVpcEndpointConnections", {"RegionId": REGION, "ServiceId": service_id}
    )
    connections = xmltodict.parse(body, force_list=("Connections", "Zones"))[
        "ListVpcEndpointConnectionsResponse"
    ]["Connections"]
    assert sorted(len(c["Zones"]) for c in connections) == [1, 2]
    assert sorted(c["EndpointId"] for c in connections) == sorted(
        c["EndpointId"] for c in as_json["Connections"]
    )
    assert body.count(b"<Connections>") == 2 and body.count(b"<Zones>") == 3


def test_issue_11_format_xml_errors_are_an_error_element(e2e_server) -> None:
    """A refusal in XML: <Error> with RequestId, HostId, Code, Message, Recommend."""
    status, headers, body = legacy_raw(
        e2e_server.endpoint,
        "GetVpcEndpointServiceAttribute",
        {"RegionId": REGION, "ServiceId": "epsrv-doesnotexist0000"},
        fmt="XML",
    )
    assert status == 404
    assert headers["content-type"] == "text/xml;charset=utf-8"
    error = xmltodict.parse(body)["Error"]
    assert set(error) == CLOUD_ERROR_KEYS
    assert error["Code"] == "EndpointServiceNotFound"


def test_issue_11_format_json_stays_json(e2e_server) -> None:
    status, headers, body = legacy_raw(
        e2e_server.endpoint, "DescribeRegions", {"RegionId": REGION}, fmt="JSON"
    )
    assert status == 200 and headers["content-type"].startswith("application/json")
    assert json.loads(body)["Regions"]


# -- the API version -------------------------------------------------------------------------


def test_issue_11_other_version_is_refused_with_the_clouds_error_acs3(e2e_server) -> None:
    """x-acs-version other than 2020-04-15: InvalidVersion (official SDK, ACS3)."""
    client = sdk_client(e2e_server.endpoint, PROVIDER)
    params = open_api.Params(
        action="DescribeRegions",
        version="2019-01-01",
        protocol="HTTP",
        pathname="/",
        method="POST",
        auth_type="AK",
        style="RPC",
        req_body_type="formData",
        body_type="json",
    )
    with pytest.raises(ClientException) as info:
        client.call_api(
            params, open_api.OpenApiRequest(query={"RegionId": REGION}), RuntimeOptions()
        )
    assert (info.value.code, info.value.status_code) == ("InvalidVersion", 400)
    assert set(info.value.data) - {"statusCode"} == CLOUD_ERROR_KEYS


def test_issue_11_other_version_is_refused_with_the_clouds_error_rpc(e2e_server) -> None:
    """Version=... other than 2020-04-15: InvalidVersion (legacy SDK, HMAC-SHA1)."""
    status, _, body = legacy_raw(
        e2e_server.endpoint,
        "DescribeRegions",
        {"RegionId": REGION},
        fmt="JSON",
        version="2014-05-26",
    )
    assert status == 400
    assert json.loads(body)["Code"] == "InvalidVersion"


# -- common parameters -----------------------------------------------------------------------


def test_issue_11_region_id_is_accepted_on_actions_that_do_not_declare_it(e2e_server) -> None:
    """The legacy SDK adds RegionId to every call, CheckProductOpen included."""
    body = Legacy(e2e_server.endpoint, PROVIDER).call("CheckProductOpen", {})
    assert body["Success"] is True
    body = Legacy(e2e_server.endpoint, PROVIDER, common=True).call(
        "CheckProductOpen", {"RegionId": REGION}
    )
    assert body["Success"] is True


def test_issue_11_resource_region_id_is_accepted_on_change_resource_group(e2e_server) -> None:
    """The legacy ChangeResourceGroupRequest sends ResourceRegionId (no ResourceType)."""
    provider = Legacy(e2e_server.endpoint, PROVIDER)
    service_id = create_service(provider)
    provider.call(
        "ChangeResourceGroup",
        {"ResourceId": service_id, "ResourceGroupId": "rg-clients0001", "ResourceRegionId": REGION},
    )
    attribute = provider.call(
        "GetVpcEndpointServiceAttribute", {"RegionId": REGION, "ServiceId": service_id}
    )
    assert attribute["ResourceGroupId"] == "rg-clients0001"


def test_issue_11_parameters_no_client_sends_are_still_refused(e2e_server) -> None:
    """Only the documented common parameters are accepted: anything else is unknown."""
    client = OfficialCallApi(e2e_server.endpoint, PROVIDER)
    error = refused(
        lambda: client.call("DescribeRegions", {"RegionId": REGION, "Bogus": "1"}),
        "InvalidParameter",
    )
    assert "Bogus" in error.message


# -- every other method or path in the cloud's shape ----------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", "/nope", 404, "InvalidUri.NotFound"),
        ("POST", "/v1/anything", 404, "InvalidUri.NotFound"),
        ("PUT", "/", 405, "UnsupportedHTTPMethod"),
        ("DELETE", "/", 405, "UnsupportedHTTPMethod"),
        ("POST", "/healthz", 405, "UnsupportedHTTPMethod"),
    ],
)
def test_issue_11_every_other_method_or_path_answers_the_clouds_shape(
    e2e_server, method, path, status, code
) -> None:
    answer = httpx.request(method, f"http://{e2e_server.endpoint}{path}", timeout=10)
    assert answer.status_code == status
    body = answer.json()
    assert "detail" not in body
    assert set(body) == CLOUD_ERROR_KEYS
    assert body["Code"] == code


def test_issue_11_unknown_path_through_the_sdk_is_a_client_error(e2e_server) -> None:
    """The official SDK sent to another path reads a code, not FastAPI's detail."""
    client = sdk_client(e2e_server.endpoint, CONSUMER)
    params = open_api.Params(
        action="DescribeRegions",
        version="2020-04-15",
        protocol="HTTP",
        pathname="/v2/regions",
        method="GET",
        auth_type="AK",
        style="ROA",
        req_body_type="formData",
        body_type="json",
    )
    with pytest.raises(ClientException) as info:
        client.call_api(
            params, open_api.OpenApiRequest(query=flatten({"RegionId": REGION})), RuntimeOptions()
        )
    assert (info.value.code, info.value.status_code) == ("InvalidUri.NotFound", 404)


def test_issue_11_unsigned_get_is_refused_in_the_clouds_shape(e2e_server) -> None:
    answer = httpx.get(f"http://{e2e_server.endpoint}/?Action=DescribeRegions", timeout=10)
    assert answer.status_code == 400
    assert answer.json()["Code"] == "IncompleteSignature"
