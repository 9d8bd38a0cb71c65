"""Subscriptions and alert deliveries, in the bot's database (SQLite or PostgreSQL; tables of their own)."""
from __future__ import annotations

import datetime as _dt
import hashlib
import hmac
import os
from typing import Any

from bot.store.db import SQLiteDatabase, database_of
from bot.store.migrate import migrate

STEPS = [
    [
        "CREATE TABLE IF NOT EXISTS alert_subscriptions (user_key TEXT PRIMARY KEY, chat_id INTEGER NOT NULL, "
        "lang TEXT NOT NULL, since TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS alert_deliveries (alert TEXT NOT NULL, seq INTEGER NOT NULL, user_key TEXT NOT NULL, "
        "chat_id INTEGER NOT NULL, lang TEXT NOT NULL, state TEXT NOT NULL, at TEXT, PRIMARY KEY (alert, user_key))",
        "CREATE TABLE IF NOT EXISTS alert_runs (alert TEXT PRIMARY KEY, pid INTEGER NOT NULL, host TEXT NOT NULL, "
        "since TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS alert_deliveries_todo ON alert_deliveries(alert, state, seq)",
    ],
    lambda db: _add_subscription_order(db),
    [  # several instances send one alert together: a rate budget they share
        "CREATE TABLE IF NOT EXISTS alert_budget (name TEXT PRIMARY KEY, next_at REAL NOT NULL)",
    ],
]
STALE_SENDING = 120.0  # seconds: a delivery taken by a sender that died since is taken again


