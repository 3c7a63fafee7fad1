"""Write ``api/wire/models.py`` from the SDK-derived reference ``privatelink-2020-04-15.api.json``.

Dev-time only: the server never reads the 430 KB reference, it imports the generated module.
Run ``python -m privatelink.api.wire.generate docs/reference/privatelink-2020-04-15.api.json``.

Names, aliases, types and required-ness come from the reference; the constraints below come
from the reference's prose (STATES.md §4, WIRE.md §7, the SDK field comments), and each
one says where its number comes from.
"""

import hashlib
import json
import keyword
import sys
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SOURCE_SDK = "alibabacloud-privatelink20200415==4.0.9"
OUTPUT = Path(__file__).with_name("models.py")
LINE_LIMIT = 100
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

PYTHON_TYPES = {"str": "str", "int": "int", "bool": "bool"}
LOCATIONS = {"query": "the query string", "body": "a form body"}


@dataclass(frozen=True)
class Attr:
    """One rendered model attribute: ``name: annotation = Field(*args)``."""

    name: str
    annotation: str
    args: list[str]
    note: str | None = None


def main(argv: Sequence[str]) -> int:
    """Render the models from the api.json named in ``argv`` and write them to OUTPUT."""
    if len(argv) != 1:
        print("usage: python -m privatelink.api.wire.generate <privatelink-2020-04-15.api.json>")
        return 2
    source = Path(argv[0])
    OUTPUT.write_text(render(source.read_bytes(), source.name))
    print(f"wrote {OUTPUT}")
    return 0


def render(raw: bytes, source_name: str) -> str:
    """The full text of ``models.py`` for the api.json bytes ``raw``."""
    actions = sorted(json.loads(raw)["actions"], key=lambda a: a["action"])
    used: dict[str, StrRule] = {}
    classes = [block for action in actions for block in _action_classes(action, used)]
    _check_all_rules_used(used)
    names = [block.split("(", 1)[0].removeprefix("class ") for block in classes]
    _require(len(set(names)) == len(names), "two generated classes share a name")
    paged = {a["action"] for a in actions if any(p["key"] == "MaxResults" for p in a["params"])}
    _require(paged == set(MAX_RESULTS), f"MAX_RESULTS does not match {sorted(paged)}")
    head = "\n\n".join(
        [_header(hashlib.sha256(raw).hexdigest(), source_name), *_item_aliases(used)]
    )
    return "\n\n\n".join([head, *classes, _registry(actions)]) + "\n"


def _header(digest: str, source_name: str) -> str:
    return "\n".join(
        [
            f"# GENERATED by api/wire/generate.py from {source_name}",
            f"# (sha256 {digest[:16]}…), the request models of {SOURCE_SDK}.",
            "# Do not edit by hand: change the rules in the generator and run",
            f"#     python -m privatelink.api.wire.generate docs/reference/{source_name}",
            '"""Request models of the PrivateLink 2020-04-15 actions: one class per action."""',
            "",
            "from typing import Annotated",
            "",
            "from pydantic import Field, StringConstraints",
            "",
            "from privatelink.api.wire.base import PRINTABLE_ASCII, WireModel",
        ]
    )


def _item_aliases(used: Mapping[str, StrRule]) -> list[str]:
    aliases = {_item_alias(key): rule for key, rule in used.items() if key.endswith(".N")}
    lines = [
        f"{name} = Annotated[str, StringConstraints({', '.join(_string_args(rule))})]"
        for name, rule in sorted(aliases.items())
    ]
    return ["\n".join(lines)] if lines else []


def _item_alias(rule_key: str) -> str:
    """The type alias of the items of a list of strings (rule key ``Key.N`` or ``*.N``)."""
    return "WireItem" if rule_key == ANY_ITEM else rule_key.removesuffix(".N") + "Item"


def _item_type(key: str, used: dict[str, StrRule]) -> str:
    rule_key = f"{key}.N" if f"{key}.N" in STRING_RULES else ANY_ITEM
    used[rule_key] = STRING_RULES.get(rule_key, StrRule())
    return _item_alias(rule_key)


def _action_classes(action: Mapping[str, Any], used: dict[str, StrRule]) -> list[str]:
    name = action["action"]
    params = action["params"]
    blocks = [
        _class(f"{name}{p['key']}", f"One ``{p['key']}.N`` item of ``{name}``.", fields)
        for p in params
        if (fields := _sub_fields(p, used))
    ]
    fields = [_field(name, p, p["key"], used) for p in params]
    blocks.append(_class(f"{name}Request", _request_doc(action), fields))
    return blocks


def _request_doc(action: Mapping[str, Any]) -> str:
    params = action["params"]
    if not params:
        return f"``{action['action']}`` takes no parameters."
    locations = {p["loc"] for p in params}
    _require(len(locations) == 1, f"{action['action']}: params split over {locations}")
    required = ", ".join(_wire_name(p) for p in params if p["required"]) or "none"
    lines = textwrap.wrap(f"Required: {required}.", LINE_LIMIT - 4, break_on_hyphens=False)
    where = LOCATIONS[locations.pop()]
    summary = f"Parameters of ``{action['action']}``, sent in {where}."
    return f"{summary}\n\n    " + "\n    ".join(lines)


