"""Domain errors: each names the cloud error ``code`` it answers with.

The HTTP status of each class lives in the single error table of ``api/errors.py``.
"""

from __future__ import annotations


class DomainError(Exception):
    """A command or query refused by a rule; nothing is recorded."""

    code: str = "OperationDenied"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """The named thing does not exist, or belongs to another account (SEC-3)."""


class EndpointServiceNotFound(NotFound):
    """No endpoint service with that id or name is visible to the caller."""

    code = "EndpointServiceNotFound"

    def __init__(self, service: str) -> None:
        super().__init__(f"The specified endpoint service '{service}' does not exist.")


class EndpointNotFound(NotFound):
    """No endpoint with that id is visible to the caller."""

    code = "EndpointNotFound"

    def __init__(self, endpoint_id: str) -> None:
        super().__init__(f"The specified endpoint '{endpoint_id}' does not exist.")


class ConnectionNotFound(NotFound):
    """The endpoint has no connection to that service."""

    code = "EndpointConnectionNotFound"

    def __init__(self, service_id: str, endpoint_id: str) -> None:
        super().__init__(
            f"The endpoint '{endpoint_id}' has no connection to the endpoint service "
            f"'{service_id}'."
        )


class InventoryNotFound(NotFound):
    """A VPC, vSwitch, security group, load balancer, region or zone that the inventory
    does not hold for the caller."""

    def __init__(self, code: str, kind: str, ident: str) -> None:
        super().__init__(f"The specified {kind} '{ident}' does not exist.")
        self.code = code


class InvalidValue(DomainError):
    """A parameter value that breaks a rule of the cloud (a bad combination, a value out
    of the allowed set)."""

    code = "InvalidParameter"

    def __init__(self, message: str, code: str = "InvalidParameter") -> None:
        super().__init__(message)
        self.code = code


class ResourceNotSupported(DomainError):
    """A load balancer that cannot back an endpoint service (SVC-2, SVC-4)."""

    code = "EndpointServiceResourceNotSupported"


class ZoneNotSupported(DomainError):
    """An endpoint zone the service does not serve (EP-3)."""

    code = "EndpointZoneNotSupported"


class IpAddressUnavailable(DomainError):
    """An ENI address that is outside the vSwitch, reserved, or taken (EP-4)."""

    code = "InvalidIpAddress"

    def __init__(self, message: str, code: str = "InvalidIpAddress") -> None:
        super().__init__(message)
        self.code = code


class OperationDenied(DomainError):
    """The thing exists but its state does not allow the operation now."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


class AlreadyExists(DomainError):
    """The thing to add is already there."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


class IdempotentParameterMismatch(DomainError):
    """A ClientToken reused for the same action with different parameters."""

    code = "IdempotentParameterMismatch"

    def __init__(self, token: str) -> None:
        super().__init__(
            f"The ClientToken '{token}' was already used with different parameters."
        )


class ConcurrentModification(DomainError):
    """Optimistic concurrency kept failing; the client may retry."""

    code = "ConcurrentCallNotSupported"

    def __init__(self) -> None:
        super().__init__(
            "The resource was changed by a concurrent request too many times; retry the call."
        )


class DryRunPassed(DomainError):
    """DryRun=true and every check passed; nothing was recorded."""

    code = "DryRunOperation"

    def __init__(self) -> None:
        super().__init__("Request validation has been passed with DryRun flag set.")


class NotImplementedYet(DomainError):
    """An action whose behaviour the emulator does not provide yet."""

    code = "UnsupportedOperation"
