"""Tags and resource groups, shared by services and endpoints (STATES §4)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from privatelink.domain.base import Caller, PrivateLinkAggregate, acts
from privatelink.domain.errors_invalid import InvalidTagKey, InvalidTagValue, QuotaExceededTagNum
from privatelink.domain.events import Recorded, TagEvents

MAX_TAGS = 20


def check_tag(key: str, value: str) -> None:
    """Key: 1-64 characters; value: up to 128; neither starts with ``aliyun`` or ``acs:`` nor
    contains ``http://`` or ``https://``."""
    if not key or len(key) > 64:
        raise InvalidTagKey(f"Tag key '{key}' must be 1 to 64 characters long.")
    if len(value) > 128:
        raise InvalidTagValue(f"The value of tag '{key}' must be at most 128 characters long.")
    for text, refusal in ((key, InvalidTagKey), (value, InvalidTagValue)):
        lowered = text.lower()
        if lowered.startswith(("aliyun", "acs:")) or "http://" in lowered or "https://" in lowered:
            raise refusal(
                f"'{text}' must not start with 'aliyun' or 'acs:' nor contain "
                "'http://' or 'https://'."
            )


def check_tags(tags: Iterable[tuple[str, str]]) -> None:
    for key, value in tags:
        check_tag(key, value)


def tagged(current: list[list[str]], tags: list[tuple[str, str]]) -> list[list[str]] | None:
    """Add or overwrite tags, at most 20 per resource: the new tags, or None when unchanged."""
    check_tags(tags)
    merged = {k: v for k, v in current}
    merged.update(dict(tags))
    if len(merged) > MAX_TAGS:
        raise QuotaExceededTagNum(f"A resource takes at most {MAX_TAGS} tags.")
    if merged == {k: v for k, v in current}:
        return None
    return [[k, v] for k, v in merged.items()]


def untagged(current: list[list[str]], keys: list[str] | None) -> list[list[str]] | None:
    """Remove the named tags, or all of them when ``keys`` is None; None when unchanged."""
    kept = [[k, v] for k, v in current if keys is not None and k not in keys]
    return None if kept == current else kept


class Taggable(PrivateLinkAggregate):
    """Base of the aggregates that carry tags and a resource group (a service, an endpoint):
    the tag commands, recording the shared :class:`TagEvents`."""

    tag_kind = "resource"
    """Which view the tag events update: overridden as 'service' or 'endpoint'."""

    if TYPE_CHECKING:  # set by each aggregate's creation; annotations would become fields
        tags: list[list[str]]
        resource_group_id: str

    def check_owned_by(self, account: str) -> None:
        raise NotImplementedError

    @acts
    def tag(self, by: Caller, tags: list[tuple[str, str]]) -> None:
        self.check_owned_by(by.account)
        changed = tagged(self.tags, tags)
        if changed is not None:
            self.trigger_event(TagEvents.TagsChanged, kind=self.tag_kind, tags=changed)

    @acts
    def untag(self, by: Caller, keys: list[str] | None) -> None:
        self.check_owned_by(by.account)
        changed = untagged(self.tags, keys)
        if changed is not None:
            self.trigger_event(TagEvents.TagsChanged, kind=self.tag_kind, tags=changed)

    @acts
    def change_resource_group(self, by: Caller, resource_group_id: str) -> None:
        self.check_owned_by(by.account)
        if resource_group_id != self.resource_group_id:
            self.trigger_event(
                TagEvents.ResourceGroupChanged,
                kind=self.tag_kind,
                resource_group_id=resource_group_id,
            )

    def apply_recorded(self, event: Recorded) -> None:
        """Apply a recorded part event with the aggregate's mutator for its class."""
        if isinstance(event, TagEvents.TagsChanged):
            self.tags = event.tags
        elif isinstance(event, TagEvents.ResourceGroupChanged):
            self.resource_group_id = event.resource_group_id
        else:
            raise TypeError(f"{type(self).__name__} has no mutator for {type(event).__qualname__}")
