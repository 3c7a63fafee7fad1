"""Issue 13 (habits: mypy --strict): the typed event declarations of domain/events.py are the
events the aggregates make at run time, so what the type checker reads is what the store holds."""

import dataclasses
import importlib

from eventsourcing.domain import decorated_funcs

from privatelink.domain import events

# Namespace of declarations -> the aggregate class that defines those events with @event.
DECLARED_FOR = {
    events.TaggableEvents: "privatelink.domain.tags:Taggable",
    events.ConnectionBookEvents: "privatelink.domain.connections:ConnectionBook",
    events.ZoneConnectionsEvents: "privatelink.domain.zone_connections:ZoneConnections",
    events.ServiceResourcesEvents: "privatelink.domain.service_resources:ServiceResources",
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
