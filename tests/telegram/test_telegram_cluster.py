"""Issue 14, for real: two `python -m bot run` processes in webhook mode on one PostgreSQL
server (tests/pg_server.py), behind a load balancer (cluster_emulator.py) that spreads 200
people's updates over both at random and posts some to both at once. Each person writes the
next message once the bot answered the last one. One instance is killed with SIGKILL mid-burst;
the other carries on (it takes over the killed one's journaled, unsent replies after the
heartbeat lease, and Telegram retries what the killed one had not answered).

In the end every update is answered exactly once and every person's replies come in order.
The one window no bot can close (Telegram accepted a message, the process died before hearing
back) may repeat a message the killed instance was sending; the other instance sends it after
the lease, so the person may have written again meanwhile and the repeat comes later in their
chat: counted, bounded, and reported."""
from __future__ import annotations

import os
import random
import re
import threading
import time
from collections import Counter

from cluster_emulator import ClusterEmulator
from emulator import BotAPIEmulator
from tg_harness import TOKEN, BotProcess, free_port, shape

from bot.app import build_engine
from bot.engine.events import Event
from bot.store.sqlite import SQLiteStore

PEOPLE = 200
SCRIPT = ["/start", "gmn cek agen resmi", "nomor kbri malaysia", "loker kamboja gaji 15jt aman ga?"]
KEY = "5e" * 32


def event_for(text: str) -> Event:
    if text == "/start":
        return Event.start("", lang_hint="id")
    if text.startswith("/"):
        return Event.cmd(text[1:], lang_hint="id")
    return Event.message(text, lang_hint="id")


def repeated(got: list, want: list) -> int | None:
    """How many of the messages got are repeats of one the person already had (the unclosable
    window: the killed instance's sends in flight, sent again by the other after the lease, when
    the person may have moved on); None unless the rest is exactly what the engine answers."""
    j, n = 0, 0
    for i, m in enumerate(got):
        if j < len(want) and m == want[j]:
            j += 1
        elif m in got[:i]:
            n += 1
        else:
            return None
    return n if j == len(want) else None


def test_two_instances_answer_every_update_once_and_in_order_through_a_kill_9(tmp_path, pg_url):
    rng = random.Random(14)
    ports = [free_port(), free_port()]
    emu = ClusterEmulator(TOKEN, [f"http://127.0.0.1:{p}/hook" for p in ports], connections=8, twice=0.15).start()
    env = {"BOT_CONTENT_DIR": os.environ["BOT_CONTENT_DIR"]} if os.environ.get("BOT_CONTENT_DIR") else {}
    bots = [BotProcess(emu, tmp_path / "unused.sqlite3", BOT_DB=pg_url, BOT_HASH_KEY=KEY, BOT_INSTANCE_LEASE="3",
                       WEBHOOK_URL=f"http://127.0.0.1:{port}/hook", PORT=str(port), WEBHOOK_LISTEN="127.0.0.1", **env)
            for port in ports]
    people = [40001 + i for i in range(PEOPLE)]
    oracle = build_engine(store=SQLiteStore(":memory:"))
    want_steps = {p: [[shape(r) for r in oracle.handle(f"tg:{p}", event_for(t))] for t in SCRIPT] for p in people}
    total_updates = PEOPLE * len(SCRIPT)
    try:
        starting = [threading.Thread(target=b.start, kwargs={"ready": r"webhook registered", "timeout": 90}) for b in bots]
        for t in starting:  # both at once: they migrate the empty database together
            t.start()
        for t in starting:
            t.join()
        for b in bots:
            b.wait_log("webhook registered", timeout=5)
        step = {p: 0 for p in people}
        expected = {p: 0 for p in people}  # replies the person waits for before writing again
        sent_updates = 0
        killed = False
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            with emu.cond:
                counts = Counter(m["chat"]["id"] for m in emu.messages)
            ready = [p for p in people if step[p] < len(SCRIPT) and counts[p] >= expected[p]]
            if not ready and all(step[p] == len(SCRIPT) for p in people):
                break
            rng.shuffle(ready)
            for p in ready:
                text = SCRIPT[step[p]]
                expected[p] += len(want_steps[p][step[p]])
                step[p] += 1
                emu.send_text(BotAPIEmulator.user(p, "id"), text)
                sent_updates += 1
            if not killed and sent_updates >= total_updates * 0.4:
                bots[0].kill9()  # mid-burst: updates in flight, replies journaled and not yet sent
                killed = True
            with emu.cond:
                emu.cond.wait(0.05)
        assert killed and sent_updates == total_updates
        want = {p: [m for s in want_steps[p] for m in s] for p in people}
        total = sum(len(w) for w in want.values())
        emu.wait_until(lambda: len(emu.messages) >= total and not emu.pending, 180)
        time.sleep(1.0)  # room for a late duplicate to show up
        repeats = 0
        for p in people:
            got = [shape(m) for m in emu.sent_to(p)]
            n = repeated(got, want[p])
            assert n is not None, f"person {p}: the conversation differs from the engine's"
            repeats += n
        assert repeats <= 10, repeats
        # both instances answered, and deliveries that reached both were answered once
        handled = [set(int(u) for u in re.findall(r"update (\d+): \S+ -> \d+ message", b.output())) for b in bots]
        assert handled[0] and handled[1]
        doubled_both = [u for u in emu.doubled if u in handled[0] and u in handled[1]]
        assert len(emu.doubled) > 20 and doubled_both == [], doubled_both
        took_over = re.findall(r"resuming (\d+) update", bots[1].output())
        print(f"{total_updates} updates of {PEOPLE} people over 2 instances ({len(emu.doubled)} posted to both, "
              f"one killed mid-burst, {sum(map(int, took_over))} of its journaled replies taken over): "
              f"{total} replies, {repeats} repeated by the unclosable window")
    finally:
        for b in bots:
            b.stop()
        emu.stop()
