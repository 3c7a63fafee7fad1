"""VSwitchAddresses: which private IPs of a vSwitch are held by ENIs (EP-4).

One aggregate per vSwitch, saved with the endpoint that takes or frees an address, so two
concurrent requests for the same address cannot both win: the second loses on the version
conflict and is retried against the new state.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address
from uuid import UUID

from eventsourcing.domain import event

from privatelink.domain.base import Caller, PrivateLinkAggregate, acts, aggregate_uuid
from privatelink.domain.errors import IpAddressUnavailable
from privatelink.domain.errors_invalid import (
    InvalidIpAddressAlreadyUsed,
    InvalidIpAddressNotInVSwitch,
    InvalidIpAddressReserved,
    InvalidIpv6Address,
    InvalidIpv6AddressAlreadyUsed,
    InvalidIpv6AddressNotInVSwitch,
    InvalidIpv6AddressReserved,
    InvalidVSwitchIdIpNotEnough,
)


@lru_cache(maxsize=4096)
def parsed_network(cidr: str) -> IPv4Network:
    """A vSwitch's block, parsed once (each address taken, and each replayed, asks for it);
    the aggregate's state keeps only the string."""
    return IPv4Network(cidr)


class VSwitchAddresses(PrivateLinkAggregate):
    """The address book of one vSwitch."""

    @staticmethod
    def create_id(vswitch_id: str) -> UUID:
        return aggregate_uuid("vswitch", vswitch_id)

    created_event = "Opened"

    @event("Opened")
    def __init__(self, vswitch_id: str, cidr: str) -> None:
        self.vswitch_id = vswitch_id
        self.cidr = cidr
        self.taken: dict[str, str] = {}
        self.next_offset = 1

    @property
    def network(self) -> IPv4Network:
        return parsed_network(self.cidr)

    def check_assignable(self, ip: str) -> None:
        """EP-4: inside the block, not reserved (first and last three), not taken."""
        try:
            address = ip_address(ip)
        except ValueError:
            raise IpAddressUnavailable(f"'{ip}' is not an IPv4 address.") from None
        network = self.network
        if not isinstance(address, IPv4Address) or address not in network:
            raise InvalidIpAddressNotInVSwitch(
                f"The IP address {ip} is not inside the CIDR block {network} of vSwitch "
                f"'{self.vswitch_id}'.",
            )
        offset = int(address) - int(network.network_address)
        if offset == 0 or offset >= network.num_addresses - 3:
            raise InvalidIpAddressReserved(
                f"The IP address {ip} is reserved by the system in vSwitch '{self.vswitch_id}'.",
            )
        if ip in self.taken:
            raise InvalidIpAddressAlreadyUsed(
                f"The IP address {ip} of vSwitch '{self.vswitch_id}' is already in use.",
            )

    def first_free(self) -> str:
        """The lowest free address of the block (past the reserved first one). A hint kept by
        the events makes this cheap on a busy vSwitch instead of a scan from the start."""
        network = self.network
        base, usable = int(network.network_address), network.num_addresses - 3
        for offset in range(max(self.next_offset, 1), usable):
            candidate = str(IPv4Address(base + offset))
            if candidate not in self.taken:
                return candidate
        raise InvalidVSwitchIdIpNotEnough(
            f"The vSwitch '{self.vswitch_id}' has no free IP address left.",
        )

    @acts
    def take(self, by: Caller, ip: str | None, eni_id: str) -> str:
        """Assign the given address, or the lowest free one when none is given."""
        if ip is None:
            ip = self.first_free()
        else:
            self.check_assignable(ip)
        self._taken(ip, eni_id)
        return ip

    @event("AddressTaken")
    def _taken(self, ip: str, eni_id: str) -> None:
        self.taken[ip] = eni_id
        # Every address below next_offset is taken: advance it past the ones now taken.
        base = int(self.network.network_address)
        while str(IPv4Address(base + self.next_offset)) in self.taken:
            self.next_offset += 1

    # -- IPv6 (EP-4 for DualStack ENIs) ----------------------------------------------------

    @property
    def ipv6_network(self) -> IPv6Network:
        """The vSwitch's IPv6 block: a unique-local /64 derived from its id (the inventory
        holds no IPv6 blocks), so every vSwitch has one of its own, stable across restarts."""
        digest = hashlib.sha256(self.vswitch_id.encode()).digest()
        return IPv6Network((int.from_bytes(b"\xfd" + digest[:7], "big") << 64, 64))

    @property
    def taken_ipv6(self) -> dict[str, str]:
        # Address books recorded before IPv6 addresses were booked have none taken.
        return self.__dict__.setdefault("_taken_ipv6", {})  # type: ignore[no-any-return]

    def check_assignable_ipv6(self, ip: str) -> str:
        """EP-4, as for IPv4: inside the vSwitch's IPv6 block (so never ``::``, ``::1`` nor a
        multicast address), not reserved (the first and the last three), not taken."""
        try:
            address = IPv6Address(ip)
        except ValueError:
            raise InvalidIpv6Address(f"'{ip}' is not an IPv6 address.") from None
        network = self.ipv6_network
        if address not in network:
            raise InvalidIpv6AddressNotInVSwitch(
                f"The IPv6 address {ip} is not inside the IPv6 CIDR block {network} of vSwitch "
                f"'{self.vswitch_id}'."
            )
        offset = int(address) - int(network.network_address)
        if offset == 0 or offset >= network.num_addresses - 3:
            raise InvalidIpv6AddressReserved(
                f"The IPv6 address {ip} is reserved by the system in vSwitch '{self.vswitch_id}'."
            )
        canonical = str(address)
        if canonical in self.taken_ipv6:
            raise InvalidIpv6AddressAlreadyUsed(
                f"The IPv6 address {ip} of vSwitch '{self.vswitch_id}' is already in use."
            )
        return canonical

    def free_ipv6(self, ip: str) -> str:
        """A free IPv6 address of the block, derived from the ENI's IPv4 address."""
        network = self.ipv6_network
        offset = int(IPv4Address(ip)) - int(self.network.network_address)
        while True:
            candidate = str(network.network_address + offset)
            if candidate not in self.taken_ipv6:
                return candidate
            offset += 1 << 32  # past every IPv4-derived address: never one of another ENI

    @acts
    def take_ipv6(self, by: Caller, ip: str, given: str | None, eni_id: str) -> str:
        """A DualStack ENI's IPv6 address: the one given (checked), or a free one."""
        ipv6 = self.check_assignable_ipv6(given) if given else self.free_ipv6(ip)
        self._ipv6_taken(ipv6, eni_id)
        return ipv6

    @event("Ipv6AddressTaken")
    def _ipv6_taken(self, ip: str, eni_id: str) -> None:
        self.taken_ipv6[ip] = eni_id

    @acts
    def release_ipv6(self, by: Caller, ip: str) -> None:
        if ip in self.taken_ipv6:
            self._ipv6_released(ip)

    @event("Ipv6AddressReleased")
    def _ipv6_released(self, ip: str) -> None:
        del self.taken_ipv6[ip]

    @acts
    def release(self, by: Caller, ip: str) -> None:
        if ip in self.taken:
            self._released(ip)

    @event("AddressReleased")
    def _released(self, ip: str) -> None:
        del self.taken[ip]
        offset = int(IPv4Address(ip)) - int(self.network.network_address)
        self.next_offset = min(self.next_offset, offset)


# -- event versions: events stored in an older shape are upcast when read ---------------------


def _opened_v1_v2(state: dict[str, object]) -> None:
    """v2 records who opened the address book (AUD-1); v1 events did not say."""
    state.setdefault("actor", "")
    state.setdefault("request_id", "")


VSwitchAddresses.Opened.class_version = 2  # type: ignore[attr-defined]
VSwitchAddresses.Opened.upcast_v1_v2 = staticmethod(_opened_v1_v2)  # type: ignore[attr-defined]
