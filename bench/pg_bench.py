"""Throughput, latency and CPU per update: one instance on SQLite, one and two instances on
PostgreSQL, in one run (issue 14):

    .venv/bin/python -m bench.pg_bench [PEOPLE] [ROUNDS]

Every configuration runs the real `python -m bot run` in webhook mode behind the load-balancing
emulator (tests/telegram/cluster_emulator.py: deliveries spread over the instances, 16 at a time,
one at a time per chat), with rate limits off (TELEGRAM_OVERALL_RATE=0, a huge per-chat burst).
The PostgreSQL server is started by tests/pg_server.py (as for the tests), fsync off on both
sides' terms: SQLite runs with synchronous=NORMAL in WAL mode, PostgreSQL with fsync off.

Each round every one of PEOPLE people sends one message and the round ends when every message
is answered. Reported: updates a second over all rounds, latency from an update being queued to
its first reply (median, p95), and CPU per update: the bot processes' user + system time, and for
PostgreSQL also the server's (postmaster and its backends), from /proc.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "telegram"))
sys.path.insert(0, str(ROOT / "tests"))

from cluster_emulator import ClusterEmulator  # noqa: E402
from emulator import BotAPIEmulator  # noqa: E402

TOKEN = "123456:BENCH-TOKEN-abcdef"
KEY = "5e" * 32
TEXTS = ["/menu", "gmn cek agen resmi", "nomor kbri malaysia", "/bantuan",
         "loker kamboja gaji 15jt, tanpa pengalaman, tiket dibayar, hubungi wa 0812xxxx", "/tentang"]


def _ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


def cpu_of(pids: list[int]) -> float:
    return sum(_ticks(p) for p in pids) / os.sysconf("SC_CLK_TCK")


def server_cpu(postmaster: int) -> float:
    """The PostgreSQL server's CPU: the postmaster and every live child (backends, workers)."""
    ticks = _ticks(postmaster)
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid == postmaster:
                ticks += _ticks(int(d.name))
    return ticks / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(label: str, db: str, instances: int, people: int, rounds: int, server=None) -> dict:
    ports = [free_port() for _ in range(instances)]
    emu = ClusterEmulator(TOKEN, [f"http://127.0.0.1:{p}/hook" for p in ports], connections=16, twice=0.0).start()
    procs = []
    try:
        for port in ports:
            env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_", "BOT_"))}
            env.update(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_URL=emu.api_url, BOT_DB=db, BOT_HASH_KEY=KEY,
                       TELEGRAM_CHAT_BURST="1000000", TELEGRAM_OVERALL_RATE="0", LOG_LEVEL="WARNING",
                       WEBHOOK_URL=f"http://127.0.0.1:{port}/hook", PORT=str(port), WEBHOOK_LISTEN="127.0.0.1",
                       PYTHONUNBUFFERED="1")
            procs.append(subprocess.Popen([sys.executable, "-m", "bot", "run", "--mode", "webhook"], cwd=ROOT, env=env,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        emu.wait_until(lambda: len(emu.method_calls("setWebhook")) >= instances, 90)
        users = [BotAPIEmulator.user(60000 + i, "id") for i in range(people)]
        warm = users[0]  # one update each way first: imports and caches warm
        emu.send_text(warm, "/start")
        emu.wait_until(lambda: emu.sent_to(warm["id"]), 60)
        time.sleep(0.5)
        latencies: list[float] = []
        cpu0 = cpu_of([p.pid for p in procs])
        srv0 = server_cpu(server.proc.pid) if server else 0.0
        t0 = time.monotonic()
        for r in range(rounds):
            with emu.cond:
                before = Counter(m["chat"]["id"] for m in emu.messages)
            t_in = {}
            for i, u in enumerate(users):
                t_in[u["id"]] = time.monotonic()
                emu.send_text(u, TEXTS[(i + r) % len(TEXTS)])
            waiting = set(t_in)
            deadline = time.monotonic() + 300
            while waiting and time.monotonic() < deadline:
                with emu.cond:
                    emu.cond.wait(0.01)
                    now = Counter(m["chat"]["id"] for m in emu.messages)
                t = time.monotonic()
                for uid in [u for u in waiting if now[u] > before[u]]:
                    latencies.append(t - t_in[uid])
                    waiting.discard(uid)
            if waiting:
                raise RuntimeError(f"{label}: {len(waiting)} people unanswered")
            with emu.cond:  # the round ends when every reply is out, not only the first
                emu.cond.wait(0.2)
        wall = time.monotonic() - t0
        n = people * rounds
        cpu = cpu_of([p.pid for p in procs]) - cpu0
        srv = (server_cpu(server.proc.pid) - srv0) if server else 0.0
        q = statistics.quantiles(latencies, n=20)
        return {"label": label, "updates": n, "per_s": n / wall, "p50": statistics.median(latencies), "p95": q[18],
                "bot_ms": cpu / n * 1000, "db_ms": srv / n * 1000}
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                p.kill()
        emu.stop()


def main() -> None:
    people = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    from pg_server import PostgresServer, find_bin_dir

    bin_dir = find_bin_dir()
    if bin_dir is None:
        sys.exit("pg_bench: no PostgreSQL server binaries (initdb, postgres) found")
    server = PostgresServer(bin_dir).start()
    results = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            results.append(run("SQLite, 1 instance", str(Path(tmp) / "b.sqlite3"), 1, people, rounds))
        results.append(run("PostgreSQL, 1 instance", server.create_database("bench1"), 1, people, rounds, server))
        results.append(run("PostgreSQL, 2 instances", server.create_database("bench2"), 2, people, rounds, server))
    finally:
        server.stop()
    print(f"{people} people x {rounds} rounds, webhook mode, rate limits off, {os.cpu_count()} cores")
    print(f"{'':26} {'updates/s':>10} {'p50 ms':>8} {'p95 ms':>8} {'bot CPU ms/upd':>15} {'db CPU ms/upd':>14}")
    for r in results:
        print(f"{r['label']:26} {r['per_s']:10.1f} {r['p50'] * 1000:8.0f} {r['p95'] * 1000:8.0f} {r['bot_ms']:15.2f} {r['db_ms']:14.2f}")
    base = results[0]
    for r in results[1:]:
        print(f"{r['label']} vs SQLite: throughput {r['per_s'] / base['per_s']:.2f}x, "
              f"CPU per update (bot + db) {(r['bot_ms'] + r['db_ms']) / base['bot_ms']:.2f}x")


if __name__ == "__main__":
    main()
