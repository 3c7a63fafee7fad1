"""Tags and resource groups of services and endpoints."""

from __future__ import annotations

from privatelink.application.unit_of_work import Command, Decision, Outcome
from privatelink.application.zone_connections import ZoneConnectionCommands
from privatelink.domain.endpoint import Endpoint
from privatelink.domain.errors import InvalidValue, NotFound
from privatelink.domain.tags import Taggable

TAG_TYPES = {"vpcendpoint": "endpoint", "vpcendpointservice": "service"}
GROUP_TYPES = {"VpcEndpoint": "endpoint", "VpcEndpointService": "service"}


class TagCommands(ZoneConnectionCommands):
    """TagResources, UntagResources and ChangeResourceGroup."""

    def owned(self, account: str, kind: str, resource_id: str, region: str | None) -> Taggable:
        if kind == "endpoint":
            return self.endpoint(account, resource_id, region or self._region_of(resource_id))
        return self.own_service(account, resource_id, region or self._service_region(resource_id))

    def _region_of(self, endpoint_id: str) -> str:
        try:
            return str(self.load(Endpoint, Endpoint.create_id(endpoint_id)).region)
        except NotFound:
            return ""

    def _service_region(self, service_id: str) -> str:
        try:
            return str(self.service(service_id).region)
        except NotFound:
            return ""

    def tag_resources(
        self,
        cmd: Command,
        region: str,
        resource_type: str,
        ids: list[str],
        tags: list[tuple[str, str]],
    ) -> Outcome:
        kind = tag_kind(resource_type)

        def decide() -> Decision:
            resources = [self.owned(cmd.caller.account, kind, i, region) for i in ids]
            for resource in resources:
                resource.tag(cmd.caller, tags)
            return {}, list(resources)

        return self.execute(cmd, decide)

    def untag_resources(
        self, cmd: Command, region: str, resource_type: str, ids: list[str], keys: list[str] | None
    ) -> Outcome:
        kind = tag_kind(resource_type)

        def decide() -> Decision:
            resources = [self.owned(cmd.caller.account, kind, i, region) for i in ids]
            for resource in resources:
                resource.untag(cmd.caller, keys)
            return {}, list(resources)

        return self.execute(cmd, decide)

    def change_resource_group(
        self, cmd: Command, resource_type: str, resource_id: str, group_id: str
    ) -> Outcome:
        if resource_type not in GROUP_TYPES:
            raise InvalidValue(
                f"ResourceType must be VpcEndpoint or VpcEndpointService; got '{resource_type}'."
            )

        def decide() -> Decision:
            resource = self.owned(cmd.caller.account, GROUP_TYPES[resource_type], resource_id, None)
            resource.change_resource_group(cmd.caller, group_id)
            return {}, [resource]

        return self.execute(cmd, decide)


def tag_kind(resource_type: str) -> str:
    if resource_type not in TAG_TYPES:
        raise InvalidValue(
            f"ResourceType must be vpcendpoint or vpcendpointservice; got '{resource_type}'."
        )
    return TAG_TYPES[resource_type]
