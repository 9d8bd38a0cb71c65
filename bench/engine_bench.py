"""Engine benchmark: time per turn with all content loaded and state written to SQLite, and
`classify` throughput. Run: `make bench` or `.venv/bin/python -m bench.engine_bench`.

Floors (issue 2): median turn under 1 ms, 99th percentile under 5 ms, >= 2,000 messages/s.
"""
from __future__ import annotations

import csv
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import make_tools  # noqa: E402
from bot.content_loader import load_content  # noqa: E402
from bot.engine import Engine, Event  # noqa: E402
from bot.engine import examples  # noqa: E402
from bot.engine.intents import IntentMatcher  # noqa: E402
from bot.store import SQLiteStore  # noqa: E402


def messages() -> list[str]:
    with open(ROOT / "tests" / "data" / "intents.tsv", encoding="utf-8", newline="") as f:
        return [r["text"] for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)]


def script(content) -> list[Event]:
    """A realistic mix: menu taps, lesson buttons, free text, an emergency, a language switch."""
    evs: list[Event] = [Event.start(), Event.button("m:fake_offer")]
    for mid, m in content.modules.items():
        evs.append(Event.button(f"m:{mid}"))
        start = m["nodes"][m["start"]]
        if start.get("buttons"):
            evs.append(Event.button(f"b:{mid}:{m['start']}:0"))
    evs += [Event.message(t) for t in messages()[:60]]
    evs += [Event.button("a:lang:en"), Event.cmd("menu"), Event.button("a:lang:id")]
    return evs


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def main(rounds: int = 20) -> dict[str, float]:
    content = load_content(ROOT / "content")
    with tempfile.TemporaryDirectory() as tmp:
        store = SQLiteStore(Path(tmp) / "bench.sqlite3")
        engine = Engine(content, store, tools=make_tools(content, store))
        evs = script(content)
        for ev in evs:  # warm up caches
            engine.handle("bench:warm", ev)
        times = []
        for r in range(rounds):
            user = f"bench:{r % 50}"
            for ev in evs:
                t0 = time.perf_counter()
                engine.handle(user, ev)
                times.append((time.perf_counter() - t0) * 1000)
        store.close()
    matcher = IntentMatcher(content)
    msgs = messages()
    for m in msgs:
        matcher.classify(m)
    def cold() -> None:  # as on unseen messages: no word seen before
        matcher._cache.clear()
        matcher._stem_cache.clear()
        examples._WORD_FEATURES.clear()

    cold()
    n = 0
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < 2.0:
        for m in msgs:
            matcher.classify(m)
        n += len(msgs)
        cold()
    rate = n / (time.perf_counter() - t0)
    res = {
        "turns": len(times),
        "turn_median_ms": statistics.median(times),
        "turn_p99_ms": pct(times, 99),
        "classify_per_s": rate,
    }
    print(f"engine turn (SQLite, {res['turns']} turns): median {res['turn_median_ms']:.3f} ms, p99 {res['turn_p99_ms']:.3f} ms")
    print(f"classify: {rate:,.0f} messages/s (cold word cache)")
    return res


if __name__ == "__main__":
    main()
