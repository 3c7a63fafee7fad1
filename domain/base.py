"""Shared building blocks of the aggregates: who acts, ids and names."""

from __future__ import annotations

import copy
import functools
import secrets
import string
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Concatenate, ParamSpec, Protocol, Self, TypeVar, cast
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from privatelink.domain.events import Acted

_ID_ALPHABET = string.ascii_lowercase + string.digits
DOMAIN_SUFFIX = "privatelink.aliyuncs.com"


@dataclass(frozen=True)
class Caller:
    """The account a command acts as, and the request that carries it (AUD-1)."""

    account: str
    request_id: str


class IdGenerator(Protocol):
    """Port: makes cloud-style ids (``ep-`` + 20 lowercase letters and digits)."""

    def new_id(self, prefix: str) -> str: ...


class RandomIds:
    """Cloud-style ids from the operating system's random source."""

    def new_id(self, prefix: str) -> str:
        # 36 letters and digits: each random byte below 252 maps to one of them uniformly.
        chars: list[str] = []
        while len(chars) < 20:
            chars += [_ID_ALPHABET[b % 36] for b in secrets.token_bytes(24) if b < 252]
        return prefix + "".join(chars[:20])


def aggregate_uuid(kind: str, natural_key: str) -> UUID:
    """The event-store id of an aggregate named by a cloud id or another natural key."""
    return uuid5(NAMESPACE_URL, f"privatelink:{kind}:{natural_key}")


def service_name(region: str, service_id: str) -> str:
    return f"com.aliyuncs.privatelink.{region}.{service_id}"


def service_domain(region: str, service_id: str) -> str:
    return f"{service_id}.{region}.{DOMAIN_SUFFIX}"


def endpoint_domain(endpoint_id: str, service_id: str, region: str) -> str:
    return f"{endpoint_id}.{service_id}.{region}.{DOMAIN_SUFFIX}"


def zone_domain(endpoint_id: str, zone_id: str, service_id: str, region: str) -> str:
    return f"{endpoint_id}-{zone_id}.{service_id}.{region}.{DOMAIN_SUFFIX}"


def service_id_from_name(name: str) -> str | None:
    """The service id inside a service name, or None when the name is not one of ours."""
    prefix = "com.aliyuncs.privatelink."
    if not name.startswith(prefix):
        return None
    _, _, service_id = name[len(prefix) :].rpartition(".")
    return service_id or None


def payload_state(arguments: dict[str, Any], *kept_out: str) -> dict[str, Any]:
    """A ``Created`` payload (an ``__init__``'s ``locals()``) as the aggregate's first state:
    each value copied, so later changes of the state never touch the recorded event."""
    return {
        name: copy.deepcopy(value)
        for name, value in arguments.items()
        if name != "self" and name not in kept_out
    }


_ACTING: ContextVar[Caller] = ContextVar("privatelink_acting")
P = ParamSpec("P")
R = TypeVar("R")
A = TypeVar("A")


@contextmanager
def acting(by: Caller) -> Iterator[None]:
    """Every event recorded inside carries ``by``'s account and request id (AUD-1)."""
    token = _ACTING.set(by)
    try:
        yield
    finally:
        _ACTING.reset(token)


def acts(
    command: Callable[Concatenate[A, Caller, P], R],
) -> Callable[Concatenate[A, Caller, P], R]:
    """A command whose first argument is the caller it acts as: the events it records carry
    that caller (so no event method lists the actor or the request id)."""

    @functools.wraps(command)
    def run(self: A, by: Caller, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with acting(by):
            return command(self, by, *args, **kwargs)

    return run


class PrivateLinkAggregate(Aggregate):
    """Base of the aggregates: every event carries the acting account and request id."""

    class Event(Aggregate.Event, Acted):
        """An event of these aggregates: ``actor`` and ``request_id`` come from the caller of
        the command that records it (:func:`acts`), stamped by :meth:`trigger_event`."""

    def trigger_event(self, event_class: Any, **kwargs: Any) -> None:
        try:
            by = _ACTING.get()
        except LookupError:
            raise RuntimeError(
                f"{event_class.__qualname__} recorded outside a command acting for a caller"
            ) from None
        super().trigger_event(event_class, actor=by.account, request_id=by.request_id, **kwargs)

    created_event = "Created"
    """The name of the aggregate's creation event (its ``@event`` on ``__init__``)."""

    @classmethod
    def created_by(cls, by: Caller, **payload: Any) -> Self:
        """A new aggregate from its creation payload, recorded as acting for ``by``."""
        event_class = getattr(cls, cls.created_event)
        created: Any = cls._create(
            event_class, actor=by.account, request_id=by.request_id, **payload
        )
        return cast(Self, created)

    def check_not_deleted(self) -> None:
        """Overridden by aggregates that can be deleted."""
