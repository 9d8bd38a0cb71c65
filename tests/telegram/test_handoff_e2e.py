"""The handoff to caseworkers, end to end: the real `python -m bot run` against the emulator,
with a forum supergroup as the caseworkers' group (docs/handoff.md).

Everything people and caseworkers "say" here contains "rahasia-": at the end of each test the
database files and the bot's output are searched for it (nothing said may be kept). Tests wait
for the bot's log line of each update, or for a message to arrive; they never time a gap.
"""
from __future__ import annotations

import glob
import os
import sqlite3

import pytest
from emulator import BotAPIEmulator
from tg_harness import BotProcess, Person, TOKEN, button, shape

from bot.engine.events import Event
from bot.i18n import translator
from bot.store.sqlite import SQLiteStore

GROUP = -1001500900
ORG = "Lembaga Uji"
HOURS = "Senin-Jumat 09.00-17.00 WIB | Mon-Fri 9am-5pm WIB"
ENV = {"HANDOFF_CHAT_ID": str(GROUP), "HANDOFF_ORG_NAME": ORG, "HANDOFF_HOURS": HOURS, "HANDOFF_WAIT_MINUTES": "600"}
MARK = "👤 Petugas (Lembaga Uji):"
_ = translator("id")
T = 30  # seconds: generous, the group's 20-a-minute limit may make a step wait


@pytest.fixture(scope="module")
def oracle():
    """An in-process engine with the same handoff settings (its own store and case book)."""
    from bot.app import build_engine

    saved = {k: os.environ.get(k) for k in ENV}
    os.environ.update(ENV)
    try:
        return build_engine(store=SQLiteStore(":memory:"))
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@pytest.fixture
def desk(tmp_path, oracle):
    emu = BotAPIEmulator(TOKEN).start()
    group = emu.forum(GROUP)
    cw1, cw2 = BotAPIEmulator.user(9100, "id", "Sari"), BotAPIEmulator.user(9200, "id", "Budi")
    emu.members[GROUP] |= {9100, 9200}
    db = tmp_path / "bot.sqlite3"
    bots: list[BotProcess] = []

    def start(**extra: str) -> BotProcess:
        b = BotProcess(emu, db, **{**ENV, **extra}).start()
        bots.append(b)
        return b

    ns = type("Desk", (), {})()
    ns.emu, ns.group, ns.cw1, ns.cw2, ns.db, ns.start, ns.bots, ns.oracle = emu, group, cw1, cw2, db, start, bots, oracle
    yield ns
    for b in bots:
        b.stop()
    emu.stop()


def quiet(p: Person, inject) -> list[dict]:
    """What the person receives for an update that is relayed (usually nothing)."""
    return p._do(inject, timeout=T)


def connect(d, p: Person, data: str = "t:handoff:yes") -> int:
    """Ask for a person, consent; the new case's topic id."""
    got = p.say("mau ngobrol sama orang")
    msg, start = button(got, "t:handoff:")
    got = p.press(msg, start)
    assert ORG in got[0]["text"] and "Senin-Jumat 09.00-17.00 WIB" in got[0]["text"]
    assert {dt for row in shape(got[-1])[1] for _, dt in row} == {"t:handoff:yes", "t:handoff:name", "t:handoff:no"}
    before = set(d.emu.topics)
    msg, data = button(got, data)
    got = p.press(msg, data)
    assert "tersambung" in got[0]["text"] or "You are connected" in got[0]["text"]
    new = [k for k in d.emu.topics if k not in before]
    assert len(new) == 1 and new[0][0] == GROUP
    return new[0][1]


def texts(d, thread: int) -> list[str]:
    return [m.get("text") or m.get("caption") or ("<location>" if "location" in m else "<media>")
            for m in d.emu.topic_messages(GROUP, thread)]


def nothing_kept(d, bot_outputs: list[str], secrets: list[str]) -> None:
    files = [f for f in glob.glob(str(d.db) + "*") if os.path.isfile(f)]
    assert files
    for f in files:
        data = open(f, "rb").read()
        for s in secrets:
            assert s.encode() not in data, (f, s)
    for out in bot_outputs:
        for s in secrets:
            assert s not in out


