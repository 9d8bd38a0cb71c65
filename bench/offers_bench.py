"""Benchmark the offer checker: a 4,000-character offer, all red flags of content/redflags.yaml
loaded (compiled once, as the Tool does at start). Prints median and p99 in milliseconds.

    .venv/bin/python bench/offers_bench.py [--content DIR] [--runs N]

Each run checks a different 4,000-character text (the labelled ads shuffled and joined, with a
run number), so no cache can help.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--content", default=str(ROOT / "content"))
    ap.add_argument("--runs", type=int, default=500)
    args = ap.parse_args(argv)

    from bot.offers.checker import OfferChecker
    from bot.offers.rules import load_rules

    t0 = time.perf_counter()
    rules, _langs, problems = load_rules(args.content)
    if rules is None:
        print("\n".join(map(str, problems)), file=sys.stderr)
        return 1
    checker = OfferChecker(rules)
    build_ms = (time.perf_counter() - t0) * 1000
    n_flags = len(rules["flags"]) + len(rules["positives"])
    n_words = sum(len(v) for s in rules["flags"] + rules["positives"] for v in (s.get("keywords") or {}).values())

    ads = [json.loads(x)["text"] for x in (ROOT / "tests/offers/offers.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    rng = random.Random(4)
    texts = []
    for i in range(args.runs):
        rng.shuffle(ads)
        text = f"[{i}] " + "\n\n".join(ads)
        texts.append(text[:4000])
    for t in texts[:20]:  # warm up
        checker.check(t)
    times, cpu = [], []
    for t in texts:
        c = time.process_time()
        s = time.perf_counter()
        checker.check(t)
        times.append((time.perf_counter() - s) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    times.sort()
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    print(f"offer checker: {len(texts)} runs of a {len(texts[0])}-character offer, "
          f"{n_flags} signs ({n_words} keywords) loaded in {build_ms:.0f} ms")
    print(f"median {statistics.median(times):.2f} ms   p99 {p99:.2f} ms   max {times[-1]:.2f} ms (wall clock)")
    print(f"median {statistics.median(cpu):.2f} ms CPU time (less sensitive to other processes on the machine)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
