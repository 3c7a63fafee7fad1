"""The connections an endpoint service keeps with endpoints (ACC-1..5, RES-4, BW, EP-8).

A connection lives in the service aggregate because every rule about it is the provider's:
acceptance, resource allocation and load (RES-4), bandwidth, and which resources may be
detached (RES-2). The aggregate owns a :class:`ConnectionBook` over its state; the book
decides (returning the payload of the event to record) and applies the recorded events.
"""

from __future__ import annotations

from typing import Protocol, Unpack

from privatelink.domain.bandwidth import check_bandwidth, check_mode
from privatelink.domain.errors import ConnectionNotFound
from privatelink.domain.errors_denied import EndpointConnectionOperationDenied
from privatelink.domain.events import ConnectionEvents as E
from privatelink.domain.records import (
    Allowing,
    BandwidthChange,
    Connection,
    ConnectionZones,
    ZoneAdding,
    ZoneChanges,
    ZoneConnection,
    new_zone,
)
from privatelink.domain.service_resources import ServiceResources
from privatelink.domain.states import (
    LIVE_CONNECTION,
    AllocateMode,
    ConnectionStatus,
    TrafficControlMode,
    ZoneStatus,
)


class Terms(Protocol):
    """The service's terms a new or allowed connection gets (BW-3, BW-5)."""

    resource_type: str
    connect_bandwidth: int


