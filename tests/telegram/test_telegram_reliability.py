"""Issue 12: replies are never given up, emergencies go first, a poison update cannot stop the
bot, an update's session change and journal entry are one transaction, and after /hapus nothing
in the database refers to the person. In-process (a fake Bot), no subprocess, no network."""
from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import stat

import pytest
from telegram.error import BadRequest, Forbidden, NetworkError

from bot.adapters.telegram import service as service_mod
from bot.adapters.telegram.journal import Journal
from bot.adapters.telegram.routing import BotIdentity
from bot.adapters.telegram.runner import take_update
from bot.adapters.telegram.service import TelegramService
from bot.app import build_engine
from bot.store.sqlite import SQLiteStore, open_store

ME = BotIdentity(7000000001, "MigrasiAmanTestBot")
UID = 4242424242


def message(update_id: int, text: str, uid: int = UID, lang: str = "id") -> dict:
    user = {"id": uid, "is_bot": False, "first_name": "A", "language_code": lang}
    return {"update_id": update_id, "message": {"message_id": update_id, "date": 0, "chat": {"id": uid, "type": "private"},
                                                "from": user, "text": text}}


def press(update_id: int, data: str, message_id: int, uid: int = UID) -> dict:
    user = {"id": uid, "is_bot": False, "first_name": "A", "language_code": "id"}
    msg = {"message_id": message_id, "date": 0, "chat": {"id": uid, "type": "private"}, "from": user, "text": "x"}
    return {"update_id": update_id, "callback_query": {"id": f"q{update_id}", "from": user, "chat_instance": "c",
                                                       "message": msg, "data": data}}


class Sent:
    def __init__(self, message_id: int, chat_id: int, text: str, markup) -> None:
        self.message_id, self.chat_id, self.text, self.reply_markup = message_id, chat_id, text, markup


class FakeBot:
    """Records sends; `failures` is a list of exceptions raised by the next sends, in order."""

    def __init__(self, delay: float = 0.0) -> None:
        self.sent: list[Sent] = []
        self.failures: list[Exception] = []
        self.tries = 0
        self.delay = delay

    async def send_message(self, chat_id, text, **kw):
        self.tries += 1
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.failures:
            raise self.failures.pop(0)
        m = Sent(len(self.sent) + 1, chat_id, text, kw.get("reply_markup"))
        self.sent.append(m)
        return m

    async def answer_callback_query(self, qid, **kw):
        return True

    async def edit_message_reply_markup(self, **kw):
        return True


@pytest.fixture
def fast_backoff(monkeypatch):
    monkeypatch.setattr(service_mod, "BACKOFF_START", 0.001)
    monkeypatch.setattr(service_mod, "BACKOFF_CAP", 0.005)


def make(tmp_path, bot=None, **store_kw):
    store = SQLiteStore(tmp_path / "bot.sqlite3", **store_kw)
    engine = build_engine(store=store)
    journal = Journal(store)
    return TelegramService(engine, bot or FakeBot(), journal, ME), store, journal


async def run_updates(svc, raws, settle: float = 5.0):
    for raw in raws:
        await take_update(raw, None, svc)
    deadline = asyncio.get_running_loop().time() + settle
    while (svc._pending or svc._workers) and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.01)


def test_a_reply_is_not_given_up_after_a_minute_of_5xx(tmp_path, fast_backoff):
    bot = FakeBot()
    bot.failures = [NetworkError("Bad Gateway (502)") for _ in range(40)]  # the old code gave up after 8
    svc, store, journal = make(tmp_path, bot)
    asyncio.run(run_updates(svc, [message(1, "/start")]))
    assert bot.sent and bot.tries == 40 + len(bot.sent)
    assert journal.unfinished() == []


def test_a_blocked_chat_is_not_retried(tmp_path, fast_backoff, caplog):
    bot = FakeBot()
    bot.failures = [Forbidden("bot was blocked by the user")]
    svc, _store, journal = make(tmp_path, bot)
    with caplog.at_level(logging.INFO):
        asyncio.run(run_updates(svc, [message(1, "/start")]))
    assert bot.tries == 1 and bot.sent == [] and journal.unfinished() == []
    assert "blocked" in caplog.text


def test_a_refused_message_is_logged_with_the_update_id(tmp_path, fast_backoff, caplog):
    bot = FakeBot()
    bot.failures = [BadRequest("Chat not found")]
    svc, _store, _journal = make(tmp_path, bot)
    with caplog.at_level(logging.INFO):
        asyncio.run(run_updates(svc, [message(31, "/start")]))
    assert bot.tries == 1 and "update 31" in caplog.text and "refused" in caplog.text


