"""Tags and resource groups, shared by services and endpoints (STATES §4)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, TypeAlias

from eventsourcing.domain import event

from privatelink.domain.base import Caller, PrivateLinkAggregate, acts
from privatelink.domain.errors_invalid import InvalidTagKey, InvalidTagValue, QuotaExceededTagNum

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


if TYPE_CHECKING:
    from privatelink.domain.events import TaggableEvents


class Taggable(PrivateLinkAggregate):
    """Tags and resource group of an aggregate."""

    if TYPE_CHECKING:  # its events, as domain/events.py declares them
        TagsChanged: TypeAlias = TaggableEvents.TagsChanged
        ResourceGroupChanged: TypeAlias = TaggableEvents.ResourceGroupChanged

    tag_kind = "resource"
    """Which view the tag events update: overridden as 'service' or 'endpoint'."""

    if TYPE_CHECKING:
        tags: list[list[str]]
        resource_group_id: str

        def check_owned_by(self, account: str) -> None: ...

    @acts
    def tag(self, by: Caller, tags: list[tuple[str, str]]) -> None:
        """Add or overwrite tags; at most 20 per resource."""
        self.check_owned_by(by.account)
        check_tags(tags)
        merged = {k: v for k, v in self.tags}
        merged.update(dict(tags))
        if len(merged) > MAX_TAGS:
            raise QuotaExceededTagNum(f"A resource takes at most {MAX_TAGS} tags.")
        if merged != {k: v for k, v in self.tags}:
            self._tags_changed(self.tag_kind, [[k, v] for k, v in merged.items()])

    @acts
    def untag(self, by: Caller, keys: list[str] | None) -> None:
        """Remove the named tags, or all of them when ``keys`` is None."""
        self.check_owned_by(by.account)
        kept = [[k, v] for k, v in self.tags if keys is not None and k not in keys]
        if kept != self.tags:
            self._tags_changed(self.tag_kind, kept)

    @event("TagsChanged")
    def _tags_changed(self, kind: str, tags: list[list[str]]) -> None:
        self.tags = tags

    @acts
    def change_resource_group(self, by: Caller, resource_group_id: str) -> None:
        self.check_owned_by(by.account)
        if resource_group_id != self.resource_group_id:
            self._resource_group_changed(self.tag_kind, resource_group_id)

    @event("ResourceGroupChanged")
    def _resource_group_changed(self, kind: str, resource_group_id: str) -> None:
        self.resource_group_id = resource_group_id
