"""Refusals of a state (the thing exists, or is already there): one class per cloud code,
each a 409 in ``api/errors.py``."""

from __future__ import annotations

from privatelink.domain.errors import AlreadyExists, OperationDenied


class EndpointConnectionOperationDenied(OperationDenied):
    """The connection's state does not allow the operation now."""

    code = "EndpointConnectionOperationDenied"


class EndpointZoneConnectionOperationDenied(OperationDenied):
    """The zone connection's state does not allow the operation now (RES-6, RES-9)."""

    code = "EndpointZoneConnectionOperationDenied"


class EndpointOperationDenied(OperationDenied):
    """The endpoint's state does not allow the operation (e.g. removing its last zone)."""

    code = "EndpointOperationDenied"


class EndpointServiceConnectionDependence(OperationDenied):
    """An endpoint service with live connections cannot be deleted (DEL-1)."""

    code = "EndpointServiceConnectionDependence"


class EndpointServiceResourceDependence(OperationDenied):
    """An endpoint service with service resources cannot be deleted (DEL-1)."""

    code = "EndpointServiceResourceDependence"


class EndpointServiceResourceInUse(OperationDenied):
    """A resource that serves a zone connection cannot be detached (RES-2)."""

    code = "EndpointServiceResourceInUse"


class EndpointServiceUserNotFound(OperationDenied):
    """A user to remove who is not on the whitelist."""

    code = "EndpointServiceUserNotFound"


class OperationDeniedAlreadyDown(OperationDenied):
    """A load balancer marked down that is already down (RES-8)."""

    code = "OperationDenied.AlreadyDown"


class OperationDeniedNotDown(OperationDenied):
    """A load balancer marked up that is not down (RES-8)."""

    code = "OperationDenied.NotDown"


class OperationDeniedAutoAllocationEnabled(OperationDenied):
    """A zone resource to replace that is still automatically allocated (RES-9)."""

    code = "OperationDenied.AutoAllocationEnabled"


class OperationDeniedCrossRegionConnection(OperationDenied):
    """Manual allocation on a cross-region connection (XR-7)."""

    code = "OperationDenied.CrossRegionConnection"


class OperationDeniedCrossRegionNeedsTwoZones(OperationDenied):
    """Resources of a cross-region service that would span fewer than two zones (XR-2)."""

    code = "OperationDenied.CrossRegionNeedsTwoZones"


class OperationDeniedHomeRegion(OperationDenied):
    """Removing the home region from the supported regions (XR-3)."""

    code = "OperationDenied.HomeRegion"


class OperationDeniedLastAutoAllocatedResource(OperationDenied):
    """A zone left without a resource for automatic allocation (RES-3)."""

    code = "OperationDenied.LastAutoAllocatedResource"


class OperationDeniedNotClb(OperationDenied):
    """Replacing a service resource that is not a CLB (RES-9)."""

    code = "OperationDenied.NotClb"


class OperationDeniedResourceManagementNotEnabled(OperationDenied):
    """Manual resource management without the account's quota (RES-5)."""

    code = "OperationDenied.ResourceManagementNotEnabled"


class EndpointSecurityGroupAlreadyAttached(AlreadyExists):
    """A security group already attached to the endpoint."""

    code = "EndpointSecurityGroupAlreadyAttached"


class EndpointServiceResourceAlreadyExists(AlreadyExists):
    """A resource already attached to the endpoint service."""

    code = "EndpointServiceResourceAlreadyExists"


class EndpointServiceUserAlreadyExists(AlreadyExists):
    """A user already on the whitelist."""

    code = "EndpointServiceUserAlreadyExists"


class EndpointZoneAlreadyExists(AlreadyExists):
    """A zone the endpoint already has."""

    code = "EndpointZoneAlreadyExists"


class OperationDeniedInventoryItemInUse(OperationDenied):
    """An inventory item that endpoints still use cannot be removed (issue 12)."""

    code = "OperationDenied.InventoryItemInUse"


class OperationDeniedLoadBalancerInUse(OperationDenied):
    """A load balancer that backs endpoint services cannot be removed (issue 12)."""

    code = "OperationDenied.LoadBalancerInUse"
