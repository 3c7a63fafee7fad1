"""Refusals of the cloud protocol's gateway (version, path, method, the framework's own
refusals); their HTTP statuses are in the one error table of ``api/errors.py``."""

from __future__ import annotations

from privatelink.api.errors_base import EdgeError


class InvalidVersion(EdgeError):
    """The request names another version of the API than 2020-04-15."""

    code = "InvalidVersion"


class NotFoundPath(EdgeError):
    """A path this server does not serve (the API is on ``/``)."""

    code = "InvalidUri.NotFound"


class UnsupportedHTTPMethod(EdgeError):
    """A method the gateway does not take on this path."""

    code = "UnsupportedHTTPMethod"


class InvalidRequest(EdgeError):
    """A request the framework refused before any route ran (input it could not validate)."""

    code = "InvalidParameter"
