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
import base64
import contextlib
import errno
import functools
import logging
import sqlite3
import time
import traceback
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable

from telegram import (
    InlineKeyboardButton,
    InputFile,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    ReplyParameters,
    Update,
)
from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, NetworkError, RetryAfter

from bot.engine.events import DELETE_SENT, Button, Event, Reply
from bot.i18n import translator
from bot.engine import callbacks as cb

from .journal import Journal
from .routing import BotIdentity, Route, route_raw, route_update, ui_lang

log = logging.getLogger("bot.telegram")

MAX_TEXT = 4096
MAX_CAPTION = 1024
NOTICE_AFTER = 3  # replies already waiting for one chat before the "what matters first" notice
NOTICE_EVERY = 60.0  # seconds: at most one such notice a minute per chat
COLLAPSE_AFTER = 60.0  # seconds: an older lesson reply with a newer one behind it is not sent
MAX_QUEUED = 10  # lesson replies waiting for one chat; the oldest beyond it are collapsed (not sent)
STORE_NOTICE_EVERY = 60.0  # seconds: "I could not save" at most once a minute per chat
DELETE_BATCH = 100  # deleteMessages takes at most 100 ids
QUICK_BUSY_MS = 250  # while the database is locked by another program, wait this long per write


def N_(s: str) -> str:
    return s


NO_PREVIEW = LinkPreviewOptions(is_disabled=True)  # immutable: one for every message


SORRY = N_("Sorry, something went wrong on our side. Please try again.")  # the engine's words too
MENU_LABEL = N_("Menu")
INVITE = N_(
    "Hello! I help people check job offers abroad and stay safe from traffickers. "
    "Let's talk in a private chat, where nobody else reads your questions."
)
INVITE_BUTTON = N_("Open a private chat")
BUSY_NOTICE = N_("I got your messages. I answer one at a time, so here is what matters first.")
FLOOD_NOTICE = N_(
    "You are writing faster than I can answer. I read every message; please wait for my answer before you send more."
)
STORE_NOTICE = N_("I could not save where we are just now (a problem on our side). If a button does not work, type /menu.")


def store_trouble(exc: BaseException) -> str | None:
    """One word for a store that cannot write (the log says it; SQLite's own message, never
    the person's text): "locked", "full", "io", "read-only"; None for anything else."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return "full"
    if not isinstance(exc, sqlite3.DatabaseError):
        return None
    msg = str(exc).lower()
    if "locked" in msg or "busy" in msg:
        return "locked"
    if "full" in msg:
        return "full"
    if "i/o" in msg:
        return "io"
    if "readonly" in msg or "read-only" in msg:
        return "read-only"
    return None


class StoreHealth:
    """Episodes of a store that cannot write (a locked file, a full disk): one ERROR line when one
    starts, one line a minute while it lasts, one when it ends; the rest of the time, silence."""

    def __init__(self) -> None:
        self.since: float | None = None
        self.kind = ""
        self.unsaved = 0
        self._said = 0.0

    def failed(self, kind: str, what: str) -> None:
        now = time.monotonic()
        if self.since is None:
            self.since, self.kind, self.unsaved, self._said = now, kind, 0, now
            log.error("store: cannot write (%s) %s; replies go out without being saved until it can", kind, what)
        elif now - self._said >= 60.0:
            self._said = now
            log.error("store: still cannot write (%s) after %.0f s; %d update(s) answered without saving",
                      kind, now - self.since, self.unsaved)
        self.kind = kind

    def worked(self) -> None:
        if self.since is not None:
            log.warning("store: writes work again after %.0f s; %d update(s) were answered without saving",
                        time.monotonic() - self.since, self.unsaved)
            self.since = None

    @property
    def trouble(self) -> str:
        return self.kind if self.since is not None else ""


class Unsaved:
    """The store as the engine sees it while the store cannot write: sessions are read, nothing
    is written (the answer goes out unsaved), and a deletion fails, so the person is never told
    that something was deleted when it was not."""

    def __init__(self, store: Any) -> None:
        self._store = store

    def load_session(self, user_id: str) -> Any:
        try:
            return self._store.load_session(user_id)
        except Exception:
            return None

    def save_session(self, user_id: str, session: Any) -> None:
        return None

    def count(self, kind: str, label: str, n: int = 1) -> None:
        return None

    def delete_user(self, user_id: str) -> bool:
        raise sqlite3.OperationalError("the store cannot write now")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


def retry_seconds(exc: RetryAfter) -> float:
    """RetryAfter.retry_after in seconds: a timedelta with PTB_TIMEDELTA=1 (set by `run`, and
    the only form from v23 on), an int before."""
    ra = exc.retry_after
    return float(ra.total_seconds() if hasattr(ra, "total_seconds") else ra)


def describe_error(exc: BaseException) -> str:
    """Exception type and traceback frames, without the exception's message (it may quote text)."""
    frames = "".join(traceback.format_tb(exc.__traceback__)).rstrip()
    return f"{type(exc).__module__}.{type(exc).__qualname__}\n{frames}"


