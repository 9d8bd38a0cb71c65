"""The imported list, kept in the bot's database (SQLite or PostgreSQL), and the lookups over it.

Two tables sit beside the store's own: `registry_companies` (one row per company) and
`registry_meta` (source, list date, size, import time, and a `generation` number bumped by each
import). An import replaces the whole list in one transaction: a bad file never leaves half a
list. Lookups run over names normalised in memory; each lookup checks `generation` (one indexed
read) and reloads when another process (`python -m bot registry import`, or another instance on
the same PostgreSQL database) has imported a new list.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any, Callable

from bot.registry.matcher import DEFAULT_LIMIT, SCORE_CUTOFF, Match, NameMatcher
from bot.registry.parse import FIELDS, Company, list_summary
from bot.store.db import SQLiteDatabase, database_of
from bot.store.migrate import migrate

STALE_DAYS = 90  # a list older than this is not answered from

STEPS = [
    [
        "CREATE TABLE IF NOT EXISTS registry_companies (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, "
        "licence TEXT NOT NULL, address TEXT NOT NULL DEFAULT '', province TEXT NOT NULL DEFAULT '', "
        "valid_until TEXT NOT NULL, status TEXT NOT NULL, source_url TEXT NOT NULL, retrieved_on TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS registry_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ],
]


@dataclass(frozen=True)
class ListInfo:
    size: int
    source: str
    date: str  # ISO: the oldest "retrieved on" of the list
    imported_at: str
    age_days: int | None
    stale: bool

    @property
    def empty(self) -> bool:
        return self.size == 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "size": self.size,
            "source": self.source or None,
            "date": self.date or None,
            "imported_at": self.imported_at or None,
            "age_days": self.age_days,
            "stale": self.stale,
            "stale_after_days": STALE_DAYS,
        }


class Registry:
    """The list of licensed companies in one database (bot/store/db.py).

    With the bot's store (`Registry.for_store(store)`) the tables live in its database. Anything
    else (the MemoryStore of tests) gets a private in-memory SQLite database.
    """

    def __init__(self, db: Any, today: Callable[[], _dt.date] | None = None) -> None:
        self.db = db
        self._today = today or _dt.date.today
        self._matcher: NameMatcher[Company] | None = None
        self._generation: str | None = None
        migrate(self.db, "registry", STEPS)

    @classmethod
    def for_store(cls, store: Any, today: Callable[[], _dt.date] | None = None) -> "Registry":
        return cls(database_of(store) or SQLiteDatabase(":memory:"), today)

    def today(self) -> _dt.date:
        return self._today()

    # -- import ----------------------------------------------------------------------------
    def replace(self, companies: list[Company], file_name: str = "") -> int:
        """Replace the list with these companies in one transaction; return the old size."""
        if not companies:
            raise ValueError("refusing to replace the list with an empty one")
        source, date = list_summary(companies)
        now = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        with self.db.transaction():
            old = self.db.fetchone("SELECT COUNT(*) FROM registry_companies")[0]
            self.db.execute("DELETE FROM registry_companies")
            self.db.executemany(
                f"INSERT INTO registry_companies({', '.join(FIELDS)}) VALUES({', '.join('?' * len(FIELDS))})",
                [tuple(getattr(c, f) for f in FIELDS) for c in companies],
            )
            gen = self.db.fetchone("SELECT value FROM registry_meta WHERE key='generation'")
            meta = {
                "generation": str(int(gen[0]) + 1 if gen else 1),
                "source": source,
                "date": date,
                "size": str(len(companies)),
                "imported_at": now,
                "file_name": file_name,
            }
            self.db.executemany(
                "INSERT INTO registry_meta(key, value) VALUES(?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                list(meta.items()),
            )
        self._matcher, self._generation = None, None
        return int(old)

    # -- reading ---------------------------------------------------------------------------
    def _meta(self) -> dict[str, str]:
        return dict(self.db.fetchall("SELECT key, value FROM registry_meta"))

    def info(self) -> ListInfo:
        meta = self._meta()
        size = int(meta.get("size") or 0)
        date = meta.get("date", "")
        age = None
        if date:
            try:
                age = (self.today() - _dt.date.fromisoformat(date)).days
            except ValueError:
                age = None
        stale = size > 0 and (age is None or age > STALE_DAYS)
        return ListInfo(size, meta.get("source", ""), date, meta.get("imported_at", ""), age, stale)

    def matcher(self) -> NameMatcher[Company]:
        """The in-memory matcher, rebuilt when the list in the database changed."""
        row = self.db.fetchone("SELECT value FROM registry_meta WHERE key='generation'")
        gen = row[0] if row else "0"
        if self._matcher is None or gen != self._generation:
            with self.db.transaction():  # the list and its generation read together
                row = self.db.fetchone("SELECT value FROM registry_meta WHERE key='generation'")
                gen = row[0] if row else "0"
                rows = self.db.fetchall(f"SELECT {', '.join(FIELDS)} FROM registry_companies ORDER BY id")
            companies = [Company(*r) for r in rows]
            self._matcher = NameMatcher(companies, [c.name for c in companies])
            self._generation = gen
        return self._matcher

    def find(self, name: str, limit: int = DEFAULT_LIMIT, cutoff: float = SCORE_CUTOFF) -> list[Match[Company]]:
        return self.matcher().search(name, limit=limit, cutoff=cutoff)

    def find_json(self, name: str, limit: int = DEFAULT_LIMIT) -> list[dict[str, Any]]:
        today = self.today()
        return [
            {
                "name": m.item.name,
                "licence": m.item.licence,
                "status": m.item.effective_status(today),
                "valid_until": m.item.valid_until,
                "score": m.score,
            }
            for m in self.find(name, limit=limit)
        ]
