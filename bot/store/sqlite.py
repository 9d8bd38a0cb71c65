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

import contextlib
import datetime as _dt
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import sqlite3
import threading
from pathlib import Path
from typing import Any, Iterator

log = logging.getLogger("bot.store")

DEFAULT_RETENTION_DAYS = 180
HEX_KEY = re.compile(r"^[0-9a-fA-F]{32,128}$")


class KeyError_(Exception):
    """The hash key is unusable (a malformed BOT_HASH_KEY or key file)."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
    user_key TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS counters (
    day TEXT NOT NULL, kind TEXT NOT NULL, label TEXT NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY (day, kind, label)
);
"""


class SQLiteStore:
    def __init__(self, path: str | os.PathLike[str] = ":memory:", key: bytes | str | None = None,
                 key_file: str | os.PathLike[str] | None = None) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self.deletions = 0  # bumped by every deletion: the adapter scrubs the WAL after one
        self.conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        if self.path != ":memory:":
            self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("PRAGMA busy_timeout=5000")
        self.conn.execute("PRAGMA secure_delete=ON")  # deleted rows are overwritten, not left in free pages
        self.conn.executescript(SCHEMA)
        self.key_file = None if self.path == ":memory:" else Path(key_file or (self.path + ".key"))
        self._salt = self._load_key(key)

    # -- the hash key ------------------------------------------------------------------------
    def _load_key(self, given: bytes | str | None) -> bytes:
        with self._lock:
            row = self.conn.execute("SELECT value FROM meta WHERE key='salt'").fetchone()
        legacy = bytes.fromhex(row[0]) if row else None
        if isinstance(given, str):
            if not HEX_KEY.match(given.strip()):
                raise KeyError_("BOT_HASH_KEY must be 32 to 128 hex characters (e.g. `python -c \"import secrets; "
                                "print(secrets.token_hex(32))\"`)")
            given = bytes.fromhex(given.strip())
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
            with self._lock:
                if legacy != key:  # sessions hashed with the old salt can never be found again
                    n = self.conn.execute("DELETE FROM sessions").rowcount
                    log.warning("the database held another hash key than the one configured: its %d session(s) "
                                "could not be found any more and were deleted", n)
                self.conn.execute("DELETE FROM meta WHERE key='salt'")
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
    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction for everything written inside (nested: joins the outer one). The
        Telegram adapter writes an update's session change and its journal entry in one."""
        with self._lock:
            if self.conn.in_transaction:
                yield
                return
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    def scrub(self) -> None:
        """Move the WAL into the database (where secure_delete zeroed deleted rows) and truncate
        it, so deleted data does not linger in the -wal file. Best effort: a reader may hold it."""
        if self.path == ":memory:":
            return
        with self._lock:
            if self.conn.in_transaction:
                return
            try:
                self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            except sqlite3.Error as e:  # busy: the next deletion or the next start does it
                log.warning("WAL checkpoint after a deletion failed (%s)", type(e).__name__)

    def user_key(self, user_id: str) -> str:
        return hmac.new(self._salt, user_id.encode("utf-8"), hashlib.sha256).hexdigest()

    @staticmethod
    def _now() -> str:
        return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    # -- Store interface ---------------------------------------------------------------------
    def load_session(self, user_id: str) -> dict[str, Any] | None:
        with self._lock:
            row = self.conn.execute(
                "SELECT data FROM sessions WHERE user_key=?", (self.user_key(user_id),)
            ).fetchone()
        if not row:
            return None
        try:
            data = json.loads(row[0])
        except ValueError:
            return None
        return data if isinstance(data, dict) else None

    def save_session(self, user_id: str, session: dict[str, Any]) -> None:
        blob = json.dumps(session, ensure_ascii=False, separators=(",", ":"))
        with self._lock:
            self.conn.execute(
                "INSERT INTO sessions(user_key, data, updated_at) VALUES(?,?,?) "
                "ON CONFLICT(user_key) DO UPDATE SET data=excluded.data, updated_at=excluded.updated_at",
                (self.user_key(user_id), blob, self._now()),
            )

    def delete_user(self, user_id: str) -> bool:
        with self._lock:
            cur = self.conn.execute("DELETE FROM sessions WHERE user_key=?", (self.user_key(user_id),))
            self.deletions += 1
            if not self.conn.in_transaction:
                self.scrub()
            return cur.rowcount > 0

    def purge_inactive(self, days: float = DEFAULT_RETENTION_DAYS) -> int:
        """Delete the sessions of people inactive for longer than `days`. Returns how many."""
        cutoff = (_dt.datetime.now(_dt.timezone.utc) - _dt.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")
        with self._lock:
            n = self.conn.execute("DELETE FROM sessions WHERE updated_at < ?", (cutoff,)).rowcount
            if n:
                self.deletions += 1
                self.scrub()
        if n:
            log.info("retention: deleted the state of %d person(s) inactive for over %g days", n, days)
        return n

    def count(self, kind: str, label: str, n: int = 1) -> None:
        day = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d")
        with self._lock:
            self.conn.execute(
                "INSERT INTO counters(day, kind, label, n) VALUES(?,?,?,?) "
                "ON CONFLICT(day, kind, label) DO UPDATE SET n = n + excluded.n",
                (day, kind, label[:64], n),
            )

    def counters(self, kind: str | None = None) -> list[tuple[str, str, str, int]]:
        with self._lock:
            if kind is None:
                rows = self.conn.execute("SELECT day, kind, label, n FROM counters ORDER BY 1,2,3")
            else:
                rows = self.conn.execute(
                    "SELECT day, kind, label, n FROM counters WHERE kind=? ORDER BY 1,3", (kind,)
                )
            return [tuple(r) for r in rows.fetchall()]

    def close(self) -> None:
        with self._lock:
            self.conn.close()


def retention_days(env: dict[str, str] | None = None) -> float:
    """BOT_RETENTION_DAYS (default 180); 0 or less turns the purge off."""
    raw = ((env if env is not None else os.environ).get("BOT_RETENTION_DAYS") or "").strip()
    try:
        return float(raw) if raw else float(DEFAULT_RETENTION_DAYS)
    except ValueError:
        raise ValueError(f"BOT_RETENTION_DAYS must be a number of days, not {raw!r}") from None


def open_store(path: str | None = None) -> SQLiteStore:
    """The store named by BOT_DB (default data/bot.sqlite3), its key from BOT_HASH_KEY or
    BOT_KEY_FILE (default: the database's path + `.key`); people inactive for longer than
    BOT_RETENTION_DAYS are purged on opening."""
    store = SQLiteStore(
        path or os.environ.get("BOT_DB") or "data/bot.sqlite3",
        key=(os.environ.get("BOT_HASH_KEY") or "").strip() or None,
        key_file=(os.environ.get("BOT_KEY_FILE") or "").strip() or None,
    )
    days = retention_days()
    if days > 0:
        store.purge_inactive(days)
    return store
