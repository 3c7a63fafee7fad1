"""Commands of an endpoint service on its resources and connections (RES-1..4, ACC, BW, EP-8).

Each is a method of :class:`privatelink.domain.service.EndpointService` (its class body names
them all): it checks who acts, lets the part decide (``attachments``, ``book``) and records the
event the part's decision describes.
"""

from __future__ import annotations

from privatelink.domain.bandwidth import default_mode
from privatelink.domain.base import Caller, acts
from privatelink.domain.errors_denied import EndpointServiceResourceInUse
from privatelink.domain.events import ConnectionEvents as C
from privatelink.domain.events import ResourceEvents as R
from privatelink.domain.records import ConnectionEndpoint, ConnectionFacts
from privatelink.domain.resources import ResourceFacts
from privatelink.domain.service_parts import Service
from privatelink.domain.service_resources import check_cross_region_capable

# -- service resources (RES-1..3) ----------------------------------------------------------------


@acts
def attach_resource(self: Service, by: Caller, facts: ResourceFacts, zone_id: str | None) -> None:
    self.check_owned_by(by.account)
    dual_stack = self.address_ip_version == "DualStack"
    entries = self.attachments.entries_to_attach(facts, zone_id, self.resource_type, dual_stack)
    if self.supported_regions[1:]:
        check_cross_region_capable([*self.resources.values(), *entries])
    self.trigger_event(R.ResourceAttached, entries=entries)


@acts
def detach_resource(self: Service, by: Caller, resource_id: str, zone_id: str | None) -> None:
    """RES-1: the resource leaves the service only; RES-2: not while it serves a zone."""
    self.check_owned_by(by.account)
    keys = self.attachments.keys_of(resource_id, zone_id)
    for key in keys:
        check_resource_idle(self, key)
    self.attachments.check_detachable(keys, bool(self.supported_regions[1:]))
    self.trigger_event(R.ResourceDetached, keys=keys)


def check_resource_idle(self: Service, key: str) -> None:
    """RES-2: a resource serving a live zone connection stays attached."""
    entry = self.resources[key]
    for endpoint_id, zone_id in self.book.zone_connections_on(
        entry["resource_id"], entry["zone_id"]
    ):
        raise EndpointServiceResourceInUse(
            f"The resource '{entry['resource_id']}' serves the zone connection of endpoint "
            f"'{endpoint_id}' in zone '{zone_id}'; disconnect it first (RES-2)."
        )


@acts
def set_auto_allocation(
    self: Service, by: Caller, resource_id: str, zone_id: str | None, enabled: bool
) -> None:
    """RES-3: switch automatic allocation; existing connections keep their resource."""
    self.check_owned_by(by.account)
    keys = self.attachments.keys_to_switch(resource_id, zone_id, enabled)
    if keys:
        self.trigger_event(R.AutoAllocationSwitched, keys=keys, enabled=enabled)


# -- request and acceptance (ACC-1..3), bandwidth (BW-2..5) ------------------------------------


@acts
def request_connection(
    self: Service, by: Caller, endpoint: ConnectionFacts, zones: list[str]
) -> None:
    """ACC-1: a new endpoint, which the service admitted (``admit_endpoint``: EP-1, EP-2/XR-1,
    EP-3), asks for a connection; ACC-2: auto-accept allows it at once."""
    self.trigger_event(
        C.ConnectionRequested,
        endpoint=ConnectionEndpoint(
            **endpoint, cross_region=endpoint["endpoint_region"] != self.region
        ),
        zones=zones,
        service_id=self.service_id,
        provider=self.owner,
        service_region=self.region,
        bandwidth=self.connect_bandwidth,
        traffic_mode=default_mode(self.resource_type),
    )
    if self.auto_accept:
        auto_accept(self, endpoint["endpoint_id"], zones)


def auto_accept(self: Service, endpoint_id: str, zones: list[str]) -> None:
    """ACC-2: allowed at once, on the terms it was requested with."""
    conn = self.connections[endpoint_id]
    self.trigger_event(
        C.ConnectionAllowed,
        endpoint_id=endpoint_id,
        bandwidth=conn["bandwidth"],
        traffic_mode=conn["traffic_mode"],
        bandwidth_set=False,
        allocations=self.book.allocations(conn, zones),
    )


@acts
def allow_connection(
    self: Service,
    by: Caller,
    endpoint_id: str,
    bandwidth: int | None = None,
    traffic_mode: str | None = None,
) -> None:
    """ACC-3 and BW-5 (the book's ``allowing``)."""
    self.check_owned_by(by.account)
    allowed = self.book.allowing(endpoint_id, bandwidth, traffic_mode, self)
    self.trigger_event(C.ConnectionAllowed, **allowed)


@acts
def deny_connection(self: Service, by: Caller, endpoint_id: str) -> None:
    """ACC-3/ACC-5: denying disconnects the connection in every zone."""
    self.check_owned_by(by.account)
    self.trigger_event(C.ConnectionDenied, **self.book.denying(endpoint_id))


@acts
def change_bandwidth(
    self: Service,
    by: Caller,
    endpoint_id: str,
    bandwidth: int | None,
    traffic_mode: str | None,
) -> None:
    """BW-5: once Connected, the provider sets the connection's own limit (BW-4)."""
    self.check_owned_by(by.account)
    changed = self.book.changing_bandwidth(endpoint_id, bandwidth, traffic_mode, self.resource_type)
    self.trigger_event(C.BandwidthChanged, **changed)


# -- asynchronous completion (the provisioner), zones and closing (EP-8, DEL-3) --------------


@acts
def complete_connection(self: Service, by: Caller, endpoint_id: str) -> None:
    established = self.book.establishing(endpoint_id)
    if established is not None:
        self.trigger_event(C.ConnectionEstablished, **established)


@acts
def complete_disconnection(self: Service, by: Caller, endpoint_id: str) -> None:
    disconnected = self.book.disconnecting(endpoint_id)
    if disconnected is not None:
        self.trigger_event(C.ConnectionDisconnected, **disconnected)


@acts
def add_connection_zone(self: Service, by: Caller, endpoint_id: str, zone_id: str) -> None:
    self.trigger_event(C.ConnectionZoneAdded, **self.book.adding_zone(endpoint_id, zone_id))


@acts
def remove_connection_zone(self: Service, by: Caller, endpoint_id: str, zone_id: str) -> None:
    if zone_id in self.book.connection(endpoint_id)["zones"]:
        self.trigger_event(C.ConnectionZoneRemoved, endpoint_id=endpoint_id, zone_id=zone_id)


@acts
def close_connection(self: Service, by: Caller, endpoint_id: str) -> None:
    """DEL-3: the endpoint was deleted; its allocations go with it."""
    if endpoint_id in self.connections:
        self.trigger_event(C.ConnectionClosed, endpoint_id=endpoint_id)
