"""The one error table and the one function that turns an error into the cloud's answer.

Every class an action, a route or the edge raises is a key of ``HTTP_STATUS``: its cloud
``code`` is a class attribute, so each class answers with one code and one status, and
``tests/unit/test_error_table.py`` fails when a raised class is missing here or when one code
would answer with two statuses. Bases (``EdgeError``, ``NotFound``, ``OperationDenied``...)
are abstract and not keys: the lookup is by exact class.
"""

from __future__ import annotations

import logging
from typing import Any

from privatelink.api import auth
from privatelink.api import errors_protocol as protocol
from privatelink.api import limit_errors as limits
from privatelink.api.errors_base import EdgeError
from privatelink.api.errors_console import ConsoleOperationNotFound
from privatelink.api.wire import errors as wire
from privatelink.application.writer_ports import StoreUnavailable
from privatelink.domain import errors as domain
from privatelink.domain import errors_denied as denied
from privatelink.domain import errors_invalid as invalid
from privatelink.domain import errors_inventory as inventory

log = logging.getLogger("privatelink")


class ServiceUnavailable(Exception):
    """The store cannot be reached, or the views lag too far: retry later (HTTP 503)."""

    code = "ServiceUnavailable"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class AdminOnly(EdgeError):
    """An admin route called from outside this machine."""

    code = "Forbidden.AdminOnly"


HTTP_STATUS: dict[type[Exception], int] = {
    # -- the edge: signature, protocol, parameters, bounds ------------------------------------
    **dict.fromkeys(
        [
            auth.IncompleteSignature,
            auth.SignatureDoesNotMatch,
            auth.InvalidTimestampExpired,
            auth.InvalidTimestampFormat,
            auth.SignatureNonceUsed,
            auth.MissingAction,
            wire.MissingParameter,
            wire.InvalidParameter,
            protocol.InvalidVersion,
            protocol.InvalidRequest,
            limits.TooManyParameters,
            limits.UnreadableRequest,
        ],
        400,
    ),
    AdminOnly: 403,
    **dict.fromkeys(
        [
            auth.InvalidAccessKeyIdNotFound,
            wire.UnknownAction,
            protocol.NotFoundPath,
            ConsoleOperationNotFound,
        ],
        404,
    ),
    protocol.UnsupportedHTTPMethod: 405,
    limits.RequestTimeout: 408,
    limits.BodyTooLarge: 413,
    limits.UrlTooLong: 414,
    limits.HeadersTooLarge: 431,
    **dict.fromkeys([ServiceUnavailable, StoreUnavailable, limits.TooManyConnections], 503),
    # -- the domain: a value refused (400) ----------------------------------------------------
    **dict.fromkeys(
        [
            domain.InvalidValue,
            domain.ResourceNotSupported,
            domain.ZoneNotSupported,
            domain.DryRunPassed,
            domain.NotImplementedYet,
            invalid.MissingValue,
            invalid.EndpointZoneNotFound,
            invalid.InvalidZoneIdNotFound,
            invalid.InvalidResourceType,
            invalid.InvalidVSwitchIdZoneMismatch,
            invalid.EndpointServiceRegionNotSupported,
            invalid.OperationDeniedPayerImmutable,
            invalid.InvalidParameterAddressIpVersion,
            invalid.InvalidParameterZoneAffinityEnabled,
            invalid.InvalidParameterPolicyDocument,
            invalid.InvalidParameterBandwidth,
            invalid.InvalidParameterConnectBandwidth,
            invalid.InvalidParameterCrossRegionBandwidth,
            invalid.InvalidParameterTrafficControlMode,
            invalid.InvalidParameterResourceId,
            invalid.InvalidParameterVersion,
            invalid.InvalidParameterAsOf,
            invalid.InvalidTagKey,
            invalid.InvalidTagValue,
            invalid.QuotaExceededTagNum,
            inventory.InventoryChangeRefused,
            inventory.InvalidParameterKind,
        ],
        400,
    ),
    # -- the domain: an address refused (400) -------------------------------------------------
    **dict.fromkeys(
        [
            domain.IpAddressUnavailable,
            invalid.InvalidIpAddressNotInVSwitch,
            invalid.InvalidIpAddressReserved,
            invalid.InvalidIpAddressAlreadyUsed,
            invalid.InvalidVSwitchIdIpNotEnough,
            invalid.InvalidIpv6Address,
            invalid.InvalidIpv6AddressNotInVSwitch,
            invalid.InvalidIpv6AddressReserved,
            invalid.InvalidIpv6AddressAlreadyUsed,
        ],
        400,
    ),
    # -- the domain: not found (404) ----------------------------------------------------------
    **dict.fromkeys(
        [
            domain.RecordNotFound,
            domain.EndpointServiceNotFound,
            domain.EndpointNotFound,
            domain.ConnectionNotFound,
            domain.EndpointServiceResourceNotFound,
            domain.InvalidRegionIdNotFound,
            domain.InvalidResourceIdNotFound,
            domain.InvalidVpcIdNotFound,
            domain.InvalidVSwitchIdNotFound,
            domain.InvalidSecurityGroupIdNotFound,
            inventory.InvalidInventoryAccountNotFound,
            inventory.InvalidInventoryAccessKeyNotFound,
            inventory.InvalidInventoryRegionNotFound,
            inventory.InvalidInventoryVpcNotFound,
            inventory.InvalidInventoryVSwitchNotFound,
            inventory.InvalidInventorySecurityGroupNotFound,
            inventory.InvalidInventoryLoadBalancerNotFound,
            inventory.InvalidInventoryListenerNotFound,
        ],
        404,
    ),
    # -- the domain: a state refused (409) ----------------------------------------------------
    **dict.fromkeys(
        [
            domain.IdempotentParameterMismatch,
            domain.ConcurrentModification,
            denied.EndpointConnectionOperationDenied,
            denied.EndpointZoneConnectionOperationDenied,
            denied.EndpointOperationDenied,
            denied.EndpointServiceConnectionDependence,
            denied.EndpointServiceResourceDependence,
            denied.EndpointServiceResourceInUse,
            denied.EndpointServiceUserNotFound,
            denied.OperationDeniedAlreadyDown,
            denied.OperationDeniedNotDown,
            denied.OperationDeniedAutoAllocationEnabled,
            denied.OperationDeniedCrossRegionConnection,
            denied.OperationDeniedCrossRegionNeedsTwoZones,
            denied.OperationDeniedHomeRegion,
            denied.OperationDeniedLastAutoAllocatedResource,
            denied.OperationDeniedNotClb,
            denied.OperationDeniedResourceManagementNotEnabled,
            denied.EndpointSecurityGroupAlreadyAttached,
            denied.EndpointServiceResourceAlreadyExists,
            denied.EndpointServiceUserAlreadyExists,
            denied.EndpointZoneAlreadyExists,
            denied.OperationDeniedInventoryItemInUse,
            denied.OperationDeniedLoadBalancerInUse,
        ],
        409,
    ),
}

