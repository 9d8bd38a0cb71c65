"""Issue 14: an alert sent by two instances at once on one PostgreSQL database: one queue
(FOR UPDATE SKIP LOCKED) and one rate budget in the database, so each person gets it exactly
once and together they stay within the rate."""
from __future__ import annotations

import threading
import time

from bot.alerts.sender import Outcome, send_alert
from bot.alerts.store import AlertStore
from bot.store.postgres import PostgresStore

ALERT = "contoh_magang_jepang"
KEY = "5e" * 32
PEOPLE = 1000
RATE = 200.0  # a second, for the test (the bot's is 25): 1,000 messages take 5 s


def test_two_instances_send_one_alert_to_1000_subscribers_each_once_within_the_rate(pg_url, content):
    stores = [PostgresStore(pg_url, key=KEY) for _ in range(2)]
    alerts = [AlertStore.for_store(s) for s in stores]
    chats = [7_000_000_000 + i for i in range(PEOPLE)]  # ids past 32 bits
    for c in chats:
        alerts[0].subscribe(f"tg:{c}", c, "en" if c % 3 == 0 else "id")
    got: list[tuple[int, float, int]] = []  # (chat, when, instance)
    lock = threading.Lock()
    summaries = {}
    start = threading.Barrier(2)

    def instance(i: int) -> None:
        def send(chat_id: int, text: str) -> Outcome:
            with lock:
                got.append((chat_id, time.monotonic(), i))
            return Outcome("sent")

        start.wait(10)
        summaries[i] = send_alert(alerts[i], content, ALERT, send, rate=RATE)

    threads = [threading.Thread(target=instance, args=(i,)) for i in range(2)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert sorted(c for c, _, _ in got) == chats  # each person exactly once
        by = {i: sum(1 for _, _, j in got if j == i) for i in (0, 1)}
        assert by[0] > 0 and by[1] > 0, by  # both took part
        assert summaries[0].sent + summaries[1].sent == PEOPLE
        st = alerts[0].status(ALERT)
        assert st["sent"] == PEOPLE and st["pending"] == st["sending"] == 0
        # within the rate together: the shared budget spaces every message 1/RATE from the one
        # before, whoever sends it, so 1,000 messages span at least 999/RATE seconds
        times = sorted(t for _, t, _ in got)
        assert times[-1] - times[0] >= (PEOPLE - 1) / RATE - 0.5, times[-1] - times[0]
    finally:
        for s in stores:
            s.close()
