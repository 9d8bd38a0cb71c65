"""The case book: which open case belongs to whom, and nothing of what was said.

One row per case, in its own table of the bot's database (BOT_DB: SQLite, or PostgreSQL where
every instance sees every case):

- `case_no`: the short number caseworkers see ("Kasus 0142"), never a name or a Telegram id;
- `user_key`: a keyed hash (HMAC with this table's own salt) of the engine's user id, and
  `chat_id`: where to send the caseworker's replies. Both only while the case is open, and for
  HANDOFF_UNLINK_HOURS after it closed; then they are set to NULL ("unlinked") and the case is
  a number and a topic id only. /hapus unlinks at once;
- `thread_id`: the forum topic of the case in the caseworkers' group;
- times (opened, waiting since, closed) for the waiting notice and the anonymous counts.

No message text, no name, no username is ever written here. On SQLite the connection uses
`secure_delete`, so what is unlinked is overwritten, not left in free pages.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from bot.store.db import SQLiteDatabase, database_of
from bot.store.migrate import migrate

STEPS = [
    [
        "CREATE TABLE IF NOT EXISTS handoff_cases (case_no INTEGER PRIMARY KEY AUTOINCREMENT, user_key TEXT, "
        "chat_id INTEGER, thread_id INTEGER, status TEXT NOT NULL, show_name INTEGER NOT NULL DEFAULT 0, "
        "opened_at REAL NOT NULL, waiting_since REAL, notified INTEGER NOT NULL DEFAULT 0, "
        "answered INTEGER NOT NULL DEFAULT 0, closed_at REAL)",
        "CREATE INDEX IF NOT EXISTS handoff_cases_user ON handoff_cases(user_key)",
        "CREATE INDEX IF NOT EXISTS handoff_cases_thread ON handoff_cases(thread_id)",
    ],
]
COLUMNS = "case_no, chat_id, thread_id, status, show_name, opened_at, waiting_since, notified, answered, closed_at"
OPEN, CLOSED = "open", "closed"


@dataclass
class Case:
    no: int
    chat_id: int | None
    thread_id: int | None
    status: str
    show_name: bool
    opened_at: float
    waiting_since: float | None
    notified: bool
    answered: bool
    closed_at: float | None

    @property
    def is_open(self) -> bool:
        return self.status == OPEN

    @property
    def label(self) -> str:
        return f"{self.no:04d}"


class CaseBook:
    """Open and recent cases. With the bot's store it lives in the store's own database (so the
    Telegram adapter's one transaction per update covers it too, and on PostgreSQL every instance
    sees every case) and hashes people with the store's key, which is kept outside the database;
    alone (tests, the memory store) it keeps a private database and key."""

    def __init__(self, path: str = ":memory:", clock=time.time, store: object | None = None) -> None:
        self.path = str(path)
        self.clock = clock
        db = database_of(store)
        self._own_db = db is None
        if db is not None:
            self.db = db
            self._key_fn = store.user_key  # type: ignore[attr-defined]
        else:
            self.db = SQLiteDatabase(self.path, busy_timeout_ms=10000)
            salt = secrets.token_bytes(16)  # this process's own: cases outlive it only with a store
            self._key_fn = lambda user_id: hmac.new(salt, user_id.encode("utf-8"), hashlib.sha256).hexdigest()
        migrate(self.db, "handoff", STEPS)

    def key(self, user_id: str) -> str:
        return self._key_fn(user_id)

    def _one(self, where: str, args: tuple) -> Case | None:
        row = self.db.fetchone(f"SELECT {COLUMNS} FROM handoff_cases WHERE {where} ORDER BY case_no DESC LIMIT 1", args)
        return _case(row) if row else None

    # -- finding -------------------------------------------------------------------------------
    def open_for(self, user_id: str) -> Case | None:
        return self._one("user_key=? AND status=?", (self.key(user_id), OPEN))

    def get(self, no: int) -> Case | None:
        return self._one("case_no=?", (int(no),))

    def by_thread(self, thread_id: int) -> Case | None:
        return self._one("thread_id=?", (int(thread_id),))

    def open_cases(self) -> list[Case]:
        rows = self.db.fetchall(f"SELECT {COLUMNS} FROM handoff_cases WHERE status=? ORDER BY case_no", (OPEN,))
        return [_case(r) for r in rows]

    # -- changing ------------------------------------------------------------------------------
    def open(self, user_id: str, chat_id: int, show_name: bool = False) -> Case:
        """A new case (or the one already open for this person)."""
        with self.db.transaction():
            existing = self.open_for(user_id)
            if existing is not None:
                return existing
            row = self.db.fetchone(
                "INSERT INTO handoff_cases(user_key, chat_id, status, show_name, opened_at) VALUES(?,?,?,?,?) RETURNING case_no",
                (self.key(user_id), int(chat_id), OPEN, int(bool(show_name)), self.clock()),
            )
            return self.get(row[0])

    def set_thread(self, no: int, thread_id: int) -> None:
        self.db.execute("UPDATE handoff_cases SET thread_id=? WHERE case_no=?", (int(thread_id), int(no)))

    def person_wrote(self, no: int) -> None:
        """The person sent something: they are waiting, from their first unanswered message."""
        self.db.execute(
            "UPDATE handoff_cases SET waiting_since=COALESCE(waiting_since, ?) WHERE case_no=? AND status=?",
            (self.clock(), int(no), OPEN),
        )

    def caseworker_wrote(self, no: int) -> float | None:
        """A caseworker answered. The seconds the person had been waiting, on the case's first
        answer (for the anonymous counts); None otherwise."""
        with self.db.transaction():
            case = self.get(no)
            if case is None:
                return None
            self.db.execute("UPDATE handoff_cases SET waiting_since=NULL, notified=0, answered=1 WHERE case_no=?", (int(no),))
        if case.answered:
            return None
        return self.clock() - (case.waiting_since or case.opened_at)

    def waiting_too_long(self, wait_seconds: float) -> list[Case]:
        """Open cases whose person has waited `wait_seconds` without an answer, not yet told."""
        rows = self.db.fetchall(
            f"SELECT {COLUMNS} FROM handoff_cases WHERE status=? AND notified=0 AND waiting_since IS NOT NULL "
            "AND waiting_since <= ? AND chat_id IS NOT NULL ORDER BY case_no",
            (OPEN, self.clock() - wait_seconds),
        )
        return [_case(r) for r in rows]

    def mark_notified(self, no: int) -> bool:
        """Take the "still waiting" notice of this case. True for the one caller that flipped it:
        with several instances on one database, only that one sends it."""
        return self.db.execute("UPDATE handoff_cases SET notified=1 WHERE case_no=? AND notified=0", (int(no),)) > 0

    def close(self, no: int, unlink: bool = False) -> bool:
        """Close a case. True if it was open."""
        with self.db.transaction():
            n = self.db.execute(
                "UPDATE handoff_cases SET status=?, closed_at=?, waiting_since=NULL WHERE case_no=? AND status=?",
                (CLOSED, self.clock(), int(no), OPEN),
            )
            if unlink:
                self.unlink(no)
        return n > 0

    def unlink(self, no: int) -> None:
        self.db.execute("UPDATE handoff_cases SET user_key=NULL, chat_id=NULL WHERE case_no=?", (int(no),))

    def forget(self, user_id: str) -> list[int]:
        """/hapus: close the person's open case and unlink every case of theirs. The case numbers."""
        key = self.key(user_id)
        with self.db.transaction():
            nos = [int(r[0]) for r in self.db.fetchall("SELECT case_no FROM handoff_cases WHERE user_key=?", (key,))]
            for no in nos:
                self.close(no, unlink=True)
        return nos

    def prune(self, unlink_seconds: float) -> int:
        """Unlink cases closed more than `unlink_seconds` ago. How many."""
        return self.db.execute(
            "UPDATE handoff_cases SET user_key=NULL, chat_id=NULL WHERE status=? AND closed_at <= ? "
            "AND (user_key IS NOT NULL OR chat_id IS NOT NULL)",
            (CLOSED, self.clock() - unlink_seconds),
        )

    def close_db(self) -> None:
        if self._own_db:  # the store's database: the store closes it
            self.db.close()


def _case(row) -> Case:
    no, chat, thread, status, show, opened, waiting, notified, answered, closed = row
    return Case(no, chat, thread, status, bool(show), opened, waiting, bool(notified), bool(answered), closed)
