"""Wire parameters → request models: what the official SDK sends parses, the rest is refused."""

import re
from typing import Any, get_args, get_type_hints
from urllib.parse import parse_qsl, urlencode

import pytest
from alibabacloud_privatelink20200415 import models as sdk
from alibabacloud_privatelink20200415.client import Client
from alibabacloud_tea_openapi import models as open_api
from alibabacloud_tea_openapi.utils import Utils
from darabonba.model import DaraModel
from pydantic import ValidationError

from privatelink.api.errors_base import EdgeError
from privatelink.api.wire import generate
from privatelink.api.wire.errors import InvalidParameter, MissingParameter, UnknownAction, WireError
from privatelink.api.wire.models import (
    FORM_BODY_ACTIONS,
    REQUEST_MODELS,
    AttachSecurityGroupToVpcEndpointRequest,
    CreateVpcEndpointRequest,
    CreateVpcEndpointServiceRequest,
    CreateVpcEndpointZone,
    ListVpcEndpointServiceUsersRequest,
    ListVpcEndpointsRequest,
    TagResourcesRequest,
    UpdateVpcEndpointServiceAttributeRequest,
)
from privatelink.api.wire.parse import parse_as, parse_params
from tests.reference import API_JSON

REFERENCE = API_JSON
Params = list[tuple[str, str]]


class _Sent(Exception):
    """Carries what the SDK would have put on the wire, instead of sending it."""

    def __init__(self, query: dict[str, str] | None, body: dict[str, Any] | None) -> None:
        super().__init__()
        self.query = query
        self.body = body


class _CapturingClient(Client):  # type: ignore[misc]
    """The real SDK client up to ``call_api``: it builds and flattens the request, then stops."""

    def call_api(self, params: Any, request: Any, runtime: Any) -> Any:
        raise _Sent(request.query, request.body)


@pytest.fixture(scope="module")
def client() -> Client:
    config = open_api.Config(
        access_key_id="AKIDEXAMPLE",
        access_key_secret="SECRETEXAMPLE",
        endpoint="127.0.0.1:1",
        protocol="http",
    )
    return _CapturingClient(config)


def sdk_wire(client: Client, action: str, request: DaraModel | None = None) -> Params:
    """The decoded ``(key, value)`` pairs the SDK sends for ``request``, as a server reads them."""
    method = getattr(client, re.sub(r"(?<!^)(?=[A-Z])", "_", action).lower())
    with pytest.raises(_Sent) as sent:
        method() if request is None else method(request)
    if sent.value.body is not None:  # the transport form-encodes the body (Utils.to_form)
        return parse_qsl(Utils.to_form(sent.value.body), keep_blank_values=True)
    return parse_qsl(urlencode(sent.value.query or {}), keep_blank_values=True)


def base(action: str = "CreateVpcEndpoint") -> Params:
    required = {
        "CreateVpcEndpoint": [("RegionId", "cn-hangzhou"), ("VpcId", "vpc-1")],
        "ListVpcEndpoints": [("RegionId", "cn-hangzhou")],
        "ListVpcEndpointServiceUsers": [("RegionId", "cn-hangzhou"), ("ServiceId", "epsrv-1")],
    }
    return list(required[action])


def refusal(action: str, params: Params) -> WireError:
    with pytest.raises(WireError) as caught:
        parse_params(action, params)
    return caught.value


# --- round trips through the official SDK's own flattening ------------------------------


