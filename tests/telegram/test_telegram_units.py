"""Fast in-process tests of the adapter's pieces (no subprocess, no network)."""
from __future__ import annotations

import asyncio
import logging

import pytest
from telegram import Update
from telegram.error import BadRequest, NetworkError, RetryAfter

from bot.adapters.telegram.config import ConfigError, file_url_for, load_config
from bot.adapters.telegram.journal import Journal
from bot.adapters.telegram.logsafe import RedactingFilter, RedactingFormatter, Redactor
from bot.adapters.telegram.routing import INVALID_BUTTON, BotIdentity, parse_command, route_update
from bot.adapters.telegram.service import TelegramService, reply_ops, split_text, with_retries
from bot.engine.events import Button, Event, Reply

TOKEN = "123456:TEST-TOKEN-abcdef"
ME = BotIdentity(7000000001, "MigrasiAmanTestBot")


def upd(body: dict) -> Update:
    return Update.de_json({"update_id": 1, **body}, None)


def msg(chat_type="private", **fields) -> dict:
    chat = {"id": 42 if chat_type == "private" else -100, "type": chat_type}
    user = {"id": 42, "is_bot": False, "first_name": "A", "language_code": "en"}
    return {"message_id": 5, "date": 0, "chat": chat, "from": user, **fields}


# -- routing ---------------------------------------------------------------------------------
def test_commands_and_deep_links_become_engine_events():
    r = route_update(upd({"message": msg(text="/start recruiter-en-desa_x")}), ME)
    assert (r.action, r.user_id, r.chat_id) == ("engine", "tg:42", 42)
    assert r.event == Event.start("recruiter-en-desa_x", lang_hint="en")
    r = route_update(upd({"message": msg(text="/Menu@MigrasiAmanTestBot")}), ME)
    assert r.event == Event.cmd("menu", "", lang_hint="en")
    assert route_update(upd({"message": msg(text="/bahasa")}), ME).event.command == "bahasa"
    assert parse_command("not /a command") is None
    assert route_update(upd({"message": msg(text="halo")}), ME).event == Event.message("halo", lang_hint="en")


def test_media_captions_and_other_kinds():
    photo = [{"file_id": "f", "file_unique_id": "u", "width": 1, "height": 1}]
    r = route_update(upd({"message": msg(photo=photo, caption="gaji 30 juta")}), ME)
    assert r.event == Event.message("gaji 30 juta", lang_hint="en")
    assert route_update(upd({"message": msg(photo=photo)}), ME).event == Event.other("photo", lang_hint="en")
    r = route_update(upd({"message": msg(location={"latitude": 1.0, "longitude": 2.0})}), ME)
    assert r.event.kind == "other" and r.event.text == "location"
    r = route_update(upd({"message": msg(contact={"phone_number": "1", "first_name": "x"})}), ME)
    assert r.event.text == "contact"


def test_ignored_kinds():
    assert route_update(upd({"edited_message": msg(text="x", edit_date=1)}), ME).action == "ignore"
    chan = {"message_id": 1, "date": 0, "chat": {"id": -5, "type": "channel"}, "text": "x"}
    assert route_update(upd({"channel_post": chan}), ME).action == "ignore"
    assert route_update(upd({"message": msg("supergroup", text="hello all")}), ME).action == "ignore"
    assert route_update(upd({"message": msg("supergroup", text="/menu@OtherBot")}), ME).action == "ignore"
    inline = {"result_id": "1", "from": {"id": 1, "is_bot": False, "first_name": "x"}, "query": "q"}
    assert route_update(upd({"chosen_inline_result": inline}), ME).action == "ignore"


def test_groups_get_an_invitation_on_commands_and_mentions():
    r = route_update(upd({"message": msg("supergroup", text="/start")}), ME)
    assert (r.action, r.chat_id, r.reply_to) == ("invite", -100, 5)
    text = "tanya @MigrasiAmanTestBot dong"
    ents = [{"type": "mention", "offset": 6, "length": 19}]
    assert route_update(upd({"message": msg("group", text=text, entities=ents)}), ME).action == "invite"


@pytest.mark.parametrize("data", [None, "", "x" * 65, "a:menu\x00", "spasi ada", "é:é"])
def test_garbage_callback_data_is_replaced(data):
    cq = {"id": "q", "from": {"id": 42, "is_bot": False, "first_name": "A"}, "chat_instance": "c",
          "message": msg(text="old")}
    if data is not None:
        cq["data"] = data
    r = route_update(upd({"callback_query": cq}), ME)
    assert r.callback_query_id == "q" and r.event.data == INVALID_BUTTON