def test_consent_relay_both_ways_emergency_members_and_selesai(desk):
    d = desk
    bot = d.start()
    p = Person(bot, d.oracle, 8101, "id")
    thread = connect(d, p)
    intro = d.emu.topic_messages(GROUP, thread)[0]["text"]
    assert d.emu.topics[(GROUP, thread)]["name"] == "Kasus 0001"
    assert "Kasus 0001" in intro and "Bahasa: Bahasa Indonesia" in intro and _("Telegram name: hidden (the person did not choose to show it).") in intro
    assert "8101" not in intro and "Tester" not in intro

    # the person's text, a photo with a caption and a location go to the topic; nothing comes back
    assert quiet(p, lambda: d.emu.send_text(p.user, "rahasia-alpha saya butuh bantuan soal kontrak")) == []
    assert quiet(p, lambda: d.emu.send_media(p.user, "photo", caption="rahasia-beta foto kontrak")) == []
    assert quiet(p, lambda: d.emu.send_media(p.user, "location")) == []
    copies = d.emu.topic_messages(GROUP, thread)[1:]
    assert [m.get("text") or m.get("caption") for m in copies[:2]] == ["rahasia-alpha saya butuh bantuan soal kontrak", "rahasia-beta foto kontrak"]
    assert "photo" in copies[1] and copies[2]["location"] == {"latitude": -6.2, "longitude": 106.8}

    # a caseworker answers in the topic: the person receives it, marked as from a person
    before = len(d.emu.sent_to(8101))
    bot.wait_done(d.emu.in_topic(d.cw1, d.group, thread, "rahasia-gamma kami akan bantu, Anda di mana?"), T)
    got = d.emu.sent_to(8101)[before:]
    assert [m["text"] for m in got] == [MARK + "\nrahasia-gamma kami akan bantu, Anda di mana?"]
    photo = [{"file_id": "Fcw", "file_unique_id": "Ucw", "width": 90, "height": 90}]
    bot.wait_done(d.emu.in_topic(d.cw2, d.group, thread, photo=photo, caption="rahasia-delta contoh formulir"), T)
    got = d.emu.sent_to(8101)[before + 1:]
    assert len(got) == 1 and "photo" in got[0] and got[0]["caption"] == MARK + "\nrahasia-delta contoh formulir"

    # an emergency phrase while connected: the numbers at once, and the message still goes on
    n = len(d.emu.topic_messages(GROUP, thread))
    got = quiet(p, lambda: d.emu.send_text(p.user, "tolong saya disekap majikan, paspor ditahan rahasia-epsilon"))
    assert len(got) == 1 and "+62 812-9007-0027" in got[0]["text"]
    assert texts(d, thread)[n:] == ["tolong saya disekap majikan, paspor ditahan rahasia-epsilon"]

    # someone in the group who is not a member: not relayed, and the topic is told
    outsider = BotAPIEmulator.user(9300, "id", "Orang Luar")
    before = len(d.emu.sent_to(8101))
    bot.wait_done(d.emu.in_topic(outsider, d.group, thread, "rahasia-zeta dari orang luar"), T)
    assert len(d.emu.sent_to(8101)) == before
    assert texts(d, thread)[-1] == _("Not sent: only members of this group can write to people through the bot.")
    # a note stays in the topic; the General topic and another bot's command are not relayed either
    bot.wait_done(d.emu.in_topic(d.cw1, d.group, thread, "/catatan rahasia-eta sudah telepon KBRI"), T)
    assert "ignored" in bot.wait_done(d.emu.send_text(d.cw1, "rahasia-theta di General", chat=d.group), T)
    assert len(d.emu.sent_to(8101)) == before

    # /selesai ends it: the topic is told and closed; then the bot answers as usual again
    n = len(d.emu.topic_messages(GROUP, thread))
    got = quiet(p, lambda: d.emu.send_text(p.user, "/selesai"))
    assert [m["text"].split(".")[0] for m in got] == [_("The conversation with the caseworker has ended. You are talking with the bot again. "
                                                          "Remember to delete this chat in Telegram if someone may check your phone.").split(".")[0]]
    assert texts(d, thread)[n:] == [_("The person ended the conversation (/selesai). The case is closed: messages here no longer reach them.")]
    assert d.emu.topics[(GROUP, thread)]["closed"]
    n = len(d.emu.topic_messages(GROUP, thread))
    got = quiet(p, lambda: d.emu.send_text(p.user, "rahasia-iota halo"))
    assert got and len(d.emu.topic_messages(GROUP, thread)) == n  # answered by the bot, not relayed
    bot.wait_done(d.emu.in_topic(d.cw1, d.group, thread, "rahasia-kappa masih di sana?"), T)
    assert texts(d, thread)[-1] == _("This case is closed: messages here no longer reach the person.")
    assert not any("rahasia-kappa" in (m.get("text") or "") for m in d.emu.sent_to(8101))

    with sqlite3.connect(d.db) as db:
        counts = dict(((k, l), n) for _d, k, l, n in db.execute("SELECT day, kind, label, n FROM counters WHERE kind='handoff'"))
        cases = db.execute("SELECT case_no, status FROM handoff_cases").fetchall()
    assert counts[("handoff", "opened")] == 1 and counts[("handoff", "closed_by_person")] == 1
    assert counts[("handoff", "answered_within_wait")] == 1
    assert cases == [(1, "closed")]
    bot.stop()
    nothing_kept(d, [bot.output()], ["rahasia-", "Orang Luar"])


