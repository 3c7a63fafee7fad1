"""EP-4 for DualStack ENIs: an IPv6 address given by the consumer follows the same rules as an
IPv4 one (inside the vSwitch's IPv6 block, not reserved, not taken); no database."""

from __future__ import annotations

from ipaddress import IPv6Address

import pytest

from privatelink.domain.addresses import VSwitchAddresses
from privatelink.domain.errors import IpAddressUnavailable
from tests.unit.helpers import consumer


def book() -> VSwitchAddresses:
    addresses = VSwitchAddresses.created_by(
        consumer, vswitch_id="vsw-consumer-h", cidr="127.16.1.0/24"
    )
    addresses.collect_events()
    return addresses


def refused(addresses: VSwitchAddresses, ipv6: str) -> str:
    with pytest.raises(IpAddressUnavailable) as info:
        addresses.take_ipv6(consumer, "127.16.1.20", ipv6, "eni-2")
    assert addresses.collect_events() == []
    return info.value.code


def inside(addresses: VSwitchAddresses, offset: int) -> str:
    return str(addresses.ipv6_network.network_address + offset)


def test_ep_4_ipv6_a_free_address_inside_the_block_is_taken() -> None:
    addresses = book()
    ip = inside(addresses, 0x10)
    assert addresses.take_ipv6(consumer, "127.16.1.10", ip, "eni-1") == ip
    (taken,) = addresses.collect_events()
    assert (type(taken).__name__, taken.ip, taken.eni_id) == ("Ipv6AddressTaken", ip, "eni-1")


def test_ep_4_ipv6_duplicate_in_one_vswitch_is_refused() -> None:
    """EP-4: one IPv6 address per vSwitch, even written another way."""
    addresses = book()
    ip = inside(addresses, 0x10)
    addresses.take_ipv6(consumer, "127.16.1.10", ip, "eni-1")
    addresses.collect_events()
    assert refused(addresses, ip.upper().replace("::", ":0::")) == "InvalidIpv6Address.AlreadyUsed"


@pytest.mark.parametrize("ip", ["::", "::1", "ff02::1", "2001:db8::5", "fe80::1"])
def test_ep_4_ipv6_outside_the_block_is_refused(ip: str) -> None:
    """EP-4: the unspecified, loopback, multicast and foreign addresses are not the vSwitch's."""
    assert refused(book(), ip) == "InvalidIpv6Address.NotInVSwitch"


@pytest.mark.parametrize("offset", [0, -1, -2, -3])
def test_ep_4_ipv6_reserved_addresses_are_refused(offset: int) -> None:
    addresses = book()
    network = addresses.ipv6_network
    ip = str(
        network.network_address + offset if offset == 0 else network.broadcast_address + offset + 1
    )
    assert refused(addresses, ip) == "InvalidIpv6Address.Reserved"


def test_ep_4_ipv6_not_an_address_is_refused() -> None:
    assert refused(book(), "10.0.0.1") == "InvalidIpv6Address"


def test_ep_4_ipv6_assigned_address_skips_one_given_earlier() -> None:
    """EP-4: an address derived for a later ENI never repeats one a consumer chose."""
    addresses = book()
    derived = addresses.free_ipv6("127.16.1.20")
    addresses.take_ipv6(consumer, "127.16.1.10", derived, "eni-1")
    other = addresses.take_ipv6(consumer, "127.16.1.20", None, "eni-2")
    assert other != derived and IPv6Address(other) in addresses.ipv6_network
    assert set(addresses.taken_ipv6) == {derived, other}


def test_ep_4_ipv6_released_address_can_be_taken_again() -> None:
    addresses = book()
    ip = inside(addresses, 0x10)
    addresses.take_ipv6(consumer, "127.16.1.10", ip, "eni-1")
    addresses.release_ipv6(consumer, ip)
    assert addresses.take_ipv6(consumer, "127.16.1.11", ip, "eni-2") == ip
