"""Issue 16: GetResourceAsOf with a version or time the log does not hold is a 4xx in the
cloud's shape, never a 500, even on a store whose log has a version gap."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from privatelink.api.actions.history import render_as_of
from privatelink.api.errors import status_for
from privatelink.application.history import resource_named
from privatelink.application.tagging import TagResources
from privatelink.composition import Runtime
from privatelink.domain.errors import DomainError
from privatelink.domain.service import EndpointService
from tests.application.helpers import PROVIDER, REGION, cmd, create_service


def tag(runtime: Runtime, service_id: str, value: str) -> None:
    runtime.app.dispatch(
        TagResources(REGION, "vpcendpointservice", [service_id], [("k", value)]),
        cmd(PROVIDER, "TagResources"),
    )


def drop_version(
    runtime: Runtime, database_url: str, schema: str, service_id: str, version: int
) -> None:
    """Make the gap an older store could hold (written before the executor's fix)."""
    aggregate_id = EndpointService.create_id(service_id)
    with psycopg.connect(database_url, autocommit=True) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT table_name FROM information_schema.columns WHERE table_schema = %s "
                "AND column_name = 'originator_version'",
                (schema,),
            )
        ]
        for table in tables:
            conn.execute(
                f'DELETE FROM "{schema}"."{table}" WHERE originator_id = %s '
                "AND originator_version = %s",
                (aggregate_id, version),
            )


def refusal(call: object) -> DomainError:
    with pytest.raises(DomainError) as info:
        call()  # type: ignore[operator]
    assert 400 <= status_for(info.value) < 500
    return info.value


def test_issue16_missing_version_or_time_is_a_4xx(runtime: Runtime) -> None:
    """Issue 16: a version past the latest, or a time before the creation, is a 4xx."""
    service_id = create_service(runtime)
    resource = resource_named(service_id)
    refusal(lambda: render_as_of(runtime.app, resource, None, 999))
    before = datetime.now(UTC) - timedelta(days=3650)
    refusal(lambda: render_as_of(runtime.app, resource, before, None))


def test_issue16_version_gap_is_a_4xx_not_a_crash(
    runtime: Runtime, database_url: str, schema: str
) -> None:
    """Issue 16: on a log with a version gap, asking for the missing version, a later one, or a
    time inside the gap answers a 4xx naming the version; earlier versions still answer."""
    service_id = create_service(runtime)
    for value in ("a", "b", "c"):
        tag(runtime, service_id, value)
    resource = resource_named(service_id)
    latest = runtime.app.audit.latest_version(resource)
    assert latest >= 4
    drop_version(runtime, database_url, schema, service_id, 3)
    runtime.app.repository.cache = None  # the gap is made behind the application's back
    assert render_as_of(runtime.app, resource, None, 2)["ServiceId"] == service_id
    for version in (3, latest):
        error = refusal(lambda v=version: render_as_of(runtime.app, resource, None, v))
        assert error.code == "InvalidParameter.Version"
    refusal(lambda: render_as_of(runtime.app, resource, datetime.now(UTC), None))
