"""Issue 10: the signature nonces and ClientToken answers live in PostgreSQL, in the configured
schema, so every process and every restart sees them; expired nonces are pruned."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from psycopg_pool import ConnectionPool

from privatelink.infra.edge_store import PostgresAnswerStore, PostgresNonceStore

T0 = datetime(2026, 12, 5, 3, 0, tzinfo=UTC)


def test_issue10_a_nonce_is_refused_within_its_window_by_another_store_instance(
    database_url: str, schema: str
) -> None:
    with ConnectionPool(database_url, min_size=1, max_size=2, open=True) as pool:
        with pool.connection() as conn:
            conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        first, restarted = PostgresNonceStore(pool, schema), PostgresNonceStore(pool, schema)
        first.create_tables()
        assert first.remember("AK", "n1", T0)
        assert not restarted.remember("AK", "n1", T0 + timedelta(minutes=14))
        assert restarted.remember("AK2", "n1", T0)  # per AccessKey
        # After the window the nonce is forgotten: the expired row is replaced.
        assert restarted.remember("AK", "n1", T0 + timedelta(minutes=16))


def test_issue10_expired_nonces_are_pruned(database_url: str, schema: str) -> None:
    with ConnectionPool(database_url, min_size=1, max_size=2, open=True) as pool:
        with pool.connection() as conn:
            conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        store = PostgresNonceStore(pool, schema)
        store.create_tables()
        for i in range(5):
            store.remember("AK", f"old-{i}", T0)
        assert len(store) == 5
        store._next_prune = 0.0  # the once-a-minute sweep is due
        store.remember("AK", "new", T0 + timedelta(minutes=20))
        assert len(store) == 1


def test_issue10_the_first_answer_kept_wins(database_url: str, schema: str) -> None:
    with ConnectionPool(database_url, min_size=1, max_size=2, open=True) as pool:
        with pool.connection() as conn:
            conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        answers = PostgresAnswerStore(pool, schema)
        answers.create_tables()
        assert answers.first("acct", "CreateVpcEndpoint", "t") is None
        kept = answers.keep("acct", "CreateVpcEndpoint", "t", "fp", {"EndpointId": "ep-1"})
        assert kept == ("fp", {"EndpointId": "ep-1"})
        second = answers.keep("acct", "CreateVpcEndpoint", "t", "fp", {"EndpointId": "ep-2"})
        assert second == ("fp", {"EndpointId": "ep-1"})
        assert answers.first("other", "CreateVpcEndpoint", "t") is None


def test_issue17_the_turns_statement_remembers_nonces_as_remember_does(
    database_url: str, schema: str
) -> None:
    """The writer's turn remembers a batch's nonces in one statement whose values libpq
    quotes: any nonce comes back as sent, a used one is not fresh within its window, and
    fresh again after it."""
    from privatelink.application.jobs import PendingNonce

    odd = "it's a \\ back\\\\slash 'quoted' é ☃ $$ ; DROP TABLE x; --"

    def pending(value: str, since: datetime) -> PendingNonce:
        return PendingNonce("AK", value, since, lambda: True, Exception())

    with ConnectionPool(database_url, min_size=1, max_size=2, open=True) as pool:
        with pool.connection() as conn:
            conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        store = PostgresNonceStore(pool, schema)
        store.create_tables()
        assert store.remember("AK", "used", T0)
        with pool.connection() as conn:
            batch = [pending(odd, T0), pending("used", T0 + timedelta(minutes=1))]
            fresh = conn.execute(store.remembering(conn, batch)).fetchall()
            assert [tuple(row) for row in fresh] == [("AK", odd)]
            later = [pending("used", T0 + timedelta(minutes=16))]  # its window is over
            assert len(conn.execute(store.remembering(conn, later)).fetchall()) == 1
        assert not store.remember("AK", odd, T0 + timedelta(minutes=2))
