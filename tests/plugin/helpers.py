"""SDK builders shared by the plugin's tests (the demo inventory's accounts and resources)."""

from __future__ import annotations

from typing import Any

from alibabacloud_privatelink20200415 import models as m

REGION = "cn-hangzhou"
CONSUMER_UID = "1210000000000002"


def create_service(provider: Any, lb: str = "nlb-provider0001", **options: Any) -> Any:
    return provider.create_vpc_endpoint_service(
        m.CreateVpcEndpointServiceRequest(
            region_id=REGION,
            auto_accept_enabled=True,
            service_resource_type="nlb",
            resource=[
                m.CreateVpcEndpointServiceRequestResource(resource_id=lb, resource_type="nlb")
            ],
            **options,
        )
    ).body


def whitelist(provider: Any, service_id: str, uid: str = CONSUMER_UID) -> None:
    provider.add_user_to_vpc_endpoint_service(
        m.AddUserToVpcEndpointServiceRequest(
            region_id=REGION, service_id=service_id, user_id=int(uid)
        )
    )


def create_endpoint(
    consumer: Any,
    service_name: str,
    vpc: str = "vpc-consumer0001",
    zone: str = "cn-hangzhou-h",
    vswitch: str = "vsw-consumer-h",
    **options: Any,
) -> Any:
    return consumer.create_vpc_endpoint(
        m.CreateVpcEndpointRequest(
            region_id=REGION,
            vpc_id=vpc,
            service_name=service_name,
            zone=[m.CreateVpcEndpointRequestZone(zone_id=zone, v_switch_id=vswitch)],
            **options,
        )
    ).body


def service_status(provider: Any, service_id: str) -> str:
    return str(
        provider.get_vpc_endpoint_service_attribute(
            m.GetVpcEndpointServiceAttributeRequest(region_id=REGION, service_id=service_id)
        ).body.service_status
    )


def endpoint(consumer: Any, endpoint_id: str) -> Any:
    return consumer.get_vpc_endpoint_attribute(
        m.GetVpcEndpointAttributeRequest(region_id=REGION, endpoint_id=endpoint_id)
    ).body


def service_ids(provider: Any) -> list[str]:
    body = provider.list_vpc_endpoint_services(
        m.ListVpcEndpointServicesRequest(region_id=REGION)
    ).body
    return [s.service_id for s in body.services or []]
