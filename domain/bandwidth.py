"""Connection bandwidth and traffic control per resource type (BW-2, BW-3, STATES §2, §4)."""

from __future__ import annotations

from privatelink.domain.errors_invalid import (
    InvalidParameterBandwidth,
    InvalidParameterConnectBandwidth,
    InvalidParameterTrafficControlMode,
)
from privatelink.domain.states import TrafficControlMode

RANGES = {"slb": (100, 10240), "alb": (100, 25000), "nlb": (100, 50000), "gwlb": (100, 25000)}
_LIMIT, _SCALE = TrafficControlMode.BANDWIDTH_LIMIT, TrafficControlMode.SCALABILITY
MODES = {"slb": (_LIMIT,), "alb": (_LIMIT, _SCALE), "nlb": (_SCALE, _LIMIT), "gwlb": (_SCALE,)}
DEFAULT_CONNECT_BANDWIDTH = 3072
CONNECT_BANDWIDTH_RANGE = (100, 10240)
_NAMES = {"slb": "CLB", "alb": "ALB", "nlb": "NLB", "gwlb": "GWLB"}


def default_mode(resource_type: str) -> TrafficControlMode:
    """NLB and GWLB scale by default; CLB is always limited; ALB is limited by default."""
    return MODES[resource_type][0]


def check_bandwidth(resource_type: str, bandwidth: int) -> None:
    """BW-2: per-connection limits by resource type."""
    low, high = RANGES[resource_type]
    if not low <= bandwidth <= high:
        raise InvalidParameterBandwidth(
            f"Bandwidth must be between {low} and {high} Mbit/s for a {_NAMES[resource_type]} "
            f"endpoint service; got {bandwidth} (BW-2)."
        )


def check_mode(resource_type: str, mode: str) -> None:
    if mode not in MODES[resource_type]:
        raise InvalidParameterTrafficControlMode(
            f"TrafficControlMode '{mode}' is not available for a {_NAMES[resource_type]} endpoint "
            f"service; use {' or '.join(MODES[resource_type])}."
        )


def check_connect_bandwidth(resource_type: str, bandwidth: int) -> None:
    """BW-3: a default connection bandwidth exists only for CLB services."""
    if resource_type != "slb":
        raise InvalidParameterConnectBandwidth(
            f"ConnectBandwidth can only be set on a CLB endpoint service, not "
            f"{_NAMES[resource_type]} (BW-3)."
        )
    low, high = CONNECT_BANDWIDTH_RANGE
    if not low <= bandwidth <= high:
        raise InvalidParameterConnectBandwidth(
            f"ConnectBandwidth must be between {low} and {high} Mbit/s; got {bandwidth} (BW-3)."
        )
