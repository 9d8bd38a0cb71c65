"""Where reach is kept: two tables beside the sessions, in the same database (SQLite or PostgreSQL).

reach_counts  (day, ref, lang, kind, label, n): daily counters, no person in them.
reach_people  (day, ref, lang, kind, label, person): one row per person and cell and day, where
              person is a keyed hash (HMAC-SHA256 with the store's own secret key, over a
              domain-separated id): it cannot be turned back into a Telegram id without the key,
              and is not the session's key either. It lets "people" be counted once however
              often they tap. /hapus deletes every row of that person.
Both are pruned after keep_days (REACH_KEEP_DAYS, default 730: two years). No message text, no
raw id, no name is ever written here.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import hmac
import os
import secrets
from typing import Any, Iterable

from bot.store.db import SQLiteDatabase, database_of
from bot.store.migrate import migrate

STEPS = [
    [
        "CREATE TABLE IF NOT EXISTS reach_counts (day TEXT NOT NULL, ref TEXT NOT NULL, lang TEXT NOT NULL, "
        "kind TEXT NOT NULL, label TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (day, ref, lang, kind, label))",
        "CREATE TABLE IF NOT EXISTS reach_people (day TEXT NOT NULL, ref TEXT NOT NULL, lang TEXT NOT NULL, "
        "kind TEXT NOT NULL, label TEXT NOT NULL, person TEXT NOT NULL, PRIMARY KEY (day, ref, lang, kind, label, person))",
        "CREATE INDEX IF NOT EXISTS reach_people_person ON reach_people(person)",
    ],
]
DEFAULT_KEEP_DAYS = 730
UTC_OFFSET = _dt.timedelta(hours=7)  # days are counted in Western Indonesia Time (WIB)


def day_of(ts: float) -> str:
    return (_dt.datetime.fromtimestamp(ts, _dt.timezone.utc) + UTC_OFFSET).strftime("%Y-%m-%d")


def keep_days_from_env() -> int:
    raw = os.environ.get("REACH_KEEP_DAYS", "")
    return int(raw) if raw.strip().isdigit() and int(raw) > 0 else DEFAULT_KEEP_DAYS


class ReachStore:
    def __init__(self, store: Any = None, keep_days: int | None = None) -> None:
        # the bot's store: its database and its key; a MemoryStore or none: a private in-memory database
        self.db = database_of(store) or SQLiteDatabase(":memory:")
        self._key_fn = getattr(store, "user_key", None)
        self._own_key = secrets.token_bytes(16)
        self.keep_days = keep_days if keep_days is not None else keep_days_from_env()
        self._pruned_on: str | None = None
        migrate(self.db, "reach", STEPS)

    def person(self, user_id: str) -> str:
        """The keyed hash that stands for one person in the reach tables."""
        tagged = "reach\x00" + user_id
        if callable(self._key_fn):
            return self._key_fn(tagged)
        return hmac.new(self._own_key, tagged.encode("utf-8"), hashlib.sha256).hexdigest()

    # -- writing --------------------------------------------------------------------------------
    def record(self, day: str, ref: str, lang: str, events: Iterable[tuple[str, str]], person: str | None) -> None:
        events = list(events)
        if not events:
            return
        with self.db.transaction():
            for kind, label in events:
                self.db.execute(
                    "INSERT INTO reach_counts VALUES (?,?,?,?,?,1) "
                    "ON CONFLICT(day, ref, lang, kind, label) DO UPDATE SET n = reach_counts.n + 1",
                    (day, ref[:40], lang[:8], kind[:24], label[:64]),
                )
                if person:
                    self.db.execute("INSERT INTO reach_people VALUES (?,?,?,?,?,?) ON CONFLICT DO NOTHING",
                                    (day, ref[:40], lang[:8], kind[:24], label[:64], person))
        if self._pruned_on != day:
            self.prune(day)

    def forget(self, person: str) -> int:
        return self.db.execute("DELETE FROM reach_people WHERE person=?", (person,))

    def prune(self, today: str) -> None:
        cutoff = (_dt.date.fromisoformat(today) - _dt.timedelta(days=self.keep_days)).isoformat()
        self.db.execute("DELETE FROM reach_counts WHERE day < ?", (cutoff,))
        self.db.execute("DELETE FROM reach_people WHERE day < ?", (cutoff,))
        self._pruned_on = today

    # -- reading (bot/stats/report.py) ------------------------------------------------------------
    def _where(self, since: str | None, until: str | None, ref: str | None) -> tuple[str, list[Any]]:
        clauses, args = [], []
        if since:
            clauses.append("day >= ?")
            args.append(since)
        if until:
            clauses.append("day <= ?")
            args.append(until)
        if ref is not None:
            clauses.append("ref = ?")
            args.append(ref)
        return (" AND ".join(clauses) or "1=1"), args

    def people(self, since: str | None, until: str | None, ref: str | None, kinds: tuple[str, ...] | None = None,
               by: tuple[str, ...] = ()) -> dict[tuple, int]:
        """Distinct people, grouped by the columns in `by` (day, ref, lang, kind, label)."""
        where, args = self._where(since, until, ref)
        if kinds:
            where += " AND kind IN (%s)" % ",".join("?" * len(kinds))
            args += list(kinds)
        cols = ", ".join(by)
        sql = f"SELECT {cols + ', ' if cols else ''}COUNT(DISTINCT person) FROM reach_people WHERE {where}"
        if by:
            sql += f" GROUP BY {cols}"
        rows = self.db.fetchall(sql, args)
        return {tuple(r[:-1]): int(r[-1]) for r in rows}

    def counts(self, since: str | None, until: str | None, ref: str | None, kind: str, by: tuple[str, ...] = ()) -> dict[tuple, int]:
        where, args = self._where(since, until, ref)
        cols = ", ".join(by)
        sql = f"SELECT {cols + ', ' if cols else ''}SUM(n) FROM reach_counts WHERE {where} AND kind=?"
        if by:
            sql += f" GROUP BY {cols}"
        rows = self.db.fetchall(sql, args + [kind])
        return {tuple(r[:-1]): int(r[-1] or 0) for r in rows}

    def refs(self, since: str | None, until: str | None) -> list[str]:
        where, args = self._where(since, until, None)
        return [r[0] for r in self.db.fetchall(f"SELECT DISTINCT ref FROM reach_counts WHERE {where} ORDER BY 1", args)]
