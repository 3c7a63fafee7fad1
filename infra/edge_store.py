"""What the HTTP edge remembers across processes and restarts, in the configured schema:
signature nonces (replay protection, SEC-1) and the first answer given to each ClientToken."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from psycopg import sql
from psycopg.pq import Escaping
from psycopg_pool import ConnectionPool

NONCES_TABLE = "pl_signature_nonces"
ANSWERS_TABLE = "pl_client_token_answers"
REPLAY_WINDOW = timedelta(minutes=15)
PRUNE_EVERY = 60.0  # seconds between two sweeps of expired nonces (per process)


class PostgresNonceStore:
    """Signature nonces in one table keyed by (AccessKey, nonce): every ``serve`` process on the
    same schema, and every restart, sees every nonce of the replay window."""

    def __init__(
        self, pool: ConnectionPool, schema: str, window: timedelta = REPLAY_WINDOW
    ) -> None:
        self.pool = pool
        self.window = window
        self.table = sql.Identifier(schema, NONCES_TABLE)
        self._index = sql.Identifier(f"{NONCES_TABLE}_expiry_idx")
        self._next_prune = 0.0
        self._lock = threading.Lock()
        # ``remember``: one statement, its own transaction (the
        # pool's connections autocommit), which does not wait for the WAL flush
        # (``set_config(..., true)`` is SET LOCAL): only a PostgreSQL crash could lose the
        # last moment's nonces, and it saves most of the cost this check adds to every
        # request. One round trip (issue 17).
        self._remember_many = remember_many(self.table, window)
        self._remember = remember_one(self.table, window)

    def remembering(self, conn: Any, nonces: Sequence[Any]) -> str:
        """One statement that remembers several requests' nonces (each ``access_key_id``,
        ``value``, ``since``; no two alike) and answers the (access_key_id, nonce) of those
        not used within their window, as ``remember`` does for one, rendered for ``conn``: the
        writer's turn sends it with its opening (issue 17), in the transaction that records
        the requests' commands. Its values are quoted by libpq (``PQescapeLiteral``, which
        knows the connection's encoding) into a statement rendered once: composing it with
        ``sql.Literal`` cost ~90 us a batch here."""
        encoding, escaping = conn.info.encoding, Escaping(conn.pgconn)

        def quoted(value: str) -> str:
            return bytes(escaping.escape_literal(value.encode(encoding))).decode(encoding)

        rows = ", ".join(
            f"({quoted(n.access_key_id)}, {quoted(n.value)}, "
            f"{quoted((n.since + self.window).isoformat())}::timestamptz)"
            for n in nonces
        )
        return self._remember_many[0] + rows + self._remember_many[1]

    def create_tables(self) -> None:
        with self.pool.connection() as conn:
            conn.execute(
                sql.SQL(
                    "CREATE TABLE IF NOT EXISTS {} (access_key_id text NOT NULL, nonce text NOT NULL, "
                    "expires_at timestamptz NOT NULL, PRIMARY KEY (access_key_id, nonce))"
                ).format(self.table)
            )
            conn.execute(
                sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} (expires_at)").format(
                    self._index, self.table
                )
            )

    def remember(self, access_key_id: str, nonce: str, now: datetime) -> bool:
        """Record the nonce; False when it was already seen within the replay window."""
        with self.pool.connection() as conn:
            row = conn.execute(
                self._remember, (access_key_id, nonce, now + self.window), prepare=True
            ).fetchone()
        self._prune(now)
        return row is not None

    def _prune(self, now: datetime) -> None:
        """Delete expired nonces, at most once a minute per process."""
        with self._lock:
            if time.monotonic() < self._next_prune:
                return
            self._next_prune = time.monotonic() + PRUNE_EVERY
        with self.pool.connection() as conn:
            conn.execute(
                sql.SQL("DELETE FROM {} WHERE expires_at <= %s").format(self.table), (now,)
            )

    def __len__(self) -> int:
        with self.pool.connection() as conn:
            row = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(self.table)).fetchone()
        return int(row[0]) if row else 0


def replaced_when_expired(window: timedelta) -> str:
    """The replay window, for both statements below: a nonce still inside its window is kept,
    and the upsert updates (and returns) a row only when the nonce is new or has expired, by
    the time the new one starts counting (its expiry less the window)."""
    return (
        " ON CONFLICT (access_key_id, nonce) DO UPDATE SET expires_at = EXCLUDED.expires_at "
        f"WHERE n.expires_at <= EXCLUDED.expires_at - interval '{window.total_seconds()} seconds'"
    )


def remember_one(table: sql.Identifier, window: timedelta) -> str:
    """The statement that remembers one nonce, in a transaction of its own."""
    start = sql.SQL(
        "INSERT INTO {} AS n (access_key_id, nonce, expires_at) "
        "SELECT %s, %s, %s FROM (SELECT set_config('synchronous_commit', 'off', true)) "
        "AS no_flush"
    ).format(table)
    return start.as_string(None) + replaced_when_expired(window) + " RETURNING 1"


def remember_many(table: sql.Identifier, window: timedelta) -> tuple[str, str]:
    """The statement that remembers several nonces, around the place of its VALUES rows."""
    start = sql.SQL("INSERT INTO {} AS n (access_key_id, nonce, expires_at) VALUES ")
    return (
        start.format(table).as_string(None),
        replaced_when_expired(window) + " RETURNING access_key_id, nonce",
    )


class PostgresAnswerStore:
    """The first answer given to each (account, action, ClientToken), kept with the identity of
    the request's parameters, so a retry gets that answer back whatever happened since."""

    def __init__(self, pool: ConnectionPool, schema: str) -> None:
        self.pool = pool
        self.table = sql.Identifier(schema, ANSWERS_TABLE)

    def create_tables(self) -> None:
        with self.pool.connection() as conn:
            conn.execute(
                sql.SQL(
                    "CREATE TABLE IF NOT EXISTS {} (token_key text PRIMARY KEY, "
                    "fingerprint text NOT NULL, answer text NOT NULL, "
                    "recorded_at timestamptz NOT NULL DEFAULT now())"
                ).format(self.table)
            )

    def first(self, account: str, action: str, token: str) -> tuple[str, dict[str, Any]] | None:
        """(fingerprint, answer) of the first answer under this token, if one was given."""
        with self.pool.connection() as conn:
            row = conn.execute(
                sql.SQL("SELECT fingerprint, answer FROM {} WHERE token_key = %s").format(
                    self.table
                ),
                (_key(account, action, token),),
            ).fetchone()
        return (str(row[0]), json.loads(row[1])) if row else None

    def keep(
        self, account: str, action: str, token: str, fingerprint: str, answer: dict[str, Any]
    ) -> tuple[str, dict[str, Any]]:
        """Keep ``answer`` unless another one was kept first; the one kept is returned."""
        with self.pool.connection() as conn:
            conn.execute(
                sql.SQL(
                    "INSERT INTO {} (token_key, fingerprint, answer) "
                    "VALUES (%s, %s, %s) ON CONFLICT (token_key) DO NOTHING"
                ).format(self.table),
                (_key(account, action, token), fingerprint, json.dumps(answer, ensure_ascii=False)),
            )
        kept = self.first(account, action, token)
        return kept if kept is not None else (fingerprint, answer)


def _key(account: str, action: str, token: str) -> str:
    return hashlib.sha256(f"{account}\n{action}\n{token}".encode()).hexdigest()
