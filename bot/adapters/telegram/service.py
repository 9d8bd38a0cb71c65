"""The adapter's core: updates in, engine in the middle, messages out, nothing lost.

Flow of one update (polling and webhook share it):

1. `intake(update)` (on the event loop, in update order): drop it if the journal has seen it
   (a re-delivery), route it (routing.py), answer a button's callback query at once (in the
   background: the spinner stops whatever happens next).
2. The engine runs in a single worker thread, so the event loop never waits on it and engine
   calls happen strictly in update order (per person that is the order they wrote in). Its
   replies become a list of "ops" (messages to send, a keyboard to clear) that is written to the
   journal before anything is sent. The update is now safe: after a crash the ops are sent from
   the journal, and the engine does not run twice on it.
3. Each chat has its own sender task that sends its ops in order, with retries (429
   retry_after, network errors, 5xx). A slow or failing chat holds up only itself.

Errors in the engine or in rendering: the person gets a short sorry and the menu; the log gets
the update id and the exception type with its traceback frames, never the message text.
"""
from __future__ import annotations

import asyncio
import logging
import time
import traceback
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    ReplyParameters,
    Update,
)
from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, NetworkError, RetryAfter

from bot.engine.events import Button, Event, Reply
from bot.i18n import translator
from bot.engine import callbacks as cb

from .journal import Journal
from .routing import BotIdentity, Route, route_raw, route_update, ui_lang

log = logging.getLogger("bot.telegram")

MAX_TEXT = 4096
MAX_ATTEMPTS = 8


def N_(s: str) -> str:
    return s


SORRY = N_("Sorry, something went wrong on our side. Please try again.")  # the engine's words too
MENU_LABEL = N_("Menu")
INVITE = N_(
    "Hello! I help people check job offers abroad and stay safe from traffickers. "
    "Let's talk in a private chat, where nobody else reads your questions."
)
INVITE_BUTTON = N_("Open a private chat")


def retry_seconds(exc: RetryAfter) -> float:
    """RetryAfter.retry_after in seconds: a timedelta with PTB_TIMEDELTA=1 (set by `run`, and
    the only form from v23 on), an int before."""
    ra = exc.retry_after
    return float(ra.total_seconds() if hasattr(ra, "total_seconds") else ra)


def describe_error(exc: BaseException) -> str:
    """Exception type and traceback frames, without the exception's message (it may quote text)."""
    frames = "".join(traceback.format_tb(exc.__traceback__)).rstrip()
    return f"{type(exc).__module__}.{type(exc).__qualname__}\n{frames}"


async def with_retries(
    call: Callable[[], Awaitable[Any]],
    what: str,
    attempts: int = MAX_ATTEMPTS,
    stop: asyncio.Event | None = None,
) -> Any:
    """Run a Bot API call, retrying on flood control (honouring retry_after) and passing
    network trouble (timeouts, connection errors, 5xx) with exponential backoff.
    Bad requests and forbidden chats are not retried: they raise at once."""
    delay = 0.5
    for attempt in range(1, attempts + 1):
        try:
            return await call()
        except RetryAfter as e:
            wait = retry_seconds(e) + 0.1
            log.warning("%s: flood control, retrying in %.1f s", what, wait)
        except (BadRequest, Forbidden, InvalidToken, ChatMigrated):
            raise
        except NetworkError as e:  # TimedOut, 5xx, connection refused/reset ...
            if attempt == attempts:
                raise
            wait = delay
            delay = min(delay * 2, 30.0)
            log.warning("%s: %s, retry %d in %.1f s", what, type(e).__name__, attempt, wait)
        if attempt == attempts:
            break
        if stop is not None and stop.is_set():
            wait = min(wait, 0.2)
        await asyncio.sleep(wait)
    raise NetworkError(f"{what}: gave up after {attempts} attempts")


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Telegram takes at most 4096 characters a message: split at paragraph, line, then word."""
    text = text if text.strip() else "…"
    chunks: list[str] = []
    while len(text) > limit:
        cut = max(text.rfind("\n\n", 0, limit), text.rfind("\n", 0, limit), text.rfind(" ", 0, limit))
        if cut < limit // 2:
            cut = limit
        chunks.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    chunks.append(text)
    return chunks


def reply_ops(chat_id: int, replies: list[Reply], reply_to: int | None = None) -> list[dict[str, Any]]:
    ops: list[dict[str, Any]] = []
    for reply in replies:
        kb = [
            [
                {"t": (b.label or b.data)[:200], "u": b.url} if b.url else {"t": (b.label or b.data)[:200], "d": b.data}
                for b in row
                if isinstance(b, Button) and (b.data or b.url)
            ]
            for row in (reply.buttons or [])
        ]
        kb = [row for row in kb if row]
        chunks = split_text(str(reply.text or ""))
        for i, chunk in enumerate(chunks):
            op: dict[str, Any] = {"op": "send", "chat_id": chat_id, "text": chunk}
            if kb and i == len(chunks) - 1:
                op["kb"] = kb
            if reply_to and not ops:
                op["reply_to"] = reply_to
            ops.append(op)
    return ops


def keyboard(rows: list[list[dict[str, str]]] | None) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(b["t"], url=b["u"]) if "u" in b else InlineKeyboardButton(b["t"], callback_data=b["d"])
                for b in row
            ]
            for row in rows
        ]
    )


class ChatPacer:
    """About one message a second per chat, as Telegram asks, after a burst that a normal
    conversation never uses up (a lesson step is one to three messages). Only a flood to one
    chat is slowed down, and only that chat. Groups are paced by AIORateLimiter (20/minute)."""

    def __init__(self, rate: float = 1.0, burst: int = 8) -> None:
        self.rate = max(rate, 0.01)
        self.burst = max(burst, 1)
        self._buckets: dict[int, tuple[float, float]] = {}

    def delay(self, chat_id: int, now: float) -> float:
        """Take one message from the chat's bucket; how long to wait before sending it."""
        tokens, last = self._buckets.get(chat_id, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * self.rate) - 1.0
        self._buckets[chat_id] = (tokens, now)
        if len(self._buckets) > 10000:  # forget chats whose bucket is full again
            full = [c for c, (t, at) in self._buckets.items() if t + (now - at) * self.rate >= self.burst]
            for c in full:
                self._buckets.pop(c, None)
        return 0.0 if tokens >= 0 else -tokens / self.rate