KNOWN_ERRORS: tuple[type[Exception], ...] = tuple(HTTP_STATUS)
"""The refusals: every class of the table (for ``except``)."""

ERROR_ROOTS: tuple[type[Exception], ...] = (EdgeError, domain.DomainError)

INTERNAL_ERROR = "The request processing has failed due to some unknown error."


def error_response(error: BaseException, request_id: str, host: str) -> tuple[int, dict[str, Any]]:
    """The one translation of an error into the cloud's answer ``(status, body)``, used by
    every route (RPC, admin, console, the edge's bounds, the framework's own refusals).

    A class of the table answers with its status and code; an outage of the event store is a
    503 ``ServiceUnavailable``; anything else is logged and answered 500 ``InternalError``."""
    status = HTTP_STATUS.get(type(error)) if isinstance(error, Exception) else None
    if status is not None:
        return status, error_body(error, request_id, host)
    if is_database_outage(error):
        unavailable = ServiceUnavailable("The event store is unavailable; retry shortly.")
        return 503, error_body(unavailable, request_id, host)
    log.error("request %s failed", request_id, exc_info=error)
    return 500, {
        "RequestId": request_id,
        "HostId": host,
        "Code": "InternalError",
        "Message": INTERNAL_ERROR,
    }


def status_for(error: BaseException) -> int:
    """The status of the error's class in the table (exact class: no base answers for it)."""
    try:
        if not isinstance(error, Exception):
            raise KeyError(type(error))
        return HTTP_STATUS[type(error)]
    except KeyError:
        raise LookupError(f"{type(error).__name__} is missing from the error table") from None


def error_body(error: BaseException, request_id: str, host: str) -> dict[str, Any]:
    """The cloud's error body for a refusal of the table."""
    code = getattr(error, "code", "InternalError")
    return {
        "RequestId": request_id,
        "HostId": host,
        "Code": code,
        "Message": getattr(error, "message", str(error)),
        "Recommend": f"https://api.aliyun.com/troubleshoot?q={code}",
    }


def is_database_outage(error: BaseException) -> bool:
    """The event store cannot be reached (a 503 the client may retry, not a 500)."""
    import psycopg
    from eventsourcing.persistence import InterfaceError, OperationalError

    return isinstance(error, (psycopg.OperationalError, OperationalError, InterfaceError))