def test_create_vpc_endpoint_from_the_sdk_parses_to_typed_values(client: Client) -> None:
    request = sdk.CreateVpcEndpointRequest(
        region_id="cn-hangzhou",
        vpc_id="vpc-1",
        service_id="epsrv-x",
        endpoint_name="my ep/测试*~",
        cross_region_bandwidth=1024,
        dry_run=False,
        zone_affinity_enabled=True,
        security_group_id=["sg-a", "sg-b"],
        zone=[
            sdk.CreateVpcEndpointRequestZone(
                zone_id="cn-hangzhou-h", v_switch_id="vsw-1", ip="10.0.0.5", ipv_6address="::5"
            ),
            sdk.CreateVpcEndpointRequestZone(zone_id="cn-hangzhou-i", v_switch_id="vsw-2"),
        ],
        tag=[sdk.CreateVpcEndpointRequestTag(key="env", value="dev")],
    )
    wire = sdk_wire(client, "CreateVpcEndpoint", request)
    assert ("DryRun", "False") in wire and ("ZoneAffinityEnabled", "True") in wire

    req = parse_params("CreateVpcEndpoint", wire)

    assert isinstance(req, CreateVpcEndpointRequest)
    assert (req.region_id, req.vpc_id, req.service_id) == ("cn-hangzhou", "vpc-1", "epsrv-x")
    assert req.endpoint_name == "my ep/测试*~"
    assert req.cross_region_bandwidth == 1024
    assert req.dry_run is False and req.zone_affinity_enabled is True
    assert req.security_group_id == ["sg-a", "sg-b"]
    assert [(z.zone_id, z.v_switch_id, z.ip) for z in req.zone] == [
        ("cn-hangzhou-h", "vsw-1", "10.0.0.5"),
        ("cn-hangzhou-i", "vsw-2", None),
    ]
    assert req.zone[0].ipv6_address == "::5"
    assert [(t.key, t.value) for t in req.tag] == [("env", "dev")]
    assert req.protected_enabled is None and req.zone_private_ip_address_count is None


def test_create_vpc_endpoint_service_from_the_sdk_parses_resources(client: Client) -> None:
    request = sdk.CreateVpcEndpointServiceRequest(
        region_id="cn-hangzhou",
        auto_accept_enabled=True,
        payer="Endpoint",
        service_resource_type="slb",
        service_support_ipv_6=False,
        resource=[
            sdk.CreateVpcEndpointServiceRequestResource(
                resource_id="lb-1", resource_type="slb", zone_id="cn-hangzhou-h"
            ),
            sdk.CreateVpcEndpointServiceRequestResource(resource_id="lb-2", resource_type="slb"),
        ],
        supported_region_list=["cn-shanghai"],
    )

    wire = sdk_wire(client, "CreateVpcEndpointService", request)

    req = parse_as(CreateVpcEndpointServiceRequest, wire)

    assert req.auto_accept_enabled is True and req.service_support_ipv6 is False
    assert [(r.resource_id, r.resource_type, r.zone_id) for r in req.resource] == [
        ("lb-1", "slb", "cn-hangzhou-h"),
        ("lb-2", "slb", None),
    ]
    assert req.supported_region_list == ["cn-shanghai"]
    assert (req.payer, req.service_resource_type) == ("Endpoint", "slb")


def test_tag_resources_from_the_sdk_form_body_parses(client: Client) -> None:
    request = sdk.TagResourcesRequest(
        region_id="cn-hangzhou",
        resource_type="vpcendpoint",
        resource_id=["ep-1", "ep-2"],
        tag=[
            sdk.TagResourcesRequestTag(key="k 1", value="v&1"),
            sdk.TagResourcesRequestTag(key="empty", value=""),
        ],
    )

    req = parse_as(TagResourcesRequest, sdk_wire(client, "TagResources", request))

    assert "TagResources" in FORM_BODY_ACTIONS
    assert req.resource_id == ["ep-1", "ep-2"]
    assert [(t.key, t.value) for t in req.tag] == [("k 1", "v&1"), ("empty", "")]
    assert req.dry_run is None


def test_update_vpc_endpoint_service_attribute_from_the_sdk_parses_region_sets(
    client: Client,
) -> None:
    request = sdk.UpdateVpcEndpointServiceAttributeRequest(
        region_id="cn-hangzhou",
        service_id="epsrv-1",
        add_supported_region_set=["cn-shanghai", "cn-beijing"],
        delete_supported_region_set=["cn-shenzhen"],
        connect_bandwidth=3072,
        dry_run=True,
    )

    wire = sdk_wire(client, "UpdateVpcEndpointServiceAttribute", request)

    req = parse_as(UpdateVpcEndpointServiceAttributeRequest, wire)

    assert req.add_supported_region_set == ["cn-shanghai", "cn-beijing"]
    assert req.delete_supported_region_set == ["cn-shenzhen"]
    assert req.connect_bandwidth == 3072 and req.dry_run is True


