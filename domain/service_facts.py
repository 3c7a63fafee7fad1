"""What an endpoint needs to know of its endpoint service, as plain facts (EP, XR-6).

The endpoint's rules (EP-5 dual stack, EP-7 zone affinity, XR-6 inter-region bandwidth) read
these; the service's own rules (WL-2 visibility, XR-1/XR-4 regions, EP-3 zones) stay in the
service aggregate, which checks them once when the connection is requested.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ServiceFacts:
    """A snapshot of the facts of one endpoint service that an endpoint keeps or checks."""

    service_id: str
    name: str
    region: str
    owner: str
    payer: str
    address_ip_version: str
    zone_affinity: bool
