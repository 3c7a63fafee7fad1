"""Issue 13 (Domain): every state machine is a ``StrEnum`` whose values are the cloud's strings
(docs/reference/STATES.md), and no status string literal is spread over the layers."""

from __future__ import annotations

import ast
import json
import re
from enum import StrEnum
from pathlib import Path

import pytest
from eventsourcing.persistence import JSONTranscoder

from privatelink.domain import states
from privatelink.domain.states import (
    AllocateMode,
    BusinessStatus,
    ConnectionStatus,
    EndpointStatus,
    RegionServiceStatus,
    ReplaceMode,
    SecurityGroupStatus,
    ServiceStatus,
    TrafficControlMode,
    ZoneStatus,
)

ROOT = Path(__file__).resolve().parents[2]
STATES_MD = ROOT / "docs" / "reference" / "STATES.md"

# The first cell of a row of STATES.md section 1 -> the enum that holds its values.
ROWS: list[tuple[str, type[StrEnum]]] = [
    ("Endpoint service `ServiceStatus`", ServiceStatus),
    ("`ServiceBusinessStatus`", BusinessStatus),
    ("`SupportedRegionSet[].RegionServiceStatus`", RegionServiceStatus),
    ("`SupportedRegionSet[].RegionBusinessStatus`", BusinessStatus),
    ("Endpoint `EndpointStatus`", EndpointStatus),
    ("`EndpointBusinessStatus`", BusinessStatus),
    ("`ConnectionStatus` (endpoint↔service connection)", ConnectionStatus),
    ("Endpoint zone `ZoneStatus` (ListVpcEndpointZones `Zones[]`)", ZoneStatus),
    (
        "Connection zone `ZoneStatus` (ListVpcEndpointConnections `Connections[].Zones[]`)",
        ZoneStatus,
    ),
    ("`SecurityGroups[].SecurityGroupStatus`", SecurityGroupStatus),
]
ENUMS = {
    ServiceStatus,
    EndpointStatus,
    BusinessStatus,
    RegionServiceStatus,
    ConnectionStatus,
    ZoneStatus,
    SecurityGroupStatus,
}
# States the emulator keeps although the cloud never shows them (a deleted resource is
# answered as missing).
INTERNAL = {ServiceStatus.DELETED, EndpointStatus.DELETED}


def documented_states() -> dict[str, list[str]]:
    """Section 1 of STATES.md: the first cell of each row -> the values it lists."""
    text = STATES_MD.read_text().split("## 1.", 1)[1].split("## 2.", 1)[0]
    rows: dict[str, list[str]] = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and "`" in cells[1]:
            rows[cells[0]] = re.findall(r"`([A-Za-z]+)`", cells[1])
    return rows


@pytest.mark.parametrize("row,enum", ROWS, ids=[r for r, _ in ROWS])
def test_issue_13_every_documented_state_is_a_member(row: str, enum: type[StrEnum]) -> None:
    """Each value STATES.md lists for a status field is a member of that field's enum."""
    values = documented_states()[row]
    assert values, row
    assert set(values) <= {m.value for m in enum}


def test_issue_13_every_member_is_documented_or_internal() -> None:
    """No invented state: a member is a documented cloud value or one of the internal ones."""
    documented = {v for values in documented_states().values() for v in values}
    for enum in ENUMS:
        for member in enum:
            assert member.value in documented or member in INTERNAL, member


def test_issue_13_every_status_row_is_mapped() -> None:
    """A status row added to STATES.md needs an enum here (CheckProductOpen is no state)."""
    rows = {r for r in documented_states() if "CheckProductOpen" not in r}
    assert rows == {r for r, _ in ROWS}


def test_issue_13_members_are_stored_as_plain_strings() -> None:
    """Stored events keep their JSON: a member encodes as its string, and a string read back
    compares equal to the member."""
    transcoder = JSONTranscoder()
    encoded = transcoder.encode({"status": ZoneStatus.WAIT, "all": list(ConnectionStatus)})
    assert json.loads(encoded) == {"status": "Wait", "all": [m.value for m in ConnectionStatus]}
    decoded = transcoder.decode(encoded)
    assert type(decoded["status"]) is str and decoded["status"] == ZoneStatus.WAIT
    assert f"{ZoneStatus.MIGRATED}" == "Migrated" and str(ZoneStatus.MIGRATED) == "Migrated"


def test_issue_13_consumer_never_sees_a_migration() -> None:
    """ListVpcEndpointZones shows a migrating or migrated zone as Connected (the endpoint-zone
    values are the connection-zone ones without Migrating and Migrated)."""
    assert all(
        states.CONSUMER_ZONE_STATUS[s] == ZoneStatus.CONNECTED
        for s in (ZoneStatus.MIGRATING, ZoneStatus.MIGRATED)
    )
    assert set(states.CONSUMER_ZONE_STATUS.values()) <= states.ENDPOINT_ZONE_STATUSES


def test_issue_13_modes_are_the_cloud_values() -> None:
    """STATES.md section 2: ResourceAllocateMode, ResourceReplaceMode, TrafficControlMode."""
    section = STATES_MD.read_text().split("## 2.", 1)[1].split("## 3.", 1)[0]
    for field, enum in (
        ("`ResourceAllocateMode`", AllocateMode),
        ("`ResourceReplaceMode`", ReplaceMode),
        ("`TrafficControlMode`", TrafficControlMode),
    ):
        row = next(line for line in section.splitlines() if line.startswith(f"| {field} |"))
        listed = re.findall(r"`([A-Za-z]+)`", row.split("|")[2])
        assert {m.value for m in enum} <= set(listed), field


# -- no state or mode literal outside domain/states.py ------------------------------------------

MODES = {AllocateMode, ReplaceMode, TrafficControlMode}
STATUS_VALUES = {m.value for enum in ENUMS | MODES for m in enum}


def status_literals(path: Path) -> list[str]:
    """String constants that spell a state, except event names (``@event("Deleted")``) and
    dict keys (a response field such as ``"Failed"`` is a name, not a state)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    exempt: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for deco in node.decorator_list:
                exempt.update(id(n) for n in ast.walk(deco))
        elif isinstance(node, ast.Dict):
            exempt.update(id(k) for k in node.keys if k is not None)
    return [
        f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and node.value in STATUS_VALUES and id(node) not in exempt
    ]


@pytest.mark.parametrize("layer", ["domain", "application", "projections"])
def test_issue_13_no_status_literal_outside_the_enums(layer: str) -> None:
    """A state machine is a StrEnum (ZoneStatus.CONNECTED), never a string literal spread over
    the layers."""
    found = [
        hit
        for path in sorted((ROOT / layer).rglob("*.py"))
        if path != ROOT / "domain" / "states.py"
        for hit in status_literals(path)
    ]
    assert found == []