# -- rendering, retries, errors -----------------------------------------------------------------
def test_long_replies_are_split_and_keep_buttons_last():
    ops = reply_ops(1, [Reply("kata " * 2000, [[Button("Menu", "a:menu")]])])
    assert len(ops) == 3 and all(len(o["text"]) <= 4096 for o in ops)
    assert "kb" not in ops[0] and ops[-1]["kb"] == [[{"t": "Menu", "d": "a:menu"}]]
    assert split_text("") == ["…"]


def test_retries_honour_retry_after_and_network_errors_but_not_bad_requests(monkeypatch):
    monkeypatch.setenv("PTB_TIMEDELTA", "1")  # as `python -m bot run` does
    calls = []

    async def flaky():
        calls.append(1)
        if len(calls) == 1:
            raise RetryAfter(0)
        if len(calls) == 2:
            raise NetworkError("Internal Server Error (500)")
        return "ok"

    assert asyncio.run(with_retries(flaky, "t")) == "ok" and len(calls) == 3

    async def bad():
        raise BadRequest("nope")

    with pytest.raises(BadRequest):
        asyncio.run(with_retries(bad, "t"))


class FakeBot:
    def __init__(self):
        self.sent = []

    async def send_message(self, chat_id, text, **kw):
        self.sent.append((chat_id, text, kw.get("reply_markup")))

    async def answer_callback_query(self, qid, **kw):
        self.sent.append(("answer", qid, None))

    async def edit_message_reply_markup(self, **kw):
        pass


class BrokenEngine:
    def handle(self, user_id, event):
        if event.kind == "text":
            raise RuntimeError(f"boom on {event.text}")
        return [Reply("Menu", [[Button("Kenali lowongan palsu", "m:fake_offer")]])]


def test_handler_error_gives_sorry_and_menu_and_logs_no_text(tmp_path, caplog):
    async def go():
        bot = FakeBot()
        svc = TelegramService(BrokenEngine(), bot, Journal(tmp_path / "db.sqlite3"), ME)
        await svc.intake(upd({"update_id": 77, "message": msg(text="rahasia pribadi saya")}))
        await svc.drain(timeout=3)
        return bot.sent

    with caplog.at_level(logging.INFO):
        sent = asyncio.run(go())
    assert sent[0][1].startswith("Sorry") and sent[1][1] == "Menu"
    assert sent[1][2].inline_keyboard[0][0].callback_data == "m:fake_offer"
    assert "77" in caplog.text and "RuntimeError" in caplog.text
    assert "rahasia" not in caplog.text


def test_journal_dedupes_and_resumes(tmp_path):
    j = Journal(tmp_path / "db.sqlite3")
    ops = [{"op": "send", "chat_id": 1, "text": "a"}, {"op": "send", "chat_id": 1, "text": "b"}]
    assert j.record(5, ops) and not j.record(5, ops)
    j.progress(5, 1)
    assert j.unfinished() == [(5, ops, 1)]
    j.finish(5)
    assert j.seen(5) and j.unfinished() == []
    # the same id with other content (a test server started afresh) is a different update
    a, b = {"update_id": 9, "message": {"text": "x"}}, {"update_id": 9, "message": {"text": "y"}}
    fa, fb = j.fingerprint(a), j.fingerprint(b)
    assert j.record(9, ops, fa) and j.seen(9, fa) and not j.seen(9, fb)
    assert j.record(9, ops, fb) and j.seen(9, fb) and "x" not in fa
    j.set_confirmed_below(120)
    assert Journal(tmp_path / "db.sqlite3").confirmed_below == 120


# -- config and logs ---------------------------------------------------------------------------
def test_config():
    with pytest.raises(ConfigError, match="make chat"):
        load_config({})
    cfg = load_config({"TELEGRAM_BOT_TOKEN": TOKEN, "WEBHOOK_URL": "https://x.example/tg/hook", "PORT": "9000"})
    assert cfg.mode == "webhook" and cfg.webhook_path == "/tg/hook" and cfg.port == 9000
    assert cfg.webhook_secret and TOKEN not in cfg.webhook_secret
    assert file_url_for("https://api.telegram.org/bot") == "https://api.telegram.org/file/bot"
    assert file_url_for("http://127.0.0.1:8081/bot{token}") == "http://127.0.0.1:8081/file/bot{token}"
    assert load_config({"TELEGRAM_BOT_TOKEN": TOKEN}).mode == "polling"


def test_token_is_redacted_in_messages_and_tracebacks():
    red = Redactor([TOKEN])
    fmt = RedactingFormatter(red, "%(message)s")
    try:
        raise ValueError(f"GET http://127.0.0.1/bot{TOKEN}/getMe")
    except ValueError:
        import sys

        rec = logging.LogRecord("x", logging.ERROR, __file__, 1, "url %s", (f"/bot{TOKEN}/x",), sys.exc_info())
    RedactingFilter(red).filter(rec)
    out = fmt.format(rec)
    assert "TEST-TOKEN-abcdef" not in out and "<token>" in out
