"""The Telegram relay's sending, against a fake bot (no network): what happens after a restart,
when a person blocked the bot, when the sender is not a member, when the group is broken.

The whole flow runs end to end in tests/telegram/test_handoff_e2e.py.
"""
from __future__ import annotations

import asyncio
import json
from types import SimpleNamespace

from telegram.error import BadRequest, Forbidden

from bot.adapters.telegram.handoff import HandoffRelay
from bot.adapters.telegram.routing import BotIdentity, Route
from bot.adapters.telegram.service import ChatPacer
from bot.engine.events import Event

from test_handoff import with_desk

GROUP = -100123


class FakeBot:
    def __init__(self) -> None:
        self.calls: list[tuple] = []
        self.members = {11}
        self.blocked: set[int] = set()
        self.broken_group = False
        self.threads = 500

    async def send_message(self, chat, text, message_thread_id=None, **kw):
        if chat in self.blocked:
            raise Forbidden("Forbidden: bot was blocked by the user")
        self.calls.append(("send", chat, message_thread_id, text))

    async def copy_message(self, chat, from_chat, message_id, caption=None, message_thread_id=None, **kw):
        if chat in self.blocked:
            raise Forbidden("Forbidden: bot was blocked by the user")
        if chat == GROUP and self.broken_group:
            raise BadRequest("Bad Request: chat not found")
        self.calls.append(("copy", chat, message_thread_id, from_chat, message_id, caption))

    async def get_chat_member(self, chat, user_id):
        self.calls.append(("member?", user_id))
        return SimpleNamespace(status="member" if user_id in self.members else "left")

    async def create_forum_topic(self, chat, name):
        if self.broken_group:
            raise BadRequest("Bad Request: the chat is not a forum")
        self.threads += 1
        self.calls.append(("topic", chat, name))
        return SimpleNamespace(message_thread_id=self.threads)

    async def close_forum_topic(self, chat, thread):
        self.calls.append(("close", chat, thread))

    async def get_chat(self, chat):
        return SimpleNamespace(first_name="Ani", last_name=None, username=None)


def relay_for(content):
    engine, desk = with_desk(content)
    desk.cfg = desk.cfg.__class__(chat_id=GROUP, org_name="Lembaga Uji", hours={})
    bot = FakeBot()
    service = SimpleNamespace(bot=bot, pacer=ChatPacer(1000, 1000), stopping=asyncio.Event(), me=BotIdentity(1, "TestBot"))
    return HandoffRelay(engine, desk, service), engine, desk, bot


def run(relay, ops):
    async def go():
        for op in ops:
            await relay.do_op(1, json.loads(json.dumps(op)))  # as the journal gives them back
    asyncio.run(go())


def caseworker(relay, thread, mid, text="", command=None, kind="text", sender=11):
    if text and not command:
        relay._texts[(GROUP, mid)] = text
    route = Route(7, "handoff", "case_message", user_id=f"tg:{sender}", chat_id=GROUP,
                  extra={"thread": thread, "message_id": mid, "from": sender, "command": command, "kind": kind, "caption": False})
    return route, relay.decide(route)


def open_case(relay, engine, user=42):
    replies = engine.handle(f"tg:{user}", Event.button("t:handoff:"))
    replies = engine.handle(f"tg:{user}", Event.button("t:handoff:yes"))
    route = Route(3, "engine", "button", user_id=f"tg:{user}", chat_id=user, event=Event.button("t:handoff:yes"))
    ops = relay.after(route, replies, [])
    assert [op["op"] for op in ops] == ["ho_open"]
    run(relay, ops)
    return relay.cases.open_for(f"tg:{user}")


def test_a_case_opens_as_a_topic_and_both_ways_carry_no_text_in_the_ops(content):
    relay, engine, desk, bot = relay_for(content)
    case = open_case(relay, engine)
    assert ("topic", GROUP, "Kasus 0001") in bot.calls and case.thread_id == 501
    intro = [c for c in bot.calls if c[0] == "send"][0]
    assert intro[1:3] == (GROUP, 501) and "Nama Telegram: disembunyikan" in intro[3]

    person = Route(4, "engine", "text", user_id="tg:42", chat_id=42, event=Event.message("rahasia-satu"), extra={"message_id": 9})
    ops = relay.decide(person)
    assert ops == [{"op": "ho_copy", "chat_id": 42, "case": 1, "message_id": 9}]
    run(relay, ops)
    assert bot.calls[-1] == ("copy", GROUP, 501, 42, 9, None)

    route, ops = caseworker(relay, 501, 70, "rahasia-dua")
    assert route.chat_id == 42 and "rahasia" not in json.dumps(ops)  # the case's queue; no text journaled
    run(relay, ops)
    assert bot.calls[-1] == ("send", 42, None, "👤 Petugas (Lembaga Uji):\nrahasia-dua")


