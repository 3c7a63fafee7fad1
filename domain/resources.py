"""Service resources: the load balancers behind an endpoint service (SVC-2, SVC-4, RES-1)."""

from __future__ import annotations

from dataclasses import dataclass

from privatelink.domain.errors import ResourceNotSupported
from privatelink.domain.errors_invalid import InvalidResourceType, InvalidZoneIdNotFound
from privatelink.domain.records import ResourceEntry

WIRE_RESOURCE_TYPES = ("slb", "alb", "nlb", "gwlb")
_WIRE_FOR_LB = {"clb": "slb", "alb": "alb", "nlb": "nlb", "gwlb": "gwlb"}


@dataclass(frozen=True)
class ResourceFacts:
    """What the inventory says about a load balancer, as the rules need it."""

    resource_id: str
    resource_type: str  # wire name: slb | alb | nlb | gwlb
    owner: str
    region: str
    zones: tuple[str, ...]
    dual_stack: bool
    intranet: bool
    pay_as_you_go: bool
    upgraded: bool
    bandwidth_mbps: int

    @staticmethod
    def wire_type(lb_type: str) -> str:
        return _WIRE_FOR_LB[lb_type]

    def check_can_back_a_service(self) -> None:
        """SVC-2: NLB, ALB (public or private); CLB only private and pay-as-you-go; nothing
        else (a gateway load balancer included)."""
        if self.resource_type not in ("nlb", "alb", "slb"):
            raise ResourceNotSupported(
                f"The resource '{self.resource_id}' ({self.resource_type}) cannot back an "
                "endpoint service: only NLB, ALB and private pay-as-you-go CLB instances can "
                "(SVC-2)."
            )
        if self.resource_type == "slb" and not (self.intranet and self.pay_as_you_go):
            raise ResourceNotSupported(
                f"The CLB instance '{self.resource_id}' cannot back an endpoint service: "
                "only private (intranet), pay-as-you-go CLB instances are supported."
            )

    def check_declared_type(self, declared: str | None) -> None:
        if declared is not None and declared != self.resource_type:
            raise InvalidResourceType(
                f"The resource '{self.resource_id}' is of type '{self.resource_type}', "
                f"not '{declared}'.",
            )

    def zones_to_attach(self, zone_id: str | None) -> tuple[str, ...]:
        """The zones attached: the one named, or every zone of the load balancer."""
        if zone_id is None:
            return self.zones
        if zone_id not in self.zones:
            raise InvalidZoneIdNotFound(
                f"The resource '{self.resource_id}' has no presence in zone '{zone_id}'.",
            )
        return (zone_id,)

    def entry(self, zone_id: str, order: int) -> ResourceEntry:
        """One attached (resource, zone) pair as the service aggregate stores it."""
        return ResourceEntry(
            resource_id=self.resource_id,
            resource_type=self.resource_type,
            zone_id=zone_id,
            region=self.region,
            dual_stack=self.dual_stack,
            bandwidth_mbps=self.bandwidth_mbps,
            cross_region_capable=self.resource_type == "nlb"
            or (self.resource_type == "alb" and self.upgraded),
            auto_allocated=True,
            order=order,
        )


def entry_key(resource_id: str, zone_id: str) -> str:
    return f"{resource_id}|{zone_id}"
