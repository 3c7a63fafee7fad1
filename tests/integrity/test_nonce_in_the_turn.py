"""Issue 17: the writer's turn remembers a command's signature nonce with its opening, in the
transaction that records the command: the request makes no nonce statement of its own (one
round trip fewer per write); a read, which no turn takes, remembers its own."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from psycopg import sql

from privatelink.api.auth import RawRequest
from privatelink.api.http import handle
from privatelink.composition import Runtime
from privatelink.infra.edge_store import NONCES_TABLE, PostgresNonceStore
from tests.application.helpers import create_service
from tests.conftest import CONSUMER, PROVIDER
from tests.reliability.signing import SignedRequest, request


def raw(signed: SignedRequest) -> RawRequest:
    query = signed.url().partition("?")[2]
    return RawRequest("POST", "/", query, list(signed.headers().items()), signed.body())


def remembered(runtime: Runtime, nonce: str) -> bool:
    with runtime.views.pool.connection() as conn:
        row = conn.execute(
            sql.SQL("SELECT count(*) FROM {} WHERE nonce = %s").format(
                sql.Identifier(runtime.settings.db_schema, NONCES_TABLE)
            ),
            (nonce,),
        ).fetchone()
    return bool(row and row[0])


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The nonces remembered by a statement of their own."""
    made: list[str] = []
    remember = PostgresNonceStore.remember

    def counted(self: PostgresNonceStore, key: str, nonce: str, now: Any) -> bool:
        made.append(nonce)
        return remember(self, key, nonce, now)

    monkeypatch.setattr(PostgresNonceStore, "remember", counted)
    return made


def signed_create(service_id: str) -> SignedRequest:
    return request(
        "127.0.0.1:18080",
        "CreateVpcEndpoint",
        CONSUMER,
        [
            ("RegionId", "cn-hangzhou"),
            ("VpcId", "vpc-consumer0001"),
            ("ServiceId", service_id),
            ("Zone.1.ZoneId", "cn-hangzhou-h"),
            ("Zone.1.VSwitchId", "vsw-consumer-h"),
        ],
    )


def test_issue17_a_commands_nonce_is_remembered_by_the_writers_turn(
    runtime: Runtime, checks: list[str]
) -> None:
    assert runtime.app.executor is not None and runtime.app.executor.takes_nonces
    service_id = create_service(runtime)
    create = signed_create(service_id)
    assert handle(runtime, raw(create), "req-create")["EndpointId"].startswith("ep-")
    assert checks == []  # no statement of its own
    assert remembered(runtime, create.nonce)  # committed with the command


def test_issue17_a_reads_nonce_is_remembered_by_the_request(
    runtime: Runtime, checks: list[str]
) -> None:
    listing = request(
        "127.0.0.1:18080", "ListVpcEndpointServices", PROVIDER, [("RegionId", "cn-hangzhou")]
    )
    handle(runtime, raw(listing), "req-list")
    assert checks == [listing.nonce]
    assert remembered(runtime, listing.nonce)


def test_issue17_requests_that_come_while_a_turn_opens_join_it(runtime: Runtime) -> None:
    """A create that comes while the writer waits for its turn joins that turn once the turn
    remembered its nonce (one round trip more, not a whole batch's wait), and a copy of a
    request already in the turn is refused there as a replay, before anything is decided."""
    from privatelink.infra.write_session import LOCK_NAME
    from tests.integrity.helpers import wait_until

    executor: Any = runtime.app.executor
    service_id = create_service(runtime)
    first, second = signed_create(service_id), signed_create(service_id)
    batches: list[int] = []
    executor.on_batch = batches.append
    answers: dict[str, Any] = {}

    def send(name: str, signed: SignedRequest) -> threading.Thread:
        def run() -> None:
            try:
                answers[name] = handle(runtime, raw(signed), f"req-{name}")
            except Exception as error:  # noqa: BLE001 - the test inspects it
                answers[name] = error

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        return thread

    schema = runtime.settings.db_schema
    with runtime.views.pool.connection() as turn:
        turn.execute("SELECT pg_advisory_lock(hashtext(%s), hashtext(%s))", (LOCK_NAME, schema))
        threads = [send("first", first)]
        wait_until(lambda: executor.jobs.qsize() == 0 and executor.busy_since is not None)
        threads += [send("second", second), send("copy", first)]
        wait_until(lambda: executor.jobs.qsize() == 2)
        turn.execute("SELECT pg_advisory_unlock(hashtext(%s), hashtext(%s))", (LOCK_NAME, schema))
    for thread in threads:
        thread.join(30)
    assert answers["first"]["EndpointId"] != answers["second"]["EndpointId"]
    assert getattr(answers["copy"], "code", None) == "SignatureNonceUsed", answers["copy"]
    assert batches == [2]  # the first and the one that came while its turn opened
