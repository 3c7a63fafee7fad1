"""Issue 13 (Domain): a rule is checked once, in the aggregate that owns it. The service's rules
on a new endpoint (EP-1/WL-2 visibility, EP-2/XR-1 region, EP-3 zones served) are guards of
the service, called by the service only; ``Endpoint.create`` takes the service's facts, not
the service aggregate."""

from __future__ import annotations

import ast
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest

from privatelink.domain.endpoint import Endpoint, EndpointOptions
from privatelink.domain.errors import EndpointServiceNotFound, ZoneNotSupported
from privatelink.domain.service_facts import ServiceFacts
from tests.unit.helpers import (
    CONSUMER_UID,
    REGION,
    ZONE_H,
    ZONE_J,
    consumer,
    new_service,
    placement,
    provider,
)

ROOT = Path(__file__).resolve().parents[2]
SERVICE_RULES = {"check_visible_to", "check_region_supported", "check_zone_is_served"}
# The modules of the service aggregate (and its parts), which own those rules.
OWNERS = {
    "domain/service.py",
    "domain/service_admission.py",
    "domain/connections.py",
    "domain/zone_connections.py",
    "domain/service_resources.py",
}


def rule_calls(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    return [
        f"{path.relative_to(ROOT)}:{node.lineno}: {node.func.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in SERVICE_RULES
    ]


def test_issue_13_service_rules_are_called_by_the_service_only() -> None:
    """No use case and no other aggregate re-checks the service's rules."""
    found = [
        hit
        for layer in ("domain", "application", "projections", "api")
        for path in sorted((ROOT / layer).rglob("*.py"))
        if str(path.relative_to(ROOT)) not in OWNERS
        for hit in rule_calls(path)
    ]
    assert found == []


def calls_in(module: str, function: str) -> list[str]:
    """The service rules a function of a module calls, in order."""
    tree = ast.parse((ROOT / module).read_text())
    (body,) = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == function]
    return [
        n.func.attr
        for n in ast.walk(body)
        if isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and n.func.attr in SERVICE_RULES
    ]


def test_issue_13_each_service_rule_is_checked_once_per_new_endpoint() -> None:
    """CreateVpcEndpoint: admit_endpoint checks each of the service's rules once (the zone rule
    once per zone); neither the request of the connection nor the endpoint judges them again."""
    assert calls_in("domain/service_admission.py", "admit_endpoint") == [
        "check_visible_to",
        "check_region_supported",
        "check_zone_is_served",
    ]
    assert calls_in("domain/service_commands.py", "request_connection") == []
    assert calls_in("domain/endpoint.py", "create") == []
    assert calls_in("application/endpoints.py", "create_endpoint") == []


def test_issue_13_endpoint_create_takes_plain_service_facts() -> None:
    """An endpoint is created from a frozen dataclass of facts: no service aggregate needed."""
    facts = ServiceFacts(
        service_id="epsrv-facts0001",
        name="com.aliyuncs.privatelink.x",
        region=REGION,
        owner="1210000000000001",
        payer="Endpoint",
        address_ip_version="IPv4",
        zone_affinity=False,
    )
    endpoint = Endpoint.create(
        consumer,
        "ep-facts0001",
        REGION,
        "vpc-consumer0001",
        facts,
        [placement(ZONE_H)],
        [],
        EndpointOptions(),
    )
    assert (endpoint.service_id, endpoint.service_name, endpoint.service_owner) == (
        facts.service_id,
        facts.name,
        facts.owner,
    )
    with pytest.raises(FrozenInstanceError):
        facts.region = "elsewhere"  # type: ignore[misc]


def test_issue_13_admit_endpoint_returns_the_service_facts() -> None:
    service = new_service()
    service.add_user(provider, CONSUMER_UID)
    assert service.admit_endpoint(CONSUMER_UID, REGION, [ZONE_H]) == service.facts()


def test_ep_1_admit_endpoint_refuses_an_unlisted_consumer() -> None:
    with pytest.raises(EndpointServiceNotFound):
        new_service().admit_endpoint(CONSUMER_UID, REGION, [ZONE_H])


def test_ep_3_admit_endpoint_refuses_a_zone_the_service_does_not_serve() -> None:
    service = new_service()
    service.add_user(provider, CONSUMER_UID)
    with pytest.raises(ZoneNotSupported):
        service.admit_endpoint(CONSUMER_UID, REGION, [ZONE_H, ZONE_J])
