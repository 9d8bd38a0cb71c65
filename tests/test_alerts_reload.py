"""Issue 11: opt-in alerts (subscriptions, sending, resuming) and reloading content in process."""
from __future__ import annotations

import shutil

import pytest

from bot.alerts.sender import Outcome, send_alert
from bot.alerts.store import AlertStore
from bot.app import build_engine
from bot.engine import callbacks as cb
from bot.engine.events import Event
from bot.store.sqlite import SQLiteStore

ALERT = "contoh_magang_jepang"


@pytest.fixture
def engine(tmp_path):
    return build_engine(store=SQLiteStore(tmp_path / "bot.sqlite3"))


def _buttons(replies):
    return [b for r in replies for b in r.all_buttons()]


def test_never_subscribed_by_default_offered_in_about_and_after_a_finished_module(engine):
    alerts = AlertStore.for_store(engine.store)
    u = "tg:501"
    engine.handle(u, Event.start())
    assert not alerts.is_subscribed(u) and alerts.subscribers() == 0
    about = engine.handle(u, Event.cmd("tentang"))
    offer = [b for b in _buttons(about) if b.data == "a:cmd:langganan"]
    assert offer, "the subscribe button is in Tentang"
    # finish a module's quiz: the offer comes with the end screen
    mid = next(iter(engine.content.modules))
    nodes = engine.content.modules[mid]["nodes"]
    quizzes = [nid for nid, n in nodes.items() if "quiz" in n]
    last = next(nid for nid in quizzes if "quiz" not in nodes[nodes[nid]["next"]])
    engine.open_at(u, mid, last)
    done = engine.handle(u, Event.button(cb.encode(cb.NodeButton(mid, last, 0))))
    assert any(b.data == "a:cmd:langganan" for b in _buttons(done))
    # tapping it subscribes; then it is no longer offered
    engine.handle(u, Event.button("a:cmd:langganan"))
    assert alerts.is_subscribed(u)
    assert not [b for b in _buttons(engine.handle(u, Event.cmd("tentang"))) if b.data == "a:cmd:langganan"]


@pytest.mark.parametrize("how", [Event.cmd("berhenti"), Event.message("stop"), Event.message("Berhenti"), Event.cmd("hapus")])
def test_berhenti_stop_and_hapus_delete_the_subscription(engine, how):
    alerts = AlertStore.for_store(engine.store)
    u = "tg:502"
    engine.handle(u, Event.cmd("langganan"))
    assert alerts.is_subscribed(u)
    engine.handle(u, how)
    if how.command == "hapus":
        engine.handle(u, Event.button("a:del:yes"))
    assert not alerts.is_subscribed(u)
    row = alerts.db.fetchone("SELECT COUNT(*) FROM alert_subscriptions")[0]
    assert row == 0


def test_subscriptions_hold_the_keyed_hash_and_the_chat_id_only(engine):
    alerts = AlertStore.for_store(engine.store)
    engine.handle("tg:987654", Event.cmd("langganan"))
    rows = alerts.db.fetchall("SELECT user_key, chat_id, lang FROM alert_subscriptions")
    assert rows == [(engine.store.user_key("tg:987654"), 987654, "id")]
    assert "987654" not in rows[0][0]


def test_kirim_peringatan_is_invisible_to_non_admins(engine):
    r = engine.handle("tg:1", Event.cmd("kirim_peringatan", ALERT))
    assert r[0].source == "menu"


class FakeApi:
    def __init__(self, blocked=(), crash_after=None):
        self.sent: list[tuple[float, int, str]] = []
        self.blocked = set(blocked)
        self.crash_after = crash_after
        self.now = 0.0

    def clock(self):
        return self.now

    def sleep(self, s):
        self.now += s

    def send(self, chat, text):
        if self.crash_after is not None and len(self.sent) == self.crash_after:
            raise KeyboardInterrupt  # the process dies here
        self.now += 0.001
        if chat in self.blocked:
            return Outcome("blocked")
        self.sent.append((self.now, chat, text))
        return Outcome("sent")


def test_send_in_order_within_the_rate_resumable_blocked_unsubscribed(engine):
    alerts = AlertStore.for_store(engine.store)
    chats = list(range(1000, 1120))
    for c in chats:
        alerts.subscribe(f"tg:{c}", c, "en" if c % 2 else "id")
    api = FakeApi(blocked={1003, 1100}, crash_after=50)
    with pytest.raises(KeyboardInterrupt):
        send_alert(alerts, engine.content, ALERT, api.send, clock=api.clock, sleep=api.sleep)
    assert 0 < alerts.status(ALERT)["pending"] < 120
    api.crash_after = None
    s = send_alert(alerts, engine.content, ALERT, api.send, clock=api.clock, sleep=api.sleep)
    got = [c for _, c, _ in api.sent]
    assert got == [c for c in chats if c not in (1003, 1100)]  # each once, in order
    assert s.unsubscribed == 1 and alerts.subscribers() == 118
    times = [t for t, _, _ in api.sent]
    assert max(sum(1 for u in times if t <= u < t + 1.0) for t in times) <= 25
    assert next(t for _, c, t in api.sent if c == 1001).startswith("⚠️ Beware")
    assert send_alert(alerts, engine.content, ALERT, api.send, clock=api.clock, sleep=api.sleep).sent == 0


