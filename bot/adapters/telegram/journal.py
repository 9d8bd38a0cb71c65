"""The update journal: which Telegram updates were handled, and what is still to be sent.

It lives in the bot's SQLite file (BOT_DB), in its own table, next to the engine's sessions.

For every update the engine handled, one row keyed by Telegram's update_id:

- `ops` (JSON): the messages to send (and keyboards to clear), written right after the engine
  answered and *before* anything is sent; `sent` counts how many of them went out.
- `done`: all sent. `ops` is then cleared: reply texts are not kept longer than needed.

This gives the two guarantees a restart needs:

- an update that Telegram delivers again (after a crash the bot had not confirmed it, or a
  webhook retry) is found here and not answered twice;
- replies the engine produced but the process did not finish sending are sent after a restart
  (from `sent` on), instead of running the engine a second time on the same update.

No message text from people is stored: rows hold update ids, chat ids and the bot's own replies.
Rows are pruned after two days (Telegram keeps undelivered updates for 24 hours).
"""
from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS telegram_updates (
    update_id INTEGER PRIMARY KEY,
    ops TEXT,
    sent INTEGER NOT NULL DEFAULT 0,
    done INTEGER NOT NULL DEFAULT 0,
    at REAL NOT NULL
);
"""

KEEP_SECONDS = 2 * 24 * 3600


class Journal:
    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self.conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=10)
        if self.path != ":memory:":
            self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("PRAGMA busy_timeout=10000")
        self.conn.executescript(SCHEMA)
        self.prune()

    def seen(self, update_id: int) -> bool:
        with self._lock:
            row = self.conn.execute("SELECT 1 FROM telegram_updates WHERE update_id=?", (update_id,)).fetchone()
        return row is not None

    def record(self, update_id: int, ops: list[dict[str, Any]]) -> bool:
        """Write what is to be sent for this update. False if it was already recorded."""
        blob = json.dumps(ops, ensure_ascii=False, separators=(",", ":"))
        with self._lock:
            cur = self.conn.execute(
                "INSERT OR IGNORE INTO telegram_updates(update_id, ops, sent, done, at) VALUES(?,?,0,?,?)",
                (update_id, blob if ops else None, 0 if ops else 1, time.time()),
            )
        return cur.rowcount > 0

    def progress(self, update_id: int, sent: int) -> None:
        with self._lock:
            self.conn.execute("UPDATE telegram_updates SET sent=? WHERE update_id=?", (sent, update_id))

    def finish(self, update_id: int) -> None:
        with self._lock:
            self.conn.execute("UPDATE telegram_updates SET done=1, ops=NULL WHERE update_id=?", (update_id,))

    def unfinished(self) -> list[tuple[int, list[dict[str, Any]], int]]:
        """(update_id, ops, sent) of updates whose replies were not all sent, oldest first."""
        with self._lock:
            rows = self.conn.execute(
                "SELECT update_id, ops, sent FROM telegram_updates WHERE done=0 ORDER BY update_id"
            ).fetchall()
        out = []
        for uid, blob, sent in rows:
            try:
                ops = json.loads(blob or "[]")
            except ValueError:
                ops = []
            out.append((int(uid), ops if isinstance(ops, list) else [], int(sent)))
        return out

    def prune(self, keep_seconds: float = KEEP_SECONDS) -> None:
        with self._lock:
            self.conn.execute("DELETE FROM telegram_updates WHERE done=1 AND at < ?", (time.time() - keep_seconds,))

    def close(self) -> None:
        with self._lock:
            self.conn.close()