class Interrupted(Exception):
    """The bot is stopping: a send that has not gone out stays in the journal for the next run."""


# The one retry policy for Bot API calls (python-telegram-bot's own rate limiter is told not
# to retry, so nothing stacks). Flood control (429): wait what Telegram says (retry_after).
# Passing trouble (timeouts, connection errors, 5xx): exponential backoff from 0.5 s, capped at
# 60 s. Refusals (400 bad request, 403 blocked, 401 token): no retry. A reply is retried this
# way until Telegram accepts it or the bot stops (it stays journaled and goes out after the
# restart); cosmetic calls (answering a button, clearing a keyboard) get 3 tries.
BACKOFF_START = 0.5
BACKOFF_CAP = 60.0


def retry_delay(exc: BaseException, previous: float) -> float | None:
    """How long to wait before trying again after `exc` (None: do not retry), given the last
    backoff delay (0 at first)."""
    if isinstance(exc, RetryAfter):
        return retry_seconds(exc) + 0.1
    if isinstance(exc, (BadRequest, Forbidden, InvalidToken, ChatMigrated)):
        return None
    if isinstance(exc, NetworkError):  # TimedOut, 5xx, connection refused/reset ...
        return min(max(previous * 2, BACKOFF_START), BACKOFF_CAP)
    return None


class Link:
    """Does Telegram answer? One WARNING when it has not answered for a few seconds, one when it
    answers again. A send waiting out its backoff after a network error is woken as soon as any
    other call (the next getUpdates, another chat's send) gets an answer after such an outage:
    everything that waited goes out within a second of Telegram being back, not up to a minute
    later. A blip (shorter than WAKE_AFTER) wakes nothing, so a chat whose own sends fail keeps
    its backoff."""

    WAKE_AFTER = 5.0  # seconds without an answer that make an outage

    def __init__(self) -> None:
        self.down_since: float | None = None
        self._warned = False
        self._back: asyncio.Event | None = None

    def answered(self) -> None:
        if self.down_since is None:
            return
        down = time.monotonic() - self.down_since
        self.down_since = None
        if self._warned or down >= self.WAKE_AFTER:
            log.warning("Telegram answers again after %.0f s", down)
            if self._back is not None:
                self._back.set()
                self._back = None
        self._warned = False

    def failed(self, exc: BaseException) -> None:
        now = time.monotonic()
        if self.down_since is None:
            self.down_since = now
        elif not self._warned and now - self.down_since >= self.WAKE_AFTER:
            self._warned = True
            log.warning("Telegram has not answered for %.0f s (%s); replies wait and are retried",
                        now - self.down_since, type(exc).__name__)

    def back(self) -> asyncio.Event:
        if self._back is None:
            self._back = asyncio.Event()
        return self._back


