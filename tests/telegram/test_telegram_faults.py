"""Faults against the real `python -m bot run` and the Bot API emulator (issue 12): bursts of
429, 500/502 and slow answers; Telegram unreachable for 30 seconds and back on the same port; a
webhook delivery repeated; a person who blocked the bot; a locked database and a full disk.

Every test asserts on what was sent, to whom and in which order, and on what the log says
(once, with no message text and no token); waits are bounded, never a guessed sleep that a
loaded machine could break. The one long sleep is the outage itself.
"""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import threading
import time
import urllib.error
import urllib.request

import pytest
from emulator import BotAPIEmulator
from tg_harness import TOKEN, BotProcess, Person, free_port, passthrough_env, running_bot, shape

from bot.adapters.telegram.service import STORE_NOTICE
from bot.app import build_engine
from bot.engine.events import Event
from bot.i18n import translator
from bot.store.sqlite import SQLiteStore

OUTAGE = 30.0  # seconds Telegram is unreachable in the outage test
SECRET_WORDS = "rahasia-gangguan-qwerty"  # typed by people in these tests: must never reach the log


def new_oracle():
    return build_engine(store=SQLiteStore(":memory:"))


def event_for(text: str, lang: str = "id") -> Event:
    if text == "/start":
        return Event.start("", lang_hint=lang)
    if text.startswith("/"):
        return Event.cmd(text[1:], lang_hint=lang)
    return Event.message(text, lang_hint=lang)


def expected(oracle, uid: int, texts: list[str], lang: str = "id") -> list[tuple]:
    return [shape(r) for t in texts for r in oracle.handle(f"tg:{uid}", event_for(t, lang))]


def unsaved_expected(oracle, uid: int, text: str, lang: str = "id") -> list[tuple]:
    """What the bot answers while its store cannot write: the engine's answer from the session as
    it was, and nothing of the turn kept (the oracle's session is put back)."""
    before = oracle.store.load_session(f"tg:{uid}")
    got = expected(oracle, uid, [text], lang)
    if before is not None:
        oracle.store.save_session(f"tg:{uid}", before)
    return got


def assert_clean(bot: BotProcess) -> None:
    out = bot.output()
    assert TOKEN not in out and TOKEN.split(":")[1] not in out
    assert SECRET_WORDS not in out


def test_bursts_of_429_500_502_and_slow_answers_every_reply_once_and_in_order(tmp_path):
    oracle = new_oracle()
    with running_bot(tmp_path / "bot.sqlite3") as (emu, bot):
        emu.fail("sendMessage", "429", times=3, retry_after=1)
        emu.fail("sendMessage", "500", times=3)
        emu.fail("sendMessage", "502", times=3)
        emu.fail("sendMessage", "slow", times=2, seconds=1.5)
        emu.fail("getUpdates", "502", times=2)
        emu.fail("getUpdates", "429", retry_after=1)
        emu.fail("getUpdates", "slow", seconds=2)
        scripts = {
            20001: ["/start", "gmn cek agen resmi", f"{SECRET_WORDS} halo"],
            20002: ["/start", "/menu", "nomor kbri malaysia"],
            20003: ["/tentang", "loker kamboja gaji 15jt aman ga?", "/menu"],
            20004: ["/start", "cek PT Maju Jaya", "/bantuan"],  # (emergencies jump the queue: tested apart)
        }
        ids = []
        for step in range(3):
            for uid, texts in scripts.items():
                ids.append(emu.send_text(BotAPIEmulator.user(uid, "id"), texts[step]))
        for uid in ids:
            bot.wait_done(uid, timeout=60)
        for uid, texts in scripts.items():
            assert [shape(m) for m in emu.sent_to(uid)] == expected(oracle, uid, texts), uid
        assert not emu.faults["sendMessage"] and not emu.faults["getUpdates"]  # every fault was hit
        assert bot.proc.poll() is None
        assert "Traceback" not in bot.output()
        assert_clean(bot)