class ConnectionBook:
    """The connections of one service, by endpoint id, and the live zone connections per
    resource (its load, RES-4), kept up to date by every zone change."""

    def __init__(
        self,
        connections: dict[str, Connection],
        load: dict[str, int],
        resources: ServiceResources,
    ) -> None:
        self.connections = connections
        self.load = load
        self.resources = resources

    # -- facts -------------------------------------------------------------------------------

    def connection(self, endpoint_id: str) -> Connection:
        try:
            return self.connections[endpoint_id]
        except KeyError:
            raise ConnectionNotFound(self.resources.service_id, endpoint_id) from None

    def zone(self, endpoint_id: str, zone_id: str) -> ZoneConnection | None:
        conn = self.connections.get(endpoint_id)
        return None if conn is None else conn["zones"].get(zone_id)

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

    def _resource_zone(self, conn: Connection, zone: str, resource_id: str) -> str:
        """The service zone a zone connection uses: the endpoint's own zone, except across
        regions, where it is the resource's zone."""
        return self.resources.zone_of(resource_id, zone) if conn["cross_region"] else zone

    def live(self) -> list[str]:
        return [
            e for e, c in self.connections.items() if c["status"] != ConnectionStatus.DISCONNECTED
        ]

    def allocate(
        self,
        zone_id: str | None,
        taken: dict[str, int] | None = None,
        exclude: tuple[str, ...] = (),
    ) -> str:
        """RES-4: the least loaded available resource, counting ``taken`` as well."""
        load = dict(self.load)
        for resource_id, count in (taken or {}).items():
            load[resource_id] = load.get(resource_id, 0) + count
        return self.resources.allocate(zone_id, load, exclude)

    def allocations(self, conn: Connection, zones: list[str]) -> dict[str, str]:
        """A resource for each zone: the manual choice (RES-6/7) or an automatic one."""
        taken: dict[str, int] = {}
        chosen: dict[str, str] = {}
        for zone in zones:
            zc = conn["zones"][zone]
            manual = zc["resource_id"] if zc["mode"] == AllocateMode.MANUAL else None
            if manual is not None and self.resources.usable(manual, zone):
                chosen[zone] = manual
            else:
                chosen[zone] = self.allocate(None if conn["cross_region"] else zone, taken)
            taken[chosen[zone]] = taken.get(chosen[zone], 0) + 1
        return chosen

    # -- decisions: each returns the payload of the event to record ---------------------------

    def allowing(
        self, endpoint_id: str, bandwidth: int | None, mode: str | None, service: Terms
    ) -> Allowing:
        """ACC-3: a pending or disconnected connection; BW-5: with a bandwidth limit if given,
        else the connection's own or the service default (BW-3/4)."""
        conn = self.connection(endpoint_id)
        if conn["status"] not in (ConnectionStatus.PENDING, ConnectionStatus.DISCONNECTED):
            raise EndpointConnectionOperationDenied(
                f"The connection of endpoint '{endpoint_id}' is {conn['status']}; only a Pending "
                "or Disconnected connection can be allowed."
            )
        check_bandwidth_choice(service.resource_type, bandwidth, mode)
        own = conn["bandwidth"] if conn["bandwidth_set"] else service.connect_bandwidth
        return Allowing(
            endpoint_id=endpoint_id,
            bandwidth=own if bandwidth is None else bandwidth,
            traffic_mode=chosen_mode(mode, conn["traffic_mode"]),
            bandwidth_set=bandwidth is not None or conn["bandwidth_set"],
            allocations=self.allocations(conn, sorted(conn["zones"])),
        )

    def denying(self, endpoint_id: str) -> ConnectionZones:
        """ACC-3/ACC-5: denying disconnects the connection in every zone."""
        conn = self.connection(endpoint_id)
        if conn["status"] not in (ConnectionStatus.PENDING, *LIVE_CONNECTION):
            raise EndpointConnectionOperationDenied(
                f"The connection of endpoint '{endpoint_id}' is {conn['status']}; it cannot be "
                "denied now."
            )
        return ConnectionZones(endpoint_id=endpoint_id, zones=sorted(conn["zones"]))

    def changing_bandwidth(
        self, endpoint_id: str, bandwidth: int | None, mode: str | None, resource_type: str
    ) -> BandwidthChange:
        """BW-5: once Connected, the provider sets the connection's own limit (BW-4)."""
        conn = self.connection(endpoint_id)
        if conn["status"] != ConnectionStatus.CONNECTED:
            raise EndpointConnectionOperationDenied(
                f"The connection of endpoint '{endpoint_id}' is {conn['status']}; its bandwidth "
                "can be changed once it is Connected (BW-5)."
            )
        check_bandwidth_choice(resource_type, bandwidth, mode)
        return BandwidthChange(
            endpoint_id=endpoint_id,
            bandwidth=conn["bandwidth"] if bandwidth is None else bandwidth,
            traffic_mode=chosen_mode(mode, conn["traffic_mode"]),
        )

    def establishing(self, endpoint_id: str) -> ConnectionZones | None:
        conn = self.connections.get(endpoint_id)
        if conn is None or conn["status"] not in LIVE_CONNECTION:
            return None
        zones = sorted(
            z for z, zc in conn["zones"].items() if zc["status"] == ZoneStatus.CONNECTING
        )
        if zones or conn["status"] == ConnectionStatus.CONNECTING:
            return ConnectionZones(endpoint_id=endpoint_id, zones=zones)
        return None

    def disconnecting(self, endpoint_id: str) -> ConnectionZones | None:
        conn = self.connections.get(endpoint_id)
        if conn and conn["status"] == ConnectionStatus.DISCONNECTING:
            return ConnectionZones(endpoint_id=endpoint_id, zones=sorted(conn["zones"]))
        return None

    def adding_zone(self, endpoint_id: str, zone_id: str) -> ZoneAdding:
        """EP-8: the zone joins the connection in the state of the connection."""
        conn = self.connection(endpoint_id)
        if not conn["cross_region"]:
            self.resources.check_zone_is_served(zone_id)
        live = conn["status"] in LIVE_CONNECTION
        resource_id = self.allocate(None if conn["cross_region"] else zone_id) if live else None
        waiting = conn["status"] == ConnectionStatus.PENDING
        status = (
            ZoneStatus.CONNECTING
            if live
            else (ZoneStatus.WAIT if waiting else ZoneStatus.DISCONNECTED)
        )
        return ZoneAdding(
            endpoint_id=endpoint_id, zone_id=zone_id, resource_id=resource_id, status=status
        )

    # -- mutators: every change to a zone connection goes through set/put/drop, so the load per
    # resource (RES-4) is kept incrementally instead of being recounted on each allocation.

    def set_zone(self, endpoint_id: str, zone_id: str, **changes: Unpack[ZoneChanges]) -> None:
        zc = self.connections[endpoint_id]["zones"][zone_id]
        self._count(zc, -1)
        zc.update(changes)
        self._count(zc, +1)

    def _put_zone(self, endpoint_id: str, zone_id: str, zc: ZoneConnection) -> None:
        self.connections[endpoint_id]["zones"][zone_id] = zc
        self._count(zc, +1)

    def _drop_zone(self, endpoint_id: str, zone_id: str) -> None:
        self._count(self.connections[endpoint_id]["zones"].pop(zone_id), -1)

    def _count(self, zc: ZoneConnection, sign: int) -> None:
        resource_id = zc["resource_id"]
        if resource_id and zc["status"] != ZoneStatus.DISCONNECTED:
            count = self.load.get(resource_id, 0) + sign
            if count:
                self.load[resource_id] = count
            else:
                self.load.pop(resource_id, None)

    def requested(self, e: E.ConnectionRequested) -> None:
        self.connections[e.endpoint["endpoint_id"]] = Connection(
            **e.endpoint,
            status=ConnectionStatus.PENDING,
            bandwidth=e.bandwidth,
            bandwidth_set=False,
            traffic_mode=e.traffic_mode,
            zones={z: new_zone() for z in e.zones},
        )

    def allowed(self, e: E.ConnectionAllowed) -> None:
        conn = self.connections[e.endpoint_id]
        conn["status"] = ConnectionStatus.CONNECTING
        conn["bandwidth"], conn["traffic_mode"] = e.bandwidth, e.traffic_mode
        conn["bandwidth_set"] = e.bandwidth_set
        for zone, resource_id in e.allocations.items():
            self.set_zone(
                e.endpoint_id, zone, resource_id=resource_id, status=ZoneStatus.CONNECTING
            )

    def denied(self, e: E.ConnectionDenied) -> None:
        self.connections[e.endpoint_id]["status"] = ConnectionStatus.DISCONNECTING
        for zone in e.zones:
            # RES-10: a migrated zone's old resource is disconnected with the rest.
            self.set_zone(
                e.endpoint_id,
                zone,
                status=ZoneStatus.DISCONNECTING,
                replaced_resource_id=None,
                replaced_eni_id=None,
            )

    def bandwidth_changed(self, e: E.BandwidthChanged) -> None:
        conn = self.connections[e.endpoint_id]
        conn["bandwidth"], conn["traffic_mode"] = e.bandwidth, e.traffic_mode
        conn["bandwidth_set"] = True

    def established(self, e: E.ConnectionEstablished) -> None:
        self.connections[e.endpoint_id]["status"] = ConnectionStatus.CONNECTED
        for zone in e.zones:
            self.set_zone(e.endpoint_id, zone, status=ZoneStatus.CONNECTED)

    def disconnected(self, e: E.ConnectionDisconnected) -> None:
        self.connections[e.endpoint_id]["status"] = ConnectionStatus.DISCONNECTED
        for zone in e.zones:
            self.set_zone(e.endpoint_id, zone, status=ZoneStatus.DISCONNECTED)

    def zone_added(self, e: E.ConnectionZoneAdded) -> None:
        self._put_zone(e.endpoint_id, e.zone_id, new_zone(e.status, e.resource_id))

    def zone_removed(self, e: E.ConnectionZoneRemoved) -> None:
        self._drop_zone(e.endpoint_id, e.zone_id)

    def closed(self, e: E.ConnectionClosed) -> None:
        for zone_id in list(self.connections[e.endpoint_id]["zones"]):
            self._drop_zone(e.endpoint_id, zone_id)
        del self.connections[e.endpoint_id]


def chosen_mode(mode: str | None, own: TrafficControlMode) -> TrafficControlMode:
    """The traffic control mode given (checked: ``check_bandwidth_choice``), else ``own``."""
    return TrafficControlMode(mode) if mode else own


def check_bandwidth_choice(resource_type: str, bandwidth: int | None, mode: str | None) -> None:
    """BW-2 and the traffic control modes of the resource type, for what was given."""
    if bandwidth is not None:
        check_bandwidth(resource_type, bandwidth)
    if mode is not None:
        check_mode(resource_type, mode)
