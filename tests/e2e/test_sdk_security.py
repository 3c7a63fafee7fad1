"""Tenancy and access through the SDK (SEC): signed calls only, and another account's ids
are answered exactly like ids that do not exist."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from alibabacloud_privatelink20200415 import models as pl
from alibabacloud_tea_openapi.exceptions import ClientException

from tests.conftest import PROVIDER
from tests.e2e.helpers import (
    CONSUMER_UID,
    REGION,
    allow,
    connections,
    create_endpoint,
    create_service,
    delete_endpoint,
    delete_service,
    deny,
    endpoint_ids,
    get_endpoint,
    get_service,
    guarded_client,
    provider_service_ids,
    refused,
    server_message,
    service_request,
    visible_service_ids,
    wait_connection,
)

pytestmark = pytest.mark.e2e

MADE_UP_SERVICE = "epsrv-zzzzzzzzzzzzzzzzzzzz"
MADE_UP_ENDPOINT = "ep-zzzzzzzzzzzzzzzzzzzz"


def assert_same_refusal(
    real: ClientException, real_id: str, made_up: ClientException, made_up_id: str
) -> None:
    """SEC-3: same code, same status, and a message that differs only by the id."""
    assert (real.code, real.status_code) == (made_up.code, made_up.status_code)
    assert real_id in server_message(real)
    assert server_message(real).replace(real_id, "<id>") == server_message(made_up).replace(
        made_up_id, "<id>"
    )


def compare(call: Callable[[str], object], real_id: str, made_up_id: str, code: str) -> None:
    real = refused(lambda: call(real_id), code)
    made_up = refused(lambda: call(made_up_id), code)
    assert_same_refusal(real, real_id, made_up, made_up_id)


# -- SEC-1 -------------------------------------------------------------------------------------


@pytest.mark.parametrize("algorithm", [{}, {"signature_algorithm": "v2"}], ids=["acs3", "v2"])
def test_sec_1_forged_signature_is_refused_and_creates_nothing(
    e2e_server, provider, algorithm
) -> None:
    forged = guarded_client(
        e2e_server.endpoint, (PROVIDER[0], "not-the-secret", PROVIDER[2]), **algorithm
    )
    before = provider_service_ids(provider)
    refused(
        lambda: forged.create_vpc_endpoint_service(service_request("nlb-provider0001")),
        "SignatureDoesNotMatch",
    )
    assert provider_service_ids(provider) == before


def test_sec_1_unknown_access_key_is_refused(e2e_server) -> None:
    stranger = guarded_client(e2e_server.endpoint, ("LTAI5tNobodyAtAll0099", "secret", "0"))
    refused(
        lambda: stranger.list_vpc_endpoint_services(
            pl.ListVpcEndpointServicesRequest(region_id=REGION)
        ),
        "InvalidAccessKeyId.NotFound",
    )


# -- SEC-2 / SEC-3: services --------------------------------------------------------------------


def test_sec_3_foreign_service_get_is_answered_as_missing(provider, outsider) -> None:
    service_id = create_service(provider)
    compare(
        lambda sid: get_service(outsider, sid),
        service_id,
        MADE_UP_SERVICE,
        "EndpointServiceNotFound",
    )


def test_sec_3_foreign_service_delete_is_answered_as_missing(provider, outsider) -> None:
    service_id = create_service(provider)
    compare(
        lambda sid: delete_service(outsider, sid),
        service_id,
        MADE_UP_SERVICE,
        "EndpointServiceNotFound",
    )
    assert get_service(provider, service_id).service_id == service_id


def test_sec_3_foreign_service_connections_are_answered_as_missing(
    provider, consumer, outsider
) -> None:
    service_id = create_service(provider)
    create_endpoint(consumer, service_id)
    compare(
        lambda sid: connections(outsider, sid),
        service_id,
        MADE_UP_SERVICE,
        "EndpointServiceNotFound",
    )


def test_sec_3_foreign_connection_cannot_be_allowed_or_denied(provider, consumer, outsider) -> None:
    service_id = create_service(provider)
    endpoint_id = create_endpoint(consumer, service_id)
    compare(
        lambda sid: allow(outsider, sid, endpoint_id),
        service_id,
        MADE_UP_SERVICE,
        "EndpointServiceNotFound",
    )
    compare(
        lambda sid: deny(consumer, sid, endpoint_id),
        service_id,
        MADE_UP_SERVICE,
        "EndpointServiceNotFound",
    )
    assert get_endpoint(consumer, endpoint_id).connection_status == "Pending"


def test_sec_2_provider_lists_only_its_own_services(provider, outsider) -> None:
    service_id = create_service(provider)
    assert service_id in provider_service_ids(provider)
    assert service_id not in provider_service_ids(outsider)
    assert service_id not in visible_service_ids(outsider)


def test_sec_2_consumer_sees_no_connections_of_the_providers_services(provider, consumer) -> None:
    service_id = create_service(provider, auto_accept_enabled=True)
    endpoint_id = create_endpoint(consumer, service_id)
    wait_connection(consumer, endpoint_id, "Connected")
    body = consumer.list_vpc_endpoint_connections(
        pl.ListVpcEndpointConnectionsRequest(region_id=REGION)
    ).body
    assert endpoint_id not in {c.endpoint_id for c in body.connections}


def test_sec_3_foreign_service_cannot_be_changed(provider, outsider) -> None:
    service_id = create_service(provider, users=())
    compare(
        lambda sid: outsider.add_user_to_vpc_endpoint_service(
            pl.AddUserToVpcEndpointServiceRequest(
                region_id=REGION, service_id=sid, user_id=int(CONSUMER_UID)
            )
        ),
        service_id,
        MADE_UP_SERVICE,
        "EndpointServiceNotFound",
    )
    compare(
        lambda sid: outsider.update_vpc_endpoint_service_attribute(
            pl.UpdateVpcEndpointServiceAttributeRequest(
                region_id=REGION, service_id=sid, auto_accept_enabled=True
            )
        ),
        service_id,
        MADE_UP_SERVICE,
        "EndpointServiceNotFound",
    )
    assert get_service(provider, service_id).auto_accept_enabled is False


# -- SEC-2 / SEC-3: endpoints ---------------------------------------------------------------------


def test_sec_2_outsider_does_not_list_the_consumers_endpoint(provider, consumer, outsider) -> None:
    endpoint_id = create_endpoint(consumer, create_service(provider))
    assert endpoint_id in endpoint_ids(consumer)
    assert endpoint_id not in endpoint_ids(outsider)


def test_sec_3_foreign_endpoint_get_is_answered_as_missing(provider, consumer, outsider) -> None:
    endpoint_id = create_endpoint(consumer, create_service(provider))
    compare(
        lambda eid: get_endpoint(outsider, eid), endpoint_id, MADE_UP_ENDPOINT, "EndpointNotFound"
    )


def test_sec_3_foreign_endpoint_delete_is_answered_as_missing(provider, consumer, outsider) -> None:
    endpoint_id = create_endpoint(consumer, create_service(provider))
    compare(
        lambda eid: delete_endpoint(outsider, eid),
        endpoint_id,
        MADE_UP_ENDPOINT,
        "EndpointNotFound",
    )
    assert get_endpoint(consumer, endpoint_id).endpoint_id == endpoint_id


def test_sec_3_foreign_endpoint_zones_are_answered_as_missing(provider, consumer, outsider) -> None:
    endpoint_id = create_endpoint(consumer, create_service(provider))
    compare(
        lambda eid: outsider.list_vpc_endpoint_zones(
            pl.ListVpcEndpointZonesRequest(region_id=REGION, endpoint_id=eid)
        ),
        endpoint_id,
        MADE_UP_ENDPOINT,
        "EndpointNotFound",
    )


def test_sec_3_provider_cannot_read_the_consumers_endpoint(provider, consumer) -> None:
    service_id = create_service(provider)
    endpoint_id = create_endpoint(consumer, service_id)
    compare(
        lambda eid: get_endpoint(provider, eid), endpoint_id, MADE_UP_ENDPOINT, "EndpointNotFound"
    )


def test_sec_3_foreign_vpc_is_answered_as_missing(provider, outsider) -> None:
    service_id = create_service(provider, users=("*",))
    request = pl.CreateVpcEndpointRequest(
        region_id=REGION,
        vpc_id="vpc-consumer0001",
        service_id=service_id,
        zone=[
            pl.CreateVpcEndpointRequestZone(zone_id="cn-hangzhou-h", v_switch_id="vsw-consumer-h")
        ],
    )
    real = refused(lambda: outsider.create_vpc_endpoint(request), "InvalidVpcId.NotFound")
    request.vpc_id = "vpc-zzzzzzzzzzzz"
    made_up = refused(lambda: outsider.create_vpc_endpoint(request), "InvalidVpcId.NotFound")
    assert_same_refusal(real, "vpc-consumer0001", made_up, "vpc-zzzzzzzzzzzz")


def test_sec_3_foreign_load_balancer_is_answered_as_missing(provider) -> None:
    real = refused(
        lambda: provider.create_vpc_endpoint_service(service_request("nlb-outsider0001"))
    )
    made_up = refused(
        lambda: provider.create_vpc_endpoint_service(service_request("nlb-zzzzzzzzzzzz"))
    )
    assert_same_refusal(real, "nlb-outsider0001", made_up, "nlb-zzzzzzzzzzzz")
