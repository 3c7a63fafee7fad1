"""Errors raised at the HTTP edge, before a command reaches the application."""


class EdgeError(Exception):
    """A request refused at the edge (signature, parameters, routing).

    Each subclass names the cloud error ``code`` it answers with; the HTTP status for it lives
    in the single error table of ``api/errors.py``.
    """

    code: str = "InvalidParameter"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
