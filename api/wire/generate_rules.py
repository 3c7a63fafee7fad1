"""The constraints ``generate.py`` writes into the request models, with where each number comes
from: the reference's prose (STATES.md §4, WIRE.md §7, the SDK field comments) or, where it
gives none, this emulator's choice, said so."""

from dataclasses import dataclass

DEFAULT_MAX_CHARS = 1024

# The SDK spells these oddly (its snake_case generator split "IPv6" as "ipv_6").
ATTR_FIXES = {"ipv_6address": "ipv6_address", "service_support_ipv_6": "service_support_ipv6"}

# STATES.md §4 / WIRE.md §7; the generator checks each number against the field comment.
MAX_RESULTS = {
    "ListVpcEndpointServices": 1000,
    "ListVpcEndpointServicesByEndUser": 1000,
    "ListVpcEndpoints": 1000,
    "ListVpcEndpointConnections": 1000,
    "ListVpcEndpointZones": 1000,
    "ListVpcEndpointSecurityGroups": 50,
    "ListVpcEndpointServiceResources": 50,
    "ListVpcEndpointServiceUsers": 50,
}

UNDOCUMENTED = "the reference gives no limit; 20 is this emulator's choice"


@dataclass(frozen=True)
class ListLimit:
    """Most items a ``Key.N`` list may carry, and why (None: the docs state the number)."""

    max_items: int
    note: str | None = None


LIST_LIMITS = {
    "Tag": ListLimit(20),  # "You can specify up to 20 tag keys"
    "TagKey": ListLimit(20),  # UntagResources: "up to 20 tag keys"
    "ResourceId": ListLimit(50),  # Tag/Untag/ListTagResources: "up to 50 resource IDs"
    "Resource": ListLimit(
        20, 'STATES.md §4 "up to 20 service resources" (the field doc says 10 at creation)'
    ),
    "SecurityGroupId": ListLimit(20, UNDOCUMENTED),
    "Zone": ListLimit(20, UNDOCUMENTED),
    "SupportedRegionList": ListLimit(20, UNDOCUMENTED),
    "AddSupportedRegionSet": ListLimit(20, UNDOCUMENTED),
    "DeleteSupportedRegionSet": ListLimit(20, UNDOCUMENTED),
}


@dataclass(frozen=True)
class StrRule:
    """Length (and charset) limits of a string parameter or list item."""

    max_length: int = DEFAULT_MAX_CHARS
    min_length: int = 0
    printable_ascii: bool = False
    note: str | None = None


# Keyed by wire key, "List.Sub" for a field of a list item, or "List.N" for the strings of a
# list of strings; a rule applies in every action that has the key.
STRING_RULES = {
    "ClientToken": StrRule(64, printable_ascii=True),  # STATES §4: "ASCII only"
    "EndpointName": StrRule(128, min_length=2),  # UpdateVpcEndpointAttribute: "2 to 128"
    "EndpointDescription": StrRule(256, min_length=2),  # "2 to 256 characters"
    "PolicyDocument": StrRule(
        6144, note="at most 6144 chars: undocumented; RAM's policy limit (1024 cuts real ones)"
    ),
    "Tag.Key": StrRule(64, min_length=1),  # "cannot be an empty string", "up to 64 characters"
    "Tag.Value": StrRule(128),  # "up to 128 characters"
    "TagKey.N": StrRule(64, min_length=1),  # items of UntagResources TagKey.N
}
ANY_ITEM = "*.N"  # rule key of the items of every other list of strings

INT_RANGES = {"ZonePrivateIpAddressCount": (1, 1)}  # "Set the value to 1" / "fixed to 1"