def test_two_cases_two_caseworkers_no_consent_name_tutup_and_hapus(desk):
    d = desk
    bot = d.start()
    ani = Person(bot, d.oracle, 8201, "id")
    ani.user["first_name"], ani.user["username"] = "Anisa-Rahasia", "anisa_rahasia"
    budi = Person(bot, d.oracle, 8202, "en")
    tia = Person(bot, d.oracle, 8203, "id")

    t_ani = connect(d, ani, "t:handoff:name")
    intro = d.emu.topic_messages(GROUP, t_ani)[0]["text"]
    assert "Anisa-Rahasia (@anisa_rahasia)" in intro

    # English-speaking person: the consent in English, the group's texts in Indonesian
    got = budi.say("can I talk to a person")
    msg, data = button(got, "t:handoff:")
    got = budi.press(msg, data)
    assert "A caseworker of Lembaga Uji" in got[0]["text"]
    before = set(d.emu.topics)
    msg, data = button(got, "t:handoff:yes")
    budi.press(msg, data)
    (_g, t_budi), = [k for k in d.emu.topics if k not in before]
    assert "Bahasa: English" in d.emu.topic_messages(GROUP, t_budi)[0]["text"]

    # no consent, no relay
    got = tia.say("minta dihubungi petugas")
    msg, data = button(got, "t:handoff:")
    got = tia.press(msg, data)
    msg, data = button(got, "t:handoff:no")
    topics = set(d.emu.topics)
    group_before = len(d.emu.sent_to(GROUP))
    tia.press(msg, data)
    tia.say("rahasia-tanpa-izin gaji saya ditahan")
    assert set(d.emu.topics) == topics and len(d.emu.sent_to(GROUP)) == group_before

    # two cases at once, two caseworkers: each message stays in its own case
    quiet(ani, lambda: d.emu.send_text(ani.user, "rahasia-A1 dari Ani"))
    quiet(budi, lambda: d.emu.send_text(budi.user, "rahasia-B1 from Budi"))
    bot.wait_done(d.emu.in_topic(d.cw1, d.group, t_ani, "rahasia-A2 untuk Ani"), T)
    bot.wait_done(d.emu.in_topic(d.cw2, d.group, t_budi, "rahasia-B2 for Budi"), T)
    assert texts(d, t_ani)[1:] == ["rahasia-A1 dari Ani"]
    assert texts(d, t_budi)[1:] == ["rahasia-B1 from Budi"]
    assert [m["text"] for m in d.emu.sent_to(8201)][-1] == MARK + "\nrahasia-A2 untuk Ani"
    assert [m["text"] for m in d.emu.sent_to(8202)][-1] == "👤 Caseworker (Lembaga Uji):\nrahasia-B2 for Budi"
    assert not any("rahasia-B" in (m.get("text") or "") for m in d.emu.sent_to(8201))
    assert not any("rahasia-A" in (m.get("text") or "") for m in d.emu.sent_to(8202))

    # /tutup by the caseworker: the person is told, the topic closed; Budi talks to the bot again
    before = len(d.emu.sent_to(8202))
    bot.wait_done(d.emu.in_topic(d.cw2, d.group, t_budi, "/tutup"), T)
    assert [m["text"] for m in d.emu.sent_to(8202)[before:]] == [translator("en")(
        "The caseworker has ended the conversation. You are talking with the bot again: type /menu for the topics. "
        "Remember to delete this chat in Telegram if someone may check your phone.")]
    assert d.emu.topics[(GROUP, t_budi)]["closed"] and texts(d, t_budi)[-1] == _("Case closed. Messages here no longer reach the person.")
    n = len(d.emu.topic_messages(GROUP, t_budi))
    assert quiet(budi, lambda: d.emu.send_text(budi.user, "rahasia-B3 hello"))
    assert len(d.emu.topic_messages(GROUP, t_budi)) == n

    # /hapus ends Ani's case at once and forgets whose it was
    got = quiet(ani, lambda: d.emu.send_text(ani.user, "/hapus"))
    assert got[0]["text"] == _("The conversation with the caseworker has ended, and the bot no longer knows it was yours.")
    assert any(dt == "a:del:yes" for row in shape(got[-1])[1] for _t, dt in row)
    assert texts(d, t_ani)[-1] == _("The person used /hapus: the case is closed and the bot no longer knows whose it was.")
    with sqlite3.connect(d.db) as db:
        rows = db.execute("SELECT case_no, user_key, chat_id, status FROM handoff_cases ORDER BY case_no").fetchall()
    assert rows[0][1:] == (None, None, "closed")  # Ani's: unlinked
    assert rows[1][2] == 8202 and rows[1][3] == "closed"  # Budi's: closed, unlinked later (HANDOFF_UNLINK_HOURS)
    bot.stop()
    nothing_kept(d, [bot.output()], ["rahasia-", "Anisa-Rahasia", "anisa_rahasia"])