async def _pause(seconds: float, stop: asyncio.Event | None, link: Link | None = None) -> None:
    waits = [asyncio.ensure_future(e.wait()) for e in (stop, link.back() if link is not None else None) if e is not None]
    if not waits:
        await asyncio.sleep(seconds)
        return
    try:
        await asyncio.wait(waits, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for w in waits:
            w.cancel()


async def deliver(call: Callable[[], Awaitable[Any]], what: str, stop: asyncio.Event | None = None,
                  link: Link | None = None) -> Any:
    """Run a send until Telegram accepts it (see the policy above). Raises the refusal as it is,
    or Interrupted when `stop` is set while waiting to try again. `link`: told of answers and
    network failures, and wakes the wait when Telegram answers another call."""
    backoff = 0.0
    tries = 0
    while True:
        if stop is not None and stop.is_set() and tries:
            raise Interrupted(what)
        tries += 1
        try:
            result = await call()
        except Exception as e:
            wait = retry_delay(e, backoff)
            if link is not None:
                if isinstance(e, NetworkError) and not isinstance(e, RetryAfter) and wait is not None:
                    link.failed(e)
                else:
                    link.answered()  # a refusal or flood control is an answer
            if wait is None:
                raise
            if not isinstance(e, RetryAfter):
                backoff = wait
            level = logging.WARNING if tries < 10 or tries % 10 == 0 else logging.DEBUG
            log.log(level, "%s: %s, try %d failed, retrying in %.1f s", what, type(e).__name__, tries, wait)
            await _pause(wait, stop, link if not isinstance(e, RetryAfter) else None)
            continue
        if link is not None:
            link.answered()
        return result


async def with_retries(
    call: Callable[[], Awaitable[Any]],
    what: str,
    attempts: int = 3,
    stop: asyncio.Event | None = None,
) -> Any:
    """The same policy for calls that may be given up after a few `attempts` (cosmetic ones)."""
    backoff = 0.0
    for attempt in range(1, attempts + 1):
        try:
            return await call()
        except Exception as e:
            wait = retry_delay(e, backoff)
            if wait is None or attempt == attempts:
                raise
            if not isinstance(e, RetryAfter):
                backoff = wait
            log.warning("%s: %s, retry %d in %.1f s", what, type(e).__name__, attempt, wait)
        if stop is not None and stop.is_set():
            wait = min(wait, 0.2)
        await asyncio.sleep(wait)
    raise NetworkError(f"{what}: gave up after {attempts} attempts")  # pragma: no cover


def _private_chat_of(raw: dict[str, Any]) -> tuple[int, int, str | None] | None:
    """(chat id, user id, language) of a private chat in a raw update, if there is one."""
    try:
        msg = raw.get("message") or raw.get("callback_query", {}).get("message") or {}
        user = raw.get("message", {}).get("from") or raw.get("callback_query", {}).get("from") or {}
        chat = msg.get("chat") or {}
        if chat.get("type") == "private" and isinstance(chat.get("id"), int) and isinstance(user.get("id"), int):
            lang = user.get("language_code")
            return chat["id"], user["id"], lang if isinstance(lang, str) else None
    except AttributeError:
        pass
    return None


def clean_text(value: Any) -> Any:
    """Every string of a JSON value with lone surrogates (invalid UTF-16 some clients send)
    replaced by U+FFFD, so nothing downstream (SQLite, JSON, HTTP) fails on them."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
            return value
        except UnicodeEncodeError:
            return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    if isinstance(value, dict):
        return {k: clean_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_text(v) for v in value]
    return value


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
        quiet = False
        if getattr(reply, "action", "") == DELETE_SENT:
            # the bot's messages here go first; what follows is not kept, so nothing is left behind
            ops.append({"op": "delete_sent", "chat_id": chat_id})
            quiet = True
        att = getattr(reply, "attachment", None)
        if att is not None:
            ops.extend(file_ops(chat_id, reply, att, kb, reply_to if not ops else None))
            continue
        chunks = split_text(str(reply.text or ""))
        for i, chunk in enumerate(chunks):
            op: dict[str, Any] = {"op": "send", "chat_id": chat_id, "text": chunk}
            if quiet:
                op["norec"] = True
            if reply.source == "emergency":
                op["src"] = "emergency"  # goes before the person's other queued replies
            if kb and i == len(chunks) - 1:
                op["kb"] = kb
            if reply_to and not ops:
                op["reply_to"] = reply_to
            ops.append(op)
    return ops


def file_ops(chat_id: int, reply: Reply, att: Any, kb: list, reply_to: int | None) -> list[dict[str, Any]]:
    """A reply with a file: the file with the text as its caption (or the text first when it is
    too long for one), buttons on the file. The journal keeps the file's recipe (bot/share/files.py),
    not its bytes; a file without a recipe is kept base64-encoded."""
    ops: list[dict[str, Any]] = []
    text = str(reply.text or "")
    op: dict[str, Any] = {"op": "send_file", "chat_id": chat_id, "kind": att.kind, "filename": att.filename}
    if getattr(att, "recipe", None):
        op["recipe"] = att.recipe
    else:
        op["b64"] = base64.b64encode(att.data).decode("ascii")
    if text.strip() and len(text) <= MAX_CAPTION:
        op["caption"] = text
    elif text.strip():
        ops = reply_ops(chat_id, [Reply(text)], reply_to)
        reply_to = None
    if kb:
        op["kb"] = kb
    if reply_to:
        op["reply_to"] = reply_to
    return ops + [op]


def file_bytes(op: dict[str, Any], content: Any = None) -> bytes:
    if op.get("recipe"):
        from bot.share.files import make

        return make(op["recipe"], content).data
    return base64.b64decode(op.get("b64") or "")


def keyboard(rows: list[list[dict[str, str]]] | None) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return _keyboard(tuple(tuple(("u", b["t"], b["u"]) if "u" in b else ("d", b["t"], b["d"]) for b in row) for row in rows))


@functools.lru_cache(maxsize=256)
def _keyboard(rows: tuple[tuple[tuple[str, str, str], ...], ...]) -> InlineKeyboardMarkup:
    """Made once per distinct keyboard: the bot shows the same menus again and again, and
    python-telegram-bot's objects (immutable, so one can be sent any number of times) cost
    about 20 µs a button to make: 0.1 ms for the main menu, on every message that has it."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(t, url=v) if k == "u" else InlineKeyboardButton(t, callback_data=v) for k, t, v in row] for row in rows]
    )


class ChatPacer:
    """About one message a second per chat, as Telegram asks, after a burst that a normal
    conversation never uses up (a lesson step is one to three messages). Only a flood to one
    chat is slowed down, and only that chat. Groups are paced by AIORateLimiter (20/minute)."""

    def __init__(self, rate: float = 1.0, burst: int = 8) -> None:
        self.rate = max(rate, 0.01)
        self.burst = max(burst, 1)
        self._buckets: dict[int, tuple[float, float]] = {}

    def limited(self, chat_id: int, now: float) -> bool:
        """Is this chat being slowed down now (its burst used up)?"""
        tokens, last = self._buckets.get(chat_id, (float(self.burst), now))
        return min(float(self.burst), tokens + (now - last) * self.rate) < 1.0

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


