"""The connections an endpoint service keeps with endpoints (ACC-1..5, RES-4, EP-8).

A connection lives in the service aggregate because every rule about it is the provider's:
acceptance, resource allocation and load (RES-4), and which resources may be detached (RES-2).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from eventsourcing.domain import event

from domain.base import Caller, PrivateLinkAggregate
from domain.errors import ConnectionNotFound, OperationDenied, ZoneNotSupported

LIVE = ("Pending", "Connecting", "Connected", "Disconnecting")


class ConnectionBook(PrivateLinkAggregate):
    """Connection behaviour of :class:`domain.service.EndpointService`."""

    if TYPE_CHECKING:  # set by EndpointService; class annotations would become event fields
        service_id: str
        owner: str
        region: str
        auto_accept: bool
        connect_bandwidth: int
        resources: dict[str, dict[str, Any]]
        connections: dict[str, dict[str, Any]]

    # -- facts ---------------------------------------------------------------------------

    def connection(self, endpoint_id: str) -> dict[str, Any]:
        try:
            return self.connections[endpoint_id]
        except KeyError:
            raise ConnectionNotFound(self.service_id, endpoint_id) from None

    def zone_connections_on(self, resource_id: str, zone_id: str) -> list[tuple[str, str]]:
        """(endpoint, zone) pairs whose live zone connection uses this resource."""
        return [
            (endpoint_id, zone)
            for endpoint_id, conn in self.connections.items()
            for zone, zc in conn["zones"].items()
            if zone == zone_id and zc["resource_id"] == resource_id
            and zc["status"] != "Disconnected"
        ]

    def check_zone_is_served(self, zone_id: str) -> None:
        """EP-3: an endpoint zone must be a zone of the service's resources."""
        if not any(r["zone_id"] == zone_id for r in self.resources.values()):
            raise ZoneNotSupported(
                f"The endpoint service '{self.service_id}' does not serve zone '{zone_id}'."
            )

    def allocate(self, zone_id: str, taken: dict[str, int] | None = None) -> str:
        """RES-4: the auto-allocatable resource of the zone with the least load
        (connections per Mbit/s); ties go to the resource attached first."""
        load = dict(taken or {})
        for conn in self.connections.values():
            for zc in conn["zones"].values():
                if zc["resource_id"] and zc["status"] != "Disconnected":
                    load[zc["resource_id"]] = load.get(zc["resource_id"], 0) + 1
        candidates = [r for r in self.resources.values()
                      if r["zone_id"] == zone_id and r["auto_allocated"]]
        if not candidates:
            raise ZoneNotSupported(
                f"The endpoint service '{self.service_id}' has no resource to allocate in zone "
                f"'{zone_id}'."
            )
        best = min(candidates, key=lambda r: (load.get(r["resource_id"], 0) / r["bandwidth_mbps"],
                                              r["order"]))
        return str(best["resource_id"])

    def _allocations(self, zones: list[str]) -> dict[str, str]:
        taken: dict[str, int] = {}
        allocations: dict[str, str] = {}
        for zone in zones:
            allocations[zone] = self.allocate(zone, taken)
            taken[allocations[zone]] = taken.get(allocations[zone], 0) + 1
        return allocations

    # -- request and acceptance (ACC-1..3) -------------------------------------------------

    def request_connection(self, by: Caller, endpoint: dict[str, Any], zones: list[str]) -> None:
        """ACC-1: a new endpoint asks for a connection; ACC-2: auto-accept allows it at once."""
        self.check_visible_to(by.account)  # type: ignore[attr-defined]
        for zone in zones:
            self.check_zone_is_served(zone)
        self._connection_requested(by.account, by.request_id, endpoint, zones, self.service_id,
                                   self.owner, self.region, self.connect_bandwidth)
        if self.auto_accept:
            self._connection_allowed(by.account, by.request_id, endpoint["endpoint_id"],
                                     self.connect_bandwidth, self._allocations(zones))

    @event("ConnectionRequested")
    def _connection_requested(self, actor: str, request_id: str, endpoint: dict[str, Any],
                              zones: list[str], service_id: str, provider: str,
                              service_region: str,
                              bandwidth: int) -> None:
        self.connections[endpoint["endpoint_id"]] = {
            **endpoint,
            "status": "Pending",
            "bandwidth": bandwidth,
            "zones": {z: {"resource_id": None, "status": "Wait"} for z in zones},
        }

    def allow_connection(self, by: Caller, endpoint_id: str) -> None:
        """ACC-3: the provider allows a pending or disconnected connection."""
        self.check_owned_by(by.account)  # type: ignore[attr-defined]
        conn = self.connection(endpoint_id)
        if conn["status"] not in ("Pending", "Disconnected"):
            raise OperationDenied(
                f"The connection of endpoint '{endpoint_id}' is {conn['status']}; only a Pending "
                "or Disconnected connection can be allowed.",
                code="EndpointConnectionOperationDenied",
            )
        self._connection_allowed(by.account, by.request_id, endpoint_id, conn["bandwidth"],
                                 self._allocations(sorted(conn["zones"])))

    @event("ConnectionAllowed")
    def _connection_allowed(self, actor: str, request_id: str, endpoint_id: str, bandwidth: int,
                            allocations: dict[str, str]) -> None:
        conn = self.connections[endpoint_id]
        conn["status"] = "Connecting"
        conn["bandwidth"] = bandwidth
        for zone, resource_id in allocations.items():
            conn["zones"][zone] = {"resource_id": resource_id, "status": "Connecting"}

    def deny_connection(self, by: Caller, endpoint_id: str) -> None:
        """ACC-3/ACC-5: denying disconnects the connection in every zone."""
        self.check_owned_by(by.account)  # type: ignore[attr-defined]
        conn = self.connection(endpoint_id)
        if conn["status"] not in ("Pending", "Connecting", "Connected"):
            raise OperationDenied(
                f"The connection of endpoint '{endpoint_id}' is {conn['status']}; it cannot be "
                "denied now.",
                code="EndpointConnectionOperationDenied",
            )
        self._connection_denied(by.account, by.request_id, endpoint_id, sorted(conn["zones"]))

    @event("ConnectionDenied")
    def _connection_denied(self, actor: str, request_id: str, endpoint_id: str,
                           zones: list[str]) -> None:
        conn = self.connections[endpoint_id]
        conn["status"] = "Disconnecting"
        for zc in conn["zones"].values():
            zc["status"] = "Disconnecting"

    # -- asynchronous completion (the provisioner) ------------------------------------------

    def complete_connection(self, by: Caller, endpoint_id: str) -> None:
        conn = self.connections.get(endpoint_id)
        if conn and (conn["status"] == "Connecting" or any(
                zc["status"] == "Connecting" for zc in conn["zones"].values())):
            if conn["status"] in ("Connecting", "Connected"):
                zones = sorted(z for z, zc in conn["zones"].items() if zc["status"] == "Connecting")
                self._connection_established(by.account, by.request_id, endpoint_id, zones)

    @event("ConnectionEstablished")
    def _connection_established(self, actor: str, request_id: str, endpoint_id: str,
                                zones: list[str]) -> None:
        conn = self.connections[endpoint_id]
        conn["status"] = "Connected"
        for zone in zones:
            conn["zones"][zone]["status"] = "Connected"

    def complete_disconnection(self, by: Caller, endpoint_id: str) -> None:
        conn = self.connections.get(endpoint_id)
        if conn and conn["status"] == "Disconnecting":
            self._connection_disconnected(by.account, by.request_id, endpoint_id,
                                          sorted(conn["zones"]))

    @event("ConnectionDisconnected")
    def _connection_disconnected(self, actor: str, request_id: str, endpoint_id: str,
                                 zones: list[str]) -> None:
        conn = self.connections[endpoint_id]
        conn["status"] = "Disconnected"
        for zc in conn["zones"].values():
            zc["status"] = "Disconnected"

    # -- zones and closing (EP-8, DEL-3) -------------------------------------------------------

    def add_connection_zone(self, by: Caller, endpoint_id: str, zone_id: str) -> None:
        self.check_zone_is_served(zone_id)
        conn = self.connection(endpoint_id)
        live = conn["status"] in ("Connecting", "Connected")
        resource_id = self.allocate(zone_id) if live else None
        self._connection_zone_added(by.account, by.request_id, endpoint_id, zone_id, resource_id,
                                    "Connecting" if live else _idle_zone_status(conn["status"]))

    @event("ConnectionZoneAdded")
    def _connection_zone_added(self, actor: str, request_id: str, endpoint_id: str, zone_id: str,
                               resource_id: str | None, status: str) -> None:
        self.connections[endpoint_id]["zones"][zone_id] = {"resource_id": resource_id,
                                                           "status": status}

    def remove_connection_zone(self, by: Caller, endpoint_id: str, zone_id: str) -> None:
        if zone_id in self.connection(endpoint_id)["zones"]:
            self._connection_zone_removed(by.account, by.request_id, endpoint_id, zone_id)

    @event("ConnectionZoneRemoved")
    def _connection_zone_removed(self, actor: str, request_id: str, endpoint_id: str,
                                 zone_id: str) -> None:
        del self.connections[endpoint_id]["zones"][zone_id]

    def close_connection(self, by: Caller, endpoint_id: str) -> None:
        """DEL-3: the endpoint was deleted; its allocations go with it."""
        if endpoint_id in self.connections:
            self._connection_closed(by.account, by.request_id, endpoint_id)

    @event("ConnectionClosed")
    def _connection_closed(self, actor: str, request_id: str, endpoint_id: str) -> None:
        del self.connections[endpoint_id]


def _idle_zone_status(connection_status: str) -> str:
    return "Wait" if connection_status == "Pending" else "Disconnected"
