"""What SQLiteStore and PostgresStore share: the Store interface over a Database (bot/store/db.py).

Sessions are keyed by a keyed hash (HMAC-SHA256) of the adapter's user id, so the database
never holds a raw Telegram id; the key is kept outside the database (see sqlite.py and
postgres.py for where each backend gets it). Counters are per day and per label, with no user
in them.
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import hmac
import json
import logging
import re
from typing import Any

from bot.store.migrate import migrate

log = logging.getLogger("bot.store")

DEFAULT_RETENTION_DAYS = 180
HEX_KEY = re.compile(r"^[0-9a-fA-F]{32,128}$")

# The store's own tables. Steps never change once released: a change is a new step.
STEPS = [
    [
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS sessions (user_key TEXT PRIMARY KEY, data TEXT NOT NULL, updated_at TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS counters (day TEXT NOT NULL, kind TEXT NOT NULL, label TEXT NOT NULL, "
        "n INTEGER NOT NULL, PRIMARY KEY (day, kind, label))",
    ],
]


class KeyError_(Exception):
    """The hash key is unusable (a malformed BOT_HASH_KEY or key file)."""


def parse_hex_key(given: str, name: str = "BOT_HASH_KEY") -> bytes:
    if not HEX_KEY.match(given.strip()):
        raise KeyError_(f"{name} must be 32 to 128 hex characters (e.g. `python -c \"import secrets; "
                        "print(secrets.token_hex(32))\"`)")
    return bytes.fromhex(given.strip())


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class SQLStore:
    """The Store interface over `self.db`; a subclass opens the database and sets `_salt`."""

    db: Any
    _salt: bytes
    shared = False  # True where several processes (instances) share the database

    def _init_store(self) -> None:
        self.deletions = 0  # bumped by every deletion: the adapter scrubs after one
        migrate(self.db, "store", STEPS)

    @property
    def dialect(self) -> str:
        return self.db.dialect

    def transaction(self) -> contextlib.AbstractContextManager[None]:
        """One transaction for everything written inside (nested: joins the outer one). The
        Telegram adapter writes an update's session change and its journal entry in one."""
        return self.db.transaction()

    def lock_person(self, user_id: str) -> None:
        """Inside a transaction: hold this person's lock until it ends, so that one person's
        updates are handled one at a time across every instance on the database."""
        self.db.lock("person:" + self.user_key(user_id))

    def scrub(self) -> None:
        """After a deletion: make sure deleted data does not linger outside the tables."""

    def user_key(self, user_id: str) -> str:
        return hmac.new(self._salt, user_id.encode("utf-8"), hashlib.sha256).hexdigest()

    _now = staticmethod(_now)

    # -- Store interface ---------------------------------------------------------------------
    def load_session(self, user_id: str) -> dict[str, Any] | None:
        row = self.db.fetchone("SELECT data FROM sessions WHERE user_key=?", (self.user_key(user_id),))
        if not row:
            return None
        try:
            data = json.loads(row[0])
        except ValueError:
            return None
        return data if isinstance(data, dict) else None

    def save_session(self, user_id: str, session: dict[str, Any]) -> None:
        blob = json.dumps(session, ensure_ascii=False, separators=(",", ":"))
        self.db.execute(
            "INSERT INTO sessions(user_key, data, updated_at) VALUES(?,?,?) "
            "ON CONFLICT(user_key) DO UPDATE SET data=excluded.data, updated_at=excluded.updated_at",
            (self.user_key(user_id), blob, self._now()),
        )

    def delete_user(self, user_id: str) -> bool:
        n = self.db.execute("DELETE FROM sessions WHERE user_key=?", (self.user_key(user_id),))
        self.deletions += 1
        if not self.db.in_transaction:
            self.scrub()
        return n > 0

    def purge_inactive(self, days: float = DEFAULT_RETENTION_DAYS) -> int:
        """Delete the sessions of people inactive for longer than `days`. Returns how many."""
        cutoff = (_dt.datetime.now(_dt.timezone.utc) - _dt.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")
        n = self.db.execute("DELETE FROM sessions WHERE updated_at < ?", (cutoff,))
        if n:
            self.deletions += 1
            self.scrub()
            log.info("retention: deleted the state of %d person(s) inactive for over %g days", n, days)
        return n

    def count(self, kind: str, label: str, n: int = 1) -> None:
        day = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d")
        self.db.execute(
            "INSERT INTO counters(day, kind, label, n) VALUES(?,?,?,?) "
            "ON CONFLICT(day, kind, label) DO UPDATE SET n = counters.n + excluded.n",
            (day, kind, label[:64], n),
        )

    def counters(self, kind: str | None = None) -> list[tuple[str, str, str, int]]:
        if kind is None:
            rows = self.db.fetchall("SELECT day, kind, label, n FROM counters ORDER BY 1,2,3")
        else:
            rows = self.db.fetchall("SELECT day, kind, label, n FROM counters WHERE kind=? ORDER BY 1,3", (kind,))
        return [(d, k, l, int(n)) for d, k, l, n in rows]

    # -- meta ----------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self.db.fetchone("SELECT value FROM meta WHERE key=?", (key,))
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT INTO meta(key, value) VALUES(?,?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                        (key, value))

    def close(self) -> None:
        self.db.close()
