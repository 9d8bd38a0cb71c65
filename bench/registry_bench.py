"""Registry benchmark: name lookups among 5,000 generated (FIKTIF) companies.

Run: `make bench` or `.venv/bin/python -m bench.registry_bench [N]`.

Floor (issue 5): median lookup under 2 ms among 5,000 companies. Measured three ways:
- `matcher`: NameMatcher.search alone (the fuzzy search over names normalised at load);
- `find`: Registry.find in a SQLite file, as the bot calls it (adds the one-row check that the
  list has not been replaced since it was loaded);
- `import`: parse and replace the whole list of 5,000 in one transaction.
Queries mix exact names, typos, missing "PT", reordered and missing words, near-duplicates and
absent names.
"""
from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "registry"))

from fictional_list import ABSENT_WORDS, fictional_csv  # noqa: E402

from bot.registry.matcher import NameMatcher  # noqa: E402
from bot.registry.parse import parse_csv  # noqa: E402
from bot.registry.store import Registry  # noqa: E402
from bot.store import SQLiteStore  # noqa: E402

FLOOR_MEDIAN_MS = 2.0


def _typo(word: str, rnd: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rnd.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1:] if rnd.random() < 0.5 else word[:i] + word[i] * 2 + word[i + 1:]


def queries(names: list[str], n: int = 2000, seed: int = 3) -> list[str]:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        words = rnd.choice(names).split()[1:]  # without "PT"
        kind = i % 6
        if kind == 0:
            q = "PT " + " ".join(words)
        elif kind == 1:
            q = " ".join(_typo(w, rnd) if j == 0 else w for j, w in enumerate(words))
        elif kind == 2:
            q = " ".join(reversed(words)).lower()
        elif kind == 3:
            q = " ".join(words[:-1] or words)
        elif kind == 4:
            q = "PT " + " ".join(rnd.sample(ABSENT_WORDS, 3))
        else:
            q = "p.t. " + " ".join(words).upper()
        out.append(q)
    return out


def timed(fn, qs: list[str]) -> list[float]:
    for q in qs[:50]:  # warm up
        fn(q)
    times = []
    for q in qs:
        t0 = time.perf_counter()
        fn(q)
        times.append((time.perf_counter() - t0) * 1000)
    return times


def report(label: str, times: list[float]) -> float:
    times = sorted(times)
    med = statistics.median(times)
    p99 = times[int(len(times) * 0.99) - 1]
    print(f"{label:<8} n={len(times)}  median {med:.3f} ms  p99 {p99:.3f} ms  max {times[-1]:.3f} ms")
    return med


def main(n: int = 5000) -> None:
    text = fictional_csv(n)
    t0 = time.perf_counter()
    parsed = parse_csv(text)
    parse_ms = (time.perf_counter() - t0) * 1000
    assert parsed.ok, parsed.errors[:3]
    names = [c.name for c in parsed.companies]
    qs = queries(names)

    matcher = NameMatcher(parsed.companies, names)
    med_matcher = report("matcher", timed(matcher.search, qs))

    with tempfile.TemporaryDirectory() as tmp:
        store = SQLiteStore(str(Path(tmp) / "bench.sqlite3"))
        reg = Registry.for_store(store)
        t0 = time.perf_counter()
        reg.replace(parsed.companies)
        replace_ms = (time.perf_counter() - t0) * 1000
        t0 = time.perf_counter()
        reg.matcher()
        load_ms = (time.perf_counter() - t0) * 1000
        med_find = report("find", timed(reg.find, qs))
        store.close()
    print(f"import   parse {parse_ms:.0f} ms + replace in one transaction {replace_ms:.0f} ms; "
          f"first lookup after an import loads the matcher in {load_ms:.0f} ms  ({n} companies)")
    ok = max(med_matcher, med_find) < FLOOR_MEDIAN_MS
    print(f"floor    median under {FLOOR_MEDIAN_MS} ms: {'OK' if ok else 'MISSED'}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