def _wire_name(param: Mapping[str, Any]) -> str:
    return f"{param['key']}.N" if param["kind"] == "list" else str(param["key"])


def _sub_fields(param: Mapping[str, Any], used: dict[str, StrRule]) -> list[Attr]:
    children = param.get("children") or []
    return [_field(None, c, f"{param['key']}.{c['key']}", used) for c in children]


def _field(
    action: str | None, param: Mapping[str, Any], rule_key: str, used: dict[str, StrRule]
) -> Attr:
    name = _attr_name(param["attr"])
    key = param["key"]
    if param["kind"] == "list":
        return _list_field(action, param, name, used)
    _require(param["kind"] == "scalar", f"unknown kind in {param}")
    python_type = PYTHON_TYPES[param["type"]]
    args = [] if param["required"] else ["None"]
    args.append(f'alias="{key}"')
    note = None
    if python_type == "str":
        rule = STRING_RULES.get(rule_key, StrRule())
        used[rule_key] = rule
        args += _string_args(rule)
        note = rule.note
    elif python_type == "int":
        args += _int_args(action, param)
    annotation = python_type if param["required"] else f"{python_type} | None"
    return Attr(name, annotation, args, note)


def _list_field(
    action: str | None, param: Mapping[str, Any], name: str, used: dict[str, StrRule]
) -> Attr:
    key = param["key"]
    limit = LIST_LIMITS.get(key)
    if limit is None:
        raise SystemExit(f"api.wire.generate: {action}: list {key} has no entry in LIST_LIMITS")
    if param.get("children"):
        item = f"{action}{key}"
    else:
        _require(param["type"] == "str", f"list of {param['type']} in {action}")
        item = _item_type(key, used)
    args = ([] if param["required"] else ["default_factory=list"]) + [f'alias="{key}"']
    if param["required"]:
        args.append("min_length=1")
    args.append(f"max_length={limit.max_items}")
    note = f"at most {limit.max_items} items: {limit.note}" if limit.note else None
    return Attr(name, f"list[{item}]", args, note)


def _string_args(rule: StrRule) -> list[str]:
    args = [f"min_length={rule.min_length}"] if rule.min_length else []
    args.append(f"max_length={rule.max_length}")
    if rule.printable_ascii:
        args.append("pattern=PRINTABLE_ASCII")
    return args


def _int_args(action: str | None, param: Mapping[str, Any]) -> list[str]:
    key = param["key"]
    if key == "MaxResults":
        top = MAX_RESULTS.get(str(action), 0)
        comment = " ".join(param["comment"]).replace("*", "")
        _require(f"1 to {top}" in comment, f"{action}: MaxResults doc says {comment!r}")
        return ["ge=1", f"le={top}"]
    if key in INT_RANGES:
        low, high = INT_RANGES[key]
        return [f"ge={low}", f"le={high}"]
    return []


def _attr_name(attr: str) -> str:
    name = ATTR_FIXES.get(attr, attr)
    _require(name.isidentifier() and not keyword.iskeyword(name), f"bad name {name!r}")
    _require("_6" not in name, f"odd SDK attribute {attr!r}: add it to ATTR_FIXES")
    return name


def _class(name: str, doc: str, fields: list[Attr]) -> str:
    closing = "\n    " if "\n" in doc else ""
    lines = [f"class {name}(WireModel):", f'    """{doc}{closing}"""']
    if fields:
        lines.append("")
    for field in fields:
        if field.note:
            lines += textwrap.wrap(
                field.note, LINE_LIMIT, initial_indent="    # ", subsequent_indent="    # "
            )
        lines += _field_lines(field)
    return "\n".join(lines)


def _field_lines(field: Attr) -> list[str]:
    head = f"    {field.name}: {field.annotation} = Field("
    joined = ", ".join(field.args)
    if len(head) + len(joined) + 1 <= LINE_LIMIT:
        return [f"{head}{joined})"]
    if len(joined) + 8 <= LINE_LIMIT:
        return [head, f"        {joined}", "    )"]
    return [head, *(f"        {arg}," for arg in field.args), "    )"]


def _registry(actions: Sequence[Mapping[str, Any]]) -> str:
    entries = [f"        {a['action']}Request," for a in actions]
    body_actions = sorted(
        a["action"] for a in actions if any(p["loc"] == "body" for p in a["params"])
    )
    body_set = ", ".join(f'"{name}"' for name in body_actions)
    return "\n".join(
        [
            "REQUEST_MODELS: dict[str, type[WireModel]] = {",
            '    model.__name__.removesuffix("Request"): model',
            "    for model in (",
            *entries,
            "    )",
            "}",
            f'"""Action name → its request model: all {len(actions)} actions of the API."""',
            "",
            f"FORM_BODY_ACTIONS: frozenset[str] = frozenset({{{body_set}}})",
            '"""Actions whose SDK sends every parameter in a form body, not the query string."""',
        ]
    )


def _check_all_rules_used(used: Mapping[str, StrRule]) -> None:
    unused = sorted(set(STRING_RULES) - set(used))
    _require(not unused, f"STRING_RULES never applied (typo?): {unused}")


def _require(condition: bool, problem: str) -> None:
    """Stop when the reference no longer matches what the rules above assume."""
    if not condition:
        raise SystemExit(f"api.wire.generate: {problem}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
