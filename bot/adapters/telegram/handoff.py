"""Relaying between a person and the caseworkers' forum topics (see docs/handoff.md).

The decisions are made where the engine's are (service.py: the engine thread, in update order)
and written to the update journal as ops before anything is sent, so a restart neither loses a
relayed message nor sends it twice. The ops carry message ids, never message text:

- `ho_open`    create the case's topic ("Kasus 0142") and post what the person chose before;
- `ho_copy`    copy the person's message (text, photo, voice, document, location...) into it;
- `ho_reply`   a caseworker's message to the person, marked "👤 Petugas (Org):", after
               checking that its sender is a member of the group;
- `ho_notice`  a line for the caseworkers in the case's topic; `ho_close` closes the topic.

The caseworker's text is read from the update and kept in memory only until it is sent; after
a restart the mark goes out as its own message and the original is copied under it.

Ops of one case run in the person's chat queue (service.py), so a flood in one case (either
way) waits only in that case: the person's chat is paced by the ChatPacer, the copies into the
group by a bucket per case, well under Telegram's 20 messages a minute per group.
"""
from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from telegram import Update
from telegram.error import Forbidden, TelegramError

from bot.engine.events import Reply
from bot.handoff.desk import CONSENT, CONSENT_NAME, END_DATA, ENDED, START, Desk
from bot.handoff.tool import EndCommand

from .routing import Route, _is_service, content_kind, parse_command
from .service import ChatPacer, describe_error, reply_ops, with_retries

log = logging.getLogger("bot.telegram.handoff")

DELETE_COMMANDS = ("hapus", "delete", "forget")
URGENT = ("emergency", "self_harm")  # replies the engine gives at once, even while connected
CAPTIONABLE = ("photo", "video", "animation", "document", "audio", "voice")
MEMBER_TTL = 300.0  # seconds a membership answer is trusted
MAX_CAPTION = 1024
MAX_TEXT = 4096