def test_after_a_restart_the_mark_goes_first_then_a_copy(content):
    relay, engine, desk, bot = relay_for(content)
    open_case(relay, engine)
    _route, ops = caseworker(relay, 501, 71, "rahasia-tiga")
    relay._texts.clear()  # the process restarted: memory is gone, the journal still has the op
    run(relay, ops)
    assert bot.calls[-2:] == [("send", 42, None, "👤 Petugas (Lembaga Uji):"), ("copy", 42, None, GROUP, 71, None)]


def test_failures_are_reported_to_the_group_or_the_person(content):
    relay, engine, desk, bot = relay_for(content)
    open_case(relay, engine)
    # not a member: not relayed, the topic is told
    _route, ops = caseworker(relay, 501, 72, "rahasia-empat", sender=99)
    run(relay, ops)
    assert not any(c[0] in ("send", "copy") and c[1] == 42 for c in bot.calls)
    assert bot.calls[-1][:3] == ("send", GROUP, 501) and "hanya anggota" in bot.calls[-1][3]
    # the person blocked the bot
    bot.blocked.add(42)
    _route, ops = caseworker(relay, 501, 73, "rahasia-lima")
    run(relay, ops)
    assert bot.calls[-1][:3] == ("send", GROUP, 501) and "memblokir" in bot.calls[-1][3]
    bot.blocked.clear()
    # the group is broken: the person is told and given the hotlines; the group is tried too
    bot.broken_group = True
    run(relay, relay.decide(Route(5, "engine", "text", user_id="tg:42", chat_id=42, event=Event.message("x"), extra={"message_id": 10})))
    told = [c for c in bot.calls if c[0] == "send" and c[1] == 42][-1]
    assert "tidak bisa diteruskan" in told[3] and "0800-1000" in told[3]


def test_a_topic_that_cannot_be_made_closes_the_case_and_says_so(content):
    relay, engine, desk, bot = relay_for(content)
    bot.broken_group = True
    replies = engine.handle("tg:43", Event.button("t:handoff:"))
    replies = engine.handle("tg:43", Event.button("t:handoff:yes"))
    ops = relay.after(Route(3, "engine", "button", user_id="tg:43", chat_id=43, event=Event.button("t:handoff:yes")), replies, [])
    run(relay, ops)
    assert relay.cases.open_for("tg:43") is None and relay.cases.get(1).chat_id is None
    assert "tidak bisa dihubungi" in [c for c in bot.calls if c[1] == 43][-1][3]


def test_tutup_catatan_and_closed_topics(content):
    relay, engine, desk, bot = relay_for(content)
    open_case(relay, engine)
    assert caseworker(relay, 501, 80, "rahasia", command="catatan")[1] == []
    route, ops = caseworker(relay, 501, 81, command="tutup")
    assert route.chat_id == 42 and [op["op"] for op in ops] == ["ho_notice", "ho_close", "send"]
    run(relay, ops)
    assert ("close", GROUP, 501) in bot.calls and relay.cases.open_for("tg:42") is None
    _route, ops = caseworker(relay, 501, 82, "rahasia-enam")
    assert [op["op"] for op in ops] == ["ho_notice"] and (GROUP, 82) not in relay._texts
    assert caseworker(relay, 999, 83, "di topik lain")[1] == []  # a topic that is not a case


def test_while_connected_no_second_consent_and_the_menu_reminds(content):
    relay, engine, desk, bot = relay_for(content)
    open_case(relay, engine)
    ops = relay.decide(Route(6, "engine", "button", user_id="tg:42", chat_id=42, event=Event.button("t:handoff:")))
    assert len(ops) == 1 and "masih tersambung" in ops[0]["text"] and ops[0]["kb"][0][0]["d"] == "t:handoff:end"
    ev = Event.cmd("menu")
    route = Route(7, "engine", "command", user_id="tg:42", chat_id=42, event=ev)
    assert relay.decide(route) is None  # commands are the engine's
    replies = engine.handle("tg:42", ev)
    ops = relay.after(route, replies, [{"op": "send", "chat_id": 42, "text": replies[0].text}])
    assert ops[0]["text"] == replies[0].text and "masih tersambung" in ops[-1]["text"]
    assert relay.cases.open_for("tg:42") is not None
