"""Refusals of a value: one class per cloud code, each a 400 in ``api/errors.py``."""

from __future__ import annotations

from privatelink.domain.errors import InvalidValue, IpAddressUnavailable


class MissingValue(InvalidValue):
    """A value the call needs was not given (a parameter required only in some combination)."""

    code = "MissingParameter"


class EndpointZoneNotFound(InvalidValue):
    """The endpoint has no zone with that id."""

    code = "EndpointZoneNotFound"


class InvalidZoneIdNotFound(InvalidValue):
    """A zone where the resource has no presence."""

    code = "InvalidZoneId.NotFound"


class InvalidResourceType(InvalidValue):
    """A resource whose type is not the one declared."""

    code = "InvalidResourceType"


class InvalidVSwitchIdZoneMismatch(InvalidValue):
    """A vSwitch that is in another zone than the one given with it (EP-3)."""

    code = "InvalidVSwitchId.ZoneMismatch"


class EndpointServiceRegionNotSupported(InvalidValue):
    """An endpoint region the service does not support (EP-2, XR-4)."""

    code = "EndpointService.RegionNotSupported"


class OperationDeniedPayerImmutable(InvalidValue):
    """A change of the payer of an endpoint service (SVC-5)."""

    code = "OperationDenied.PayerImmutable"


class InvalidParameterAddressIpVersion(InvalidValue):
    """A DualStack endpoint of a service that is not DualStack (EP-5)."""

    code = "InvalidParameter.AddressIpVersion"


class InvalidParameterZoneAffinityEnabled(InvalidValue):
    """Zone affinity asked of a service that does not offer it (EP-7)."""

    code = "InvalidParameter.ZoneAffinityEnabled"


class InvalidParameterPolicyDocument(InvalidValue):
    """A PolicyDocument that is not a JSON object."""

    code = "InvalidParameter.PolicyDocument"


class InvalidParameterBandwidth(InvalidValue):
    """A bandwidth outside the range of the service's resource type (BW-2)."""

    code = "InvalidParameter.Bandwidth"


class InvalidParameterConnectBandwidth(InvalidValue):
    """A ConnectBandwidth on a non-CLB service or out of range (BW-3)."""

    code = "InvalidParameter.ConnectBandwidth"


class InvalidParameterCrossRegionBandwidth(InvalidValue):
    """A cross-region bandwidth out of range, or on an intra-region endpoint (XR-6)."""

    code = "InvalidParameter.CrossRegionBandwidth"


class InvalidParameterTrafficControlMode(InvalidValue):
    """A TrafficControlMode the service's resource type does not offer."""

    code = "InvalidParameter.TrafficControlMode"


class InvalidParameterResourceId(InvalidValue):
    """A history query for an id that is neither an endpoint service nor an endpoint."""

    code = "InvalidParameter.ResourceId"


class InvalidParameterVersion(InvalidValue):
    """A history version the resource's log does not have (or cannot rebuild)."""

    code = "InvalidParameter.Version"


class InvalidParameterAsOf(InvalidValue):
    """A history moment before the resource existed."""

    code = "InvalidParameter.AsOf"


class InvalidTagKey(InvalidValue):
    """A tag key that is empty, too long, or reserved."""

    code = "InvalidTagKey"


class InvalidTagValue(InvalidValue):
    """A tag value that is too long or reserved."""

    code = "InvalidTagValue"


class QuotaExceededTagNum(InvalidValue):
    """More tags on a resource than it takes."""

    code = "QuotaExceeded.TagNum"


class InvalidIpAddressNotInVSwitch(IpAddressUnavailable):
    """An IPv4 address outside the vSwitch's CIDR block (EP-4)."""

    code = "InvalidIpAddress.NotInVSwitch"


class InvalidIpAddressReserved(IpAddressUnavailable):
    """An IPv4 address the vSwitch reserves (EP-4)."""

    code = "InvalidIpAddress.Reserved"


class InvalidIpAddressAlreadyUsed(IpAddressUnavailable):
    """An IPv4 address already taken in the vSwitch (EP-4)."""

    code = "InvalidIpAddress.AlreadyUsed"


class InvalidVSwitchIdIpNotEnough(IpAddressUnavailable):
    """A vSwitch with no free address left."""

    code = "InvalidVSwitchId.IpNotEnough"


class InvalidIpv6Address(IpAddressUnavailable):
    """A value that is not an IPv6 address."""

    code = "InvalidIpv6Address"


class InvalidIpv6AddressNotInVSwitch(IpAddressUnavailable):
    """An IPv6 address outside the vSwitch's IPv6 block."""

    code = "InvalidIpv6Address.NotInVSwitch"


class InvalidIpv6AddressReserved(IpAddressUnavailable):
    """An IPv6 address the vSwitch reserves."""

    code = "InvalidIpv6Address.Reserved"


class InvalidIpv6AddressAlreadyUsed(IpAddressUnavailable):
    """An IPv6 address already taken in the vSwitch."""

    code = "InvalidIpv6Address.AlreadyUsed"