def test_on_shutdown_an_unsent_reply_stays_journaled_for_the_next_run(tmp_path, fast_backoff):
    async def go():
        bot = FakeBot()
        bot.failures = [NetworkError("timed out") for _ in range(10**6)]
        svc, store, journal = make(tmp_path, bot)
        await take_update(message(1, "/start"), None, svc)
        await asyncio.sleep(0.1)
        await svc.drain(timeout=2)
        left = journal.unfinished()
        store.close()
        return left

    left = asyncio.run(go())
    assert [uid for uid, _ops, _sent in left] == [1]
    # the next run sends it
    bot = FakeBot()
    svc, _store, journal = make(tmp_path, bot)

    async def again():
        svc.resume()
        await run_updates(svc, [])

    asyncio.run(again())
    assert bot.sent and journal.unfinished() == []


def test_an_emergency_goes_before_the_same_persons_queued_lesson_replies(tmp_path):
    bot = FakeBot(delay=0.05)
    svc, _store, _journal = make(tmp_path, bot)
    lessons = [message(i, t) for i, t in enumerate(["/start", "/menu", "/tentang", "/bantuan", "/menu", "/tentang"], 1)]
    emergency = message(50, "tolong saya disekap, paspor ditahan")
    asyncio.run(run_updates(svc, [*lessons, emergency], settle=20))
    texts = [m.text for m in bot.sent]
    first_emergency = next(i for i, t in enumerate(texts) if t.startswith("🆘"))
    last_menu = max(i for i, t in enumerate(texts) if t.startswith("Menu utama") or "Menu utama" in t)
    assert first_emergency < last_menu, texts
    notices = [t for t in texts if t.startswith("Pesan Anda sudah saya terima")]
    assert len(notices) == 1  # told once, not once per message


def test_old_lesson_replies_are_collapsed_when_newer_ones_wait(tmp_path, monkeypatch):
    monkeypatch.setattr(service_mod, "COLLAPSE_AFTER", 0.0)
    bot = FakeBot(delay=0.02)
    svc, _store, journal = make(tmp_path, bot)
    raws = [message(i, "/menu") for i in range(1, 8)]
    asyncio.run(run_updates(svc, raws, settle=20))
    # the first is sent (nothing waited behind it yet); stale ones in between are collapsed;
    # the last one is always sent
    assert 2 <= len([m for m in bot.sent if "Menu" in m.text]) < 7
    assert journal.unfinished() == []


def test_a_poison_update_is_answered_recorded_and_never_taken_again(tmp_path, caplog):
    bot = FakeBot()
    svc, store, journal = make(tmp_path, bot)
    poison = message(7, "halo \ud800 PT Maju")  # a lone surrogate, as JSON can carry it
    with caplog.at_level(logging.INFO):
        asyncio.run(run_updates(svc, [poison]))
    assert bot.sent  # answered (cleaned text reached the engine)
    assert journal.seen(7)
    n = len(bot.sent)
    with caplog.at_level(logging.INFO):
        asyncio.run(run_updates(svc, [poison]))
    assert len(bot.sent) == n and "already handled" in caplog.text


def test_an_update_that_breaks_even_the_intake_is_recorded_as_failed(tmp_path, monkeypatch, caplog):
    bot = FakeBot()
    svc, _store, journal = make(tmp_path, bot)

    def broken(*a, **kw):
        raise RuntimeError("route exploded")

    monkeypatch.setattr(service_mod, "route_update", broken)
    with caplog.at_level(logging.INFO):
        asyncio.run(run_updates(svc, [message(9, "halo")]))
    assert journal.seen(9)  # never fetched into a crash loop
    assert bot.sent and bot.sent[0].text.startswith("Maaf")  # the kind error reply
    assert "update 9" in caplog.text and "RuntimeError" in caplog.text


def test_session_change_and_journal_entry_are_one_transaction(tmp_path, monkeypatch):
    bot = FakeBot()
    svc, store, journal = make(tmp_path, bot)
    asyncio.run(run_updates(svc, [message(1, "/start")]))
    before = store.load_session(f"tg:{UID}")

    calls = {"n": 0}
    real = journal.record

    def crash(update_id, ops, fp=None):
        calls["n"] += 1
        if calls["n"] == 1:  # the process "dies" between the session write and the journal write
            raise RuntimeError("a bug between the two writes")  # (a store that cannot write: test_telegram_faults)
        return real(update_id, ops, fp)

    monkeypatch.setattr(journal, "record", crash)
    asyncio.run(run_updates(svc, [message(2, "in english please")]))
    # the engine's session change for update 2 (the language) was rolled back with the failed
    # journal write: a restart would run the engine on it from the same state, never twice
    after = store.load_session(f"tg:{UID}")
    assert before["lang"] == "id" and after["lang"] == "id"
    assert journal.seen(2)  # the kind reply was recorded on its own
    monkeypatch.setattr(journal, "record", real)
    asyncio.run(run_updates(svc, [message(3, "in english please")]))
    assert store.load_session(f"tg:{UID}")["lang"] == "en"  # without the crash, it does change


def _everything(db) -> str:
    conn = sqlite3.connect(db)
    out = []
    for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'"):
        for row in conn.execute(f"SELECT * FROM {table}"):
            out.append(" ".join(str(v) for v in row))
    conn.close()
    return "\n".join(out)


