"""Provider use cases on connections: allow, deny, bandwidth (ACC-3, ACC-5, BW-2..5)."""

from __future__ import annotations

from typing import Any

from privatelink.application.endpoints import EndpointCommands
from privatelink.application.unit_of_work import Command, Decision, Outcome
from privatelink.domain.endpoint import Endpoint


class ConnectionCommands(EndpointCommands):
    """Use cases of the provider on the connections to its services."""

    def enable_connection(
        self,
        cmd: Command,
        region: str,
        service_id: str,
        endpoint_id: str,
        bandwidth: int | None = None,
        traffic_mode: str | None = None,
    ) -> Outcome:
        def decide() -> Decision:
            service = self.own_service(cmd.caller.account, service_id, region)
            service.allow_connection(cmd.caller, endpoint_id, bandwidth, traffic_mode)
            return {}, [service]

        return self.execute(cmd, decide)

    def disable_connection(
        self, cmd: Command, region: str, service_id: str, endpoint_id: str
    ) -> Outcome:
        def decide() -> Decision:
            service = self.own_service(cmd.caller.account, service_id, region)
            service.deny_connection(cmd.caller, endpoint_id)
            return {}, [service, *self.drop_replaced_enis(cmd, endpoint_id)]

        return self.execute(cmd, decide)

    def drop_replaced_enis(self, cmd: Command, endpoint_id: str) -> list[Any]:
        """RES-10: a denied connection takes a migration's old ENIs with it."""
        endpoint: Endpoint = self.load(Endpoint, Endpoint.create_id(endpoint_id))
        dropped = [
            old
            for z in sorted(endpoint.zones)
            if (old := endpoint.drop_replaced_eni(cmd.caller, z))
        ]
        vpc = self.facts.inventory.vpc(endpoint.vpc_id)
        if not dropped or vpc is None:
            return []
        return [endpoint, *(self.release(cmd.caller, vpc, old) for old in dropped)]

    def change_connection_bandwidth(
        self,
        cmd: Command,
        region: str,
        service_id: str,
        endpoint_id: str,
        bandwidth: int | None,
        traffic_mode: str | None,
    ) -> Outcome:
        def decide() -> Decision:
            service = self.own_service(cmd.caller.account, service_id, region)
            service.change_bandwidth(cmd.caller, endpoint_id, bandwidth, traffic_mode)
            return {}, [service]

        return self.execute(cmd, decide)
