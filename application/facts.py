"""Facts from the inventory, as the caller may see them (SEC-3: foreign is missing)."""

from __future__ import annotations

from dataclasses import dataclass

from privatelink.domain.endpoint import CrossRegionCap
from privatelink.domain.errors import (
    EndpointServiceResourceNotFound,
    InvalidRegionIdNotFound,
    InvalidSecurityGroupIdNotFound,
    InvalidVpcIdNotFound,
    InvalidVSwitchIdNotFound,
    missing,
)
from privatelink.domain.errors_invalid import InvalidVSwitchIdZoneMismatch
from privatelink.domain.inventory import Inventory, Vpc, VSwitch
from privatelink.domain.resources import ResourceFacts

RESOURCE_MANAGEMENT_QUOTA = "privatelink_whitelist/svc_res_mgt_uat"
CHINA_QUOTA = "pvl_quota_cross_region_ep_max_bandwidth_payg_china"
OVERSEA_QUOTA = "pvl_quota_cross_region_ep_max_bandwidth_payg_oversea"


@dataclass(frozen=True)
class InventoryFacts:
    """Looks things up in the inventory on behalf of one account."""

    inventory: Inventory

    def check_region(self, region: str) -> None:
        if self.inventory.region(region) is None:
            raise InvalidRegionIdNotFound(missing("region", region))

    def load_balancer(self, account: str, resource_id: str, region: str) -> ResourceFacts:
        lb = self.inventory.load_balancer(resource_id)
        if lb is None or lb.owner != account or lb.region != region:
            raise EndpointServiceResourceNotFound(missing("service resource", resource_id))
        return ResourceFacts(
            resource_id=lb.id,
            resource_type=ResourceFacts.wire_type(lb.type),
            owner=lb.owner,
            region=lb.region,
            zones=tuple(lb.zones),
            dual_stack=lb.dual_stack,
            intranet=lb.address_type == "intranet",
            pay_as_you_go=lb.billing == "pay-as-you-go",
            upgraded=lb.upgraded,
            bandwidth_mbps=lb.bandwidth_mbps,
        )

    def vpc(self, account: str, vpc_id: str, region: str) -> Vpc:
        vpc = self.inventory.vpc(vpc_id)
        if vpc is None or vpc.owner != account or vpc.region != region:
            raise InvalidVpcIdNotFound(missing("VPC", vpc_id))
        return vpc

    def vswitch(self, vpc: Vpc, vswitch_id: str, zone_id: str) -> VSwitch:
        found = next((v for v in vpc.vswitches if v.id == vswitch_id), None)
        if found is None:
            raise InvalidVSwitchIdNotFound(missing(f"vSwitch in VPC {vpc.id}", vswitch_id))
        if found.zone != zone_id:
            raise InvalidVSwitchIdZoneMismatch(
                f"The vSwitch '{vswitch_id}' is in zone '{found.zone}', not '{zone_id}' (EP-3)."
            )
        return found

    def security_groups(self, vpc: Vpc, group_ids: list[str]) -> list[str]:
        for group_id in group_ids:
            if group_id not in vpc.security_groups:
                raise InvalidSecurityGroupIdNotFound(
                    missing(f"security group in VPC {vpc.id}", group_id)
                )
        return group_ids

    def resource_management_enabled(self, account: str) -> bool:
        """RES-5: manual allocation and replacement need this quota."""
        return self.inventory.quota(account, RESOURCE_MANAGEMENT_QUOTA, 0) >= 1

    def cross_region_cap(self, account: str, region: str, other: str) -> CrossRegionCap:
        """XR-6: 1,000 Mbit/s inside the Chinese mainland, 100 otherwise, unless the account's
        quota raises it."""
        china = region.startswith("cn-") and other.startswith("cn-")
        default = 1000 if china else 100
        maximum = self.inventory.quota(account, CHINA_QUOTA if china else OVERSEA_QUOTA, default)
        return CrossRegionCap(default=min(default, maximum), maximum=max(maximum, 100))
