"""Where a process's CPU time goes, sampled by py-spy (an optional dev tool, not a dependency
of the bot: `.venv/bin/pip install py-spy`). Used by `python -m bench.echo_bench --profile`.

py-spy samples the running bot from outside, whichever thread holds the GIL (the engine runs in
a worker thread, which cProfile in the main thread would miss): the samples are where Python
code spends CPU time (their count matched the process's CPU time within about 10% here). Time
in C code that lets the GIL go (SQLite's own work, socket writes) is not seen; py-spy's other
modes counted idle threads as busy on this machine. Summaries:

- "self": the functions the samples were in (time in C code, e.g. SQLite or JSON, counts for
  the Python function that called it);
- "parts": every sample given to the first of these parts found from the innermost frame out,
  so the parts add up to 100%.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

FRAME = re.compile(r"^(?P<func>.*) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")

# (part, test on "file:function"); each sample goes to the first part that one of its frames
# matches, from the innermost frame out (file names as py-spy gives them: "bot/store/sqlite.py",
# "asyncio/selector_events.py", "telegram/_bot.py")
PARTS: list[tuple[str, re.Pattern[str]]] = [
    ("socket writes (the kernel's loopback send)", re.compile(r"asyncio/selector_events\.py:_SelectorSocketTransport\.write$")),
    ("session store: session load/save, counters (bot/store, SQLite)", re.compile(r"^bot/store/")),
    ("update journal: record, accepted, finish (SQLite)", re.compile(r"^bot/adapters/telegram/journal\.py")),
    ("engine turn (bot/engine and the tools)", re.compile(r"^bot/(?!adapters/)")),
    ("HTTP client (httpx, httpcore, h11, anyio)", re.compile(r"^(httpx|httpcore|h11|anyio|sniffio)/")),
    ("python-telegram-bot: rate limiter", re.compile(r"^(telegram/ext/_aioratelimiter|aiolimiter/)")),
    ("python-telegram-bot: building and posting requests", re.compile(r"^telegram/(_bot\.py|ext/_extbot\.py|request/)")),
    ("python-telegram-bot: Telegram objects (de_json, to_dict)", re.compile(r"^telegram/")),
    ("the adapter's own code (service, routing, runner)", re.compile(r"^bot/adapters/")),
    ("JSON", re.compile(r"^json/")),
    ("logging", re.compile(r"^logging/")),
    ("event loop, threads, select()", re.compile(r"^(asyncio|concurrent|selectors\.py|threading\.py)")),
]
OTHER = "other (imports, interpreter, unattributed)"


def available() -> str | None:
    exe = Path(sys.executable).parent / "py-spy"
    return str(exe) if exe.exists() else shutil.which("py-spy")


def start(pid: int, out: Path, rate: int = 200) -> subprocess.Popen:
    exe = available()
    if exe is None:
        raise SystemExit("py-spy is not installed: .venv/bin/pip install -e '.[profile]' (a dev tool, not a dependency)")
    return subprocess.Popen([exe, "record", "--pid", str(pid), "--rate", str(rate), "--format", "raw", "--gil",
                             "--output", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _frames(stack: str) -> list[tuple[str, str]]:
    """(file, function) from the outermost frame in; the thread name is left out."""
    out = []
    for part in stack.split(";"):
        m = FRAME.match(part)
        if m and m.group("file"):
            out.append((m.group("file"), m.group("func")))
    return out


def summarize(path: Path, top: int = 12) -> dict[str, list[tuple[str, float]]]:
    parts: Counter[str] = Counter()
    self_time: Counter[str] = Counter()
    total = 0
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, n = line.rpartition(" ")
        if not n.isdigit():
            continue
        count = int(n)
        frames = _frames(stack)
        total += count
        if frames:
            file, func = frames[-1]
            self_time[f"{func} ({_short(file)})"] += count
        for file, func in reversed(frames):
            key = f"{file}:{func}"
            part = next((name for name, rx in PARTS if rx.search(key)), None)
            if part is not None:
                parts[part] += count
                break
        else:
            parts[OTHER] += count
    total = max(total, 1)
    return {"parts": [(k, v / total) for k, v in parts.most_common()],
            "self": [(k, v / total) for k, v in self_time.most_common(top)], "samples": [("samples", float(total))]}


def _short(file: str) -> str:
    for marker in ("site-packages/", "/bot/", "/lib/python3"):
        i = file.find(marker)
        if i >= 0:
            return file[i + len(marker):] if marker != "/bot/" else "bot/" + file[i + len(marker):]
    return os.path.basename(file)


def report(path: Path, title: str) -> str:
    s = summarize(path)
    lines = [f"{title}: {int(s['samples'][0][1])} samples"]
    lines += [f"  {share:6.1%}  {name}" for name, share in s["parts"]]
    lines.append("  top functions by own time:")
    lines += [f"  {share:6.1%}  {name}" for name, share in s["self"]]
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(Path(sys.argv[1]), sys.argv[1]))
