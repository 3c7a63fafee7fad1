"""Provider use cases on connections: allow, deny, bandwidth (ACC-3, ACC-5, BW-2..5)."""

from __future__ import annotations

from dataclasses import dataclass

from eventsourcing.domain import Aggregate

from privatelink.application.aggregates import Aggregates
from privatelink.application.jobs import Command, Decision
from privatelink.application.use_case import Decide, UseCase
from privatelink.domain.endpoint import Endpoint


@dataclass(frozen=True)
class EnableConnection(UseCase):
    region: str
    service_id: str
    endpoint_id: str
    bandwidth: int | None = None
    traffic_mode: str | None = None


@dataclass(frozen=True)
class DisableConnection(UseCase):
    region: str
    service_id: str
    endpoint_id: str


@dataclass(frozen=True)
class ChangeConnectionBandwidth(UseCase):
    region: str
    service_id: str
    endpoint_id: str
    bandwidth: int | None
    traffic_mode: str | None


def enable_connection(w: Aggregates, c: EnableConnection, cmd: Command) -> Decide:
    def decide() -> Decision:
        service = w.own_service(cmd.caller.account, c.service_id, c.region)
        service.allow_connection(cmd.caller, c.endpoint_id, c.bandwidth, c.traffic_mode)
        return {}, [service]

    return decide


def disable_connection(w: Aggregates, c: DisableConnection, cmd: Command) -> Decide:
    def decide() -> Decision:
        service = w.own_service(cmd.caller.account, c.service_id, c.region)
        service.deny_connection(cmd.caller, c.endpoint_id)
        return {}, [service, *drop_replaced_enis(w, cmd, c.endpoint_id)]

    return decide


def drop_replaced_enis(w: Aggregates, cmd: Command, endpoint_id: str) -> list[Aggregate]:
    """RES-10: a denied connection takes a migration's old ENIs with it."""
    endpoint = w.uow.load(Endpoint, Endpoint.create_id(endpoint_id))
    dropped = [
        old for z in sorted(endpoint.zones) if (old := endpoint.drop_replaced_eni(cmd.caller, z))
    ]
    vpc = w.facts.inventory.vpc(endpoint.vpc_id)
    if not dropped or vpc is None:
        return []
    return [endpoint, *(w.release(cmd.caller, vpc, old) for old in dropped)]


def change_connection_bandwidth(
    w: Aggregates, c: ChangeConnectionBandwidth, cmd: Command
) -> Decide:
    def decide() -> Decision:
        service = w.own_service(cmd.caller.account, c.service_id, c.region)
        service.change_bandwidth(cmd.caller, c.endpoint_id, c.bandwidth, c.traffic_mode)
        return {}, [service]

    return decide
