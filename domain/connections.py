"""The connections an endpoint service keeps with endpoints (ACC-1..5, RES-4, BW, EP-8).

A connection lives in the service aggregate because every rule about it is the provider's:
acceptance, resource allocation and load (RES-4), bandwidth, and which resources may be
detached (RES-2).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

from eventsourcing.domain import event

from privatelink.domain.bandwidth import check_bandwidth, check_mode, default_mode
from privatelink.domain.base import Caller, acts
from privatelink.domain.errors import ConnectionNotFound, ZoneNotSupported
from privatelink.domain.errors_denied import EndpointConnectionOperationDenied
from privatelink.domain.states import (
    LIVE_CONNECTION,
    AllocateMode,
    ConnectionStatus,
    TrafficControlMode,
    ZoneStatus,
)
from privatelink.domain.tags import Taggable


def new_zone(status: str = ZoneStatus.WAIT) -> dict[str, Any]:
    return {
        "resource_id": None,
        "status": status,
        "mode": AllocateMode.AUTO,
        "replaced_resource_id": None,
        "replaced_eni_id": None,
        "healthy": True,
    }


if TYPE_CHECKING:
    from privatelink.domain.events import ConnectionBookEvents


class ConnectionBook(Taggable):
    """Connection behaviour of :class:`domain.service.EndpointService`."""

    if TYPE_CHECKING:  # its events, as domain/events.py declares them
        ConnectionRequested: TypeAlias = ConnectionBookEvents.ConnectionRequested
        ConnectionAllowed: TypeAlias = ConnectionBookEvents.ConnectionAllowed
        ConnectionDenied: TypeAlias = ConnectionBookEvents.ConnectionDenied
        BandwidthChanged: TypeAlias = ConnectionBookEvents.BandwidthChanged
        ConnectionEstablished: TypeAlias = ConnectionBookEvents.ConnectionEstablished
        ConnectionDisconnected: TypeAlias = ConnectionBookEvents.ConnectionDisconnected
        ConnectionZoneAdded: TypeAlias = ConnectionBookEvents.ConnectionZoneAdded
        ConnectionZoneRemoved: TypeAlias = ConnectionBookEvents.ConnectionZoneRemoved
        ConnectionClosed: TypeAlias = ConnectionBookEvents.ConnectionClosed

    if TYPE_CHECKING:  # set by EndpointService; class annotations would become event fields
        service_id: str
        owner: str
        region: str
        resource_type: str
        auto_accept: bool
        connect_bandwidth: int
        resources: dict[str, dict[str, Any]]
        connections: dict[str, dict[str, Any]]
        failed_resources: list[str]
        resource_load: dict[str, int]

        def check_visible_to(self, account: str) -> None: ...
        def check_owned_by(self, account: str) -> None: ...
        def check_region_supported(self, region: str) -> None: ...

    # -- facts ---------------------------------------------------------------------------

    def connection(self, endpoint_id: str) -> dict[str, Any]:
        try:
            return self.connections[endpoint_id]
        except KeyError:
            raise ConnectionNotFound(self.service_id, endpoint_id) from None

    def zone_connections_on(self, resource_id: str, zone_id: str | None) -> list[tuple[str, str]]:
        """(endpoint, zone) pairs whose live zone connection uses this resource (in that
        resource zone, when given)."""
        return [
            (endpoint_id, zone)
            for endpoint_id, conn in self.connections.items()
            for zone, zc in conn["zones"].items()
            if resource_id in (zc["resource_id"], zc["replaced_resource_id"])
            and zc["status"] != ZoneStatus.DISCONNECTED
            and (zone_id is None or self._resource_zone(conn, zone, resource_id) == zone_id)
        ]

    def _resource_zone(self, conn: dict[str, Any], zone: str, resource_id: str) -> str:
        """The service zone a zone connection uses: the endpoint's own zone, except across
        regions, where it is the resource's zone."""
        if not conn["cross_region"]:
            return zone
        zones = [r["zone_id"] for r in self.resources.values() if r["resource_id"] == resource_id]
        return zones[0] if zones else zone

    def check_zone_is_served(self, zone_id: str) -> None:
        """EP-3: an endpoint zone must be a zone of the service's resources."""
        if not any(r["zone_id"] == zone_id for r in self.resources.values()):
            raise ZoneNotSupported(
                f"The endpoint service '{self.service_id}' does not serve zone '{zone_id}'."
            )

    def load(self) -> dict[str, int]:
        """Live zone connections per resource, kept up to date by every zone change."""
        return dict(self.resource_load)

    # Every change to a zone connection goes through these three, so the load per resource
    # (RES-4) is kept incrementally instead of being recounted on each allocation.

    def _set_zone(self, endpoint_id: str, zone_id: str, **changes: Any) -> None:
        zc = self.connections[endpoint_id]["zones"][zone_id]
        self._count(zc, -1)
        zc.update(changes)
        self._count(zc, +1)

    def _put_zone(self, endpoint_id: str, zone_id: str, zc: dict[str, Any]) -> None:
        self.connections[endpoint_id]["zones"][zone_id] = zc
        self._count(zc, +1)

    def _drop_zone(self, endpoint_id: str, zone_id: str) -> None:
        self._count(self.connections[endpoint_id]["zones"].pop(zone_id), -1)

    def _count(self, zc: dict[str, Any], sign: int) -> None:
        resource_id = zc["resource_id"]
        if resource_id and zc["status"] != ZoneStatus.DISCONNECTED:
            count = self.resource_load.get(resource_id, 0) + sign
            if count:
                self.resource_load[resource_id] = count
            else:
                self.resource_load.pop(resource_id, None)

    def allocate(
        self,
        zone_id: str | None,
        taken: dict[str, int] | None = None,
        exclude: tuple[str, ...] = (),
    ) -> str:
        """RES-4: the auto-allocatable, available resource of the zone (any zone when None:
        cross-region) with the least load (connections per Mbit/s); ties go to the resource
        attached first."""
        load = dict(self.resource_load)
        for resource_id, count in (taken or {}).items():
            load[resource_id] = load.get(resource_id, 0) + count
        candidates = [
            r
            for r in self.resources.values()
            if zone_id in (None, r["zone_id"])
            and r["auto_allocated"]
            and r["resource_id"] not in self.failed_resources
            and r["resource_id"] not in exclude
        ]
        if not candidates:
            raise ZoneNotSupported(
                f"The endpoint service '{self.service_id}' has no available resource to "
                f"allocate in zone '{zone_id}'."
            )
        best = min(
            candidates,
            key=lambda r: (load.get(r["resource_id"], 0) / r["bandwidth_mbps"], r["order"]),
        )
        return str(best["resource_id"])

    def usable(self, resource_id: str | None, zone_id: str) -> bool:
        """A manually chosen resource is used while it is attached in the zone and has not
        failed; otherwise the zone is allocated automatically (RES-6, RES-8)."""
        return (
            bool(resource_id)
            and resource_id not in self.failed_resources
            and any(
                r["resource_id"] == resource_id and r["zone_id"] == zone_id
                for r in self.resources.values()
            )
        )

    def allocations(self, conn: dict[str, Any], zones: list[str]) -> dict[str, str]:
        """A resource for each zone: the manual choice (RES-6/7) or an automatic one."""
        taken: dict[str, int] = {}
        chosen: dict[str, str] = {}
        for zone in zones:
            zc = conn["zones"][zone]
            if zc["mode"] == AllocateMode.MANUAL and self.usable(zc["resource_id"], zone):
                chosen[zone] = zc["resource_id"]
            else:
                chosen[zone] = self.allocate(None if conn["cross_region"] else zone, taken)
            taken[chosen[zone]] = taken.get(chosen[zone], 0) + 1
        return chosen

    # -- request and acceptance (ACC-1..3) -------------------------------------------------

    @acts
    def request_connection(self, by: Caller, endpoint: dict[str, Any], zones: list[str]) -> None:
        """ACC-1: a new endpoint, which the service admitted (``admit_endpoint``: EP-1, EP-2/XR-1,
        EP-3), asks for a connection; ACC-2: auto-accept allows it at once."""
        cross_region = endpoint["endpoint_region"] != self.region
        self._connection_requested(
            {**endpoint, "cross_region": cross_region},
            zones,
            self.service_id,
            self.owner,
            self.region,
            self.connect_bandwidth,
            default_mode(self.resource_type),
        )
        if self.auto_accept:
            conn = self.connections[endpoint["endpoint_id"]]
            self._connection_allowed(
                endpoint["endpoint_id"],
                conn["bandwidth"],
                conn["traffic_mode"],
                False,
                self.allocations(conn, zones),
            )

    @event("ConnectionRequested")
    def _connection_requested(
        self,
        endpoint: dict[str, Any],
        zones: list[str],
        service_id: str,
        provider: str,
        service_region: str,
        bandwidth: int,
        traffic_mode: str,
    ) -> None:
        self.connections[endpoint["endpoint_id"]] = {
            **dict(endpoint),
            "status": ConnectionStatus.PENDING,
            "bandwidth": bandwidth,
            "bandwidth_set": False,
            "traffic_mode": traffic_mode,
            "zones": {z: new_zone() for z in zones},
        }

    @acts
    def allow_connection(
        self,
        by: Caller,
        endpoint_id: str,
        bandwidth: int | None = None,
        traffic_mode: str | None = None,
    ) -> None:
        """ACC-3: the provider allows a pending or disconnected connection; BW-5: with a
        bandwidth limit if given, else the connection's own or the service default (BW-3/4)."""
        self.check_owned_by(by.account)
        conn = self.connection(endpoint_id)
        if conn["status"] not in (ConnectionStatus.PENDING, ConnectionStatus.DISCONNECTED):
            raise EndpointConnectionOperationDenied(
                f"The connection of endpoint '{endpoint_id}' is {conn['status']}; only a Pending "
                "or Disconnected connection can be allowed."
            )
        if bandwidth is not None:
            check_bandwidth(self.resource_type, bandwidth)
        if traffic_mode is not None:
            check_mode(self.resource_type, traffic_mode)
        explicit = bandwidth is not None or conn["bandwidth_set"]
        chosen = (
            bandwidth
            if bandwidth is not None
            else (conn["bandwidth"] if conn["bandwidth_set"] else self.connect_bandwidth)
        )
        self._connection_allowed(
            endpoint_id,
            chosen,
            traffic_mode or conn["traffic_mode"],
            explicit,
            self.allocations(conn, sorted(conn["zones"])),
        )

    @event("ConnectionAllowed")
    def _connection_allowed(
        self,
        endpoint_id: str,
        bandwidth: int,
        traffic_mode: str,
        bandwidth_set: bool,
        allocations: dict[str, str],
    ) -> None:
        conn = self.connections[endpoint_id]
        conn.update(
            status=ConnectionStatus.CONNECTING,
            bandwidth=bandwidth,
            traffic_mode=traffic_mode,
            bandwidth_set=bandwidth_set,
        )
        for zone, resource_id in allocations.items():
            self._set_zone(endpoint_id, zone, resource_id=resource_id, status=ZoneStatus.CONNECTING)

    @acts
    def deny_connection(self, by: Caller, endpoint_id: str) -> None:
        """ACC-3/ACC-5: denying disconnects the connection in every zone."""
        self.check_owned_by(by.account)
        conn = self.connection(endpoint_id)
        if conn["status"] not in (ConnectionStatus.PENDING, *LIVE_CONNECTION):
            raise EndpointConnectionOperationDenied(
                f"The connection of endpoint '{endpoint_id}' is {conn['status']}; it cannot be "
                "denied now."
            )
        self._connection_denied(endpoint_id, sorted(conn["zones"]))

    @event("ConnectionDenied")
    def _connection_denied(self, endpoint_id: str, zones: list[str]) -> None:
        conn = self.connections[endpoint_id]
        conn["status"] = ConnectionStatus.DISCONNECTING
        for zone in zones:
            # RES-10: a migrated zone's old resource is disconnected with the rest.
            self._set_zone(
                endpoint_id,
                zone,
                status=ZoneStatus.DISCONNECTING,
                replaced_resource_id=None,
                replaced_eni_id=None,
            )

    # -- bandwidth (BW-2, BW-4, BW-5) --------------------------------------------------------

    @acts
    def change_bandwidth(
        self, by: Caller, endpoint_id: str, bandwidth: int | None, traffic_mode: str | None
    ) -> None:
        """BW-5: once Connected, the provider sets the connection's own limit (BW-4)."""
        self.check_owned_by(by.account)
        conn = self.connection(endpoint_id)
        if conn["status"] != ConnectionStatus.CONNECTED:
            raise EndpointConnectionOperationDenied(
                f"The connection of endpoint '{endpoint_id}' is {conn['status']}; its bandwidth "
                "can be changed once it is Connected (BW-5)."
            )
        if bandwidth is not None:
            check_bandwidth(self.resource_type, bandwidth)
        if traffic_mode is not None:
            check_mode(self.resource_type, traffic_mode)
        self._bandwidth_changed(
            endpoint_id,
            conn["bandwidth"] if bandwidth is None else bandwidth,
            traffic_mode or conn["traffic_mode"],
        )

    @event("BandwidthChanged")
    def _bandwidth_changed(self, endpoint_id: str, bandwidth: int, traffic_mode: str) -> None:
        self.connections[endpoint_id].update(
            bandwidth=bandwidth, traffic_mode=traffic_mode, bandwidth_set=True
        )

    # -- asynchronous completion (the provisioner) ------------------------------------------

    @acts
    def complete_connection(self, by: Caller, endpoint_id: str) -> None:
        conn = self.connections.get(endpoint_id)
        if conn is None or conn["status"] not in LIVE_CONNECTION:
            return
        zones = sorted(
            z for z, zc in conn["zones"].items() if zc["status"] == ZoneStatus.CONNECTING
        )
        if zones or conn["status"] == ConnectionStatus.CONNECTING:
            self._connection_established(endpoint_id, zones)

    @event("ConnectionEstablished")
    def _connection_established(self, endpoint_id: str, zones: list[str]) -> None:
        conn = self.connections[endpoint_id]
        conn["status"] = ConnectionStatus.CONNECTED
        for zone in zones:
            self._set_zone(endpoint_id, zone, status=ZoneStatus.CONNECTED)

    @acts
    def complete_disconnection(self, by: Caller, endpoint_id: str) -> None:
        conn = self.connections.get(endpoint_id)
        if conn and conn["status"] == ConnectionStatus.DISCONNECTING:
            self._connection_disconnected(endpoint_id, sorted(conn["zones"]))

    @event("ConnectionDisconnected")
    def _connection_disconnected(self, endpoint_id: str, zones: list[str]) -> None:
        conn = self.connections[endpoint_id]
        conn["status"] = ConnectionStatus.DISCONNECTED
        for zone in zones:
            self._set_zone(endpoint_id, zone, status=ZoneStatus.DISCONNECTED)

    # -- zones and closing (EP-8, DEL-3) -------------------------------------------------------

    @acts
    def add_connection_zone(self, by: Caller, endpoint_id: str, zone_id: str) -> None:
        conn = self.connection(endpoint_id)
        if not conn["cross_region"]:
            self.check_zone_is_served(zone_id)
        live = conn["status"] in LIVE_CONNECTION
        resource_id = self.allocate(None if conn["cross_region"] else zone_id) if live else None
        waiting = conn["status"] == ConnectionStatus.PENDING
        status = (
            ZoneStatus.CONNECTING
            if live
            else (ZoneStatus.WAIT if waiting else ZoneStatus.DISCONNECTED)
        )
        self._connection_zone_added(endpoint_id, zone_id, resource_id, status)

    @event("ConnectionZoneAdded")
    def _connection_zone_added(
        self,
        endpoint_id: str,
        zone_id: str,
        resource_id: str | None,
        status: str,
    ) -> None:
        self._put_zone(endpoint_id, zone_id, {**new_zone(status), "resource_id": resource_id})

    @acts
    def remove_connection_zone(self, by: Caller, endpoint_id: str, zone_id: str) -> None:
        if zone_id in self.connection(endpoint_id)["zones"]:
            self._connection_zone_removed(endpoint_id, zone_id)

    @event("ConnectionZoneRemoved")
    def _connection_zone_removed(self, endpoint_id: str, zone_id: str) -> None:
        self._drop_zone(endpoint_id, zone_id)

    @acts
    def close_connection(self, by: Caller, endpoint_id: str) -> None:
        """DEL-3: the endpoint was deleted; its allocations go with it."""
        if endpoint_id in self.connections:
            self._connection_closed(endpoint_id)

    @event("ConnectionClosed")
    def _connection_closed(self, endpoint_id: str) -> None:
        for zone_id in list(self.connections[endpoint_id]["zones"]):
            self._drop_zone(endpoint_id, zone_id)
        del self.connections[endpoint_id]


# -- event versions: events stored in an older shape are upcast when read ---------------------


def _requested_v1_v2(state: dict[str, Any]) -> None:
    """v2 added the traffic control mode and marks cross-region connections (XR)."""
    state.setdefault("traffic_mode", TrafficControlMode.BANDWIDTH_LIMIT)
    endpoint = state["endpoint"]
    endpoint.setdefault("cross_region", endpoint["endpoint_region"] != state["service_region"])


def _allowed_v1_v2(state: dict[str, Any]) -> None:
    """v2 added the traffic control mode and whether the bandwidth was set explicitly (BW-4)."""
    state.setdefault("traffic_mode", TrafficControlMode.BANDWIDTH_LIMIT)
    state.setdefault("bandwidth_set", False)


ConnectionBook.ConnectionRequested.class_version = 2  # type: ignore[attr-defined]
ConnectionBook.ConnectionRequested.upcast_v1_v2 = staticmethod(_requested_v1_v2)  # type: ignore[attr-defined]
ConnectionBook.ConnectionAllowed.class_version = 2  # type: ignore[attr-defined]
ConnectionBook.ConnectionAllowed.upcast_v1_v2 = staticmethod(_allowed_v1_v2)  # type: ignore[attr-defined]
