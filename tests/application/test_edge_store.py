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