def test_after_hapus_nothing_in_the_database_refers_to_the_person(tmp_path):
    bot = FakeBot()
    svc, store, journal = make(tmp_path, bot)
    db = tmp_path / "bot.sqlite3"
    key = store.user_key(f"tg:{UID}")
    raws = [message(1, "/start"), message(2, "cek PT Sumber Rejeki"), message(3, "loker kamboja gaji 15jt aman ga?"),
            message(4, "/hapus")]
    asyncio.run(run_updates(svc, raws))
    assert key in _everything(db)  # the session was there
    ask = bot.sent[-1]
    asyncio.run(run_updates(svc, [press(5, "a:del:yes", ask.message_id)]))
    dump = _everything(db)
    for needle in (str(UID), f"tg:{UID}", key, key[:16], "Sumber Rejeki"):
        assert needle not in dump, needle
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("bot.sqlite3") and not p.name.endswith(".key"))
    for needle in (str(UID).encode(), key.encode(), "Sumber Rejeki".encode()):
        assert needle not in raw, needle  # not in the file, nor in the WAL (secure_delete + checkpoint)
    # What stays, so that the "Done" reply's button can delete the bot's messages: their ids under
    # the keyed hash of the chat, no text, in telegram_sent only, until that button (or 48 hours:
    # test_telegram_delete.py) takes them.
    chat = journal.chat_key(UID)
    assert [line for line in dump.splitlines() if chat in line] == [
        line for line in dump.splitlines() if line.startswith(chat)]
    assert journal.sent_ids(UID) and journal.prune_sent(keep_seconds=0) > 0 and chat not in _everything(db)


def test_the_hash_key_lives_outside_the_database(tmp_path):
    s = SQLiteStore(tmp_path / "bot.sqlite3")
    s.save_session("tg:1", {"lang": "en"})
    key_file = tmp_path / "bot.sqlite3.key"
    assert key_file.exists() and stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert s.conn.execute("SELECT COUNT(*) FROM meta WHERE key='salt'").fetchone()[0] == 0
    s.close()
    assert SQLiteStore(tmp_path / "bot.sqlite3").load_session("tg:1") == {"lang": "en"}
    key_file.unlink()  # without the key nobody can be found: not even by the bot
    assert SQLiteStore(tmp_path / "bot.sqlite3").load_session("tg:1") is None


def test_a_database_from_before_keeps_everyones_session_and_loses_its_salt(tmp_path):
    import hashlib
    import hmac

    db = tmp_path / "old.sqlite3"
    salt = bytes(range(16))
    conn = sqlite3.connect(db)
    conn.executescript("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
                       "CREATE TABLE sessions (user_key TEXT PRIMARY KEY, data TEXT NOT NULL, updated_at TEXT NOT NULL);")
    conn.execute("INSERT INTO meta VALUES('salt', ?)", (salt.hex(),))
    old_key = hmac.new(salt, b"tg:77", hashlib.sha256).hexdigest()
    conn.execute("INSERT INTO sessions VALUES(?, ?, '2026-11-30T00:00:00Z')", (old_key, '{"lang": "en"}'))
    conn.commit()
    conn.close()
    s = SQLiteStore(db)
    assert s.load_session("tg:77") == {"lang": "en"}
    assert s.conn.execute("SELECT COUNT(*) FROM meta WHERE key='salt'").fetchone()[0] == 0
    assert (tmp_path / "old.sqlite3.key").read_text().strip() == salt.hex()
    s.close()
    assert salt.hex().encode() not in db.read_bytes()


def test_bot_hash_key_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("BOT_HASH_KEY", "ab" * 32)
    s = open_store(str(tmp_path / "bot.sqlite3"))
    s.save_session("tg:1", {"lang": "id"})
    assert not (tmp_path / "bot.sqlite3.key").exists()
    assert s.user_key("tg:1") == SQLiteStore(":memory:", key="ab" * 32).user_key("tg:1")


def test_retention_purges_people_inactive_too_long(tmp_path, monkeypatch):
    s = SQLiteStore(tmp_path / "bot.sqlite3")
    s.save_session("tg:old", {"lang": "id"})
    s.save_session("tg:new", {"lang": "en"})
    s.conn.execute("UPDATE sessions SET updated_at='2020-01-01T00:00:00Z' WHERE user_key=?", (s.user_key("tg:old"),))
    assert s.purge_inactive(180) == 1
    assert s.load_session("tg:old") is None and s.load_session("tg:new") == {"lang": "en"}
    s.conn.execute("UPDATE sessions SET updated_at='2026-01-01T00:00:00Z'")
    s.close()
    monkeypatch.setenv("BOT_RETENTION_DAYS", "10000")
    assert open_store(str(tmp_path / "bot.sqlite3")).load_session("tg:new") == {"lang": "en"}
    monkeypatch.setenv("BOT_RETENTION_DAYS", "30")  # on opening, with the configured period
    assert open_store(str(tmp_path / "bot.sqlite3")).load_session("tg:new") is None
