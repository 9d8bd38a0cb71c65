"""Start-up time to the first answer: `python -m bot chat` started afresh with a new database,
one line piped in, timed until its first reply line is printed.

    .venv/bin/python -m bench.startup_bench [RUNS] [OTHER_CHECKOUT]

With OTHER_CHECKOUT (e.g. `git archive f8f219e | tar -x -C /tmp/before`), the two checkouts are
timed in alternating runs with this venv, because this shared machine's speed drifts.
"""
from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def first_answer(root: Path) -> tuple[float, float]:
    """(wall seconds to the first reply line, CPU seconds of the whole run)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, BOT_DB=str(Path(tmp) / "bot.sqlite3"), PYTHONPATH=str(root))
        env.pop("BOT_CONTENT_DIR", None)
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "bot", "chat"], cwd=root, env=env, stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        proc.stdin.write("halo\n")
        proc.stdin.flush()
        while True:
            line = proc.stdout.readline()
            if not line or line.strip():
                break
        wall = time.perf_counter() - t0
        proc.stdin.close()
        proc.stdout.read()
        proc.wait()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def main(runs: int = 5, other: str | None = None) -> None:
    roots = {"this checkout": ROOT}
    if other:
        roots = {f"before ({other})": Path(other).resolve(), **roots}
    res: dict[str, list[tuple[float, float]]] = {name: [] for name in roots}
    for _ in range(runs):
        for name, root in roots.items():
            res[name].append(first_answer(root))
    for name, rows in res.items():
        walls, cpus = [w for w, _ in rows], [c for _, c in rows]
        print(f"start-up to the first answer, {name}: median {statistics.median(walls):.2f} s wall "
              f"(min {min(walls):.2f}), median {statistics.median(cpus):.2f} s CPU, {runs} runs")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5, sys.argv[2] if len(sys.argv) > 2 else None)
