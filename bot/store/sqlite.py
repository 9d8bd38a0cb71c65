"""SQLite store: the default, no server needed.

Sessions are keyed by a salted hash of the adapter's user id, so the database never holds a
raw Telegram id. The salt is made once per database and kept in it: deleting the file forgets
everyone. Counters are per day and per label, with no user in them.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import hmac
import json
import os
import secrets
import sqlite3
import threading
from pathlib import Path
from typing import Any

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
    def __init__(self, path: str | os.PathLike[str] = ":memory:") -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self.conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        if self.path != ":memory:":
            self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("PRAGMA busy_timeout=5000")
        self.conn.executescript(SCHEMA)
        self._salt = self._get_or_make_salt()

    # -- helpers -----------------------------------------------------------------------------
    def _get_or_make_salt(self) -> bytes:
        with self._lock:
            row = self.conn.execute("SELECT value FROM meta WHERE key='salt'").fetchone()
            if row:
                return bytes.fromhex(row[0])
            salt = secrets.token_bytes(16)
            self.conn.execute("INSERT OR IGNORE INTO meta(key, value) VALUES('salt', ?)", (salt.hex(),))
            row = self.conn.execute("SELECT value FROM meta WHERE key='salt'").fetchone()
            return bytes.fromhex(row[0])

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
            return cur.rowcount > 0

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


def open_store(path: str | None = None) -> SQLiteStore:
    """The store named by BOT_DB (default data/bot.sqlite3)."""
    return SQLiteStore(path or os.environ.get("BOT_DB") or "data/bot.sqlite3")
