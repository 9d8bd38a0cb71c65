"""SQLite store: the default, no server needed.

Sessions are keyed by a keyed hash (HMAC-SHA256) of the adapter's user id, so the database never
holds a raw Telegram id. The key is kept *outside* the database: in BOT_HASH_KEY, or in a key
file beside it (`<BOT_DB>.key`, mode 600, made on the first start), so a copy of the database
alone cannot confirm whether a suspected id used the bot. A database from before (its salt in
the `meta` table) is migrated on open: the salt moves to the key file, so everyone's session is
kept, and is removed from the database. Counters are per day and per label, with no user in them.

Deleted rows are overwritten (`secure_delete`), and after a deletion the write-ahead log is
checkpointed and truncated, so nothing about a person who used /hapus lingers in the WAL file.
The state of people inactive for longer than BOT_RETENTION_DAYS (default 180) is purged.
"""
from __future__ import annotations

import logging
import os
import secrets
import sqlite3
from pathlib import Path
from typing import Any

from bot.store.db import SQLiteDatabase
from bot.store.sql import DEFAULT_RETENTION_DAYS, HEX_KEY, KeyError_, SQLStore, parse_hex_key

log = logging.getLogger("bot.store")

__all__ = ["SQLiteStore", "open_store", "retention_days", "KeyError_", "DEFAULT_RETENTION_DAYS", "HEX_KEY"]


class SQLiteStore(SQLStore):
    def __init__(self, path: str | os.PathLike[str] = ":memory:", key: bytes | str | None = None,
                 key_file: str | os.PathLike[str] | None = None) -> None:
        self.path = str(path)
        self.db = SQLiteDatabase(self.path)
        self.conn, self._lock = self.db.conn, self.db.mutex  # for the tests and tools that look inside
        self._init_store()
        self.key_file = None if self.path == ":memory:" else Path(key_file or (self.path + ".key"))
        self._salt = self._load_key(key)

    # -- the hash key ------------------------------------------------------------------------
    def _load_key(self, given: bytes | str | None) -> bytes:
        salt = self.get_meta("salt")
        legacy = bytes.fromhex(salt) if salt else None
        if isinstance(given, str):
            given = parse_hex_key(given)
        if given is not None:
            key = given
        elif self.key_file is None:
            key = legacy or secrets.token_bytes(32)
        elif self.key_file.exists():
            key = self._read_key_file()
        else:  # first start, or a database from before the key left it: its salt becomes the key
            key = legacy or secrets.token_bytes(32)
            self._write_key_file(key)
            if legacy:
                log.info("the hash key moved from the database to %s (sessions kept)", self.key_file)
        if legacy is not None:
            with self.db.transaction():
                if legacy != key:  # sessions hashed with the old salt can never be found again
                    n = self.db.execute("DELETE FROM sessions")
                    log.warning("the database held another hash key than the one configured: its %d session(s) "
                                "could not be found any more and were deleted", n)
                self.db.execute("DELETE FROM meta WHERE key='salt'")
            self.scrub()
        return key

    def _read_key_file(self) -> bytes:
        assert self.key_file is not None
        text = self.key_file.read_text(encoding="ascii", errors="replace").strip()
        if not HEX_KEY.match(text):
            raise KeyError_(f"{self.key_file} is not a hash key (32 to 128 hex characters); "
                            "restore it from a backup, or delete it and the database together")
        return bytes.fromhex(text)

    def _write_key_file(self, key: bytes) -> None:
        assert self.key_file is not None
        self.key_file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(key.hex() + "\n")

    # -- helpers -----------------------------------------------------------------------------
    def scrub(self) -> None:
        """Move the WAL into the database (where secure_delete zeroed deleted rows) and truncate
        it, so deleted data does not linger in the -wal file. Best effort: a reader may hold it."""
        try:
            self.db.checkpoint()
        except sqlite3.Error as e:  # busy: the next deletion or the next start does it
            log.warning("WAL checkpoint after a deletion failed (%s)", type(e).__name__)


def retention_days(env: dict[str, str] | None = None) -> float:
    """BOT_RETENTION_DAYS (default 180); 0 or less turns the purge off."""
    raw = ((env if env is not None else os.environ).get("BOT_RETENTION_DAYS") or "").strip()
    try:
        return float(raw) if raw else float(DEFAULT_RETENTION_DAYS)
    except ValueError:
        raise ValueError(f"BOT_RETENTION_DAYS must be a number of days, not {raw!r}") from None


def is_postgres_url(target: str | None) -> bool:
    return bool(target) and str(target).startswith(("postgresql://", "postgres://"))


def open_store(path: str | None = None) -> Any:
    """The store named by BOT_DB (default data/bot.sqlite3): a SQLite file, or a PostgreSQL
    database when it is a `postgresql://` URL (bot/store/postgres.py). The SQLite key comes from
    BOT_HASH_KEY or BOT_KEY_FILE (default: the database's path + `.key`); PostgreSQL requires
    BOT_HASH_KEY. People inactive for longer than BOT_RETENTION_DAYS are purged on opening."""
    target = path or os.environ.get("BOT_DB") or "data/bot.sqlite3"
    key = (os.environ.get("BOT_HASH_KEY") or "").strip() or None
    if is_postgres_url(target):
        from bot.store.postgres import PostgresStore

        store: Any = PostgresStore(target, key=key)
    else:
        store = SQLiteStore(target, key=key, key_file=(os.environ.get("BOT_KEY_FILE") or "").strip() or None)
    days = retention_days()
    if days > 0:
        store.purge_inactive(days)
    return store
