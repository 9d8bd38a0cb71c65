"""Resident memory with 100,000 people's state stored and 1,000 active (issue 12).

    .venv/bin/python -m bench.memory_bench [STORED] [ACTIVE]

Fills a fresh SQLite store with STORED sessions (as the engine writes them), then runs three
turns for each of ACTIVE people through the engine, and prints the peak resident memory of this
process at each stage. Sessions live in SQLite, not in memory: the stored count should barely
move the figure.
"""
from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from pathlib import Path

from bot.app import build_engine
from bot.engine.events import Event
from bot.store import SQLiteStore


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def main(stored: int = 100_000, active: int = 1_000) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = SQLiteStore(Path(tmp) / "bench.sqlite3")
        engine = build_engine(store=store)
        base = rss_mb()
        session = json.loads(json.dumps(engine.store.load_session("x") or {"lang": "id", "module": "help", "node": "start"}))
        t0 = time.perf_counter()
        with store.transaction():
            for i in range(stored):
                store.save_session(f"tg:{i}", {**session, "lang": "id" if i % 3 else "en", "turn": i % 50})
        fill = time.perf_counter() - t0
        after_fill = rss_mb()
        t0 = time.perf_counter()
        for i in range(active):
            user = f"tg:{i * 97 % stored}"
            engine.handle(user, Event.start("help"))
            engine.handle(user, Event.message("nomor kbri malaysia"))
            engine.handle(user, Event.cmd("menu"))
        turns = time.perf_counter() - t0
        size = sum(p.stat().st_size for p in Path(tmp).iterdir()) / 1e6
        print(f"memory: content and engine loaded {base:.0f} MB; with {stored:,} people stored "
              f"{after_fill:.0f} MB (filled in {fill:.1f} s; database {size:.0f} MB); after {active:,} people "
              f"took 3 turns each {rss_mb():.0f} MB ({turns / (3 * active) * 1000:.2f} ms a turn)")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