# -- reload ---------------------------------------------------------------------------------------
def test_reload_keeps_the_old_content_on_failure_and_people_keep_their_place(tmp_path):
    from bot.content_loader import reload as r

    content = tmp_path / "content"
    shutil.copytree(build_engine.__globals__["DEFAULT_CONTENT_DIR"], content)
    holder = {"engine": build_engine(content, store=SQLiteStore(tmp_path / "db.sqlite3"))}
    holder["engine"].admins = {"tg:1"}
    reloader = r.Reloader(content, lambda: holder["engine"], lambda e: holder.update(engine=e))
    r.install(reloader)
    try:
        old = holder["engine"]
        u = "tg:2"
        intro = old.handle(u, Event.start("fake_offer"))
        (content / "answers.yaml").write_text("answers: [\n", encoding="utf-8")
        got = old.handle("tg:1", Event.cmd("reload"))
        assert got[0].source == "admin:reload:failed" and "answers.yaml:" in got[0].text
        assert holder["engine"] is old
        shutil.copy(build_engine.__globals__["DEFAULT_CONTENT_DIR"] / "answers.yaml", content / "answers.yaml")
        # the module's second screen is removed (its buttons re-pointed): the old button gets a kind line
        fo = content / "modules" / "fake_offer.yaml"
        text = fo.read_text(encoding="utf-8")
        assert old.handle("tg:1", Event.cmd("reload"))[0].source == "admin:reload"
        new = holder["engine"]
        assert new is not old and new.admins == {"tg:1"}
        data = intro[-1].buttons[0][0].data
        nxt = new.handle(u, Event.button(data))
        assert nxt[0].source.startswith("node:fake_offer:")  # kept their place
        import re as _re

        i, j = text.index("\n  ads:\n"), text.index("\n  jobs:\n")
        fo.write_text(_re.sub(r"goto: ads\b", "goto: jobs", text[:i] + text[j:]), encoding="utf-8")
        ok, detail = reloader.reload()
        assert ok, detail
        gone = holder["engine"].handle(u, Event.button("b:fake_offer:ads:0"))  # the person was on 'ads'
        assert gone[0].source == "menu"
        assert "changed in an update" in gone[0].text or "diubah dalam pembaruan" in gone[0].text
    finally:
        r.install(None)


def test_kirim_peringatan_sends_to_subscribers_and_gives_the_admin_a_summary(engine, monkeypatch):
    import sys
    import threading
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent / "telegram"))
    from emulator import BotAPIEmulator

    token = "123456:UNIT-TOKEN-abc"
    emu = BotAPIEmulator(token).start()
    try:
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", token)
        monkeypatch.setenv("TELEGRAM_API_URL", emu.api_url)
        engine.admins = {"tg:1"}
        for c in (701, 702, 703, 704):
            engine.handle(f"tg:{c}", Event.cmd("langganan"))
        emu.fail("sendMessage", "403", chat_id=703)
        got = engine.handle("tg:1", Event.cmd("kirim_peringatan", ALERT))
        assert "4" in got[0].text
        emu.wait_until(lambda: emu.sent_to(1), 20)
        assert sorted(int(m["chat"]["id"]) for m in emu.messages if m["chat"]["id"] != 1) == [701, 702, 704]
        summary = emu.sent_to(1)[-1]["text"]
        assert "3" in summary and "1" in summary  # sent 3, unsubscribed 1 (in the admin's language)
        assert AlertStore.for_store(engine.store).subscribers() == 3
        for t in threading.enumerate():
            if t.name.startswith("alert-"):
                t.join(5)
    finally:
        emu.stop()


def test_one_sender_per_alert(engine):
    from bot.alerts.sender import AlreadySending

    alerts = AlertStore.for_store(engine.store)
    alerts.subscribe("tg:5", 5, "id")
    assert alerts.claim(ALERT) is None
    with pytest.raises(AlreadySending):
        send_alert(alerts, engine.content, ALERT, lambda c, t: Outcome("sent"))
    alerts.release(ALERT)
    # a claim left by a process that died (kill -9) is taken over
    alerts.db.execute("INSERT INTO alert_runs(alert, pid, host, since) VALUES(?, 999999, ?, 'x') "
                      "ON CONFLICT(alert) DO UPDATE SET pid=excluded.pid, host=excluded.host", (ALERT, __import__("socket").gethostname()))
    assert send_alert(alerts, engine.content, ALERT, lambda c, t: Outcome("sent"), sleep=lambda s: None).sent == 1