class HandoffRelay:
    def __init__(self, engine: Any, desk: Desk, service: Any, case_rate: float = 1 / 6, case_burst: int = 6) -> None:
        self.engine = engine
        self.desk = desk
        self.cases = desk.cases
        self.cfg = desk.cfg
        self.group = desk.cfg.chat_id
        self.service = service
        self.case_pacer = ChatPacer(case_rate, case_burst)  # copies into the group, per case
        self._texts: dict[tuple[int, int], str] = {}  # caseworker texts until sent (memory only)
        self._members: dict[int, tuple[bool, float]] = {}

    # -- routing (event loop) ------------------------------------------------------------------
    def route(self, update: Update, default: Route) -> Route:
        msg = update.message
        if msg is None:
            return default
        if msg.chat.id != self.group:
            if default.action == "engine":
                default.extra["message_id"] = msg.message_id
            return default
        uid = update.update_id
        user = msg.from_user
        if user is None or user.is_bot or msg.sender_chat is not None:
            return Route(uid, "ignore", "case_group_not_a_person")  # anonymous admins, channels, bots
        if _is_service(msg):
            return Route(uid, "ignore", "case_group_service")
        thread = msg.message_thread_id if msg.is_topic_message else None
        if not thread:
            return Route(uid, "ignore", "case_group_general")
        cmd = parse_command(msg.text) if msg.text and msg.text.startswith("/") else None
        if cmd and cmd[1] and not self.service.me.is_me(cmd[1]):
            return Route(uid, "ignore", "case_group_other_bot")
        kind = "text" if msg.text else (content_kind(msg) or "unknown")
        said = msg.text if msg.text else (msg.caption or "")
        if said and not cmd:
            if len(self._texts) > 2000:
                self._texts.pop(next(iter(self._texts)))
            self._texts[(msg.chat.id, msg.message_id)] = said
        return Route(uid, "handoff", "case_message", user_id=f"tg:{user.id}", chat_id=msg.chat.id,
                     extra={"thread": thread, "message_id": msg.message_id, "from": user.id,
                            "command": cmd[0] if cmd else None, "kind": kind, "caption": bool(msg.caption)})

    # -- decisions (engine thread) -------------------------------------------------------------
    def decide(self, route: Route) -> list[dict[str, Any]] | None:
        """Ops for an update that is the handoff's business, or None (the engine's as usual)."""
        if route.action == "handoff":
            try:
                return self._from_caseworker(route)
            except Exception as e:  # never the engine's "sorry" and menu into the caseworkers' group
                log.error("update %d: case message not handled: %s", route.update_id, describe_error(e))
                route.chat_id = self.group
                return self._notice(self.group, None, "failed", error=type(e).__name__)
        if route.action != "engine" or not route.user_id or route.event is None:
            return None
        ev = route.event
        if ev.kind == "button" and ev.data == END_DATA:
            if self.cases.open_for(route.user_id) is None:
                return None  # nothing to end: the engine says the button is old
            lang = self.engine.language_of(route.user_id, route.lang)
            replies, case = self.desk.end_by_person(route.user_id, lang)
            return reply_ops(route.chat_id, replies) + self._ended_ops(route.chat_id, case.no)
        if ev.kind == "button" and ev.data == START and self.cases.open_for(route.user_id) is not None:
            lang = self.engine.language_of(route.user_id, route.lang)
            return reply_ops(route.chat_id, [self.desk.still_connected(lang)])  # no second consent, no second case
        if ev.kind not in ("text", "other") or "message_id" not in route.extra:
            return None
        case = self.cases.open_for(route.user_id)
        if case is None:
            return None
        ops = reply_ops(route.chat_id, self._urgent(route)) if ev.kind == "text" else []
        ops.append({"op": "ho_copy", "chat_id": route.chat_id, "case": case.no, "message_id": route.extra["message_id"]})
        self.cases.person_wrote(case.no)
        route.kind = "to_case:" + route.kind
        return ops

    def _urgent(self, route: Route) -> list[Reply]:
        """The engine decides what is an emergency; its other answers are not given while a person
        is connected (their session is left as it was)."""
        store = self.engine.store
        try:
            before = store.load_session(route.user_id)
        except Exception:
            before = None
        replies = list(self.engine.handle(route.user_id, route.event) or [])
        urgent = [r for r in replies if r.source in URGENT]
        if not urgent and before is not None:
            try:
                store.save_session(route.user_id, before)
            except Exception as e:
                log.warning("could not restore a session: %s", type(e).__name__)
        return urgent

    def after(self, route: Route, replies: list[Reply], ops: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """After the engine answered a person: open, end or forget a case as its replies say."""
        if route.action != "engine" or not route.user_id or route.event is None:
            return ops
        sources = [r.source for r in replies]
        chat = route.chat_id
        ev = route.event
        if (ev.kind == "command" and ev.command in DELETE_COMMANDS) or "deleted" in sources:
            case = self.cases.open_for(route.user_id)
            self.cases.forget(route.user_id)
            if case is not None:
                self._count("closed_deleted")
                lang = self.engine.language_of(route.user_id, route.lang)
                told = reply_ops(chat, [Reply(self.desk.ended_by_deletion(lang))])
                ops = told + ops + self._notice(chat, case.no, "ended_deleted") + [{"op": "ho_close", "chat_id": chat, "case": case.no}]
            return ops
        if ev.kind in ("command", "start") and ev.command not in EndCommand.names and self.cases.open_for(route.user_id):
            # /start, /menu... while connected: the menu, and a reminder that the caseworker still reads
            lang = self.engine.language_of(route.user_id, route.lang)
            return ops + reply_ops(chat, [self.desk.still_connected(lang)])
        for src in sources:
            if src in (CONSENT, CONSENT_NAME) and self.cases.open_for(route.user_id) is None:
                case = self.cases.open(route.user_id, chat, show_name=src == CONSENT_NAME)
                self._count("opened")
                try:
                    session = self.engine.store.load_session(route.user_id)
                except Exception:
                    session = None
                ops = ops + [{"op": "ho_open", "chat_id": chat, "case": case.no, "intro": self.desk.intro(case, session),
                              "show_name": case.show_name}]
            elif src.startswith(ENDED + ":"):
                ops = ops + self._ended_ops(chat, int(src.rsplit(":", 1)[1]))
            elif src == "handoff:declined":
                self._count("declined")
        return ops

    def _ended_ops(self, chat: int, no: int) -> list[dict[str, Any]]:
        self._count("closed_by_person")
        return self._notice(chat, no, "ended_person") + [{"op": "ho_close", "chat_id": chat, "case": no}]

    def _notice(self, chat: int, no: int | None, key: str, **kw: Any) -> list[dict[str, Any]]:
        return [{"op": "ho_notice", "chat_id": chat, "case": no, "text": self.desk.group_text(key, **kw)}]

    def _from_caseworker(self, route: Route) -> list[dict[str, Any]]:
        x = route.extra
        case = self.cases.by_thread(x["thread"])
        if case is None:
            return []  # a topic that is not a case
        group = self.group
        cmd = x.get("command")
        if cmd == "catatan":
            return []  # a note: it stays in the topic
        if not case.is_open or case.chat_id is None:
            self._texts.pop((group, x["message_id"]), None)
            return [] if cmd == "tutup" else self._notice(group, case.no, "closed_already")
        if cmd == "tutup":
            self.cases.close(case.no, unlink=self.cfg.unlink_hours == 0)
            self._count("closed_by_caseworker")
            person = case.chat_id
            route.chat_id = person  # the case's queue
            lang = self.engine.language_of(f"tg:{person}")
            # the group first: a person who blocked the bot stops the rest of the job (service.py)
            return self._notice(person, case.no, "closed") + [{"op": "ho_close", "chat_id": person, "case": case.no}] + reply_ops(
                person, [Reply(self.desk.ended_by_caseworker(lang))])
        if cmd:
            return self._notice(group, case.no, "commands")
        route.chat_id = case.chat_id  # the case's queue: a flood in one case holds only that case
        return [{"op": "ho_reply", "chat_id": case.chat_id, "case": case.no, "message_id": x["message_id"],
                 "from": x["from"], "kind": x["kind"], "caption": x.get("caption", False)}]

    def _count(self, label: str) -> None:
        try:
            self.engine.store.count("handoff", label)
        except Exception as e:
            log.warning("could not count: %s", type(e).__name__)

    # -- sending (event loop, per chat sender) ---------------------------------------------------
    async def do_op(self, uid: int, op: dict[str, Any]) -> None:
        kind = op["op"]
        try:
            if kind == "ho_open":
                await self._open(uid, op)
            elif kind == "ho_copy":
                await self._copy_in(uid, op)
            elif kind == "ho_reply":
                await self._reply_out(uid, op)
            elif kind == "ho_notice":
                await self._to_group(uid, op["case"], op["text"])
            elif kind == "ho_close":
                case = self.cases.get(op["case"])
                if case is not None and case.thread_id:
                    await self._call(lambda: self.service.bot.close_forum_topic(self.group, case.thread_id), uid, "closeForumTopic", 3)
        except asyncio.CancelledError:
            raise
        except Exception as e:  # a failure of one op must not stop the rest of the job
            log.warning("update %d: %s failed: %s", uid, kind, type(e).__name__)

    async def _call(self, fn, uid: int, what: str, attempts: int = 8) -> Any:
        return await with_retries(fn, f"update {uid} {what}", attempts=attempts, stop=self.service.stopping)

    async def _to_person(self, uid: int, chat: int, text: str) -> None:
        wait = self.service.pacer.delay(chat, time.monotonic())
        if wait > 0:
            await asyncio.sleep(wait)
        msg = await self._call(lambda: self.service.bot.send_message(chat, text), uid, "sendMessage")
        self._kept(uid, chat, msg)

    def _kept(self, uid: int, chat: int, msg: Any) -> None:
        """A message in the person's chat is one the bot sent there: "delete the bot's messages
        here" deletes it too (service._keep_sent: its id, 48 hours, no text)."""
        keep = getattr(self.service, "_keep_sent", None)
        if keep is not None:
            keep(uid, {"chat_id": chat}, msg)

    async def _to_group(self, uid: int, no: int | None, text: str) -> None:
        case = self.cases.get(no) if no is not None else None
        thread = case.thread_id if case is not None else None
        try:
            await self._call(lambda: self.service.bot.send_message(self.group, text, message_thread_id=thread), uid, "sendMessage(group)")
        except TelegramError as e:
            log.error("update %d: a notice to the caseworkers' group failed (%s): check HANDOFF_CHAT_ID and the bot's rights there",
                      uid, type(e).__name__)

    async def _open(self, uid: int, op: dict[str, Any]) -> None:
        no = op["case"]
        case = self.cases.get(no)
        if case is None:
            return
        if not case.thread_id:
            try:
                topic = await self._call(lambda: self.service.bot.create_forum_topic(self.group, self.desk.topic_name(no)), uid, "createForumTopic")
                self.cases.set_thread(no, topic.message_thread_id)
            except Exception as e:
                log.error("update %d: the case topic could not be created (%s): check that HANDOFF_CHAT_ID is a supergroup "
                          "with topics and that the bot is an admin allowed to manage topics", uid, type(e).__name__)
                self.cases.close(no, unlink=True)
                self._count("open_failed")
                chat = op["chat_id"]
                lang = self.engine.language_of(f"tg:{chat}")
                await self._to_person(uid, chat, self.desk.cannot_open(lang))
                return
        name = ""
        if op.get("show_name"):
            try:
                info = await self._call(lambda: self.service.bot.get_chat(op["chat_id"]), uid, "getChat", 3)
                name = " ".join(p for p in (info.first_name, info.last_name) if p) + (f" (@{info.username})" if info.username else "")
            except Exception as e:
                log.warning("update %d: the person's name could not be read (%s)", uid, type(e).__name__)
        text = op["intro"] + "\n\n" + self.desk.name_line(bool(op.get("show_name")), name)
        await self._to_group(uid, no, text)

    async def _copy_in(self, uid: int, op: dict[str, Any]) -> None:
        no, chat = op["case"], op["chat_id"]
        case = self.cases.get(no)
        if case is None or not case.thread_id:
            return await self._not_passed_on(uid, chat, no, "no topic")
        wait = self.case_pacer.delay(no, time.monotonic())
        if wait > 0:
            await asyncio.sleep(wait)
        try:
            await self._call(lambda: self.service.bot.copy_message(self.group, chat, op["message_id"], message_thread_id=case.thread_id),
                             uid, "copyMessage(in)")
        except Exception as e:
            log.error("update %d: a message of case %s could not be copied to the caseworkers' group (%s)", uid, case.label, type(e).__name__)
            await self._not_passed_on(uid, chat, no, type(e).__name__)

    async def _not_passed_on(self, uid: int, chat: int, no: int, error: str) -> None:
        self._count("relay_failed")
        lang = self.engine.language_of(f"tg:{chat}")
        try:
            await self._to_person(uid, chat, self.desk.not_passed_on(lang))
        except TelegramError as e:
            log.warning("update %d: the person could not be told either (%s)", uid, type(e).__name__)
        await self._to_group(uid, None, self.desk.group_text("failed_in", number=f"{no:04d}", error=error))

    async def _is_member(self, uid: int, user_id: int) -> bool:
        known = self._members.get(user_id)
        if known is not None and known[0] and time.monotonic() - known[1] < MEMBER_TTL:
            return True
        try:
            m = await self._call(lambda: self.service.bot.get_chat_member(self.group, user_id), uid, "getChatMember", 3)
        except TelegramError as e:
            log.warning("update %d: membership not checked (%s): not relayed", uid, type(e).__name__)
            return False
        ok = m.status in ("creator", "administrator", "member") or (m.status == "restricted" and bool(getattr(m, "is_member", False)))
        self._members[user_id] = (ok, time.monotonic())
        return ok

    async def _reply_out(self, uid: int, op: dict[str, Any]) -> None:
        no, person, mid = op["case"], op["chat_id"], op["message_id"]
        said = self._texts.pop((self.group, mid), None)
        if not await self._is_member(uid, op["from"]):
            log.info("update %d: a message in case %04d from someone who is not a member of the group: not relayed", uid, no)
            return await self._to_group(uid, no, self.desk.group_text("not_member"))
        case = self.cases.get(no)
        if case is None or not case.is_open or case.chat_id != person:
            return await self._to_group(uid, no, self.desk.group_text("closed_already"))
        lang = self.engine.language_of(f"tg:{person}")
        mark = self.desk.mark(lang)
        bot = self.service.bot
        kind = op.get("kind")
        try:
            if kind == "text" and said and len(mark) + 1 + len(said) <= MAX_TEXT:
                await self._to_person(uid, person, mark + "\n" + said)
            elif kind in CAPTIONABLE and (said or not op.get("caption")) and len(mark) + 1 + len(said or "") <= MAX_CAPTION:
                caption = mark + ("\n" + said if said else "")
                await self._pace(person)
                self._kept(uid, person, await self._call(
                    lambda: bot.copy_message(person, self.group, mid, caption=caption), uid, "copyMessage(out)"))
            else:  # no caption possible (a location, a sticker), or the text is no longer in memory
                await self._to_person(uid, person, mark)
                await self._pace(person)
                self._kept(uid, person, await self._call(lambda: bot.copy_message(person, self.group, mid), uid, "copyMessage(out)"))
        except Forbidden:
            self._count("relay_failed")
            return await self._to_group(uid, no, self.desk.group_text("blocked"))
        except TelegramError as e:
            self._count("relay_failed")
            log.warning("update %d: a caseworker's message in case %04d was not delivered (%s)", uid, no, type(e).__name__)
            return await self._to_group(uid, no, self.desk.group_text("failed", error=type(e).__name__))
        waited = self.cases.caseworker_wrote(no)
        if waited is not None:
            self._count("answered_within_wait" if waited <= self.cfg.wait_seconds else "answered_after_wait")

    async def _pace(self, chat: int) -> None:
        wait = self.service.pacer.delay(chat, time.monotonic())
        if wait > 0:
            await asyncio.sleep(wait)

    # -- background: waiting notices, unlinking ----------------------------------------------------
    async def run(self, stop: asyncio.Event) -> None:
        interval = min(30.0, max(0.5, self.cfg.wait_seconds / 4))
        while not stop.is_set():
            try:
                await self.tick()
            except asyncio.CancelledError:
                raise
            except Exception as e:
                log.warning("handoff housekeeping failed: %s", describe_error(e))
            try:
                await asyncio.wait_for(stop.wait(), interval)
            except asyncio.TimeoutError:
                pass

    async def tick(self) -> None:
        unlinked = self.cases.prune(self.cfg.unlink_seconds)
        if unlinked:
            log.info("handoff: %d closed case(s) unlinked", unlinked)
        for case in self.cases.waiting_too_long(self.cfg.wait_seconds):
            if not self.cases.mark_notified(case.no):  # first: a restart must not tell them twice,
                continue  # and another instance on the same database took this one
            self._count("waiting_notice")
            lang = self.engine.language_of(f"tg:{case.chat_id}")
            try:
                await self._to_person(0, case.chat_id, self.desk.still_waiting(lang))
            except TelegramError as e:
                log.warning("handoff: a waiting notice was not delivered (%s)", type(e).__name__)
            minutes = f"{self.cfg.wait_minutes:g}"
            await self._to_group(0, case.no, self.desk.group_text("waiting", minutes=minutes))


def attach(service: Any, engine: Any) -> HandoffRelay | None:
    """Plug the relay into the service when a caseworkers' group is configured."""
    tool = getattr(engine, "tools", {}).get("handoff")
    desk = getattr(tool, "desk", None)
    if desk is None or not desk.available:
        return None
    relay = HandoffRelay(engine, desk, service)
    service.handoff = relay
    log.info("handoff: caseworkers' group configured; cases open as forum topics there")
    return relay
