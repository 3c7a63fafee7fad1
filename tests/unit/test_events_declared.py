"""Issue 13 (habits: mypy --strict): the typed event declarations of domain/events.py are the
events the aggregates make at run time, so what the type checker reads is what the store holds."""

import dataclasses
import importlib
import subprocess
import sys

from eventsourcing.domain import decorated_funcs
from eventsourcing.utils import resolve_topic

from privatelink.domain import events
from privatelink.domain.service_mutators import MUTATORS

# Namespace of declarations -> the aggregate class that defines those events with @event.
DECLARED_FOR = {
    events.EndpointServiceEvents: "privatelink.domain.service:EndpointService",
    events.EndpointEvents: "privatelink.domain.endpoint:Endpoint",
}
BASE_FIELDS = {"originator_id", "originator_version", "timestamp", "originator_topic"}


def aggregate(topic: str) -> type:
    module, _, name = topic.partition(":")
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


def declared(namespace: type) -> dict[str, type]:
    return {name: value for name, value in vars(namespace).items() if isinstance(value, type)}


def payload(event_class: type) -> set[str]:
    return {f.name for f in dataclasses.fields(event_class)} - BASE_FIELDS


def test_issue_13_every_declared_event_has_the_fields_of_the_library_class() -> None:
    """Each declaration names exactly the fields of the event class the library makes."""
    wrong = {}
    for namespace, topic in DECLARED_FOR.items():
        cls = aggregate(topic)
        for name, declaration in declared(namespace).items():
            if payload(getattr(cls, name)) != payload(declaration):
                wrong[f"{topic}.{name}"] = (payload(getattr(cls, name)), payload(declaration))
    assert wrong == {}


def test_issue_13_every_event_of_the_aggregates_is_declared() -> None:
    """No @event method of these aggregates makes an event that domain/events.py omits."""
    missing = []
    for namespace, topic in DECLARED_FOR.items():
        cls = aggregate(topic)
        made = {
            event_class.__name__
            for event_class, func in decorated_funcs.items()
            if func.__qualname__.startswith(f"{cls.__qualname__}.")
            and func.__module__ == cls.__module__
        }
        missing += [f"{topic}.{name}" for name in sorted(made - set(declared(namespace)))]
    assert missing == []


PART_EVENTS = {
    events.TagEvents: None,
    events.ConnectionEvents: "connections:ConnectionBook",
    events.ZoneConnectionEvents: "zone_connections:ZoneConnections",
    events.ResourceEvents: "service_resources:ServiceResources",
}


def test_issue_13_every_part_event_of_a_service_has_its_mutator() -> None:
    """The service applies each recorded part event with one mutator; none is left out."""
    unapplied = [
        name
        for namespace in PART_EVENTS
        if namespace is not events.TagEvents
        for name, cls in declared(namespace).items()
        if cls not in MUTATORS
    ]
    assert unapplied == []


def test_issue_13_part_events_stored_under_their_old_topics_still_resolve() -> None:
    """Events the parts recorded when they were base classes of the aggregate were stored as
    ``privatelink.domain.connections:ConnectionBook.ConnectionRequested`` (and, before that,
    without the ``privatelink.`` prefix): both resolve to the declared classes."""
    old = {**{ns: old for ns, old in PART_EVENTS.items() if old}, events.TagEvents: "tags:Taggable"}
    wrong = []
    for namespace, where in old.items():
        for name, cls in declared(namespace).items():
            for package in ("privatelink.domain", "domain"):
                if resolve_topic(f"{package}.{where}.{name}") is not cls:
                    wrong.append(f"{package}.{where}.{name}")
    assert wrong == []


def test_issue_13_every_part_event_carries_the_actor_and_the_request() -> None:
    for namespace in PART_EVENTS:
        for cls in declared(namespace).values():
            assert {"actor", "request_id"} <= payload(cls), cls


def test_issue_13_old_part_topics_resolve_in_a_process_that_only_imported_the_domain() -> None:
    """A reader that decodes the log without touching the service module still resolves them."""
    script = (
        "import privatelink.domain\n"
        "from eventsourcing.utils import resolve_topic\n"
        "for topic in ('privatelink.domain.connections:ConnectionBook.ConnectionRequested',\n"
        "              'domain.zone_connections:ZoneConnections.ResourceFailed',\n"
        "              'privatelink.domain.tags:Taggable.TagsChanged'):\n"
        "    print(resolve_topic(topic).__qualname__)\n"
    )
    found = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.split()
    assert found == [
        "ConnectionEvents.ConnectionRequested",
        "ZoneConnectionEvents.ResourceFailed",
        "TagEvents.TagsChanged",
    ]
