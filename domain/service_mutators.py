"""How each recorded part event changes an endpoint service: one mutator per event class,
applied by ``EndpointService.apply_recorded`` (tests/unit/test_events_declared.py holds every
part event to an entry here)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from privatelink.domain.events import ConnectionEvents as C
from privatelink.domain.events import ResourceEvents as R
from privatelink.domain.events import ZoneConnectionEvents as Z
from privatelink.domain.service_parts import Service

Mutator = Callable[[Service, Any], None]

MUTATORS: dict[type, Mutator] = {
    R.ResourceAttached: lambda s, e: s.attachments.attached(e.entries),
    R.ResourceDetached: lambda s, e: s.attachments.detached(e.keys),
    R.AutoAllocationSwitched: lambda s, e: s.attachments.switched(e.keys, e.enabled),
    C.ConnectionRequested: lambda s, e: s.book.requested(e),
    C.ConnectionAllowed: lambda s, e: s.book.allowed(e),
    C.ConnectionDenied: lambda s, e: s.book.denied(e),
    C.BandwidthChanged: lambda s, e: s.book.bandwidth_changed(e),
    C.ConnectionEstablished: lambda s, e: s.book.established(e),
    C.ConnectionDisconnected: lambda s, e: s.book.disconnected(e),
    C.ConnectionZoneAdded: lambda s, e: s.book.zone_added(e),
    C.ConnectionZoneRemoved: lambda s, e: s.book.zone_removed(e),
    C.ConnectionClosed: lambda s, e: s.book.closed(e),
    Z.ZoneConnectionDisabled: lambda s, e: s.zone_book.status_set(e),
    Z.ZoneConnectionDisconnected: lambda s, e: s.zone_book.status_set(e),
    Z.MigrationCompleted: lambda s, e: s.zone_book.status_set(e),
    Z.ZoneConnectionEnabled: lambda s, e: s.zone_book.enabled(e),
    Z.ZoneAllocationSet: lambda s, e: s.zone_book.allocation_set(e),
    Z.ResourceReplaced: lambda s, e: s.zone_book.replaced(e),
    Z.ReplacedResourceDisconnected: lambda s, e: s.zone_book.replaced_disconnected(e),
    Z.ResourceFailed: lambda s, e: s.zone_book.failed(e),
    Z.ResourceRecovered: lambda s, e: s.zone_book.recovered(e),
}
