"""Every error a request can raise has its HTTP status in the one error table."""

from __future__ import annotations

import importlib
import pkgutil

import privatelink.api
import privatelink.domain
from privatelink.api.errors import ERROR_ROOTS, HTTP_STATUS, status_for


def all_subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub} | all_subclasses(sub)
    return found


def import_all(package: object) -> None:
    for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):  # type: ignore[attr-defined]
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)


def test_every_error_class_is_mapped_to_a_status() -> None:
    import_all(privatelink.domain)
    import_all(privatelink.api)
    unmapped = [cls.__qualname__ for root in ERROR_ROOTS for cls in all_subclasses(root)
                if not any(base in HTTP_STATUS for base in cls.__mro__)]
    assert unmapped == []


def test_every_mapped_status_is_an_error_status() -> None:
    assert all(400 <= status < 600 for status in HTTP_STATUS.values())


def test_refusals_of_client_input_are_4xx_never_5xx() -> None:
    from privatelink.domain.errors import DomainError

    import_all(privatelink.domain)
    statuses = {cls.__qualname__: status_for(cls.__new__(cls))
                for root in ERROR_ROOTS for cls in {root} | all_subclasses(root)
                if issubclass(cls, (DomainError, *ERROR_ROOTS))}
    assert {name: s for name, s in statuses.items() if not 400 <= s < 500} == {}


def test_status_for_picks_the_most_specific_class() -> None:
    from privatelink.domain.errors import EndpointServiceNotFound, InvalidValue

    assert status_for(EndpointServiceNotFound("epsrv-x")) == 404
    assert status_for(InvalidValue("bad")) == 400
