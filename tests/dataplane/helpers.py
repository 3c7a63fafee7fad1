"""Builders of view rows for the data plane's pure tests: endpoint, zone and connection docs
shaped as the projection writes them."""

from __future__ import annotations

from typing import Any

from privatelink.infra.dataplane.records import ViewRows

REGION = "cn-hangzhou"
SUFFIX = "privatelink.aliyuncs.com"
VPC = "vpc-consumer0001"
H, I, J = "cn-hangzhou-h", "cn-hangzhou-i", "cn-hangzhou-j"
VSWITCHES = [(VPC, H, "127.16.1.0/24"), (VPC, I, "127.16.2.0/24"), (VPC, J, "127.16.3.0/24")]
ENI_IP = {H: "127.16.1.10", I: "127.16.2.10", J: "127.16.3.10"}
ENI_IPV6 = {H: "fd00:1::10", I: "fd00:2::10", J: "fd00:3::10"}


def endpoint_domain(ep: str, srv: str = "epsrv-a") -> str:
    return f"{ep}.{srv}.{REGION}.{SUFFIX}"


def zone_domain(ep: str, zone: str, srv: str = "epsrv-a") -> str:
    return f"{ep}-{zone}.{srv}.{REGION}.{SUFFIX}"


def zone_doc(ep: str, zone: str, status: str = "Connected", **extra: Any) -> dict[str, Any]:
    return {
        "ZoneId": zone,
        "ZoneStatus": status,
        "EniId": f"eni-{ep}-{zone}",
        "EniIp": ENI_IP[zone],
        "ZoneIpv6Address": ENI_IPV6[zone],
        "VSwitchId": f"vsw-{zone}",
        "ZoneDomain": zone_domain(ep, zone),
        "ResourceId": "nlb-provider0001",
        "ReplacedEniId": "",
        "ReplacedResourceId": "",
        **extra,
    }


def rows(
    ep: str = "ep-a",
    zones: dict[str, dict[str, Any]] | None = None,
    connection: str = "Connected",
    affinity: tuple[bool, bool] = (False, False),
    dual_stack: bool = False,
    bandwidth: int = 3072,
) -> ViewRows:
    """One endpoint (zones h and i unless given) of service epsrv-a."""
    zones = zones if zones is not None else {H: zone_doc(ep, H), I: zone_doc(ep, I)}
    key = f"key-{ep}"
    endpoint = {
        "EndpointId": ep,
        "EndpointDomain": endpoint_domain(ep),
        "ServiceId": "epsrv-a",
        "VpcId": VPC,
        "ConnectionStatus": connection,
        "Bandwidth": bandwidth,
        "ZoneAffinityEnabled": affinity[1],
        "AddressIpVersion": "DualStack" if dual_stack else "IPv4",
    }
    return ViewRows(
        endpoints={key: endpoint},
        zones={key: list(zones.values())},
        connections={key: {"ConnectionStatus": connection, "Bandwidth": bandwidth}},
        services={"epsrv-a": {"ServiceId": "epsrv-a", "ZoneAffinityEnabled": affinity[0]}},
    )