@dataclass
class Job:
    update_id: int
    chat_id: int
    ops: list[dict[str, Any]]
    start: int = 0
    kind: str = ""
    t0: float = field(default_factory=time.monotonic)
    resumed: bool = False


class TelegramService:
    def __init__(self, engine: Any, bot: Any, journal: Journal, me: BotIdentity, pacer: ChatPacer | None = None) -> None:
        self.engine = engine
        self.pacer = pacer or ChatPacer()
        self.bot = bot
        self.journal = journal
        self.me = me
        self.stopping = asyncio.Event()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="engine")
        self._pending: dict[int, asyncio.Future] = {}  # taken in, not yet journaled
        self._pending_since: dict[int, float] = {}  # update id -> when it was taken in
        self._queues: dict[int, deque[Job]] = {}
        self._sending: dict[int, Job] = {}  # chat id -> the job being sent now
        self._workers: dict[int, asyncio.Task] = {}
        self._background: set[asyncio.Task] = set()
        self._finished = 0

    # -- health ------------------------------------------------------------------------------
    def _waiting(self) -> list[float]:
        """When each update not yet fully answered was taken in (monotonic seconds)."""
        since = list(self._pending_since.values())
        since += [job.t0 for job in self._sending.values()]
        since += [job.t0 for q in self._queues.values() for job in q]
        return since

    def backlog_age(self) -> float:
        """Seconds the oldest update still waiting (to be journaled, or for its replies to be
        accepted by Telegram) has waited; 0 when nothing waits."""
        since = self._waiting()
        return max(0.0, time.monotonic() - min(since)) if since else 0.0

    def backlog_size(self) -> int:
        return len(self._waiting())

    # -- intake ------------------------------------------------------------------------------
    def unjournaled(self) -> list[int]:
        """Update ids taken in whose outcome is not yet in the journal (not safe to confirm)."""
        return sorted(self._pending)

    def intake_unreadable(self, raw: dict[str, Any], fresh: bool = False) -> asyncio.Future:
        """An update python-telegram-bot could not parse (a newer Bot API shape): still answer
        the person if a private chat or a button press can be made out of the raw JSON."""
        return self._take(int(raw["update_id"]), lambda: route_raw(raw), self.journal.fingerprint(raw), fresh)

    def intake(self, update: Update, raw: dict[str, Any] | None = None, fresh: bool = False) -> asyncio.Future:
        """Take one update (call in update order). The future resolves once the update is safe
        (journaled, or nothing to do): then it may be confirmed to Telegram."""
        fp = self.journal.fingerprint(raw if raw is not None else update.to_dict())
        return self._take(update.update_id, lambda: route_update(update, self.me), fp, fresh)

    def _take(self, uid: int, route_fn: Callable[[], Route], fp: str, fresh: bool) -> asyncio.Future:
        """`fresh`: known to be new (its id is below what Telegram confirmed), skip the dedupe."""
        loop = asyncio.get_running_loop()
        if uid in self._pending:
            return self._pending[uid]
        done: asyncio.Future = loop.create_future()
        done.set_result(None)
        try:
            if not fresh and self.journal.seen(uid, fp):
                log.info("update %d: already handled, skipped", uid)
                return done
            route = route_fn()
        except Exception as e:  # a malformed update must not stop the loop
            log.error("update %d: could not be read: %s", uid, describe_error(e))
            return done
        if route.callback_query_id:
            self._spawn(self._answer_callback(uid, route.callback_query_id))
        if route.action == "ignore":
            log.info("update %d: %s ignored", uid, route.kind)
            return done
        t0 = time.monotonic()
        fut = loop.run_in_executor(self._pool, self._decide, route, fp)
        self._pending[uid] = fut
        self._pending_since[uid] = t0

        def _journaled(f: asyncio.Future) -> None:
            self._pending.pop(uid, None)
            self._pending_since.pop(uid, None)
            if f.cancelled():
                return
            exc = f.exception()
            if exc is not None:  # cannot happen (_decide catches everything); never silent if it does
                log.error("update %d: failed: %s", uid, describe_error(exc))
                return
            ops = f.result()
            if ops:
                self._enqueue(Job(uid, route.chat_id, ops, kind=route.kind, t0=t0))
            else:
                log.info("update %d: %s, nothing to send", uid, route.kind)

        fut.add_done_callback(_journaled)
        return fut

    def _decide(self, route: Route, fp: str | None = None) -> list[dict[str, Any]]:
        """In the engine thread: the ops for one update, written to the journal."""
        try:
            if route.action == "invite":
                ops = self._invite_ops(route)
            else:
                replies = self.engine.handle(route.user_id, route.event)
                ops = reply_ops(route.chat_id, list(replies or []))
                if not ops:
                    raise ValueError("the engine returned no reply")
        except Exception as e:
            log.error("update %d: handler error: %s", route.update_id, describe_error(e))
            ops = self._sorry_ops(route)
        if route.clear_keyboard_of:
            ops.insert(0, {"op": "clear_kb", "chat_id": route.chat_id, "message_id": route.clear_keyboard_of})
        try:
            self.journal.record(route.update_id, ops, fp)
        except Exception as e:  # a full disk, a locked file: answer anyway, without the safety net
            log.error("update %d: journal write failed: %s", route.update_id, describe_error(e))
        return ops

    def _sorry_ops(self, route: Route) -> list[dict[str, Any]]:
        lang = ui_lang(route.lang)
        if route.user_id:
            try:
                lang = self.engine.language_of(route.user_id, route.lang)
            except Exception:
                pass
        _ = translator(lang)
        sorry = Reply(_(SORRY))
        menu: list[Reply] = []
        if route.user_id:
            try:
                menu = list(self.engine.handle(route.user_id, Event.cmd("menu", lang_hint=route.lang)) or [])
            except Exception as e:
                log.error("update %d: the menu failed too: %s", route.update_id, describe_error(e))
        if not menu:
            sorry = Reply(_(SORRY), [[Button(_(MENU_LABEL), cb.MENU)]])
        return reply_ops(route.chat_id, [sorry, *menu])

    def _invite_ops(self, route: Route) -> list[dict[str, Any]]:
        lang = ui_lang(route.lang)
        _ = translator(lang)
        op: dict[str, Any] = {"op": "send", "chat_id": route.chat_id, "text": _(INVITE)}
        if self.me.username:
            op["kb"] = [[{"t": _(INVITE_BUTTON), "u": f"https://t.me/{self.me.username}?start=menu-{lang}"}]]
        if route.reply_to:
            op["reply_to"] = route.reply_to
        return [op]

    # -- callback queries ----------------------------------------------------------------------
    async def _answer_callback(self, uid: int, query_id: str) -> None:
        try:
            await with_retries(lambda: self.bot.answer_callback_query(query_id), f"update {uid} answerCallbackQuery", attempts=3)
        except Exception as e:  # too old, or Telegram unreachable: the spinner times out by itself
            log.warning("update %d: callback query not answered (%s)", uid, type(e).__name__)

    # -- sending -------------------------------------------------------------------------------
    def resume(self) -> int:
        """Send what a previous run journaled but did not finish sending. Call before intake."""
        rows = self.journal.unfinished()
        for uid, ops, sent in rows:
            chat = next((op.get("chat_id") for op in ops if op.get("chat_id")), None)
            if chat is None or sent >= len(ops):
                self.journal.finish(uid)
                continue
            self._enqueue(Job(uid, int(chat), ops, start=sent, kind="resumed", resumed=True))
        if rows:
            log.info("resuming %d update(s) left unfinished by the last run", len(rows))
        return len(rows)

    def _enqueue(self, job: Job) -> None:
        q = self._queues.setdefault(job.chat_id, deque())
        q.append(job)
        if job.chat_id not in self._workers:
            self._workers[job.chat_id] = self._spawn(self._drain(job.chat_id))

    async def _drain(self, chat_id: int) -> None:
        q = self._queues[chat_id]
        try:
            while q:
                job = q.popleft()
                self._sending[chat_id] = job
                try:
                    await self._send_job(job)
                except asyncio.CancelledError:
                    raise
                except Exception as e:  # never let one job kill the chat's sender
                    log.error("update %d: sending failed: %s", job.update_id, describe_error(e))
                finally:
                    self._sending.pop(chat_id, None)
        finally:
            self._workers.pop(chat_id, None)
            if not q:
                self._queues.pop(chat_id, None)

    async def _send_job(self, job: Job) -> None:
        sent = 0
        failed = 0
        chat_id = job.chat_id
        for i in range(job.start, len(job.ops)):
            op = dict(job.ops[i])
            if op.get("chat_id") == job.chat_id:
                op["chat_id"] = chat_id
            try:
                try:
                    await self._do_op(job.update_id, op)
                except ChatMigrated as e:  # a group became a supergroup: send there instead
                    chat_id = op["chat_id"] = e.new_chat_id
                    await self._do_op(job.update_id, op)
                if op["op"] == "send":
                    sent += 1
            except Forbidden:
                log.info("update %d: the chat blocked the bot; dropping its replies", job.update_id)
                break
            except Exception as e:  # TelegramError, or an answer python-telegram-bot could not read
                failed += 1
                log.warning("update %d: op %d (%s) failed: %s", job.update_id, i, op.get("op"), type(e).__name__)
            self.journal.progress(job.update_id, i + 1)
        self.journal.finish(job.update_id)
        self._finished += 1
        if self._finished % 1000 == 0:
            self.journal.prune()
        ms = (time.monotonic() - job.t0) * 1000
        log.info(
            "update %d: %s -> %d message(s)%s in %.0f ms",
            job.update_id, job.kind, sent, f", {failed} failed" if failed else "", ms,
        )

    async def _do_op(self, uid: int, op: dict[str, Any]) -> None:
        if op["op"] == "clear_kb":
            try:
                await with_retries(
                    lambda: self.bot.edit_message_reply_markup(chat_id=op["chat_id"], message_id=op["message_id"], reply_markup=None),
                    f"update {uid} editMessageReplyMarkup",
                    attempts=3,
                    stop=self.stopping,
                )
            except Exception as e:  # already cleared, too old to edit, gone: fine, it is cosmetic
                log.debug("update %d: keyboard not cleared (%s)", uid, type(e).__name__)
            return
        if op["op"] != "send":
            return
        if isinstance(op["chat_id"], int) and op["chat_id"] > 0:
            wait = self.pacer.delay(op["chat_id"], time.monotonic())
            if wait > 0:
                await asyncio.sleep(wait)
        reply = ReplyParameters(op["reply_to"], allow_sending_without_reply=True) if op.get("reply_to") else None

        async def send() -> Any:
            return await self.bot.send_message(
                chat_id=op["chat_id"],
                text=op["text"],
                reply_markup=keyboard(op.get("kb")),
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                reply_parameters=reply,
            )

        await with_retries(send, f"update {uid} sendMessage", stop=self.stopping)

    # -- lifecycle -----------------------------------------------------------------------------
    def _spawn(self, coro) -> asyncio.Task:
        task = asyncio.get_running_loop().create_task(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return task

    async def drain(self, timeout: float = 10.0) -> None:
        """Wait for journaling and sending in progress (on shutdown)."""
        self.stopping.set()
        deadline = time.monotonic() + timeout
        while (self._pending or self._workers) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        for task in list(self._background):
            task.cancel()
        self._pool.shutdown(wait=False, cancel_futures=True)
