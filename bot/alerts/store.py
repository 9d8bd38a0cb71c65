"""Subscriptions and alert deliveries, in the bot's SQLite database (tables of their own)."""
from __future__ import annotations

import datetime as _dt
import hashlib
import hmac
import os
import sqlite3
import threading
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS alert_subscriptions (
    user_key TEXT PRIMARY KEY, chat_id INTEGER NOT NULL, lang TEXT NOT NULL, since TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS alert_deliveries (
    alert TEXT NOT NULL, seq INTEGER NOT NULL, user_key TEXT NOT NULL, chat_id INTEGER NOT NULL,
    lang TEXT NOT NULL, state TEXT NOT NULL, at TEXT,
    PRIMARY KEY (alert, user_key)
);
CREATE TABLE IF NOT EXISTS alert_runs (alert TEXT PRIMARY KEY, pid INTEGER NOT NULL, host TEXT NOT NULL, since TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS alert_deliveries_todo ON alert_deliveries(alert, state, seq);
"""
# delivery states: pending -> sending -> sent | failed | blocked
DONE = ("sent", "failed", "blocked")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class AlertStore:
    def __init__(self, path: str = ":memory:", key: Any = None, conn: sqlite3.Connection | None = None,
                 lock: Any = None) -> None:
        self.path = path
        if conn is not None:
            # the bot's own store connection: a subscription written in an update is part of
            # that update's one transaction (the Telegram adapter's exactly-once guarantee)
            self.conn, self._lock = conn, lock or threading.RLock()
            with self._lock:
                self.conn.executescript(SCHEMA)
        else:
            self._lock = threading.RLock()
            self.conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            if path != ":memory:":
                self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA busy_timeout=5000")
            self.conn.executescript(SCHEMA)
        if key is None:  # alone (tests, a memory store): a key of this process's own
            salt = os.urandom(16)

            def key(uid: str) -> str:
                return hmac.new(salt, uid.encode(), hashlib.sha256).hexdigest()
        self._key = key

    @classmethod
    def for_store(cls, store: Any) -> "AlertStore":
        """Next to the bot's store: the same database file and the same keyed hash."""
        cached = getattr(store, "_alert_store", None)
        if cached is not None:
            return cached
        path = getattr(store, "path", None) or ":memory:"
        conn = getattr(store, "conn", None)
        if isinstance(conn, sqlite3.Connection):
            made = cls(path, getattr(store, "user_key", None), conn=conn, lock=getattr(store, "_lock", None))
        else:
            made = cls(path, getattr(store, "user_key", None))
        try:
            store._alert_store = made
        except AttributeError:  # pragma: no cover
            pass
        return made

    def key(self, user_id: str) -> str:
        return self._key(user_id)

    # -- subscriptions ---------------------------------------------------------------------------
    def subscribe(self, user_id: str, chat_id: int, lang: str) -> bool:
        """True if newly subscribed (the language is updated either way)."""
        with self._lock:
            k = self.key(user_id)
            new = self.conn.execute("SELECT 1 FROM alert_subscriptions WHERE user_key=?", (k,)).fetchone() is None
            self.conn.execute(
                "INSERT INTO alert_subscriptions(user_key, chat_id, lang, since) VALUES(?,?,?,?) "
                "ON CONFLICT(user_key) DO UPDATE SET chat_id=excluded.chat_id, lang=excluded.lang",
                (k, int(chat_id), lang, _now()))
            return new

    def unsubscribe(self, user_id: str) -> bool:
        return self.unsubscribe_key(self.key(user_id))

    def unsubscribe_key(self, user_key: str) -> bool:
        with self._lock:
            cur = self.conn.execute("DELETE FROM alert_subscriptions WHERE user_key=?", (user_key,))
            # a pending delivery to someone who left is not sent
            self.conn.execute("UPDATE alert_deliveries SET state='failed', at=? WHERE user_key=? AND state='pending'", (_now(), user_key))
            return cur.rowcount > 0

    def is_subscribed(self, user_id: str) -> bool:
        with self._lock:
            return self.conn.execute("SELECT 1 FROM alert_subscriptions WHERE user_key=?", (self.key(user_id),)).fetchone() is not None

    def subscribers(self) -> int:
        with self._lock:
            return self.conn.execute("SELECT COUNT(*) FROM alert_subscriptions").fetchone()[0]

    # -- one sender per alert ------------------------------------------------------------------
    _running: set = set()  # alerts being sent by this process

    def claim(self, alert: str) -> int | None:
        """Take the alert for this process; None if taken, else the pid of the live process
        (on this machine) that is sending it. A process killed mid-send leaves its claim behind:
        it is taken over."""
        import socket

        host, pid = socket.gethostname(), os.getpid()
        with self._lock:
            if alert in AlertStore._running:
                return pid
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                row = self.conn.execute("SELECT pid, host FROM alert_runs WHERE alert=?", (alert,)).fetchone()
                if row and row[1] == host and row[0] != pid and _alive(row[0]):
                    self.conn.execute("ROLLBACK")
                    return row[0]
                self.conn.execute("INSERT OR REPLACE INTO alert_runs(alert, pid, host, since) VALUES(?,?,?,?)", (alert, pid, host, _now()))
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            AlertStore._running.add(alert)
            return None

    def release(self, alert: str) -> None:
        with self._lock:
            AlertStore._running.discard(alert)
            self.conn.execute("DELETE FROM alert_runs WHERE alert=? AND pid=?", (alert, os.getpid()))

    # -- deliveries --------------------------------------------------------------------------------
    def plan(self, alert: str) -> int:
        """Add every current subscriber to the alert's delivery list (once each). Returns the
        number added now: on a resumed run, only people who subscribed since."""
        with self._lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                start = self.conn.execute("SELECT COALESCE(MAX(seq), 0) FROM alert_deliveries WHERE alert=?", (alert,)).fetchone()[0]
                rows = self.conn.execute(
                    "SELECT user_key, chat_id, lang FROM alert_subscriptions s WHERE NOT EXISTS "
                    "(SELECT 1 FROM alert_deliveries d WHERE d.alert=? AND d.user_key=s.user_key) ORDER BY rowid", (alert,)).fetchall()
                self.conn.executemany(
                    "INSERT INTO alert_deliveries(alert, seq, user_key, chat_id, lang, state) VALUES(?,?,?,?,?,'pending')",
                    [(alert, start + i + 1, k, c, lang) for i, (k, c, lang) in enumerate(rows)])
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            return len(rows)

    def todo(self, alert: str, limit: int = 500) -> list[tuple[int, str, int, str, str]]:
        """(seq, user_key, chat_id, lang, state) not yet answered, in order."""
        with self._lock:
            return self.conn.execute(
                "SELECT seq, user_key, chat_id, lang, state FROM alert_deliveries WHERE alert=? AND state IN ('pending','sending') "
                "ORDER BY seq LIMIT ?", (alert, limit)).fetchall()

    def mark(self, alert: str, seq: int, state: str) -> None:
        with self._lock:
            self.conn.execute("UPDATE alert_deliveries SET state=?, at=? WHERE alert=? AND seq=?", (state, _now(), alert, seq))

    def status(self, alert: str) -> dict[str, int]:
        with self._lock:
            rows = self.conn.execute("SELECT state, COUNT(*) FROM alert_deliveries WHERE alert=? GROUP BY state", (alert,)).fetchall()
        out = {s: 0 for s in ("pending", "sending", "sent", "failed", "blocked")}
        out.update({s: n for s, n in rows})
        out["total"] = sum(n for _, n in rows)
        return out
