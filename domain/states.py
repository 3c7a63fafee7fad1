"""The state machines of PrivateLink, one ``StrEnum`` each.

Values are the cloud's strings exactly (../shared/reference/STATES.md), so a member is stored
in events and views, and answered on the wire, as that plain string, and a string read back
from an old event compares equal to the member.
"""

from __future__ import annotations

from enum import StrEnum


class ServiceStatus(StrEnum):
    """``ServiceStatus`` of an endpoint service."""

    CREATING = "Creating"
    PENDING = "Pending"
    ACTIVE = "Active"
    DELETING = "Deleting"
    # Emulator-internal: a deleted service is answered as missing, so the cloud never shows it.
    DELETED = "Deleted"


class EndpointStatus(StrEnum):
    """``EndpointStatus`` of an interface endpoint."""

    CREATING = "Creating"
    ACTIVE = "Active"
    PENDING = "Pending"
    DELETING = "Deleting"
    # Emulator-internal, as for services.
    DELETED = "Deleted"


class BusinessStatus(StrEnum):
    """``ServiceBusinessStatus``, ``EndpointBusinessStatus`` and ``RegionBusinessStatus``."""

    NORMAL = "Normal"
    FINANCIAL_LOCKED = "FinancialLocked"


class RegionServiceStatus(StrEnum):
    """``SupportedRegionSet[].RegionServiceStatus`` of a service's supported region."""

    PENDING = "Pending"
    AVAILABLE = "Available"
    DELETING = "Deleting"
    FAILED = "Failed"
    CLOSED = "Closed"


class ConnectionStatus(StrEnum):
    """``ConnectionStatus`` of the connection between an endpoint and its service."""

    PENDING = "Pending"
    CONNECTING = "Connecting"
    CONNECTED = "Connected"
    DISCONNECTING = "Disconnecting"
    DISCONNECTED = "Disconnected"
    DELETING = "Deleting"
    SERVICE_DELETED = "ServiceDeleted"


class ZoneStatus(StrEnum):
    """``ZoneStatus`` of a zone connection (ListVpcEndpointConnections ``Zones[]``).

    The endpoint's own zones (ListVpcEndpointZones) use the same values except
    ``Migrating`` and ``Migrated``, which the consumer sees as ``Connected``
    (:data:`CONSUMER_ZONE_STATUS`).
    """

    CREATING = "Creating"
    WAIT = "Wait"
    CONNECTING = "Connecting"
    CONNECTED = "Connected"
    DISCONNECTING = "Disconnecting"
    DISCONNECTED = "Disconnected"
    DELETING = "Deleting"
    MIGRATING = "Migrating"
    MIGRATED = "Migrated"


class SecurityGroupStatus(StrEnum):
    """``SecurityGroups[].SecurityGroupStatus`` of a group attached to an endpoint."""

    ATTACHING = "Attaching"
    ATTACHED = "Attached"
    DETACHING = "Detaching"


class AllocateMode(StrEnum):
    """``ResourceAllocateMode`` of a zone connection (RES-6): who picks its resource."""

    AUTO = "Auto"
    MANUAL = "Manual"


class ReplaceMode(StrEnum):
    """``ResourceReplaceMode`` (RES-9): migrate to the new resource, or swap at once."""

    GRACEFUL = "Graceful"
    FORCE = "Force"


class TrafficControlMode(StrEnum):
    """``TrafficControlMode`` of a connection (BW-5)."""

    SCALABILITY = "Scalability"
    BANDWIDTH_LIMIT = "BandwidthLimit"


# The endpoint zone statuses of ListVpcEndpointZones: the provider's migration is invisible.
ENDPOINT_ZONE_STATUSES = frozenset(ZoneStatus) - {ZoneStatus.MIGRATING, ZoneStatus.MIGRATED}
CONSUMER_ZONE_STATUS = {
    ZoneStatus.MIGRATING: ZoneStatus.CONNECTED,
    ZoneStatus.MIGRATED: ZoneStatus.CONNECTED,
}

# Connections the provider has allowed and not yet taken back.
LIVE_CONNECTION = frozenset({ConnectionStatus.CONNECTING, ConnectionStatus.CONNECTED})

# Zone connections that carry traffic (RES-8 failover, DNS answers).
LIVE_ZONE = frozenset(
    {ZoneStatus.CONNECTING, ZoneStatus.CONNECTED, ZoneStatus.MIGRATING, ZoneStatus.MIGRATED}
)
SERVING_ZONE = frozenset({ZoneStatus.CONNECTED, ZoneStatus.MIGRATING, ZoneStatus.MIGRATED})
