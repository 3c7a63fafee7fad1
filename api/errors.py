"""The one error table: every refusal's class -> HTTP status, answered in the cloud's shape
(``RequestId``, ``HostId``, ``Code``, ``Message``, ``Recommend``)."""

from __future__ import annotations

from typing import Any

from privatelink.api import auth, protocol
from privatelink.api import limit_errors as limits
from privatelink.api.errors_base import EdgeError
from privatelink.api.wire import errors as wire
from privatelink.application.writer_ports import StoreUnavailable
from privatelink.domain import errors as domain

HTTP_STATUS: dict[type[Exception], int] = {
    # the edge
    EdgeError: 400,
    auth.AuthError: 400,
    wire.WireError: 400,
    auth.IncompleteSignature: 400,
    auth.SignatureDoesNotMatch: 400,
    auth.InvalidAccessKeyIdNotFound: 404,
    auth.InvalidTimestampExpired: 400,
    auth.InvalidTimestampFormat: 400,
    auth.SignatureNonceUsed: 400,
    auth.MissingAction: 400,
    wire.MissingParameter: 400,
    wire.InvalidParameter: 400,
    wire.UnknownAction: 404,
    # the domain
    domain.DomainError: 400,
    domain.EndpointServiceNotFound: 404,
    domain.EndpointNotFound: 404,
    domain.ConnectionNotFound: 404,
    domain.InventoryNotFound: 404,
    domain.NotFound: 404,
    domain.InvalidValue: 400,
    domain.ResourceNotSupported: 400,
    domain.ZoneNotSupported: 400,
    domain.IpAddressUnavailable: 400,
    domain.OperationDenied: 409,
    domain.AlreadyExists: 409,
    domain.IdempotentParameterMismatch: 409,
    domain.ConcurrentModification: 409,
    domain.DryRunPassed: 400,
    domain.NotImplementedYet: 400,
}

ERROR_ROOTS: tuple[type[Exception], ...] = (EdgeError, domain.DomainError)


class ServiceUnavailable(Exception):
    """The store cannot be reached, or the views lag too far: retry later (HTTP 503)."""

    code = "ServiceUnavailable"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class AdminOnly(EdgeError):
    """An admin route called from outside this machine."""

    code = "Forbidden.AdminOnly"


HTTP_STATUS[ServiceUnavailable] = 503
HTTP_STATUS[StoreUnavailable] = 503
HTTP_STATUS[AdminOnly] = 403
HTTP_STATUS.update({protocol.InvalidVersion: 400, protocol.NotFoundPath: 404,
                    protocol.UnsupportedHTTPMethod: 405})
HTTP_STATUS.update({limits.RequestTimeout: 408, limits.BodyTooLarge: 413, limits.UrlTooLong: 414,
                    limits.HeadersTooLarge: 431, limits.TooManyParameters: 400,
                    limits.TooManyConnections: 503, limits.UnreadableRequest: 400})


def status_for(error: Exception) -> int:
    """The status of the most specific class in the table."""
    for cls in type(error).__mro__:
        if cls in HTTP_STATUS:
            return HTTP_STATUS[cls]
    raise LookupError(f"{type(error).__name__} is missing from the error table")


def error_body(error: Exception, request_id: str, host: str) -> dict[str, Any]:
    code = getattr(error, "code", "InternalError")
    return {
        "RequestId": request_id,
        "HostId": host,
        "Code": code,
        "Message": getattr(error, "message", str(error)),
        "Recommend": f"https://api.aliyun.com/troubleshoot?q={code}",
    }
