"""The DNS-record view (issue 13: a projection of its own, read by the DNS server, covered by
rebuild --verify, answerable as of a past moment), on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from privatelink.application.connections import EnableConnection
from privatelink.application.dns_history import dns_as_of
from privatelink.application.endpoints import DeleteEndpoint
from privatelink.composition import Runtime
from privatelink.projections.views import ENDPOINT, endpoint_key
from tests.application.helpers import (
    CONSUMER,
    PROVIDER,
    REGION,
    cmd,
    create_endpoint,
    create_service,
)
from tests.application.test_views import eventually, status


def names(
    rt: Runtime, after: int = 0
) -> tuple[dict[str, list[tuple[str, str, str]]], list[str], int]:
    present, removed, position, _ = rt.views.dns.read_changes(rt.views.pool, after)
    return {row.name: row.records() for row in present}, removed, position


def endpoint_domain(rt: Runtime, endpoint_id: str) -> str:
    row = rt.views.get(ENDPOINT, endpoint_key(endpoint_id))
    assert row is not None
    return str(row["doc"]["EndpointDomain"]).lower()


def connected(rt: Runtime, endpoint_id: str) -> bool:
    return status(rt, ENDPOINT, endpoint_key(endpoint_id), "ConnectionStatus") == "Connected"


def test_ep_9_acc_4_names_exist_at_once_and_get_addresses_when_connected(runtime: Runtime) -> None:
    """EP-9: the endpoint domain and each zone domain exist from creation; ACC-4: addresses
    only once the provider allowed the connection and it is Connected."""
    service_id = create_service(runtime, auto_accept=False)
    endpoint_id = create_endpoint(runtime, service_id, zones=("h", "i"))
    domain = endpoint_domain(runtime, endpoint_id)
    found, _, _ = names(runtime)
    assert found[domain] == []
    assert len([n for n in found if n.startswith(f"{endpoint_id}-")]) == 2
    runtime.app.dispatch(EnableConnection(REGION, service_id, endpoint_id), cmd(PROVIDER))
    assert eventually(lambda: connected(runtime, endpoint_id))
    found, _, _ = names(runtime)
    assert sorted(t for t, _, _ in found[domain]) == ["A", "A"]
    assert {z for _, _, z in found[domain]} == {"cn-hangzhou-h", "cn-hangzhou-i"}


def test_dns_view_gives_only_what_changed_and_tombstones_deleted_names(runtime: Runtime) -> None:
    """The DNS server follows the view incrementally: after a position it gets the names that
    changed since, and a deleted endpoint's names as removed."""
    service_id = create_service(runtime)
    first = create_endpoint(runtime, service_id)
    assert eventually(lambda: connected(runtime, first))
    _, _, position = names(runtime)
    second = create_endpoint(runtime, service_id)
    assert eventually(lambda: connected(runtime, second))
    changed, removed, position = names(runtime, position)
    assert changed and all(n.startswith(second) for n in changed) and removed == []
    outcome = runtime.app.dispatch(DeleteEndpoint(REGION, second), cmd(CONSUMER))
    assert runtime.wait_for_views(outcome.position)
    assert eventually(lambda: bool(names(runtime, position)[1]))
    _, removed, _ = names(runtime, position)
    assert sorted(removed) == sorted(changed)


def test_dns_as_of_answers_what_a_name_resolved_to_then(runtime: Runtime) -> None:
    """Time travel: before the connection was allowed the name had no address; after, it had
    the ENI's; after deletion it no longer exists."""
    service_id = create_service(runtime, auto_accept=False)
    endpoint_id = create_endpoint(runtime, service_id)
    domain = endpoint_domain(runtime, endpoint_id)
    before = datetime.now(UTC)
    runtime.app.dispatch(EnableConnection(REGION, service_id, endpoint_id), cmd(PROVIDER))
    assert eventually(lambda: connected(runtime, endpoint_id))
    connected_at = datetime.now(UTC)
    outcome = runtime.app.dispatch(DeleteEndpoint(REGION, endpoint_id), cmd(CONSUMER))
    assert runtime.wait_for_views(outcome.position)
    then = dns_as_of(runtime.app, domain, before)
    assert then is not None and then.records() == []
    later = dns_as_of(runtime.app, domain, connected_at)
    assert later is not None and [t for t, _, _ in later.records()] == ["A"]
    assert dns_as_of(runtime.app, domain, datetime.now(UTC)) is None


def test_cli_dns_prints_a_names_records_now_and_as_of(
    runtime: Runtime, database_url: str, schema: str
) -> None:
    """`privatelink dns NAME [--as-of T]` answers from the view now and from the log then."""
    from tests.e2e.history_helpers import cli, cli_json

    service_id = create_service(runtime, auto_accept=False)
    endpoint_id = create_endpoint(runtime, service_id)
    domain = endpoint_domain(runtime, endpoint_id)
    before = datetime.now(UTC).isoformat()
    runtime.app.dispatch(EnableConnection(REGION, service_id, endpoint_id), cmd(PROVIDER))
    assert eventually(lambda: connected(runtime, endpoint_id))
    now = cli_json(database_url, schema, "dns", domain, "--json")
    assert now["endpoint"] == endpoint_id and [r["type"] for r in now["records"]] == ["A"]
    then = cli_json(database_url, schema, "dns", domain, "--as-of", before, "--json")
    assert then["records"] == []
    missing = cli(database_url, schema, "dns", "ep-nosuchendpoint000000.example", check=False)
    assert missing.returncode == 1
