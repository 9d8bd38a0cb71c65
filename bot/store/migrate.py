"""Versioned schema migrations, the same runner for SQLite and PostgreSQL.

Each part that keeps tables (the store itself, the update journal, the registry, reach figures,
alerts, handoff cases) has a name and a list of numbered steps. `schema_version` holds one row
per step applied: (part, version, applied_at). On every start each part's missing steps run in
order, each in the same transaction as its row, so a step is applied once or not at all.

Two instances starting together against an empty PostgreSQL database do not both migrate it:
the whole run holds a transaction-scoped advisory lock (`pg_advisory_xact_lock`), so the
second waits, then finds every step applied. On SQLite `BEGIN IMMEDIATE` does the same.

A step is a list of SQL statements (written in SQLite's words, see db.ddl) or a function of
the Database. Steps never change once released: a change is a new step.
"""
from __future__ import annotations

import logging
import time
from typing import Any, Callable, Sequence, Union

log = logging.getLogger("bot.store")

Step = Union[Sequence[str], Callable[[Any], None]]

VERSION_TABLE = (
    "CREATE TABLE IF NOT EXISTS schema_version ("
    "part TEXT NOT NULL, version INTEGER NOT NULL, applied_at REAL NOT NULL, PRIMARY KEY (part, version))"
)


def migrate(db: Any, part: str, steps: Sequence[Step]) -> int:
    """Apply the steps of `part` that this database lacks (step i is version i + 1). Returns how
    many ran now (0 when the database was up to date)."""
    with db.transaction():
        db.lock("schema migration")  # PostgreSQL: one instance migrates, the others wait for it
        db.execute(db.ddl(VERSION_TABLE))
        row = db.fetchone("SELECT MAX(version) FROM schema_version WHERE part=?", (part,))
        have = int(row[0]) if row and row[0] is not None else 0
        for version, step in enumerate(steps, start=1):
            if version <= have:
                continue
            if callable(step):
                step(db)
            else:
                for sql in step:
                    db.execute(db.ddl(sql))
            db.execute("INSERT INTO schema_version(part, version, applied_at) VALUES(?,?,?)", (part, version, time.time()))
            # a private in-memory database (tests, content checks) is not news
            log.log(logging.DEBUG if getattr(db, "path", None) == ":memory:" else logging.INFO,
                    "schema: %s migrated to version %d", part, version)
        return max(0, len(steps) - have)


def versions(db: Any) -> dict[str, int]:
    """{part: version} of this database."""
    return {p: int(v) for p, v in db.fetchall("SELECT part, MAX(version) FROM schema_version GROUP BY part")}
