"""Provider use cases on connections: allow, deny, bandwidth (ACC-3, ACC-5, BW-2..5)."""

from __future__ import annotations

from application.endpoints import EndpointCommands
from application.unit_of_work import Command, Decision, Outcome


class ConnectionCommands(EndpointCommands):
    """Use cases of the provider on the connections to its services."""

    def enable_connection(self, cmd: Command, region: str, service_id: str, endpoint_id: str,
                          bandwidth: int | None = None,
                          traffic_mode: str | None = None) -> Outcome:
        def decide() -> Decision:
            service = self.own_service(cmd.caller.account, service_id, region)
            service.allow_connection(cmd.caller, endpoint_id, bandwidth, traffic_mode)
            return {}, [service]

        return self.execute(cmd, decide)

    def disable_connection(self, cmd: Command, region: str, service_id: str,
                           endpoint_id: str) -> Outcome:
        def decide() -> Decision:
            service = self.own_service(cmd.caller.account, service_id, region)
            service.deny_connection(cmd.caller, endpoint_id)
            return {}, [service]

        return self.execute(cmd, decide)

    def change_connection_bandwidth(self, cmd: Command, region: str, service_id: str,
                                    endpoint_id: str, bandwidth: int | None,
                                    traffic_mode: str | None) -> Outcome:
        def decide() -> Decision:
            service = self.own_service(cmd.caller.account, service_id, region)
            service.change_bandwidth(cmd.caller, endpoint_id, bandwidth, traffic_mode)
            return {}, [service]

        return self.execute(cmd, decide)