def _filled(model: type[DaraModel]) -> DaraModel:
    hints = get_type_hints(model.__init__)
    return model(**{name: _sample(hint) for name, hint in hints.items() if name != "return"})


def _sample(hint: Any) -> Any:
    samples = {bool: True, int: 1, str: "xy"}
    if hint in samples:
        return samples[hint]
    (item,) = get_args(hint)
    one = _filled(item) if isinstance(item, type) and issubclass(item, DaraModel) else _sample(item)
    return [one, one]


@pytest.mark.parametrize("action", sorted(REQUEST_MODELS))
def test_every_field_the_sdk_can_send_is_a_field_of_the_wire_model(
    client: Client, action: str
) -> None:
    sdk_request = getattr(sdk, f"{action}Request", None)
    wire = sdk_wire(client, action, None if sdk_request is None else _filled(sdk_request))

    req = parse_params(action, wire)

    assert req.model_fields_set == set(type(req).model_fields)


# --- accepted spellings -----------------------------------------------------------------


@pytest.mark.parametrize(("text", "value"), [("True", True), ("true", True), ("FALSE", False)])
def test_booleans_are_read_case_insensitively(text: str, value: bool) -> None:
    req = parse_as(CreateVpcEndpointRequest, [*base(), ("DryRun", text)])
    assert req.dry_run is value


@pytest.mark.parametrize("text", ["+1", "-5", str(2**63 - 1), str(-(2**63)), "007"])
def test_integers_within_64_bits_are_accepted(text: str) -> None:
    req = parse_as(CreateVpcEndpointRequest, [*base(), ("CrossRegionBandwidth", text)])
    assert req.cross_region_bandwidth == int(text)


@pytest.mark.parametrize(
    ("model", "top"),
    [(ListVpcEndpointsRequest, 1000), (ListVpcEndpointServiceUsersRequest, 50)],
)
def test_max_results_accepts_its_whole_range(
    model: type[ListVpcEndpointsRequest | ListVpcEndpointServiceUsersRequest], top: int
) -> None:
    action = model.__name__.removesuffix("Request")
    for value in (1, top):
        req = parse_as(model, [*base(action), ("MaxResults", str(value))])
        assert req.max_results == value


def test_security_group_id_is_a_scalar_where_the_action_says_so() -> None:
    params = [("RegionId", "cn"), ("EndpointId", "ep-1"), ("SecurityGroupId", "sg-1")]
    req = parse_as(AttachSecurityGroupToVpcEndpointRequest, params)
    assert req.security_group_id == "sg-1"


def test_an_action_without_parameters_parses_from_nothing() -> None:
    assert parse_params("CheckProductOpen", []) == REQUEST_MODELS["CheckProductOpen"]()


def test_parsed_requests_are_immutable() -> None:
    req = parse_as(CreateVpcEndpointRequest, base())
    with pytest.raises(ValidationError):
        req.vpc_id = "vpc-2"


def test_parse_as_refuses_a_class_that_is_no_action_model() -> None:
    with pytest.raises(TypeError):
        parse_as(CreateVpcEndpointZone, [])


# --- refusals -----------------------------------------------------------------------------


def test_a_missing_required_parameter_is_named() -> None:
    error = refusal("CreateVpcEndpoint", [("VpcId", "vpc-1")])
    assert isinstance(error, MissingParameter) and error.code == "MissingParameter"
    assert error.message == (
        'The input parameter "RegionId" that is mandatory for processing this request '
        "is not supplied."
    )


