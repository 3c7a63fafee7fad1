"""Tags and resource groups of services and endpoints."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from privatelink.application.aggregates import Aggregates
from privatelink.application.jobs import Command, Decision
from privatelink.application.use_case import Decide, UseCase
from privatelink.domain.errors import InvalidValue
from privatelink.domain.tags import Taggable

TAG_TYPES = {"vpcendpoint": "endpoint", "vpcendpointservice": "service"}
GROUP_TYPES = {"VpcEndpoint": "endpoint", "VpcEndpointService": "service"}


@dataclass(frozen=True)
class TagResources(UseCase):
    region: str
    resource_type: str
    ids: list[str]
    tags: list[tuple[str, str]]


@dataclass(frozen=True)
class UntagResources(UseCase):
    region: str
    resource_type: str
    ids: list[str]
    keys: list[str] | None


@dataclass(frozen=True)
class ChangeResourceGroup(UseCase):
    resource_type: str
    resource_id: str
    group_id: str


def tag_resources(w: Aggregates, c: TagResources, cmd: Command) -> Decide:
    return on_each_owned(
        w, cmd, c.resource_type, c.region, c.ids, lambda r: r.tag(cmd.caller, c.tags)
    )


def untag_resources(w: Aggregates, c: UntagResources, cmd: Command) -> Decide:
    return on_each_owned(
        w, cmd, c.resource_type, c.region, c.ids, lambda r: r.untag(cmd.caller, c.keys)
    )


def on_each_owned(
    w: Aggregates,
    cmd: Command,
    resource_type: str,
    region: str,
    ids: list[str],
    act: Callable[[Taggable], None],
) -> Decide:
    """The caller's own resources of ``ids``, each changed by ``act``, saved together."""
    kind = tag_kind(resource_type)

    def decide() -> Decision:
        resources = [w.owned(cmd.caller.account, kind, i, region) for i in ids]
        for resource in resources:
            act(resource)
        return {}, list(resources)

    return decide


def change_resource_group(w: Aggregates, c: ChangeResourceGroup, cmd: Command) -> Decide:
    if c.resource_type not in GROUP_TYPES:
        raise InvalidValue(
            f"ResourceType must be VpcEndpoint or VpcEndpointService; got '{c.resource_type}'."
        )
    kind = GROUP_TYPES[c.resource_type]

    def decide() -> Decision:
        resource = w.owned(cmd.caller.account, kind, c.resource_id, None)
        resource.change_resource_group(cmd.caller, c.group_id)
        return {}, [resource]

    return decide


def tag_kind(resource_type: str) -> str:
    if resource_type not in TAG_TYPES:
        raise InvalidValue(
            f"ResourceType must be vpcendpoint or vpcendpointservice; got '{resource_type}'."
        )
    return TAG_TYPES[resource_type]