class AlreadyHandled(Exception):
    """Another instance journaled this update first (a delivery that reached two instances)."""


@dataclass
class Job:
    update_id: int
    chat_id: int
    ops: list[dict[str, Any]]
    start: int = 0
    kind: str = ""
    t0: float = field(default_factory=time.monotonic)
    resumed: bool = False
    scrub: bool = False  # a deletion happened: checkpoint the WAL once the replies are out
    ephemeral: bool = False  # a notice ("what matters first", "slow down"): not in the journal
    lang: str | None = None
    journaled: bool = True  # False: the store could not write it (or a notice): no bookkeeping

    @property
    def emergency(self) -> bool:
        return any(op.get("src") == "emergency" for op in self.ops[self.start:])


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
        self.handoff: Any = None  # handoff.py's relay, when a caseworkers' group is configured
        self._scrub: dict[int, bool] = {}  # update id -> a deletion happened in it
        self._noticed: dict[tuple[int, str], float] = {}  # (chat id, kind) -> when it was last told
        self._blocked: dict[int, float] = {}  # chat id -> when Telegram said it blocked the bot (403)
        self._unsaved: set[int] = set()  # update ids answered without being journaled
        self.link = Link()
        self.store_health = StoreHealth()
        self._busy_ms: int | None = None  # the store's busy timeout, while a shorter one is set

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

    def intake_unreadable(self, raw: dict[str, Any], fresh: bool = False, fp: str | None = None) -> asyncio.Future:
        """An update python-telegram-bot could not parse (a newer Bot API shape): still answer
        the person if a private chat or a button press can be made out of the raw JSON."""
        return self._take(int(raw["update_id"]), lambda: route_raw(raw),
                          lambda: fp or self.journal.fingerprint(raw), fresh, raw)

    def intake(self, update: Update, raw: dict[str, Any] | None = None, fresh: bool = False,
               fp: str | None = None) -> asyncio.Future:
        """Take one update (call in update order). The future resolves once the update is safe
        (journaled, or nothing to do): then it may be confirmed to Telegram. `fp`: the update's
        fingerprint, when the caller computed it from the JSON as Telegram sent it."""
        if self.handoff is not None:  # a caseworker's group, or a person in a handoff (handoff.py)
            def route_fn() -> Route:
                return self.handoff.route(update, route_update(update, self.me))
        else:
            def route_fn() -> Route:
                return route_update(update, self.me)
        return self._take(
            update.update_id, route_fn,
            lambda: fp or self.journal.fingerprint(raw if raw is not None else update.to_dict()), fresh, raw,
        )

    def poison(self, raw: dict[str, Any], exc: BaseException | None = None) -> asyncio.Future:
        """An update that could not even be taken in: recorded as failed (never taken again, so
        never a crash loop), and the person gets the kind error reply if a chat can be found."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future = loop.create_future()
        done.set_result(None)
        uid = raw.get("update_id") if isinstance(raw, dict) else None
        if not isinstance(uid, int):
            return done
        log.error("update %d: could not be handled: %s", uid, describe_error(exc) if exc else "unknown")
        try:
            fp = self.journal.fingerprint(raw)
        except Exception:
            fp = None
        chat = _private_chat_of(raw)
        ops: list[dict[str, Any]] = []
        if chat is not None:
            route = Route(uid, "engine", "failed", user_id=f"tg:{chat[1]}", chat_id=chat[0], lang=chat[2])
            try:
                ops = self._sorry_ops(route, with_menu=False)
            except Exception:
                ops = []
        try:
            if ops and self.journal.record(uid, ops, fp):
                self._enqueue(Job(uid, chat[0], ops, kind="failed"))
            else:
                self.journal.fail(uid, fp)
        except Exception as e:  # the store cannot write: the person still gets the kind reply
            log.error("update %d: could not record the failure: %s", uid, describe_error(e))
            if ops:
                self._enqueue(Job(uid, chat[0], ops, kind="failed", journaled=False))
        return done

    def _take(self, uid: int, route_fn: Callable[[], Route], fp_fn: Callable[[], str], fresh: bool,
              raw: dict[str, Any] | None = None) -> asyncio.Future:
        """`fresh`: known to be new (its id is below what Telegram confirmed), skip the dedupe."""
        loop = asyncio.get_running_loop()
        if uid in self._pending:
            return self._pending[uid]
        done: asyncio.Future = loop.create_future()
        done.set_result(None)
        try:
            fp = fp_fn()
            if not fresh and self.journal.seen(uid, fp):
                log.info("update %d: already handled, skipped", uid)
                return done
            route = route_fn()
        except Exception as e:  # a malformed update must not stop the loop, nor come back
            return self.poison(raw if raw is not None else {"update_id": uid}, e)
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
            journaled = uid not in self._unsaved
            self._unsaved.discard(uid)
            if ops:
                self._enqueue(Job(uid, route.chat_id, ops, kind=route.kind, t0=t0,
                                  scrub=self._scrub.pop(uid, False), lang=route.lang, journaled=journaled))
            else:
                log.info("update %d: %s, nothing to send", uid, route.kind)

        fut.add_done_callback(_journaled)
        return fut

    def _transaction(self):
        """The store's transaction when the journal shares its connection: an update's session
        change and its journal entry are committed together, or not at all."""
        store = getattr(self.engine, "store", None)
        if store is not None and getattr(self.journal, "store", None) is store and hasattr(store, "transaction"):
            return store.transaction()
        return contextlib.nullcontext()

    def _claim(self, store: Any, route: Route, fp: str | None) -> bool:
        """Several instances on one database (PostgreSQL): hold the person's lock for the rest of
        the transaction (their updates are handled one at a time, in the order they arrive), then
        look again whether another instance answered this update meanwhile. True if it did."""
        if not getattr(store, "shared", False):
            return False
        if route.user_id:
            store.lock_person(route.user_id)
        return self.journal.seen(route.update_id, fp)

    def _ops_for(self, route: Route) -> list[dict[str, Any]]:
        """What the engine (or the caseworkers' relay, or the group invitation) answers."""
        ops = self.handoff.decide(route) if self.handoff is not None else None
        if ops is not None:
            pass  # relayed to or from a caseworker (handoff.py)
        elif route.action == "invite":
            ops = self._invite_ops(route)
        else:
            replies = self.engine.handle(route.user_id, route.event)
            ops = reply_ops(route.chat_id, list(replies or []))
            if not ops:
                raise ValueError("the engine returned no reply")
            if self.handoff is not None:
                ops = self.handoff.after(route, list(replies), ops)
        if route.clear_keyboard_of:
            ops.insert(0, {"op": "clear_kb", "chat_id": route.chat_id, "message_id": route.clear_keyboard_of})
        return ops

    def _decide(self, route: Route, fp: str | None = None) -> list[dict[str, Any]]:
        """In the engine thread: the ops for one update, written to the journal in the same
        transaction as the session change the engine made. When the store cannot write (a locked
        file, a full disk), the answer goes out unsaved (see _unsaved_ops): never silence."""
        store = getattr(self.engine, "store", None)
        deletions = getattr(store, "deletions", 0)
        try:
            with self._transaction():
                if self._claim(store, route, fp):
                    return []  # another instance answered this delivery
                ops = self._ops_for(route)
                if not self.journal.record(route.update_id, ops, fp):
                    raise AlreadyHandled  # another instance journaled it first: this one rolls back
            if self.store_health.trouble:
                self._busy_timeout(None)
                self.store_health.worked()
        except AlreadyHandled:
            log.info("update %d: already handled, skipped", route.update_id)
            return []
        except Exception as e:  # rolled back: the person gets the kind reply, recorded on its own
            trouble = store_trouble(e)
            if trouble:
                self._rollback_leftover()
                return self._unsaved_ops(route, trouble)
            log.error("update %d: handler error: %s", route.update_id, describe_error(e))
            ops = []
            try:
                with self._transaction():
                    ops = self._sorry_ops(route)
                    if route.clear_keyboard_of:
                        ops.insert(0, {"op": "clear_kb", "chat_id": route.chat_id, "message_id": route.clear_keyboard_of})
                    self.journal.record(route.update_id, ops, fp)
            except Exception as e2:  # a full disk, a locked file: answer anyway, without the safety net
                log.error("update %d: journal write failed: %s", route.update_id, describe_error(e2))
                ops = ops or self._sorry_ops(route, with_menu=False)
                self._unsaved.add(route.update_id)
        if getattr(store, "deletions", 0) != deletions:
            self._scrub[route.update_id] = True  # checkpoint the WAL once the replies are out
        return ops

    def _busy_timeout(self, ms: int | None) -> None:
        """While another program holds the database's write lock, wait only `ms` for it on the
        shared connection (the event loop's journal calls wait for the engine thread's); None
        puts the store's own timeout back."""
        db = getattr(self.journal, "db", None)
        conn = getattr(db, "conn", None)  # SQLite only: PostgreSQL waits on its own terms
        lock = getattr(db, "mutex", None) or contextlib.nullcontext()
        if conn is None:
            return
        with lock, contextlib.suppress(Exception):
            if ms is not None:
                if self._busy_ms is None:
                    self._busy_ms = int(conn.execute("PRAGMA busy_timeout").fetchone()[0])
                conn.execute(f"PRAGMA busy_timeout={int(ms)}")
            elif self._busy_ms is not None:
                conn.execute(f"PRAGMA busy_timeout={int(self._busy_ms)}")
                self._busy_ms = None

    def probe_store(self) -> None:
        """For /healthz while the store could not write: one small write tells whether it can
        again (a quiet bot would otherwise stay `store` until its next update)."""
        if not self.store_health.trouble:
            return
        try:
            self.journal.set_confirmed_below(self.journal.confirmed_below)
        except Exception:
            return  # still cannot: /healthz keeps saying `store`
        self._busy_timeout(None)
        self.store_health.worked()

    def _rollback_leftover(self) -> None:
        """A failed COMMIT (a full disk) may leave the transaction open: SQLite asks for an
        explicit ROLLBACK (harmless when it had already rolled back by itself)."""
        db = getattr(self.journal, "db", None)
        conn = getattr(db, "conn", None)  # SQLite only
        lock = getattr(db, "mutex", None) or contextlib.nullcontext()
        with lock:
            if conn is not None and getattr(conn, "in_transaction", False):
                with contextlib.suppress(Exception):
                    conn.execute("ROLLBACK")

    def _unsaved_ops(self, route: Route, trouble: str) -> list[dict[str, Any]]:
        """The store cannot write: the engine answers from what it can read and nothing is saved
        (its session writes and counters are skipped, a deletion fails and says so), the person is
        told at most once a minute that their place was not saved, and the log says it once."""
        uid = route.update_id
        self._unsaved.add(uid)
        if trouble == "locked":
            self._busy_timeout(QUICK_BUSY_MS)  # while it lasts, nobody waits 5 s on each write
        self.store_health.failed(trouble, f"at update {uid}")
        self.store_health.unsaved += 1
        engine = self.engine
        real, observers = getattr(engine, "store", None), getattr(engine, "observers", None)
        try:
            if real is not None:
                engine.store = Unsaved(real)
            if observers is not None:
                engine.observers = []  # reach figures cannot be written either
            ops = self._ops_for(route)
        except Exception as e:
            log.error("update %d: no answer without the store: %s", uid, describe_error(e))
            ops = self._sorry_ops(route, with_menu=False)
        finally:
            if real is not None:
                engine.store = real
            if observers is not None:
                engine.observers = observers
        chat = route.chat_id
        if chat and self._notice_due(chat, "store", STORE_NOTICE_EVERY):
            lang = ui_lang(route.lang)
            with contextlib.suppress(Exception):
                lang = self.engine.language_of(route.user_id, route.lang) if route.user_id else lang
            ops = ops + [{"op": "send", "chat_id": chat, "text": translator(lang)(STORE_NOTICE)}]
        return ops

    def _sorry_ops(self, route: Route, with_menu: bool = True) -> list[dict[str, Any]]:
        lang = ui_lang(route.lang)
        if route.user_id:
            try:
                lang = self.engine.language_of(route.user_id, route.lang)
            except Exception:
                pass
        _ = translator(lang)
        sorry = Reply(_(SORRY))
        menu: list[Reply] = []
        if route.user_id and with_menu:
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
                self._book(uid, lambda uid=uid: self.journal.finish(uid))
                continue
            self._enqueue(Job(uid, int(chat), ops, start=sent, kind="resumed", resumed=True))
        if rows:
            log.info("resuming %d update(s) left unfinished by the last run", len(rows))
        return len(rows)

    def _enqueue(self, job: Job) -> None:
        """Queue a job for its chat. An emergency reply goes before the person's other waiting
        replies; a person writing faster than Telegram lets the bot answer is told (at most once
        a minute, one notice for both) to slow down; at most MAX_QUEUED lesson replies wait per
        chat, the oldest beyond it collapsed, so a flood cannot grow the queue without bound."""
        q = self._queues.setdefault(job.chat_id, deque())
        waiting = len(q) + (1 if job.chat_id in self._sending else 0)
        if job.emergency:
            at = 0
            while at < len(q) and q[at].emergency:
                at += 1
            q.insert(at, job)
        else:
            q.append(job)
            self._cap(q)
        now = time.monotonic()
        # Told only when it matters: an emergency jumps waiting replies ("here is what matters
        # first"), or the person writes faster than Telegram lets the bot answer (their chat is
        # being paced) and replies pile up ("please wait for my answer").
        jumped = job.emergency and waiting > 0
        flooding = waiting >= NOTICE_AFTER and self.pacer.limited(job.chat_id, now)
        if (jumped or flooding) and self._notice_due(job.chat_id, "busy", NOTICE_EVERY):
            _ = translator(ui_lang(job.lang))
            text = _(BUSY_NOTICE if jumped else FLOOD_NOTICE)
            if flooding and not jumped:
                log.info("a chat writes faster than the bot may answer it (%d repl(ies) waiting): told to slow down", waiting)
            notice = Job(job.update_id, job.chat_id, [{"op": "send", "chat_id": job.chat_id, "text": text}],
                         kind="notice", t0=job.t0, ephemeral=True, journaled=False)
            q.appendleft(notice)
        if job.chat_id not in self._workers:
            self._workers[job.chat_id] = self._spawn(self._drain(job.chat_id))

    def _notice_due(self, chat_id: int, kind: str, every: float) -> bool:
        """The one limiter of the adapter's notices ("what matters first" and "slow down" share
        "busy"; "store" is "I could not save"): a private chat is told at most once per `every`
        seconds of each kind. True means: tell it now (and it is noted)."""
        now = time.monotonic()
        if chat_id <= 0 or now - self._noticed.get((chat_id, kind), -1e9) <= every:
            return False
        self._noticed[(chat_id, kind)] = now
        if len(self._noticed) > 10000:
            self._noticed = {k: t for k, t in self._noticed.items() if now - t <= max(NOTICE_EVERY, STORE_NOTICE_EVERY)}
        return True

    def _cap(self, q: deque[Job]) -> None:
        """At most MAX_QUEUED lesson replies wait for one chat: the oldest beyond that are
        collapsed (their update marked done, not sent). Emergencies, notices and the newest
        reply always stay."""
        lessons = [j for j in q if not j.emergency and not j.ephemeral]
        for old in lessons[: max(0, len(lessons) - MAX_QUEUED)]:
            q.remove(old)
            self._dropped(old, "collapsed: newer replies wait")

    def _dropped(self, job: Job, why: str) -> None:
        """A job not sent (collapsed, or its chat blocked the bot): done in the journal, and the
        update's one INFO line says so."""
        if job.journaled:
            self._book(job.update_id, lambda: self.journal.finish(job.update_id))
        if not job.ephemeral:
            log.info("update %d: %s -> 0 message(s), %s, after %.0f ms",
                     job.update_id, job.kind, why, (time.monotonic() - job.t0) * 1000)

    def _book(self, uid: int, write: Callable[[], Any]) -> None:
        """Journal bookkeeping after a send (accepted, done, sent ids): best effort. A store that
        cannot write must not stop the replies still to go; the worst case after a crash is that
        an accepted reply is sent again."""
        try:
            write()
        except Exception as e:
            trouble = store_trouble(e)
            if trouble is None:
                log.error("update %d: journal bookkeeping failed: %s", uid, describe_error(e))
            else:
                self.store_health.failed(trouble, f"while sending the replies of update {uid}")

    async def _drain(self, chat_id: int) -> None:
        q = self._queues[chat_id]
        try:
            while q:  # on shutdown too (until drain's timeout): only retries stop waiting
                job = q.popleft()
                if job.t0 <= self._blocked.get(chat_id, -1.0):
                    self._dropped(job, "the person blocked the bot")  # taken in before the 403
                    continue
                if self._collapse(job, q):
                    continue
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

    def _collapse(self, job: Job, q: deque[Job]) -> bool:
        """A lesson reply older than a minute with a newer one queued behind it is not sent one
        a second: the newer answer stands. Emergencies and the last reply are always sent."""
        if job.emergency or job.ephemeral or time.monotonic() - job.t0 <= COLLAPSE_AFTER:
            return False
        if not any(not later.ephemeral for later in q):
            return False
        self._dropped(job, "collapsed: it waited over a minute and a newer reply follows")
        return True

    def _blocked_by(self, job: Job, chat_id: int) -> None:
        """Telegram said this person blocked the bot (403): logged once, not retried, and the
        replies already waiting for the chat (to messages taken in before now) are dropped
        without calling Telegram. A later message means they unblocked: it is answered."""
        now = time.monotonic()
        self._blocked[chat_id] = now
        if len(self._blocked) > 10000:
            self._blocked = {c: t for c, t in self._blocked.items() if now - t <= 600}
        waiting = sum(1 for j in self._queues.get(chat_id, ()) if not j.ephemeral)
        log.info("update %d: the person blocked the bot (403): not retried; %d waiting repl(ies) dropped",
                 job.update_id, waiting)

    async def _send_job(self, job: Job) -> None:
        sent = 0
        failed = 0
        blocked = False
        chat_id = job.chat_id
        for i in range(job.start, len(job.ops)):
            op = dict(job.ops[i])
            op.pop("src", None)
            if op.get("chat_id") == job.chat_id:
                op["chat_id"] = chat_id
            msg = None
            try:
                try:
                    msg = await self._do_op(job.update_id, op)
                except ChatMigrated as e:  # a group became a supergroup: send there instead
                    chat_id = op["chat_id"] = e.new_chat_id
                    msg = await self._do_op(job.update_id, op)
                if op["op"] in ("send", "send_file"):
                    sent += 1
                if op["op"] == "delete_sent":
                    job.scrub = True  # the chat's rows went: nothing of them in the WAL either
            except Interrupted:  # shutting down: the rest stays in the journal for the next run
                log.info("update %d: %d message(s) left for the next run", job.update_id, len(job.ops) - i)
                return
            except Forbidden:
                blocked = True
                self._blocked_by(job, chat_id)
                break
            except BadRequest as e:  # undeliverable as it is (chat not found, a malformed message)
                failed += 1
                log.error("update %d: op %d (%s) refused by Telegram, not retried: %s",
                          job.update_id, i, op.get("op"), type(e).__name__)
                if "chat not found" in str(e).lower():
                    break
            except Exception as e:  # an answer python-telegram-bot could not read: not retried blindly
                failed += 1
                log.error("update %d: op %d (%s) failed: %s", job.update_id, i, op.get("op"), describe_error(e))
            if job.journaled and i + 1 < len(job.ops):  # after the last, finish() below clears the row
                # the sent reply leaves the disk (first: a crash must not send it again)
                self._book(job.update_id, lambda rest=job.ops[i + 1:]: self.journal.accepted(job.update_id, rest))
            if msg is not None:
                self._keep_sent(job.update_id, op, msg)
        if job.journaled:
            self._book(job.update_id, lambda: self.journal.finish(job.update_id))
        if job.scrub:
            self._book(job.update_id, self.journal.scrub)
        self._finished += 1
        if self._finished % 1000 == 0:
            self._book(job.update_id, self.journal.prune)
        ms = (time.monotonic() - job.t0) * 1000
        notes = (f", {failed} failed" if failed else "") + (", blocked" if blocked else "") + (
            "" if job.journaled or job.ephemeral else ", not saved")
        log.log(
            logging.DEBUG if job.ephemeral else logging.INFO,  # one INFO line per update
            "update %d: %s -> %d message(s)%s in %.0f ms",
            job.update_id, job.kind, sent, notes, ms,
        )

    async def _do_op(self, uid: int, op: dict[str, Any]) -> Any:
        """Carry out one op; a message Telegram accepted is returned (its id is kept)."""
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
        if op["op"] == "delete_sent":
            await self._delete_sent(uid, op["chat_id"])
            return
        if op["op"].startswith("ho_") and self.handoff is not None:
            return await self.handoff.do_op(uid, op)
        if op["op"] not in ("send", "send_file"):
            return
        if isinstance(op["chat_id"], int) and op["chat_id"] > 0:
            wait = self.pacer.delay(op["chat_id"], time.monotonic())
            if wait > 0:
                await asyncio.sleep(wait)
        reply = ReplyParameters(op["reply_to"], allow_sending_without_reply=True) if op.get("reply_to") else None
        if op["op"] == "send_file":
            msg = await self._send_file(uid, op, reply)
        else:
            async def send() -> Any:
                return await self.bot.send_message(
                    chat_id=op["chat_id"],
                    text=op["text"],
                    reply_markup=keyboard(op.get("kb")),
                    link_preview_options=NO_PREVIEW,
                    reply_parameters=reply,
                )

            msg = await deliver(send, f"update {uid} sendMessage", stop=self.stopping, link=self.link)
        return msg

    def _keep_sent(self, uid: int, op: dict[str, Any], msg: Any) -> None:
        """Its id, for "delete the bot's messages here" (private chats; 48 hours; no text)."""
        chat, mid = op.get("chat_id"), getattr(msg, "message_id", None)
        if op.get("norec") or not isinstance(chat, int) or chat <= 0 or not isinstance(mid, int):
            return
        self._book(uid, lambda: self.journal.sent(chat, [mid]))

    async def _delete_sent(self, uid: int, chat_id: int) -> None:
        """Delete the messages the bot sent in this private chat in the last 48 hours (Reply.action
        DELETE_SENT), 100 at a time with deleteMessages, then forget their ids."""
        if not isinstance(chat_id, int) or chat_id <= 0:
            return
        ids = self.journal.sent_ids(chat_id)
        gone = 0
        for at in range(0, len(ids), DELETE_BATCH):
            batch = ids[at: at + DELETE_BATCH]
            try:
                await deliver(lambda batch=batch: self.bot.delete_messages(chat_id, batch),
                              f"update {uid} deleteMessages", stop=self.stopping, link=self.link)
                gone += len(batch)
            except BadRequest as e:  # too old, already deleted by the person: nothing left to do
                log.warning("update %d: deleteMessages refused (%s)", uid, type(e).__name__)
        self._book(uid, lambda: self.journal.forget_sent(chat_id))
        log.info("update %d: %d of the bot's message(s) in the chat deleted", uid, gone)

    async def _send_file(self, uid: int, op: dict[str, Any], reply: ReplyParameters | None) -> Any:
        """A document (the poster PDF) or a photo (a QR code, a chart), made again from its recipe."""
        data = await asyncio.to_thread(file_bytes, op, getattr(self.engine, "content", None))
        photo = op.get("kind") == "photo"

        async def send() -> Any:
            kw = dict(chat_id=op["chat_id"], caption=op.get("caption"), reply_markup=keyboard(op.get("kb")), reply_parameters=reply)
            upload = InputFile(data, filename=op.get("filename") or ("file.png" if photo else "file.pdf"))
            if photo:
                return await self.bot.send_photo(photo=upload, **kw)
            return await self.bot.send_document(document=upload, **kw)

        return await deliver(send, f"update {uid} {'sendPhoto' if photo else 'sendDocument'}", stop=self.stopping, link=self.link)

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