def _add_subscription_order(db: Any) -> None:
    """Subscribers are sent an alert in the order they subscribed: a number of their own (SQLite's
    rowid told it before, and PostgreSQL has none)."""
    db.execute("ALTER TABLE alert_subscriptions ADD COLUMN n INTEGER")
    if db.dialect == "sqlite":
        db.execute("UPDATE alert_subscriptions SET n = rowid")
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
    def __init__(self, path: str = ":memory:", key: Any = None, db: Any = None) -> None:
        self.path = path
        # the bot's own store database: a subscription written in an update is part of that
        # update's one transaction (the Telegram adapter's exactly-once guarantee)
        self.db = db if db is not None else SQLiteDatabase(path)
        migrate(self.db, "alerts", STEPS)
        if key is None:  # alone (tests, a memory store): a key of this process's own
            salt = os.urandom(16)

            def key(uid: str) -> str:
                return hmac.new(salt, uid.encode(), hashlib.sha256).hexdigest()
        self._key = key

    @classmethod
    def for_store(cls, store: Any) -> "AlertStore":
        """Next to the bot's store: the same database and the same keyed hash."""
        cached = getattr(store, "_alert_store", None)
        if cached is not None:
            return cached
        path = getattr(store, "path", None) or ":memory:"
        made = cls(path, getattr(store, "user_key", None), db=database_of(store))
        try:
            store._alert_store = made
        except AttributeError:  # pragma: no cover
            pass
        return made

    @property
    def shared(self) -> bool:
        """Several instances on this database (PostgreSQL): they send an alert together."""
        return self.db.dialect != "sqlite"

    def key(self, user_id: str) -> str:
        return self._key(user_id)

    # -- subscriptions ---------------------------------------------------------------------------
    def subscribe(self, user_id: str, chat_id: int, lang: str) -> bool:
        """True if newly subscribed (the language is updated either way)."""
        with self.db.transaction():
            k = self.key(user_id)
            new = self.db.fetchone("SELECT 1 FROM alert_subscriptions WHERE user_key=?", (k,)) is None
            self.db.execute(
                "INSERT INTO alert_subscriptions(user_key, chat_id, lang, since, n) "
                "VALUES(?,?,?,?,(SELECT COALESCE(MAX(n), 0) + 1 FROM alert_subscriptions)) "
                "ON CONFLICT(user_key) DO UPDATE SET chat_id=excluded.chat_id, lang=excluded.lang",
                (k, int(chat_id), lang, _now()))
            return new

    def unsubscribe(self, user_id: str) -> bool:
        return self.unsubscribe_key(self.key(user_id))

    def unsubscribe_key(self, user_key: str) -> bool:
        with self.db.transaction():
            n = self.db.execute("DELETE FROM alert_subscriptions WHERE user_key=?", (user_key,))
            # a pending delivery to someone who left is not sent
            self.db.execute("UPDATE alert_deliveries SET state='failed', at=? WHERE user_key=? AND state='pending'", (_now(), user_key))
            return n > 0

    def is_subscribed(self, user_id: str) -> bool:
        return self.db.fetchone("SELECT 1 FROM alert_subscriptions WHERE user_key=?", (self.key(user_id),)) is not None

    def subscribers(self) -> int:
        return int(self.db.fetchone("SELECT COUNT(*) FROM alert_subscriptions")[0])

    # -- one sender per alert ------------------------------------------------------------------
    _running: set = set()  # alerts being sent by this process

    def claim(self, alert: str) -> int | None:
        """Take the alert for this process; None if taken, else the pid of the live process
        (on this machine) that is sending it. A process killed mid-send leaves its claim behind:
        it is taken over."""
        import socket

        host, pid = socket.gethostname(), os.getpid()
        if self.shared:  # senders take deliveries from one queue (take): any number may send it
            return None
        if alert in AlertStore._running:
            return pid
        with self.db.transaction():
            row = self.db.fetchone("SELECT pid, host FROM alert_runs WHERE alert=?", (alert,))
            if row and row[1] == host and row[0] != pid and _alive(row[0]):
                return int(row[0])
            self.db.execute("INSERT INTO alert_runs(alert, pid, host, since) VALUES(?,?,?,?) "
                            "ON CONFLICT(alert) DO UPDATE SET pid=excluded.pid, host=excluded.host, since=excluded.since",
                            (alert, pid, host, _now()))
        AlertStore._running.add(alert)
        return None

    def release(self, alert: str) -> None:
        AlertStore._running.discard(alert)
        self.db.execute("DELETE FROM alert_runs WHERE alert=? AND pid=?", (alert, os.getpid()))

    # -- deliveries --------------------------------------------------------------------------------
    def plan(self, alert: str) -> int:
        """Add every current subscriber to the alert's delivery list (once each). Returns the
        number added now: on a resumed run, only people who subscribed since."""
        with self.db.transaction():
            self.db.lock("alert plan " + alert)  # PostgreSQL: two instances planning at once plan once
            start = self.db.fetchone("SELECT COALESCE(MAX(seq), 0) FROM alert_deliveries WHERE alert=?", (alert,))[0]
            rows = self.db.fetchall(
                "SELECT user_key, chat_id, lang FROM alert_subscriptions s WHERE NOT EXISTS "
                "(SELECT 1 FROM alert_deliveries d WHERE d.alert=? AND d.user_key=s.user_key) ORDER BY n, user_key", (alert,))
            self.db.executemany(
                "INSERT INTO alert_deliveries(alert, seq, user_key, chat_id, lang, state) VALUES(?,?,?,?,?,'pending')",
                [(alert, int(start) + i + 1, k, c, lang) for i, (k, c, lang) in enumerate(rows)])
            return len(rows)

    def todo(self, alert: str, limit: int = 500) -> list[tuple[int, str, int, str, str]]:
        """(seq, user_key, chat_id, lang, state) not yet answered, in order."""
        return self.db.fetchall(
            "SELECT seq, user_key, chat_id, lang, state FROM alert_deliveries WHERE alert=? AND state IN ('pending','sending') "
            "ORDER BY seq LIMIT ?", (alert, limit))

    def take(self, alert: str, limit: int = 10) -> list[tuple[int, str, int, str, str]]:
        """Several senders: the next deliveries for this sender alone, marked `sending`, in order.
        `FOR UPDATE SKIP LOCKED`: two instances taking at once never take the same ones. A
        delivery left `sending` by a sender that died is taken again after STALE_SENDING."""
        stale = (_dt.datetime.now(_dt.timezone.utc) - _dt.timedelta(seconds=STALE_SENDING)).strftime("%Y-%m-%dT%H:%M:%SZ")
        with self.db.transaction():
            rows = self.db.fetchall(
                "SELECT seq FROM alert_deliveries WHERE alert=? AND (state='pending' OR (state='sending' AND at < ?)) "
                "ORDER BY seq LIMIT ? FOR UPDATE SKIP LOCKED", (alert, stale, limit))
            if not rows:
                return []
            seqs = [int(r[0]) for r in rows]
            self.db.execute(
                f"UPDATE alert_deliveries SET state='sending', at=? WHERE alert=? AND seq IN ({','.join('?' * len(seqs))})",
                (_now(), alert, *seqs))
            return self.db.fetchall(
                "SELECT seq, user_key, chat_id, lang, state FROM alert_deliveries WHERE alert=? "
                f"AND seq IN ({','.join('?' * len(seqs))}) ORDER BY seq", (alert, *seqs))

    def reserve(self, interval: float, now: float, budget: str = "broadcast") -> float:
        """Several senders: the moment (wall clock) at which this sender may send one message,
        from a budget shared in the database: together they send at most one per `interval`."""
        row = self.db.fetchone(
            "INSERT INTO alert_budget(name, next_at) VALUES(?, ?) ON CONFLICT(name) DO UPDATE SET next_at = "
            "(CASE WHEN alert_budget.next_at > ? THEN alert_budget.next_at ELSE ? END) + ? RETURNING next_at",
            (budget, now + interval, now, now, interval))
        return float(row[0]) - interval

    def mark(self, alert: str, seq: int, state: str) -> None:
        self.db.execute("UPDATE alert_deliveries SET state=?, at=? WHERE alert=? AND seq=?", (state, _now(), alert, seq))

    def status(self, alert: str) -> dict[str, int]:
        rows = self.db.fetchall("SELECT state, COUNT(*) FROM alert_deliveries WHERE alert=? GROUP BY state", (alert,))
        out = {s: 0 for s in ("pending", "sending", "sent", "failed", "blocked")}
        out.update({s: int(n) for s, n in rows})
        out["total"] = sum(int(n) for _, n in rows)
        return out
