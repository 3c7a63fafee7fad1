"""Domain errors: one class per cloud error ``code``, the code a class attribute (never an
argument), so a class answers with one code and, in the single error table of
``api/errors.py``, one HTTP status. The bases here (``NotFound``, ``InvalidValue``...) group
them; the refusals of a value are in ``errors_invalid.py``, those of a state in
``errors_denied.py``.
"""

from __future__ import annotations


class DomainError(Exception):
    """A command or query refused by a rule; nothing is recorded.

    Abstract: every concrete subclass sets ``code`` and is in the error table."""

    code: str

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """The named thing does not exist, or belongs to another account (SEC-3)."""


class RecordNotFound(NotFound):
    """An aggregate or inventory entry that another record names is missing from the store
    (a view ahead of the log, a hand-edited inventory). The cloud has no code for such an
    inner miss; its generic ``OperationDenied`` is the one answered, as before."""

    code = "OperationDenied"


class EndpointServiceNotFound(NotFound):
    """No endpoint service with that id or name is visible to the caller."""

    code = "EndpointServiceNotFound"

    def __init__(self, service: str, why: str = "does not exist") -> None:
        super().__init__(f"The specified endpoint service '{service}' {why}.")


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


class EndpointServiceResourceNotFound(NotFound):
    """A service resource that is not attached to the endpoint service (in that zone), or a
    load balancer the inventory does not hold for the caller."""

    code = "EndpointServiceResourceNotFound"


class InventoryNotFound(NotFound):
    """Abstract: a VPC, vSwitch, security group, load balancer or region that the inventory
    does not hold for the caller. The message is ``missing(kind, ident)``."""


def missing(kind: str, ident: str) -> str:
    """The message of an inventory miss."""
    return f"The specified {kind} '{ident}' does not exist."


class InvalidRegionIdNotFound(InventoryNotFound):
    """A region the inventory does not have."""

    code = "InvalidRegionId.NotFound"


class InvalidResourceIdNotFound(InventoryNotFound):
    """A load balancer the inventory does not hold for the caller."""

    code = "InvalidResourceId.NotFound"


class InvalidVpcIdNotFound(InventoryNotFound):
    """A VPC the inventory does not hold for the caller."""

    code = "InvalidVpcId.NotFound"


class InvalidVSwitchIdNotFound(InventoryNotFound):
    """A vSwitch that is not in the VPC."""

    code = "InvalidVSwitchId.NotFound"


class InvalidSecurityGroupIdNotFound(InventoryNotFound):
    """A security group that is not in the VPC, or not attached to the endpoint."""

    code = "InvalidSecurityGroupId.NotFound"


class InvalidValue(DomainError):
    """A parameter value that breaks a rule of the cloud (a bad combination, a value out
    of the allowed set). Its subclasses in ``errors_invalid.py`` name the value exactly."""

    code = "InvalidParameter"


class ResourceNotSupported(DomainError):
    """A load balancer that cannot back an endpoint service (SVC-2, SVC-4)."""

    code = "EndpointServiceResourceNotSupported"


class ZoneNotSupported(DomainError):
    """An endpoint zone the service does not serve (EP-3)."""

    code = "EndpointZoneNotSupported"


class IpAddressUnavailable(DomainError):
    """An ENI address that is outside the vSwitch, reserved, or taken (EP-4)."""

    code = "InvalidIpAddress"


class OperationDenied(DomainError):
    """Abstract: the thing exists but its state does not allow the operation now
    (``errors_denied.py``)."""


class AlreadyExists(DomainError):
    """Abstract: the thing to add is already there (``errors_denied.py``)."""


class IdempotentParameterMismatch(DomainError):
    """A ClientToken reused for the same action with different parameters."""

    code = "IdempotentParameterMismatch"

    def __init__(self, token: str) -> None:
        super().__init__(f"The ClientToken '{token}' was already used with different parameters.")


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
