"""Tenancy through history (issue 10; SEC-2, SEC-3 over AUD-1): a consumer's history of its
endpoint shows only what concerns that endpoint, with the fields its own Get would show; the
provider reads its service's history whole; nobody reads another account's."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import pytest

from privatelink.application.endpoints import CreateEndpoint, ZoneRequest
from privatelink.application.history import resource_named
from privatelink.application.services import (
    AddUser,
    AttachResource,
    CreateEndpointService,
    MarkLoadBalancer,
    ResourceRef,
)
from privatelink.composition import Runtime
from privatelink.domain.endpoint import EndpointOptions
from privatelink.domain.errors import EndpointNotFound, EndpointServiceNotFound
from privatelink.domain.service import ServiceOptions
from tests.application.helpers import CONSUMER, PROVIDER, REGION, cmd

OUTSIDER = "1210000000000003"
FIRST, SPARE = "nlb-provider0001", "nlb-provider0003"


def eventually(check: Callable[[], bool], timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.02)
    return False


def endpoint_of(rt: Runtime, account: str, vpc: str, vswitch: str, service_id: str) -> str:
    outcome = rt.app.dispatch(
        CreateEndpoint(
            REGION,
            vpc,
            service_id,
            None,
            [ZoneRequest("cn-hangzhou-h", vswitch)],
            [],
            EndpointOptions(),
        ),
        cmd(account, "CreateVpcEndpoint"),
    )
    return str(outcome.result["EndpointId"])


def shared_service(rt: Runtime) -> tuple[str, str, str]:
    """A service used by two accounts' endpoints whose zone fails over from FIRST to SPARE."""
    outcome = rt.app.dispatch(
        CreateEndpointService(REGION, [ResourceRef(FIRST)], ServiceOptions(auto_accept=True)),
        cmd(PROVIDER, "CreateVpcEndpointService"),
    )
    service_id = str(outcome.result["ServiceId"])
    for user in (CONSUMER, OUTSIDER):
        rt.app.dispatch(AddUser(REGION, service_id, user), cmd(PROVIDER))
    mine = endpoint_of(rt, CONSUMER, "vpc-consumer0001", "vsw-consumer-h", service_id)
    theirs = endpoint_of(rt, OUTSIDER, "vpc-outsider0001", "vsw-outsider-h", service_id)
    rt.app.dispatch(AttachResource(REGION, service_id, ResourceRef(SPARE)), cmd(PROVIDER))
    rt.app.dispatch(MarkLoadBalancer(FIRST, True), cmd("operator", "Fault"))
    resource = resource_named(mine)
    assert eventually(
        lambda: any(e.type == "ResourceFailed" for e in rt.app.audit.history(resource))
    )
    return service_id, mine, theirs


def text(entries: list) -> str:  # type: ignore[type-arg]
    return json.dumps([e.as_json() for e in entries])


def test_issue10_consumer_history_names_no_other_account_nor_provider_resources(
    runtime: Runtime,
) -> None:
    """SEC-2 through history: the consumer's endpoint history keeps its own connection events
    but names neither the other account's endpoint, the provider's load balancers, nor the
    provider's account or requests."""
    _, mine, theirs = shared_service(runtime)
    whole = text(runtime.app.audit.history(resource_named(mine)))
    assert theirs in whole and FIRST in whole  # what the operator's log holds
    entries = runtime.app.audit.history_for(CONSUMER, resource_named(mine))
    seen = text(entries)
    for secret in (theirs, OUTSIDER, FIRST, SPARE, PROVIDER):
        assert secret not in seen, secret
    failed = next(e for e in entries if e.type == "ResourceFailed")
    assert failed.data == {
        "endpoint_id": mine,
        "failed_over_zones": ["cn-hangzhou-h"],
        "unavailable_zones": [],
    }
    assert {"ConnectionRequested", "ConnectionAllowed", "Created"} <= {e.type for e in entries}


def test_issue10_provider_reads_its_service_history_whole(runtime: Runtime) -> None:
    service_id, mine, theirs = shared_service(runtime)
    seen = text(runtime.app.audit.history_for(PROVIDER, resource_named(service_id)))
    assert mine in seen and theirs in seen and FIRST in seen


def test_issue10_nobody_reads_another_accounts_history(runtime: Runtime) -> None:
    """SEC-3: the provider cannot read the consumer's endpoint, the consumer cannot read the
    service, the other consumer cannot read this endpoint."""
    service_id, mine, _ = shared_service(runtime)
    with pytest.raises(EndpointNotFound):
        runtime.app.audit.history_for(PROVIDER, resource_named(mine))
    with pytest.raises(EndpointNotFound):
        runtime.app.audit.history_for(OUTSIDER, resource_named(mine))
    with pytest.raises(EndpointServiceNotFound):
        runtime.app.audit.history_for(CONSUMER, resource_named(service_id))


def test_issue10_cli_history_as_an_account_shows_what_it_may_read(
    runtime: Runtime, database_url: str, schema: str
) -> None:
    """`privatelink history ID --account UID` reads as that account: the consumer's view of its
    endpoint, and not found (exit 1) for another account's resource."""
    from typer.testing import CliRunner

    from privatelink.cli import app

    _, mine, theirs = shared_service(runtime)
    store = ["--database-url", database_url, "--schema", schema]
    seen = CliRunner().invoke(app, ["history", mine, "--account", CONSUMER, "--json", *store])
    assert seen.exit_code == 0, seen.output
    assert mine in seen.stdout and theirs not in seen.stdout and FIRST not in seen.stdout
    foreign = CliRunner().invoke(app, ["history", mine, "--account", PROVIDER, *store])
    assert foreign.exit_code == 1
