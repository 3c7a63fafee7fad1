"""Refusals of the console's own pages (not of an API action); their HTTP statuses are in
the one error table of ``api/errors.py``."""

from __future__ import annotations

from privatelink.api.errors_base import EdgeError


class ConsoleOperationNotFound(EdgeError):
    """A console form posted an operation the page does not have."""

    code = "NotFound"
