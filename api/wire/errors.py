"""Errors for requests whose parameters do not fit the wire contract of their action."""

from privatelink.api.errors_base import EdgeError


class WireError(EdgeError):
    """A request refused while decoding its parameters, before any use case runs."""

    parameter: str | None = None
    """The wire name of the offending parameter (``Zone.2.VSwitchId``), when there is one."""


class MissingParameter(WireError):
    """A parameter the action requires was not sent."""

    code = "MissingParameter"

    def __init__(self, parameter: str) -> None:
        super().__init__(
            f'The input parameter "{parameter}" that is mandatory for processing this request '
            "is not supplied."
        )
        self.parameter = parameter


class InvalidParameter(WireError):
    """A parameter was sent but is malformed, out of range, duplicated or unknown."""

    code = "InvalidParameter"

    def __init__(self, parameter: str, problem: str) -> None:
        super().__init__(f'The parameter "{parameter}" {problem}.')
        self.parameter = parameter
        self.problem = problem


class UnknownAction(WireError):
    """The ``x-acs-action`` names no action of this API version."""

    code = "InvalidAction.NotFound"

    def __init__(self, action: str) -> None:
        super().__init__(f'The specified action "{action}" is not found.')
        self.action = action