def test_telegram_unreachable_for_30_seconds_then_back_the_bot_answers_what_was_pending(tmp_path):
    """The port closes (connection refused) with a reply in flight, replies journaled and updates
    waiting at Telegram; on the same port 30 s later, the bot finds it by itself and answers
    everything exactly once, in order."""
    oracle = new_oracle()
    emu = BotAPIEmulator(TOKEN).start()
    bot = BotProcess(emu, tmp_path / "bot.sqlite3", TELEGRAM_POLL_TIMEOUT="2", **passthrough_env()).start()
    a, b, c = (BotAPIEmulator.user(u, "id") for u in (21001, 21002, 21003))
    said = {21001: [], 21002: [], 21003: []}
    try:
        for user, text in ((a, "/start"), (b, "/start")):
            said[user["id"]].append(text)
            bot.wait_done(emu.send_text(user, text))
        # a's next reply is in flight when Telegram goes away; b's are journaled behind it
        emu.fail("sendMessage", "slow", seconds=2, chat_id=21001)
        ids = []
        for user, text in ((a, "gmn cek agen resmi"), (b, "/menu"), (b, "/tentang")):
            said[user["id"]].append(text)
            ids.append(emu.send_text(user, text))
        emu.wait_until(lambda: not emu.faults["sendMessage"], 10)  # a's send is in flight
        emu.wait_until(lambda: any(int(c.get("offset") or 0) > ids[-1] for c in emu.method_calls("getUpdates")), 10)
        emu.offline()
        sent_before = len(emu.messages)
        # people write while Telegram is unreachable: their updates wait at Telegram
        for user, text in ((a, "/menu"), (c, "/start"), (c, "nomor kbri malaysia")):
            said[user["id"]].append(text)
            emu.send_text(user, text)
        time.sleep(OUTAGE)
        assert bot.proc.poll() is None  # still running
        assert len(emu.messages) == sent_before  # nothing got through while it was away
        emu.online()
        want = {uid: expected(oracle, uid, texts) for uid, texts in said.items()}
        total = sum(len(w) for w in want.values())
        # by itself, and soon: within 30 s of Telegram being back (polling retries every 5 s)
        emu.wait_until(lambda: len(emu.messages) >= total and not emu.pending, 30)
        time.sleep(0.5)  # room for a duplicate to show up, if there were one
        for uid, w in want.items():
            assert [shape(m) for m in emu.sent_to(uid)] == w, uid
        assert bot.count(r"Telegram has not answered for") == 1
        bot.wait_log(r"Telegram answers again after \d+ s", 10)
        assert_clean(bot)
    finally:
        bot.stop()
        emu.stop()


def test_a_repeated_webhook_delivery_is_answered_once(tmp_path):
    oracle = new_oracle()
    emu = BotAPIEmulator(TOKEN).start()
    port = free_port()
    url = f"http://127.0.0.1:{port}/tg/hook"
    secret = "fault-Secret_1"
    bot = BotProcess(emu, tmp_path / "bot.sqlite3", WEBHOOK_URL=url, WEBHOOK_SECRET=secret, PORT=str(port),
                     WEBHOOK_LISTEN="127.0.0.1", **passthrough_env())
    try:
        bot.start(ready="webhook registered")
        user = BotAPIEmulator.user(22001, "en")
        # Telegram did not hear the bot's 200 twice and delivers the update three times
        emu.repeat_webhook = 2
        uid = emu.send_text(user, "/start")
        emu.wait_until(lambda: not emu.pending, 20)
        assert [u for u, status in emu.webhook_posts if u == uid] == [uid] * 3
        bot.wait_log(rf"update {uid}: already handled", 10)
        assert bot.count(rf"update {uid}: already handled") == 2
        # the same update twice at once (two connections from Telegram): still one answer
        body = {"update_id": 777001, "message": {"message_id": 5, "date": 0, "chat": {"id": 22001, "type": "private"},
                                                 "from": user, "text": "/menu"}}

        def post(out: list) -> None:
            req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                         headers={"Content-Type": "application/json",
                                                  "X-Telegram-Bot-Api-Secret-Token": secret})
            try:
                with urllib.request.urlopen(req, timeout=30) as r:
                    out.append(r.status)
            except urllib.error.HTTPError as e:
                out.append(e.code)

        statuses: list[int] = []
        threads = [threading.Thread(target=post, args=(statuses,)) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(40)
        assert statuses == [200, 200]
        bot.wait_done(777001)
        time.sleep(0.5)
        assert [shape(m) for m in emu.sent_to(22001)] == expected(oracle, 22001, ["/start", "/menu"], "en")
        assert_clean(bot)
    finally:
        bot.stop()
        emu.stop()


def test_a_person_who_blocked_the_bot_gets_no_retries_the_bot_carries_on_and_logs_it_once(tmp_path):
    oracle = new_oracle()
    with running_bot(tmp_path / "bot.sqlite3") as (emu, bot):
        blocker, other = BotAPIEmulator.user(23001, "id"), Person(bot, oracle, 23002, "id")
        bot.wait_done(emu.send_text(blocker, "/start"))
        oracle.handle("tg:23001", event_for("/start"))
        calls_before = len([p for p in emu.method_calls("sendMessage") if str(p.get("chat_id")) == "23001"])
        emu.blocked.add(23001)  # they wrote three messages and blocked the bot before the answers came
        with emu.cond:  # one getUpdates batch
            ids = [emu.send_text(blocker, t) for t in ("/menu", f"{SECRET_WORDS}", "/tentang")]
        for uid in ids:
            bot.wait_done(uid, timeout=15)
        calls = [p for p in emu.method_calls("sendMessage") if str(p.get("chat_id")) == "23001"]
        assert len(calls) - calls_before == 1  # one try, no retries, nothing for the replies behind it
        assert bot.count(r"blocked the bot \(403\)") == 1
        assert bot.count(r"-> 0 message\(s\), the person blocked the bot") == 2
        other.say("/start", event_for("/start"))  # nobody else is held up
        assert bot.proc.poll() is None
        # they unblock and write again: answered
        emu.blocked.discard(23001)
        got_before = len(emu.sent_to(23001))
        bot.wait_done(emu.send_text(blocker, "/menu"))
        assert emu.sent_to(23001)[got_before:]
        assert "Traceback" not in bot.output()
        assert_clean(bot)


def test_a_locked_database_still_answers_unsaved_says_so_once_and_recovers(tmp_path):
    oracle = new_oracle()
    emu = BotAPIEmulator(TOKEN).start()
    db = tmp_path / "bot.sqlite3"
    health = free_port()
    bot = BotProcess(emu, db, HEALTH_PORT=str(health), WEBHOOK_LISTEN="127.0.0.1", **passthrough_env()).start()
    lock = None
    try:
        p = Person(bot, oracle, 24001, "id")
        p.say("/start", event_for("/start"))
        # another program (a backup, the sqlite3 shell) holds the write lock
        lock = sqlite3.connect(db, isolation_level=None, timeout=1)
        lock.execute("BEGIN IMMEDIATE")
        notice = translator("id")(STORE_NOTICE)
        for n, text in enumerate(["gmn cek agen resmi", f"{SECRET_WORDS} /menu", "tolong saya disekap, paspor ditahan"]):
            before = len(emu.sent_to(24001))
            done = bot.wait_done(emu.send_text(p.user, text), timeout=40)
            assert "not saved" in done
            got = [shape(m) for m in emu.sent_to(24001)[before:]]
            want = unsaved_expected(oracle, 24001, text)
            # the answer (emergencies too), and the note that it was not saved only the first time
            assert got == (want + [(notice, [])] if n == 0 else want), got
        assert bot.count(r"store: cannot write \(locked\)") == 1  # one clear line, not one per update
        assert bot.count(r"ERROR") == 1  # and no traceback per update
        assert healthz(health) == (503, "store")  # it answers, but cannot write
        lock.execute("ROLLBACK")
        lock.close()
        lock = None
        assert healthz(health) == (200, "ok")  # it finds out by itself, without waiting for an update
        before = len(emu.sent_to(24001))
        uid = emu.send_text(p.user, "/menu")
        assert "not saved" not in bot.wait_done(uid, timeout=20)  # saved again, journal and session together
        assert [shape(m) for m in emu.sent_to(24001)[before:]] == expected(oracle, 24001, ["/menu"])
        bot.wait_log(r"store: writes work again after \d+ s; 3 update\(s\) were answered without saving")
        assert bot.proc.poll() is None
        assert_clean(bot)
    finally:
        if lock is not None:
            lock.close()
        bot.stop()
        emu.stop()


def healthz(port: int) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=20) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def _tmpfs_works() -> bool:
    if not shutil.which("unshare") or os.geteuid() != 0:
        return False
    probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=1m tmpfs /mnt && touch /mnt/x"],
                           capture_output=True, timeout=20)
    return probe.returncode == 0


