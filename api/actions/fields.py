"""Response fields of each SDK model (ACTIONS.md), so answers match field for field."""

SERVICE_GET = (
    "AddressIpVersion", "AutoAcceptEnabled", "ConnectBandwidth", "CreateTime", "MaxBandwidth",
    "MinBandwidth", "Payer", "RegionId", "ResourceGroupId", "ServiceBusinessStatus",
    "ServiceDescription", "ServiceDomain", "ServiceId", "ServiceName", "ServiceResourceType",
    "ServiceStatus", "ServiceSupportIPv6", "ServiceType", "SupportedRegionSet",
    "ZoneAffinityEnabled", "Zones")
SERVICE_CREATE = (
    "AddressIpVersion", "AutoAcceptEnabled", "CreateTime", "ResourceGroupId",
    "ServiceBusinessStatus", "ServiceDescription", "ServiceDomain", "ServiceId", "ServiceName",
    "ServiceStatus", "ServiceSupportIPv6", "SupportedRegionSet", "ZoneAffinityEnabled")
SERVICE_LIST = tuple(f for f in SERVICE_GET if f != "Zones") + ("Tags",)
SERVICE_BY_END_USER = (
    "AddressIpVersion", "AutoAcceptEnabled", "Payer", "ResourceGroupId", "ServiceDomain",
    "ServiceId", "ServiceName", "ServiceResourceType", "ServiceSupportIPv6", "ServiceType",
    "Tags", "VpcEndpointPolicySupported", "ZoneAffinityEnabled", "Zones")
RESOURCE = (
    "AutoAllocatedEnabled", "Ip", "RegionId", "RelatedDeprecatedEndpointCount",
    "RelatedEndpointCount", "ResourceId", "ResourceSupportIPv6", "ResourceType", "VSwitchId",
    "VpcId", "ZoneId")
ENDPOINT_CREATE = (
    "AddressIpVersion", "Bandwidth", "ConnectionStatus", "CreateTime", "CrossRegionBandwidth",
    "EndpointBusinessStatus", "EndpointDescription", "EndpointDomain", "EndpointId",
    "EndpointName", "EndpointStatus", "ServiceId", "ServiceName", "ServiceRegionId", "VpcId",
    "ZoneAffinityEnabled")
ENDPOINT_GET = (
    "AddressIpVersion", "Bandwidth", "ConnectionStatus", "CreateTime", "CrossRegionBandwidth",
    "EndpointBusinessStatus", "EndpointDescription", "EndpointDomain", "EndpointId",
    "EndpointName", "EndpointStatus", "EndpointType", "Payer", "PolicyDocument",
    "ProtectedEnabled", "RegionId", "ResourceGroupId", "ResourceOwner", "ServiceId",
    "ServiceName", "ServiceRegionId", "VpcId", "ZoneAffinityEnabled", "ZonePrivateIpAddressCount")
ENDPOINT_LIST = tuple(f for f in ENDPOINT_GET if f != "ZonePrivateIpAddressCount") + ("Tags",)
ENDPOINT_ZONE = (
    "EniId", "EniIp", "RegionId", "VSwitchId", "ZoneDomain", "ZoneId", "ZoneIpv6Address",
    "ZoneStatus")
CONNECTION = (
    "Bandwidth", "ConnectionStatus", "EndpointId", "EndpointOwnerId", "EndpointRegionId",
    "EndpointVpcId", "ModifiedTime", "ResourceGroupId", "ResourceOwner", "ServiceId",
    "ServiceRegionId", "TrafficControlMode", "Zones")
CONNECTION_ZONE = (
    "EniId", "ReplacedEniId", "ReplacedResourceId", "ResourceId", "VSwitchId", "ZoneDomain",
    "ZoneId", "ZoneStatus")
SECURITY_GROUP = ("SecurityGroupId", "SecurityGroupStatus")
