"""Issue 11 end to end: content reload by SIGHUP and /reload in the real process, and an alert
to 300 subscribers interrupted by kill -9 and resumed (against the Bot API emulator)."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading

from emulator import BotAPIEmulator
from tg_harness import REPO, TOKEN, BotProcess

ADMIN = 7777
PERSON = 9601


def _texts(emu, chat):
    return [m["text"] for m in emu.sent_to(chat)]


def _say(bot, emu, uid, text):
    before = len(emu.sent_to(uid))
    upd = emu.send_text(emu.user(uid), text)
    bot.wait_done(upd, 15)
    emu.wait_until(lambda: len(emu.sent_to(uid)) > before, 10)
    return emu.sent_to(uid)[before:]


def test_sighup_and_reload_keep_the_old_content_when_the_new_fails_and_say_why(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    emu = BotAPIEmulator(TOKEN).start()
    bot = BotProcess(emu, tmp_path / "bot.sqlite3", BOT_CONTENT_DIR=str(content), ADMIN_IDS=str(ADMIN)).start()
    try:
        menu = _say(bot, emu, PERSON, "/menu")
        assert any("Minta bantuan" == b["text"] for m in menu for row in m.get("reply_markup", {}).get("inline_keyboard", []) for b in row)
        intro = _say(bot, emu, PERSON, "/start fake_offer")[-1]

        # 1. broken content + SIGHUP: the log says exactly what failed; the old content still serves
        about = content / "about.yaml"
        good_about = about.read_text(encoding="utf-8")
        about.write_text(good_about + "broken: [unclosed\n", encoding="utf-8")
        mark = len(bot.lines)
        bot.proc.send_signal(signal.SIGHUP)
        bot.wait_log(r"content reload failed: 1 error", 30, since=mark)
        bot.wait_log(r"about\.yaml:\d+: YAML syntax error", 5, since=mark)
        again = _say(bot, emu, PERSON, "/menu")
        assert [m["text"] for m in again] == [m["text"] for m in menu]

        # 2. the admin's /reload says the same to the admin; a non-admin gets no such command
        got = _say(bot, emu, ADMIN, "/reload")
        assert ("TIDAK dimuat" in got[0]["text"] or "NOT loaded" in got[0]["text"]) and "about.yaml:" in got[0]["text"]
        assert "about.yaml" not in "".join(m["text"] for m in _say(bot, emu, PERSON, "/reload"))

        # 3. fixed content with a new menu title: reloaded; the person's old lesson button still works
        about.write_text(good_about, encoding="utf-8")
        helpf = content / "modules" / "help.yaml"
        helpf.write_text(helpf.read_text(encoding="utf-8").replace('title: {id: "Minta bantuan"', 'title: {id: "Minta bantuan segera"', 1), encoding="utf-8")
        mark = len(bot.lines)
        bot.proc.send_signal(signal.SIGHUP)
        bot.wait_log(r"content reloaded from", 30, since=mark)
        data = intro["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        before = len(emu.sent_to(PERSON))
        upd = emu.press(emu.user(PERSON), data, intro)
        bot.wait_done(upd, 15)
        emu.wait_until(lambda: len(emu.sent_to(PERSON)) > before, 10)
        assert "perekrut palsu" in emu.sent_to(PERSON)[-1]["text"]  # the next lesson screen, not the menu
        menu = _say(bot, emu, PERSON, "/menu")
        labels = [b["text"] for m in menu for row in m.get("reply_markup", {}).get("inline_keyboard", []) for b in row]
        assert "Minta bantuan segera" in labels
    finally:
        bot.stop()
        emu.stop()


def _alert_env(emu, db):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    env.update(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_URL=emu.api_url, BOT_DB=str(db), PYTHONUNBUFFERED="1")
    return env


def test_an_alert_to_300_subscribers_killed_half_way_reaches_each_exactly_once_within_the_rate(tmp_path):
    from bot.alerts.store import AlertStore
    from bot.store.sqlite import SQLiteStore

    db = tmp_path / "bot.sqlite3"
    store = SQLiteStore(db)
    alerts = AlertStore.for_store(store)
    chats = [30000 + i for i in range(300)]
    for i, chat in enumerate(chats):
        alerts.subscribe(f"tg:{chat}", chat, "en" if i % 3 == 0 else "id")
    store.close()
    blocked_before, blocked_after, stall = chats[40], chats[250], chats[150]

    emu = BotAPIEmulator(TOKEN).start()
    emu.fail("sendMessage", "403", chat_id=blocked_before)
    emu.fail("sendMessage", "403", chat_id=blocked_after)
    emu.fail("sendMessage", "drop", seconds=30, chat_id=stall)  # in flight when the process dies
    cmd = [sys.executable, "-m", "bot", "alert", "send", "contoh_magang_jepang"]
    try:
        first = subprocess.Popen(cmd, cwd=REPO, env=_alert_env(emu, db), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        threading.Thread(target=first.stdout.read, daemon=True).start()
        emu.wait_until(lambda: any(str(p.get("chat_id")) == str(stall) for _, m, p in list(emu.calls) if m == "sendMessage"), 60)
        first.send_signal(signal.SIGKILL)
        first.wait(5)
        delivered_first = [int(m["chat"]["id"]) for m in emu.messages]
        assert 100 <= len(delivered_first) < 300

        status = subprocess.run([sys.executable, "-m", "bot", "alert", "status", "contoh_magang_jepang"], cwd=REPO,
                                env=_alert_env(emu, db), capture_output=True, text=True, timeout=60).stdout
        assert "still to send" in status

        second = subprocess.run(cmd, cwd=REPO, env=_alert_env(emu, db), capture_output=True, text=True, timeout=120)
        assert second.returncode == 0, second.stdout + second.stderr
        got = [int(m["chat"]["id"]) for m in emu.messages]
        # each subscriber exactly once (the two who blocked the bot: none), in subscription order
        assert sorted(got) == sorted(set(got))
        assert set(got) == set(chats) - {blocked_before, blocked_after}
        assert got == [c for c in chats if c in set(got)]
        # in their language
        texts = {int(m["chat"]["id"]): m["text"] for m in emu.messages}
        assert texts[chats[0]].startswith("⚠️ Beware") and texts[chats[1]].startswith("⚠️ Waspada")
        # within the rate: at most about 25 a second in any one-second window, in each run
        times = sorted(m["_t"] for m in emu.messages)
        worst = max(sum(1 for u in times if t <= u < t + 1.0) for t in times)
        assert worst <= 26, worst
        # blocked users are unsubscribed; the summary says so
        assert "unsubscribed 1" in second.stdout
        alerts = AlertStore.for_store(SQLiteStore(db))
        assert alerts.subscribers() == 298
        st = alerts.status("contoh_magang_jepang")
        assert st["sent"] == 298 and st["blocked"] == 2 and st["pending"] == st["sending"] == 0
        # a third run sends nothing
        third = subprocess.run(cmd, cwd=REPO, env=_alert_env(emu, db), capture_output=True, text=True, timeout=60)
        assert "sent 0" in third.stdout and len(emu.messages) == len(got)
    finally:
        emu.stop()