def test_a_missing_required_list_is_named_with_its_index_placeholder() -> None:
    params = [
        ("RegionId", "cn"),
        ("ResourceType", "vpcendpoint"),
        ("Tag.1.Key", "k"),
        ("Tag.1.Value", "v"),
    ]
    error = refusal("TagResources", params)
    assert isinstance(error, MissingParameter) and error.parameter == "ResourceId.N"


def test_a_missing_required_field_of_a_list_item_is_named_with_its_index() -> None:
    params = [("RegionId", "cn"), ("ResourceType", "vpcendpoint"), ("ResourceId.1", "ep-1")]
    error = refusal(
        "TagResources", [*params, ("Tag.1.Key", "a"), ("Tag.2.Key", "b"), ("Tag.2.Value", "")]
    )
    assert isinstance(error, MissingParameter) and error.parameter == "Tag.1.Value"


@pytest.mark.parametrize("text", ["abc", "1.5", " 1", "1 ", "", "0x10", "١", "1_000"])
def test_a_non_integer_is_refused(text: str) -> None:
    error = refusal("CreateVpcEndpoint", [*base(), ("CrossRegionBandwidth", text)])
    assert isinstance(error, InvalidParameter) and error.code == "InvalidParameter"
    assert error.message == 'The parameter "CrossRegionBandwidth" is not an integer.'


@pytest.mark.parametrize("value", [2**70, 2**63, -(2**63) - 1])
def test_an_integer_beyond_64_bits_is_refused(value: int) -> None:
    error = refusal("CreateVpcEndpoint", [*base(), ("CrossRegionBandwidth", str(value))])
    assert (
        error.message
        == 'The parameter "CrossRegionBandwidth" is out of the range of a 64-bit integer.'
    )


@pytest.mark.parametrize("text", ["yes", "1", "", "t"])
def test_a_non_boolean_is_refused(text: str) -> None:
    error = refusal("CreateVpcEndpoint", [*base(), ("DryRun", text)])
    assert error.message == 'The parameter "DryRun" is not a boolean (true or false).'


@pytest.mark.parametrize(
    "key", ["Bogus", "regionid", "Zone.1.Ip", "Zone.1.Bogus", "SecurityGroupId.1.X"]
)
def test_an_unknown_parameter_is_refused_by_name(key: str) -> None:
    error = refusal("CreateVpcEndpoint", [*base(), (key, "x")])
    assert isinstance(error, InvalidParameter) and error.parameter == key
    assert "unknown" in error.message


def test_a_duplicated_key_is_refused() -> None:
    error = refusal("CreateVpcEndpoint", [*base(), ("VpcId", "vpc-2")])
    assert error.message == 'The parameter "VpcId" is duplicated.'


@pytest.mark.parametrize(
    "key", ["Zone.0.ZoneId", "Zone.01.ZoneId", "Zone.-1.ZoneId", "Zone.x.ZoneId", "Zone..ZoneId"]
)
def test_a_malformed_list_index_is_refused(key: str) -> None:
    error = refusal("CreateVpcEndpoint", [*base(), (key, "cn-hangzhou-h")])
    assert error.parameter == key and "invalid index" in error.message


def test_a_gap_in_list_indices_is_refused_naming_the_missing_item() -> None:
    params = [*base(), ("Zone.1.ZoneId", "a"), ("Zone.3.ZoneId", "c")]
    error = refusal("CreateVpcEndpoint", params)
    assert error.parameter == "Zone.2" and "without gaps" in error.message


def test_a_list_index_above_the_limit_is_refused() -> None:
    tags = [(f"Tag.{n}.{field}", f"t{n}") for n in range(1, 22) for field in ("Key", "Value")]
    error = refusal("CreateVpcEndpoint", [*base(), *tags])
    assert error.message == 'The parameter "Tag.21.Key" has an index above the maximum of 20 items.'


def test_a_list_key_sent_as_a_scalar_is_refused() -> None:
    error = refusal("CreateVpcEndpoint", [*base(), ("SecurityGroupId", "sg-1")])
    assert error.parameter == "SecurityGroupId" and "is a list" in error.message


