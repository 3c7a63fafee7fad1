"""View documents, shaped as the cloud's API answers them (field for field)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from privatelink.domain.bandwidth import RANGES as BANDWIDTH_RANGES
from privatelink.domain.base import endpoint_domain, service_domain, service_name, zone_domain
from privatelink.domain.records import EndpointZone, ResourceEntry
from privatelink.domain.states import (
    CONSUMER_ZONE_STATUS,
    BusinessStatus,
    ConnectionStatus,
    EndpointStatus,
    RegionServiceStatus,
    ServiceStatus,
    ZoneStatus,
)


def cloud_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def tags(pairs: list[list[str]]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in pairs]


def service_doc(e: Any) -> dict[str, Any]:
    low, high = BANDWIDTH_RANGES[e.resource_type]
    return {
        "ServiceId": e.service_id,
        "ServiceName": service_name(e.region, e.service_id),
        "ServiceDomain": service_domain(e.region, e.service_id),
        "ServiceStatus": ServiceStatus.CREATING,
        "ServiceBusinessStatus": BusinessStatus.NORMAL,
        "ServiceDescription": e.description,
        "ServiceResourceType": e.resource_type,
        "ServiceType": "GatewayLoadBalancer" if e.resource_type == "gwlb" else "Interface",
        "ServiceSupportIPv6": e.ipv6,
        "AutoAcceptEnabled": e.auto_accept,
        "ZoneAffinityEnabled": e.zone_affinity,
        "AddressIpVersion": e.address_ip_version,
        "Payer": e.payer,
        "ConnectBandwidth": 3072,
        "MinBandwidth": low,
        "MaxBandwidth": high,
        "RegionId": e.region,
        "ResourceGroupId": e.resource_group_id,
        "CreateTime": cloud_time(e.timestamp),
        "SupportedRegionSet": supported_regions(e.region, e.supported_regions),
        "Tags": tags(e.tags),
    }


def supported_regions(home: str, regions: list[str]) -> list[dict[str, str]]:
    return [
        {
            "ServiceRegionId": home,
            "SupportedRegionId": r,
            "RegionServiceStatus": RegionServiceStatus.AVAILABLE,
            "RegionBusinessStatus": BusinessStatus.NORMAL,
        }
        for r in regions
    ]


SERVICE_FIELDS = {
    "description": "ServiceDescription",
    "auto_accept": "AutoAcceptEnabled",
    "zone_affinity": "ZoneAffinityEnabled",
    "address_ip_version": "AddressIpVersion",
    "ipv6": "ServiceSupportIPv6",
    "connect_bandwidth": "ConnectBandwidth",
}

ENDPOINT_FIELDS = {
    "name": "EndpointName",
    "description": "EndpointDescription",
    "zone_affinity": "ZoneAffinityEnabled",
    "address_ip_version": "AddressIpVersion",
    "cross_region_bandwidth": "CrossRegionBandwidth",
    "policy_document": "PolicyDocument",
}


def renamed(changes: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    return {names[k]: v for k, v in changes.items() if k in names}


def resource_doc(entry: ResourceEntry) -> dict[str, Any]:
    return {
        "ResourceId": entry["resource_id"],
        "ResourceType": entry["resource_type"],
        "ZoneId": entry["zone_id"],
        "RegionId": entry["region"],
        "AutoAllocatedEnabled": entry["auto_allocated"],
        "ResourceSupportIPv6": entry["dual_stack"],
        "RelatedEndpointCount": 0,
        "RelatedDeprecatedEndpointCount": 0,
        "Ip": "",
        "VpcId": "",
        "VSwitchId": "",
    }


def endpoint_doc(e: Any) -> dict[str, Any]:
    return {**_endpoint_identity(e), **_endpoint_settings(e)}


def _endpoint_identity(e: Any) -> dict[str, Any]:
    return {
        "EndpointId": e.endpoint_id,
        "EndpointName": e.name,
        "EndpointDescription": e.description,
        "EndpointStatus": EndpointStatus.CREATING,
        "EndpointBusinessStatus": BusinessStatus.NORMAL,
        "ConnectionStatus": ConnectionStatus.DISCONNECTED,
        "EndpointDomain": endpoint_domain(e.endpoint_id, e.service_id, e.service_region),
        "EndpointType": "Interface",
        "ServiceId": e.service_id,
        "ServiceName": e.service_name,
        "ServiceRegionId": e.service_region,
        "RegionId": e.region,
        "VpcId": e.vpc_id,
        "CreateTime": cloud_time(e.timestamp),
    }


def _endpoint_settings(e: Any) -> dict[str, Any]:
    return {
        "Bandwidth": 3072,
        "AddressIpVersion": e.address_ip_version,
        "ZoneAffinityEnabled": e.zone_affinity,
        "Payer": e.payer,
        "ProtectedEnabled": e.protected,
        "ResourceGroupId": e.resource_group_id,
        "ResourceOwner": e.service_owner == e.actor,
        "ZonePrivateIpAddressCount": 1,
        "CrossRegionBandwidth": e.cross_region_bandwidth,
        "PolicyDocument": e.policy_document,
        "Tags": tags(e.tags),
    }


def zone_doc(endpoint: Any, zone: EndpointZone) -> dict[str, Any]:
    return {
        "ZoneId": zone["zone_id"],
        "ZoneStatus": ZoneStatus.CREATING,
        "EniId": zone["eni_id"],
        "EniIp": zone["ip"],
        "ZoneIpv6Address": zone.get("ipv6", ""),
        "VSwitchId": zone["vswitch_id"],
        "RegionId": endpoint.region,
        "ZoneDomain": zone_domain(
            endpoint.endpoint_id, zone["zone_id"], endpoint.service_id, endpoint.service_region
        ),
        "ResourceId": "",
        "ReplacedEniId": "",
        "ReplacedResourceId": "",
        "_service": endpoint.service_id,
    }


def consumer_zone(doc: dict[str, Any]) -> dict[str, Any]:
    """The consumer sees endpoint-zone states only: a migrating zone is Connected to it."""
    status = doc.get("ZoneStatus", "")
    return {**doc, "ZoneStatus": CONSUMER_ZONE_STATUS.get(status, status)}


def connection_doc(e: Any) -> dict[str, Any]:
    endpoint = e.endpoint
    return {
        "EndpointId": endpoint["endpoint_id"],
        "ServiceId": e.service_id,
        "ServiceRegionId": e.service_region,
        "EndpointOwnerId": int(endpoint["consumer"]),
        "EndpointVpcId": endpoint["vpc_id"],
        "EndpointRegionId": endpoint["endpoint_region"],
        "ConnectionStatus": ConnectionStatus.PENDING,
        "Bandwidth": e.bandwidth,
        "TrafficControlMode": e.traffic_mode,
        "ModifiedTime": cloud_time(e.timestamp),
        "ResourceGroupId": "",
        "ResourceOwner": endpoint["consumer"] == e.provider,
    }
