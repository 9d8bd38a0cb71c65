"""The update journal: which Telegram updates were handled, and what is still to be sent.

It lives in the bot's database (BOT_DB: the SQLite file, or PostgreSQL), in its own tables, next
to the engine's sessions.

For every update the engine handled, one row keyed by Telegram's update_id:

- `ops` (JSON): the messages to send (and keyboards to clear), written right after the engine
  answered and *before* anything is sent; `sent` counts how many of them went out.
- `done`: all sent. `ops` is then cleared: reply texts are not kept longer than needed.

Each row also keeps a keyed hash of the update's JSON (`fp`): Telegram re-delivers an update
byte for byte, so a different update that reuses an id (a test server started afresh against an
old database) is not mistaken for a re-delivery. `telegram_meta` keeps the hash key and the
offset of the last answered getUpdates call (see `confirmed_below`).

This gives the two guarantees a restart needs:

- an update that Telegram delivers again (after a crash the bot had not confirmed it, or a
  webhook retry) is found here and not answered twice;
- replies the engine produced but the process did not finish sending are sent after a restart
  (from `sent` on), instead of running the engine a second time on the same update.

No message text from people is stored: rows hold update ids, chat ids and the bot's own replies.
Each reply is removed from its row as soon as Telegram accepts it (`accepted`), and `ops` is
cleared when the update is done, so a chat id and a reply that may quote a person's words wait
on disk only while undelivered. Rows are pruned after two days (Telegram keeps undelivered
updates for 24 hours).

Given the bot's store, the journal shares its database (bot/store/db.py), so that an update's
session change and its journal entry are one transaction (service.py): a crash leaves both or
neither, and the engine never runs twice on one update. On PostgreSQL, where several instances
share the journal, the update_id primary key decides which instance answers a webhook delivery
that reached two of them: the second one's insert waits for the first one's transaction and
then finds the row.

`telegram_sent` keeps, for private chats only, the ids of the messages the bot sent there (no
text, no chat id: the chat under the store's keyed hash, whose key lives outside the database),
for at most 48 hours, the time Telegram lets a bot delete them. They are what "delete the bot's
messages here" deletes (Reply.action DELETE_SENT); doing it removes the chat's rows at once.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import time
from typing import Any

from bot.store.db import SQLiteDatabase, database_of
from bot.store.migrate import migrate

STEPS = [
    [
        "CREATE TABLE IF NOT EXISTS telegram_updates (update_id INTEGER PRIMARY KEY, fp TEXT, ops TEXT, "
        "sent INTEGER NOT NULL DEFAULT 0, done INTEGER NOT NULL DEFAULT 0, at REAL NOT NULL)",
        "CREATE TABLE IF NOT EXISTS telegram_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ],
    [  # several instances on one database: whose replies a row holds, and who is alive
        "ALTER TABLE telegram_updates ADD COLUMN owner TEXT",
        "CREATE TABLE IF NOT EXISTS telegram_instances (id TEXT PRIMARY KEY, seen_at REAL NOT NULL)",
    ],
    [  # the ids of the bot's messages in private chats, for "delete the bot's messages here"
        "CREATE TABLE IF NOT EXISTS telegram_sent (chat_key TEXT NOT NULL, message_id INTEGER NOT NULL, "
        "at REAL NOT NULL, PRIMARY KEY (chat_key, message_id))",
        "CREATE INDEX IF NOT EXISTS telegram_sent_at ON telegram_sent(at)",
    ],
]
DEFAULT_LEASE = 15.0  # seconds without a heartbeat after which an instance's unsent replies are taken over

KEEP_SECONDS = 2 * 24 * 3600
SENT_KEEP_SECONDS = 48 * 3600  # Telegram lets a bot delete its messages in a private chat for 48 hours


class Journal:
    def __init__(self, path: str | os.PathLike[str] | Any) -> None:
        """`path`: the SQLite file, or the bot's store (shares its database and transactions)."""
        db = database_of(path)
        if db is not None:
            self.store = path
            self.db = db
            self.path = str(getattr(path, "path", ":memory:"))
        else:
            self.store = None
            self.path = str(path)
            self.db = SQLiteDatabase(self.path, busy_timeout_ms=10000)
        migrate(self.db, "journal", STEPS)
        # several instances may start together: the first salt written is everyone's
        self.db.execute("INSERT INTO telegram_meta(key, value) VALUES('salt', ?) ON CONFLICT(key) DO NOTHING",
                        (secrets.token_hex(16),))
        self._salt = bytes.fromhex(self._meta("salt") or "")
        # Several instances (a shared PostgreSQL store): each journal row belongs to the instance
        # that wrote it; an instance that stops beating its heart for `lease` seconds (killed) has
        # its unsent replies taken over by another (unfinished()). One process alone owns all.
        self.instance: str | None = secrets.token_hex(6) if getattr(self.store, "shared", False) else None
        try:
            self.lease = float(os.environ.get("BOT_INSTANCE_LEASE") or DEFAULT_LEASE)
        except ValueError:
            self.lease = DEFAULT_LEASE
        if self.instance:
            self.heartbeat()
        self.prune()

    # -- instances -------------------------------------------------------------------------------
    def heartbeat(self) -> None:
        """This instance is alive (several instances only; every few seconds, cluster.py)."""
        if self.instance:
            self.db.execute("INSERT INTO telegram_instances(id, seen_at) VALUES(?,?) "
                            "ON CONFLICT(id) DO UPDATE SET seen_at=excluded.seen_at", (self.instance, time.time()))

    # -- meta ----------------------------------------------------------------------------------
    def _meta(self, key: str) -> str | None:
        row = self.db.fetchone("SELECT value FROM telegram_meta WHERE key=?", (key,))
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> str:
        self.db.execute(
            "INSERT INTO telegram_meta(key, value) VALUES(?,?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
            (key, value),
        )
        return value

    def fingerprint(self, raw: dict[str, Any]) -> str:
        """A keyed hash of the update's JSON: a re-delivery is byte-for-byte the same update; a
        different update that reuses an old id (a reset test server) is not. Not reversible."""
        canon = json.dumps(raw, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        # surrogatepass: an update with a lone surrogate (invalid UTF-16 from a client) is
        # still hashed, not a crash; valid text hashes exactly as before.
        return hmac.new(self._salt, canon.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()[:32]

    @property
    def confirmed_below(self) -> int:
        """The offset of the last getUpdates call Telegram answered: every update below it was
        confirmed, so one that shows up with a lower id is new (a reset server, or Telegram's
        random ids after a week of silence), never a re-delivery."""
        value = self._meta("confirmed_below")
        return int(value) if value and value.lstrip("-").isdigit() else 0

    def set_confirmed_below(self, offset: int) -> None:
        self._set_meta("confirmed_below", str(offset))

    # -- updates -------------------------------------------------------------------------------
    def seen(self, update_id: int, fp: str | None = None) -> bool:
        """Was this update (this id, and this content when `fp` is given) journaled?"""
        row = self.db.fetchone("SELECT fp FROM telegram_updates WHERE update_id=?", (update_id,))
        if row is None:
            return False
        return fp is None or row[0] is None or row[0] == fp

    def record(self, update_id: int, ops: list[dict[str, Any]], fp: str | None = None) -> bool:
        """Write what is to be sent for this update. False if it was already recorded."""
        blob = json.dumps(ops, ensure_ascii=False, separators=(",", ":"))
        with self.db.transaction():
            if fp is not None:  # an old, different update under the same id: this one replaces it
                self.db.execute(
                    "DELETE FROM telegram_updates WHERE update_id=? AND fp IS NOT NULL AND fp<>?", (update_id, fp)
                )
            n = self.db.execute(
                "INSERT INTO telegram_updates(update_id, fp, ops, sent, done, at, owner) VALUES(?,?,?,0,?,?,?) "
                "ON CONFLICT(update_id) DO NOTHING",
                (update_id, fp, blob if ops else None, 0 if ops else 1, time.time(), self.instance),
            )
        return n > 0

    def progress(self, update_id: int, sent: int) -> None:
        self.db.execute("UPDATE telegram_updates SET sent=? WHERE update_id=?", (sent, update_id))

    def accepted(self, update_id: int, remaining: list[dict[str, Any]]) -> None:
        """Telegram accepted a reply: keep only what is still to be sent (from `sent` 0)."""
        blob = json.dumps(remaining, ensure_ascii=False, separators=(",", ":")) if remaining else None
        self.db.execute("UPDATE telegram_updates SET ops=?, sent=0 WHERE update_id=?", (blob, update_id))

    def fail(self, update_id: int, fp: str | None = None) -> None:
        """An update that could not be handled: recorded as done, so it is never taken again."""
        self.db.execute(
            "INSERT INTO telegram_updates(update_id, fp, ops, sent, done, at) VALUES(?,?,NULL,0,1,?) "
            "ON CONFLICT(update_id) DO NOTHING",
            (update_id, fp, time.time()),
        )

    def scrub(self) -> None:
        """After a deletion: nothing lingers outside the tables (SQLite: checkpoint and truncate the
        WAL, so nothing lingers in the -wal file)."""
        if self.store is not None and hasattr(self.store, "scrub"):
            self.store.scrub()
            return
        checkpoint = getattr(self.db, "checkpoint", None)
        if checkpoint is not None:
            try:
                checkpoint()
            except Exception:
                pass

    def finish(self, update_id: int) -> None:
        self.db.execute("UPDATE telegram_updates SET done=1, ops=NULL WHERE update_id=?", (update_id,))

    def unfinished(self) -> list[tuple[int, list[dict[str, Any]], int]]:
        """(update_id, ops, sent) of updates whose replies were not all sent, oldest first."""
        if self.instance:  # several instances: take over those of instances that died
            rows = sorted(self.db.fetchall(
                "UPDATE telegram_updates SET owner=? WHERE done=0 AND (owner IS NULL OR owner NOT IN "
                "(SELECT id FROM telegram_instances WHERE seen_at >= ?)) RETURNING update_id, ops, sent",
                (self.instance, time.time() - self.lease)))
        else:
            rows = self.db.fetchall("SELECT update_id, ops, sent FROM telegram_updates WHERE done=0 ORDER BY update_id")
        out = []
        for uid, blob, sent in rows:
            try:
                ops = json.loads(blob or "[]")
            except ValueError:
                ops = []
            out.append((int(uid), ops if isinstance(ops, list) else [], int(sent)))
        return out

    def prune(self, keep_seconds: float = KEEP_SECONDS) -> None:
        self.db.execute("DELETE FROM telegram_updates WHERE done=1 AND at < ?", (time.time() - keep_seconds,))
        self.db.execute("DELETE FROM telegram_instances WHERE seen_at < ?", (time.time() - keep_seconds,))
        self.prune_sent()

    # -- the bot's sent messages (for "delete the bot's messages here") -----------------------
    def chat_key(self, chat_id: int) -> str:
        """The chat under the store's keyed hash (its key is outside the database), or under the
        journal's own key when the journal has no store."""
        key = getattr(self.store, "user_key", None)
        if key is not None:
            return key(f"tg-chat:{chat_id}")
        return hmac.new(self._salt, f"tg-chat:{chat_id}".encode(), hashlib.sha256).hexdigest()

    def sent(self, chat_id: int, message_ids: list[int]) -> None:
        """The bot sent these messages in this private chat (now)."""
        if not message_ids:
            return
        key, now = self.chat_key(chat_id), time.time()
        self.db.executemany(
            "INSERT INTO telegram_sent(chat_key, message_id, at) VALUES(?,?,?) "
            "ON CONFLICT(chat_key, message_id) DO NOTHING",
            [(key, int(m), now) for m in message_ids],
        )

    def sent_ids(self, chat_id: int, keep_seconds: float = SENT_KEEP_SECONDS) -> list[int]:
        """Ids of the messages the bot sent in this chat that Telegram still lets it delete."""
        rows = self.db.fetchall(
            "SELECT message_id FROM telegram_sent WHERE chat_key=? AND at >= ? ORDER BY message_id",
            (self.chat_key(chat_id), time.time() - keep_seconds),
        )
        return [int(r[0]) for r in rows]

    def forget_sent(self, chat_id: int) -> int:
        """Drop this chat's rows (its messages were deleted). Returns how many."""
        return self.db.execute("DELETE FROM telegram_sent WHERE chat_key=?", (self.chat_key(chat_id),))

    def prune_sent(self, keep_seconds: float = SENT_KEEP_SECONDS) -> int:
        """Rows older than Telegram's 48 hours can no longer be used: they go."""
        return self.db.execute("DELETE FROM telegram_sent WHERE at < ?", (time.time() - keep_seconds,))

    def close(self) -> None:
        """Stopping: another instance may take over at once what this one leaves unsent."""
        if self.instance:
            try:
                self.db.execute("DELETE FROM telegram_instances WHERE id=?", (self.instance,))
            except Exception:
                pass
        if self.store is not None:
            return  # the store's database: the store closes it
        self.db.close()