@pytest.mark.skipif(not _tmpfs_works(), reason="needs root and mount namespaces (unshare -m) for a small real disk")
def test_a_full_disk_still_answers_unsaved_and_recovers_when_space_frees(tmp_path):
    """The database on a real 8 MB tmpfs in the bot's own mount namespace; a ballast file fills
    it (ENOSPC: 'database or disk is full'), then goes."""
    oracle = new_oracle()
    emu = BotAPIEmulator(TOKEN).start()
    disk = tmp_path / "disk"
    disk.mkdir()
    wrap = ["unshare", "-m", "sh", "-c", f"mount -t tmpfs -o size=8m tmpfs {disk} && exec \"$0\" \"$@\""]
    bot = BotProcess(emu, disk / "bot.sqlite3", wrap=wrap, **passthrough_env()).start(timeout=30)
    inside = f"/proc/{bot.proc.pid}/root{disk}"  # the bot's tmpfs, seen from here
    try:
        p = Person(bot, oracle, 25001, "en")
        p.say("/start", event_for("/start", "en"))
        ballast = os.path.join(inside, "ballast")
        with open(ballast, "wb", buffering=0) as f:  # fill the disk to the last byte
            for size in (65536, 512):
                try:
                    while f.write(b"\0" * size):
                        pass
                except OSError:
                    pass
        notice = translator("en")(STORE_NOTICE)
        texts = ["how do I check an agency", "I am locked in, they took my passport", "/menu"]
        answered = []
        for text in texts:
            before = len(emu.sent_to(25001))
            done = bot.wait_done(emu.send_text(p.user, text), timeout=30)
            answered.append((done, [shape(m) for m in emu.sent_to(25001)[before:]], text))
        unsaved = [a for a in answered if "not saved" in a[0]]
        assert unsaved, "the full disk was not noticed"
        for done, got, text in answered:
            want = unsaved_expected(oracle, 25001, text, "en") if "not saved" in done else expected(oracle, 25001, [text], "en")
            assert got[: len(want)] == want and got[len(want):] in ([], [(notice, [])]), got
        assert bot.count(r"store: cannot write \(full\)") == 1
        os.unlink(ballast)  # space again
        p.say("/bahasa", event_for("/bahasa", "en"))
        bot.wait_log(r"store: writes work again after \d+ s")
        assert bot.proc.poll() is None
        assert_clean(bot)
    finally:
        bot.stop()
        emu.stop()