def test_a_scalar_key_sent_as_a_list_is_refused() -> None:
    error = refusal("CreateVpcEndpoint", [("RegionId.1", "cn"), ("VpcId", "vpc-1")])
    assert error.parameter == "RegionId.1" and "not a list" in error.message


def test_a_list_of_objects_sent_without_a_field_is_refused() -> None:
    error = refusal("CreateVpcEndpoint", [*base(), ("Zone.1", "cn-hangzhou-h")])
    assert error.parameter == "Zone.1"


@pytest.mark.parametrize(
    ("action", "value", "message"),
    [
        ("ListVpcEndpoints", 0, "must be an integer between 1 and 1000"),
        ("ListVpcEndpoints", 1001, "must be an integer between 1 and 1000"),
        ("ListVpcEndpointServiceUsers", 51, "must be an integer between 1 and 50"),
        ("ListVpcEndpointServiceUsers", -1, "must be an integer between 1 and 50"),
    ],
)
def test_max_results_outside_its_range_is_refused(action: str, value: int, message: str) -> None:
    error = refusal(action, [*base(action), ("MaxResults", str(value))])
    assert error.message == f'The parameter "MaxResults" {message}.'


def test_zone_private_ip_address_count_other_than_one_is_refused() -> None:
    error = refusal("CreateVpcEndpoint", [*base(), ("ZonePrivateIpAddressCount", "2")])
    assert error.message == 'The parameter "ZonePrivateIpAddressCount" must be 1.'


def test_a_too_long_value_inside_a_list_item_is_named_by_wire_path() -> None:
    params = [*base(), ("Zone.1.VSwitchId", "vsw-1"), ("Zone.2.VSwitchId", "v" * 1025)]
    error = refusal("CreateVpcEndpoint", params)
    assert error.message == 'The parameter "Zone.2.VSwitchId" must be at most 1024 characters long.'


def test_a_too_long_tag_key_is_refused() -> None:
    error = refusal("CreateVpcEndpoint", [*base(), ("Tag.1.Key", "k" * 65)])
    assert error.message == 'The parameter "Tag.1.Key" must be at most 64 characters long.'


def test_an_empty_tag_key_is_refused() -> None:
    error = refusal("CreateVpcEndpoint", [*base(), ("Tag.1.Key", "")])
    assert error.message == 'The parameter "Tag.1.Key" must not be empty.'


@pytest.mark.parametrize("token", ["tök-1", "a\tb", "t" * 65])
def test_a_client_token_must_be_short_printable_ascii(token: str) -> None:
    error = refusal("CreateVpcEndpoint", [*base(), ("ClientToken", token)])
    assert error.parameter == "ClientToken"


def test_an_unknown_action_is_refused() -> None:
    error = refusal("CreateVpcEndpointz", [])
    assert isinstance(error, UnknownAction) and error.code == "InvalidAction.NotFound"
    assert error.message == 'The specified action "CreateVpcEndpointz" is not found.'


def test_pydantic_text_never_reaches_the_message() -> None:
    error = refusal("ListVpcEndpoints", [*base("ListVpcEndpoints"), ("MaxResults", "0")])
    assert "Input should" not in error.message and "pydantic" not in error.message


# --- the error classes and the generated module --------------------------------------------


@pytest.mark.parametrize(
    "error_class", [WireError, MissingParameter, InvalidParameter, UnknownAction]
)
def test_wire_errors_are_edge_errors_with_a_code_and_a_docstring(error_class: type) -> None:
    assert issubclass(error_class, EdgeError)
    assert error_class.__doc__ and error_class.code


def test_all_39_actions_have_a_request_model() -> None:
    assert len(REQUEST_MODELS) == 39
    assert FORM_BODY_ACTIONS == {"TagResources", "UntagResources"}


def test_the_generated_models_are_up_to_date_with_the_reference() -> None:
    expected = generate.render(REFERENCE.read_bytes(), REFERENCE.name)
    assert generate.OUTPUT.read_text() == expected, (
        "run: python -m privatelink.api.wire.generate " + str(REFERENCE)
    )