def test_waiting_notice_restart_keeps_the_case_and_failures_are_reported(desk):
    d = desk
    bot = d.start(HANDOFF_WAIT_MINUTES="0.02")  # a little over a second
    p = Person(bot, d.oracle, 8301, "id")
    thread = connect(d, p)
    quiet(p, lambda: d.emu.send_text(p.user, "rahasia-lambda tolong balas"))
    # nobody answers: the person gets the hotlines and hears their message is still waiting
    still = _("No caseworker has answered yet: your message is still waiting for them. "
              "If you are in danger now, do not wait: call one of these numbers.")
    d.emu.wait_until(lambda: any(still in (m.get("text") or "") for m in d.emu.sent_to(8301)), T)
    d.emu.wait_until(lambda: texts(d, thread)[-1].startswith("Orangnya sudah menunggu"), T)
    notices = [m for m in d.emu.sent_to(8301) if still in (m.get("text") or "")]
    assert len(notices) == 1 and "0800-1000" in notices[0]["text"]

    # a restart (kill -9) while the case is open: still open, same topic, both ways
    bot.kill9()
    bot = d.start(HANDOFF_WAIT_MINUTES="0.02")
    p.bot = bot
    n = len(d.emu.topic_messages(GROUP, thread))
    got = quiet(p, lambda: d.emu.send_text(p.user, "rahasia-mu halo lagi"))
    assert got == [], [m.get("text") for m in got]
    assert texts(d, thread)[n:] == ["rahasia-mu halo lagi"]
    before = len(d.emu.sent_to(8301))
    bot.wait_done(d.emu.in_topic(d.cw1, d.group, thread, "rahasia-nu kami baru sampai"), T)
    assert [m["text"] for m in d.emu.sent_to(8301)[before:]] == [MARK + "\nrahasia-nu kami baru sampai"]

    # the person blocks the bot: the caseworker's next message is reported in the topic
    d.emu.blocked.add(8301)
    bot.wait_done(d.emu.in_topic(d.cw1, d.group, thread, "rahasia-xi halo?"), T)
    assert texts(d, thread)[-1] == _("Not delivered: the person has blocked the bot or deleted the chat. Close the case with /tutup.")
    d.emu.blocked.discard(8301)
    with sqlite3.connect(d.db) as db:
        assert db.execute("SELECT status FROM handoff_cases").fetchall() == [("open",)]
    bot.stop()
    nothing_kept(d, [b.output() for b in d.bots], ["rahasia-"])


def test_without_a_desk_nothing_is_offered(oracle, tmp_path):
    """No HANDOFF_CHAT_ID: the honest answer and the hotlines, no button, no group."""
    from bot.app import build_engine

    plain = build_engine(store=SQLiteStore(":memory:"))
    replies = plain.handle("tg:1", Event.message("mau ngobrol sama orang"))
    assert replies[0].source == "small:human" and "bukan manusia" in replies[0].text and "+62 812-9007-0027" in replies[0].text
    assert not any(b.data.startswith("t:handoff") for r in replies for b in r.all_buttons())
    em = plain.handle("tg:2", Event.message("tolong saya disekap majikan"))
    assert not any(b.data.startswith("t:handoff") for r in em for b in r.all_buttons())
    # with a desk: the same questions offer the button
    assert any(b.data == "t:handoff:" for r in oracle.handle("tg:3", Event.message("mau ngobrol sama orang")) for b in r.all_buttons())
    assert any(b.data == "t:handoff:" for r in oracle.handle("tg:4", Event.message("tolong saya disekap majikan")) for b in r.all_buttons())
