"""The zones of an interface endpoint: where each zone's ENI sits, and the ENI a replaced
resource keeps until it is disconnected (EP-3, EP-8, RES-10, RES-11)."""

from __future__ import annotations

from privatelink.domain.errors_denied import EndpointOperationDenied, EndpointZoneAlreadyExists
from privatelink.domain.errors_invalid import EndpointZoneNotFound
from privatelink.domain.records import EndpointZone, ReplacedEni


class EndpointZones:
    """An endpoint's zone records, by zone id; works on the endpoint's own state."""

    def __init__(self, zones: dict[str, EndpointZone]) -> None:
        self.zones = zones

    def check_addable(self, zone_id: str) -> None:
        if zone_id in self.zones:
            raise EndpointZoneAlreadyExists(f"The endpoint already has a zone '{zone_id}'.")

    def check_removable(self, zone_id: str) -> None:
        if zone_id not in self.zones:
            raise EndpointZoneNotFound(f"The endpoint has no zone '{zone_id}'.")
        if len(self.zones) == 1:
            raise EndpointOperationDenied(
                "An endpoint keeps at least one zone; delete the endpoint instead."
            )

    def replaced_eni(self, zone_id: str) -> ReplacedEni | None:
        """The ENI a migrated zone kept for its old resource (RES-10), if any."""
        zone = self.zones.get(zone_id)
        if not zone or not zone.get("replaced_eni_id"):
            return None
        return ReplacedEni(
            eni_id=zone["replaced_eni_id"], ip=zone["replaced_ip"], vswitch_id=zone["vswitch_id"]
        )

    # -- mutators ------------------------------------------------------------------------------

    def added(self, zone: EndpointZone) -> None:
        self.zones[zone["zone_id"]] = zone.copy()

    def removed(self, zone_id: str) -> None:
        del self.zones[zone_id]

    def eni_replaced(self, zone_id: str, eni_id: str, ip: str, keep_old: bool) -> None:
        """The zone's new ENI; the old one kept as the replaced ENI when ``keep_old``."""
        old = self.zones[zone_id]
        zone = old.copy()  # a new record, in the same key order
        zone["eni_id"], zone["ip"] = eni_id, ip
        if keep_old:
            zone["replaced_eni_id"], zone["replaced_ip"] = old["eni_id"], old["ip"]
        self.zones[zone_id] = zone

    def replaced_eni_deleted(self, zone_id: str) -> None:
        zone = self.zones[zone_id].copy()
        zone.pop("replaced_eni_id", None)
        zone.pop("replaced_ip", None)
        self.zones[zone_id] = zone
