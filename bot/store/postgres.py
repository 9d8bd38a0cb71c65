"""PostgreSQL store: several bot instances on one database (BOT_DB=postgresql://...).

The same Store interface and the same SQL as the SQLite store (bot/store/sql.py), over a
psycopg 3 connection pool. The interface stays synchronous: the engine runs in a worker thread.

- A transaction binds one pooled connection to the calling thread for its duration, so an
  update's session change and its journal entry commit together, as on SQLite. Statements
  outside a transaction each borrow a connection in autocommit mode.
- `lock(name)` takes a transaction-scoped advisory lock (`pg_advisory_xact_lock`) on a 64-bit
  hash of the name: the per-person lock (`lock_person`, on the person's keyed hash), and the
  schema migration lock (bot/store/migrate.py).
- The hash key must be given (BOT_HASH_KEY): every instance has to hash a person to the same
  key, and the key must stay outside the database. There is no key file: instances do not
  share a disk.

The URL holds the password: it is never logged.
"""
from __future__ import annotations

import contextlib
import logging
import os
import threading
from typing import Any, Iterable, Iterator, Sequence

from bot.store.db import lock_key, postgres_ddl, pyformat
from bot.store.sql import KeyError_, SQLStore, parse_hex_key

log = logging.getLogger("bot.store")

try:  # the optional extra `postgres` (pip install 'migrasi-aman[postgres]')
    import psycopg
    from psycopg_pool import ConnectionPool
except ImportError:  # pragma: no cover - only without the extra
    psycopg = None  # type: ignore[assignment]
    ConnectionPool = None  # type: ignore[assignment,misc]


class PostgresUnavailable(RuntimeError):
    """psycopg is missing, or the server cannot be reached."""


def _int_env(name: str, default: int) -> int:
    raw = (os.environ.get(name) or "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else default


class PostgresDatabase:
    dialect = "postgres"

    def __init__(self, url: str, min_size: int = 1, max_size: int | None = None, timeout: float = 30.0) -> None:
        if ConnectionPool is None:
            raise PostgresUnavailable("BOT_DB is a PostgreSQL URL but psycopg is not installed: "
                                      "pip install 'migrasi-aman[postgres]' (psycopg[binary,pool])")
        max_size = max_size or _int_env("BOT_DB_POOL", 10)
        self._local = threading.local()
        self.pool = ConnectionPool(url, min_size=min(min_size, max_size), max_size=max_size, open=False,
                                   kwargs={"autocommit": True}, name="migrasi-aman", timeout=timeout)
        try:
            self.pool.open(wait=True, timeout=timeout)
        except Exception as e:
            self.pool.close()
            raise PostgresUnavailable(f"cannot reach the PostgreSQL server of BOT_DB within {timeout:.0f} s "
                                      f"({type(e).__name__})") from None

    @contextlib.contextmanager
    def _conn(self) -> Iterator[Any]:
        bound = getattr(self._local, "conn", None)
        if bound is not None:
            yield bound
            return
        with self.pool.connection() as conn:
            yield conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        with self._conn() as conn:
            return conn.execute(pyformat(sql), tuple(params)).rowcount

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        rows = [tuple(r) for r in rows]
        if not rows:
            return
        with self._conn() as conn, conn.cursor() as cur:
            cur.executemany(pyformat(sql), rows)

    def fetchone(self, sql: str, params: Sequence[Any] = ()) -> tuple | None:
        with self._conn() as conn:
            row = conn.execute(pyformat(sql), tuple(params)).fetchone()
        return tuple(row) if row is not None else None

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        with self._conn() as conn:
            return [tuple(r) for r in conn.execute(pyformat(sql), tuple(params)).fetchall()]

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        if getattr(self._local, "conn", None) is not None:
            yield  # nested: joins the outer transaction
            return
        with self.pool.connection() as conn:
            self._local.conn = conn
            try:
                with conn.transaction():
                    yield
            finally:
                self._local.conn = None

    @property
    def in_transaction(self) -> bool:
        return getattr(self._local, "conn", None) is not None

    def lock(self, name: str) -> None:
        if not self.in_transaction:
            raise RuntimeError("a database lock is held for a transaction: take it inside one")
        self.execute("SELECT pg_advisory_xact_lock(?)", (lock_key(name),))

    def ddl(self, sql: str) -> str:
        return postgres_ddl(sql)

    def close(self) -> None:
        self.pool.close()


class PostgresStore(SQLStore):
    shared = True

    def __init__(self, url: str, key: bytes | str | None = None, **pool: Any) -> None:
        if key is None or (isinstance(key, str) and not key.strip()):
            raise KeyError_("BOT_HASH_KEY is required with a PostgreSQL BOT_DB: every instance must hash people with "
                            "the same key, kept outside the database (64 hex characters: "
                            "`python -c \"import secrets; print(secrets.token_hex(32))\"`)")
        self._salt = parse_hex_key(key) if isinstance(key, str) else bytes(key)
        self.path = "postgresql"  # never the URL: it holds the password
        self.db = PostgresDatabase(url, **pool)
        self._init_store()
