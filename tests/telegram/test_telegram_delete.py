"""Deleting the conversation (issue 12): after /hapus, under the emergency reply and from
/privasi, the bot offers to delete the messages it sent in the chat (Telegram allows it for 48
hours), does it with deleteMessages, and tells the person how to delete the chat on their side.
It keeps only the ids of its messages, under the keyed hash of the chat, for at most 48 hours,
and drops them once used. The engine asks (Reply.action), the Telegram adapter does it, the
terminal says it does not apply."""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import io
import sqlite3
import time

from tg_harness import Person, button, running_bot

from bot.adapters import terminal
from bot.adapters.telegram.journal import Journal
from bot.adapters.telegram.service import ChatPacer
from bot.app import build_engine
from bot.engine import callbacks as cb
from bot.engine.events import DELETE_SENT, Event, Reply
from bot.store.sqlite import SQLiteStore

from test_telegram_reliability import FakeBot, _everything, make, message, press

HOWTO = "To delete the whole chat"


def chat_key(db, chat_id: int) -> str:
    key = bytes.fromhex((db.parent / (db.name + ".key")).read_text().strip())
    return hmac.new(key, f"tg-chat:{chat_id}".encode(), hashlib.sha256).hexdigest()


def sent_rows(db, key: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT COUNT(*) FROM telegram_sent WHERE chat_key=?", (key,)).fetchone()[0]
    finally:
        conn.close()


def test_the_emergency_reply_offers_to_delete_the_bots_messages_asks_first_and_does_it(tmp_path):
    oracle = build_engine(store=SQLiteStore(":memory:"))
    db = tmp_path / "bot.sqlite3"
    with running_bot(db) as (emu, bot):
        p = Person(bot, oracle, 28001, "en")
        p.command("/start", Event.start("", lang_hint="en"))
        p.say("how do I check an agency")
        got = p.say("they locked me in and took my passport")
        msg, data = button(got, cb.CLEAR)
        assert data == "a:clear"
        key = chat_key(db, 28001)
        assert sent_rows(db, key) == len(emu.sent_to(28001))  # ids only, under the keyed hash
        ask = p.press(msg, data)  # asked first: the numbers go too
        assert "48 hours" in ask[0]["text"]
        msg, data = button(ask, cb.CLEAR_YES)
        before = list(emu.sent_to(28001))
        done = p.press(msg, data)
        assert HOWTO in done[0]["text"]
        # every message the bot had sent here is gone; the how-to stays
        assert {(28001, m["message_id"]) for m in before} <= set(emu.deleted)
        assert [m["message_id"] for m in emu.visible_to(28001)] == [m["message_id"] for m in done]
        calls = emu.method_calls("deleteMessages")
        assert calls and all(1 <= len(c["message_ids"]) <= 100 for c in calls)
        assert sent_rows(db, key) == 0  # the ids went with them
        p.say("halo")  # and the conversation goes on


def test_after_hapus_it_offers_to_delete_them_and_then_nothing_about_the_person_is_left(tmp_path):
    oracle = build_engine(store=SQLiteStore(":memory:"))
    db = tmp_path / "bot.sqlite3"
    with running_bot(db) as (emu, bot):
        p = Person(bot, oracle, 2810123456, "id")
        p.command("/start", Event.start("", lang_hint="id"))
        p.say("cek PT Sumber Rejeki")
        got = p.command("/hapus", Event.cmd("hapus", lang_hint="id"))
        msg, data = button(got, "a:del:yes")
        done = p.press(msg, data)
        msg, data = button(done, cb.CLEAR_YES)  # offered at once: the deletion was already confirmed
        key = chat_key(db, 2810123456)
        # between the two, only the ids of the bot's messages remain, under the keyed hash
        assert sent_rows(db, key) > 0
        dump = _everything(db)
        assert "2810123456" not in dump and "Sumber Rejeki" not in dump
        gone = p.press(msg, data)
        assert len(gone) == 1 and "48" in gone[0]["text"]
        assert [m["message_id"] for m in emu.visible_to(2810123456)] == [gone[0]["message_id"]]
        # (the WAL was checkpointed before the update's log line that press() waited for)
        session_key = hmac.new(bytes.fromhex((tmp_path / "bot.sqlite3.key").read_text().strip()), b"tg:2810123456",
                               hashlib.sha256).hexdigest()
        dump = _everything(db)
        for needle in ("2810123456", key, session_key, "Sumber Rejeki"):
            assert needle not in dump, needle  # not even a session made again by the last press
        raw = b"".join(f.read_bytes() for f in tmp_path.iterdir() if f.name.startswith("bot.sqlite3") and not f.name.endswith(".key"))
        for needle in (key.encode(), session_key.encode(), b"Sumber Rejeki"):
            assert needle not in raw, needle


def test_privasi_offers_it_and_no_keeps_everything(tmp_path):
    oracle = build_engine(store=SQLiteStore(":memory:"))
    with running_bot(tmp_path / "bot.sqlite3") as (emu, bot):
        p = Person(bot, oracle, 28201, "id")
        got = p.command("/privasi", Event.cmd("privasi", lang_hint="id"))
        msg, data = button(got, cb.CLEAR)
        ask = p.press(msg, data)
        msg, data = button(ask, cb.CLEAR_NO)
        p.press(msg, data)
        assert emu.deleted == [] and not emu.method_calls("deleteMessages")


class DeletingBot(FakeBot):
    def __init__(self) -> None:
        super().__init__()
        self.deleted: list[list[int]] = []

    async def delete_messages(self, chat_id, message_ids, **kw):
        self.deleted.append(list(message_ids))
        return True


def test_over_100_messages_go_in_batches_and_only_those_under_48_hours(tmp_path):
    bot = DeletingBot()
    svc, store, journal = make(tmp_path, bot)
    svc.pacer = ChatPacer(rate=1000, burst=1000)  # (pacing has its own tests)
    uid = 4242424242

    async def go() -> None:
        for i in range(1, 100):  # two or more messages each: well over 100 in all
            await take(svc, message(i, "/menu" if i % 2 else "/tentang"))
        await take(svc, message(90, "/privasi"))

    from test_telegram_reliability import run_updates

    async def take(svc, raw):
        await run_updates(svc, [raw])

    asyncio.run(go())
    n = len(bot.sent)
    assert n > 130 and len(journal.sent_ids(uid)) == n
    # the oldest 20 are past Telegram's 48 hours: they cannot be deleted, and are pruned
    key = journal.chat_key(uid)
    old = sorted(journal.sent_ids(uid))[:20]
    store.conn.executemany("UPDATE telegram_sent SET at=? WHERE chat_key=? AND message_id=?",
                           [(time.time() - 49 * 3600, key, m) for m in old])
    asyncio.run(run_updates(svc, [press(91, cb.CLEAR_YES, bot.sent[-1].message_id)]))
    deleted = [m for batch in bot.deleted for m in batch]
    assert all(len(batch) <= 100 for batch in bot.deleted) and len(bot.deleted) >= 2
    assert sorted(deleted) == sorted(set(range(1, n + 1)) - set(old))
    assert journal.sent_ids(uid) == [] and store.conn.execute("SELECT COUNT(*) FROM telegram_sent").fetchone()[0] == 0
    journal.sent(uid, [5])
    store.conn.execute("UPDATE telegram_sent SET at=?", (time.time() - 49 * 3600,))
    assert journal.prune_sent() == 1  # nothing is kept past 48 hours


def test_groups_are_not_kept_and_the_journal_without_a_store_uses_its_own_key(tmp_path):
    j = Journal(tmp_path / "j.sqlite3")
    j.sent(-100123, [1])  # (the service never records groups; the journal itself does not care)
    assert j.chat_key(5) != j.chat_key(6) and len(j.chat_key(5)) == 64
    j.close()


def test_the_terminal_says_it_does_not_apply():
    out = io.StringIO()
    terminal.render([Reply("Your own messages stay...", action=DELETE_SENT)], out, "en")
    assert "no sent messages to delete" in out.getvalue() and "Telegram" in out.getvalue()
    out = io.StringIO()
    terminal.render([Reply("x", action=DELETE_SENT)], out, "id")
    assert "Di terminal tidak ada pesan terkirim" in out.getvalue()


def test_the_engine_asks_and_does_not_make_a_session_for_someone_deleted():
    store = SQLiteStore(":memory:")
    engine = build_engine(store=store)
    engine.handle("u", Event.start("", lang_hint="en"))
    ask = engine.handle("u", Event.button(cb.CLEAR, lang_hint="en"))
    assert ask[0].source == "clear:ask" and not ask[0].action
    done = engine.handle("u", Event.button(cb.CLEAR_YES, lang_hint="en"))
    assert done[0].action == DELETE_SENT and store.load_session("u") is not None
    engine.handle("u", Event.cmd("hapus", lang_hint="en"))
    bye = engine.handle("u", Event.button("a:del:yes", lang_hint="en"))
    assert any(b.data == cb.CLEAR_YES for b in bye[0].all_buttons())
    assert store.load_session("u") is None
    done = engine.handle("u", Event.button(cb.CLEAR_YES, lang_hint="en"))
    assert done[0].action == DELETE_SENT and store.load_session("u") is None  # nothing made again
    assert len(done[0].text) <= 600
    no = engine.handle("u2", Event.button(cb.CLEAR_NO, lang_hint="en"))
    assert no[0].source == "menu" and not no[0].action
