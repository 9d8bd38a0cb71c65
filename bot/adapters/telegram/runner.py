"""`python -m bot run`: start the bot, then long-poll or serve a webhook until stopped.

Long polling confirms an update to Telegram only once it is safe. Telegram forgets updates
below the `offset` of the next getUpdates call, so the offset we send is the lowest update id
whose outcome is not yet in the journal (see service.py), never "everything fetched so far"
as python-telegram-bot's own Updater does. Kill the process at any moment and the next run
gets back every update it had not journaled; those it had are in the journal and are not
answered twice.

The webhook answers Telegram with 200 only after the update is journaled, so Telegram retries
anything a crash interrupted; retries of journaled updates are recognised and skipped.
"""
from __future__ import annotations

import asyncio
import hmac
import importlib.util
import json
import re
import logging
import signal
import sys
import time
from typing import Any

from telegram import BotCommand, BotCommandScopeDefault, Update
import warnings

from telegram.error import Conflict, EndPointNotFound, InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.warnings import PTBUserWarning
from telegram.ext import AIORateLimiter, ExtBot
from telegram.request import HTTPXRequest

from bot.i18n import translator
from bot.store.db import database_of

from .config import Config
from .health import BACKLOG_SECONDS, Health, health_routes, start_server
from .journal import Journal
from .routing import BotIdentity
from .service import ChatPacer, TelegramService, clean_text, describe_error, retry_seconds, store_trouble

log = logging.getLogger("bot.telegram")

ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
POLL_RETRY_CAP = 5.0  # seconds between getUpdates tries while Telegram does not answer


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except asyncio.TimeoutError:
        pass

# httpcore tries `import sniffio` (an optional package) several times per request; when it is
# not installed, each try searches every folder of sys.path again: about a tenth of the bot's
# CPU time per message sent (py-spy, bench/echo_bench.py). A None entry in sys.modules is
# Python's documented way of saying "not installed", and answers at once.
if importlib.util.find_spec("sniffio") is None:
    sys.modules.setdefault("sniffio", None)  # type: ignore[arg-type]

# getUpdates goes through the public Bot.do_api_request, which advises Bot.get_updates instead.
# We want the raw JSON on purpose: get_updates fails the whole batch on one update it cannot
# parse and logs the batch, message texts included. Silence only that one piece of advice.
warnings.filterwarnings("ignore", message=r"Please use 'Bot\.get_?[uU]pdates'", category=PTBUserWarning)


def N_(s: str) -> str:
    return s


# (command, description msgid). Registered for every UI language and as the default.
COMMANDS = [
    ("start", N_("Start the conversation")),
    ("menu", N_("Main menu")),
    ("bahasa", N_("Change language")),
    ("language", N_("Change language")),
    ("bantuan", N_("Help and emergency contacts")),
    ("help", N_("Help and emergency contacts")),
    ("tentang", N_("About this bot and its sources")),
    ("hapus", N_("Delete everything the bot keeps about me")),
    ("bagikan", N_("Share this bot: link, WhatsApp, poster")),
    ("privasi", N_("Privacy: what is kept, for how long")),
    ("privacy", N_("Privacy: what is kept, for how long")),
    ("langganan", N_("Get alerts about new scam patterns")),
    ("berhenti", N_("Stop the alerts")),
]
COMMAND_LANGS = ("id", "en")
DEFAULT_COMMAND_LANG = "id"


class Fatal(Exception):
    """Stop the bot with a message for the operator (exit code 1)."""


MAX_IN_FLIGHT = 8  # Bot API requests (getUpdates aside) waiting for an answer at once


class CappedRateLimiter(AIORateLimiter):
    """AIORateLimiter (pacing only), and at most MAX_IN_FLIGHT requests in flight at once.

    Every chat has its own sender (service.py), so a burst of people gives hundreds of sends at
    the same moment. Handed to httpx all together, they queue in its connection pool, which
    looks over every queued request and every open connection (a readability check on each
    socket) each time a request starts or ends: work that grows with the queue times the
    connections. With 200 people writing at once (bench/echo_bench.py, overall limit off) the
    pool took half of the bot's CPU time; the CPU per update was 5.7 ms with 64 requests in
    flight, 4.5 ms with 16, 4.0 ms with 8 and 3.0 ms with 4. Held here instead, requests wait in
    a plain FIFO semaphore. 8 in flight still make Telegram's 30 messages a second at a round
    trip of a quarter of a second (a server in Asia); 4 would not."""

    def __init__(self, *args: Any, in_flight: int = MAX_IN_FLIGHT, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._in_flight = asyncio.Semaphore(in_flight)

    async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args):  # type: ignore[override]
        if endpoint == "getUpdates":  # a long poll: not held, not holding a place
            return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)

        async def capped(*a: Any, **kw: Any) -> Any:
            async with self._in_flight:
                return await callback(*a, **kw)

        return await super().process_request(capped, args, kwargs, endpoint, data, rate_limit_args)


def _not_the_rate_limiters_retry_note(record: logging.LogRecord) -> bool:
    """AIORateLimiter(max_retries=0) logs every 429 as an exception with its traceback ("after
    maximum of 0 retries"): the one retry policy (service.retry_delay) logs and retries it."""
    return not str(record.msg).startswith("Rate limit hit after maximum")


logging.getLogger("telegram.ext.AIORateLimiter").addFilter(_not_the_rate_limiters_retry_note)


def make_bot(cfg: Config) -> ExtBot:
    return ExtBot(
        cfg.token,
        base_url=cfg.api_url,
        base_file_url=cfg.file_url,
        # Sends wait up to 60 s for Telegram's answer: a send given up after 20 s that Telegram
        # had in fact accepted was sent twice when retried. (A send cut off even later can still
        # repeat once: the Bot API has no idempotency key.)
        request=HTTPXRequest(connection_pool_size=64, connect_timeout=10, read_timeout=60, write_timeout=60, pool_timeout=10),
        get_updates_request=HTTPXRequest(connection_pool_size=2, connect_timeout=10, read_timeout=cfg.poll_timeout + 15),
        # Pacing only: retries are decided in one place, service.retry_delay (no stacked layers).
        # TELEGRAM_OVERALL_RATE (default 30, Telegram's limit) is this process's share: with N
        # instances behind a load balancer give each 30/N. 0 turns the overall limit off (a
        # local test server, a benchmark).
        rate_limiter=CappedRateLimiter(overall_max_rate=cfg.overall_rate, max_retries=0),
    )


async def _forever(call, what: str, stop: asyncio.Event, optional: bool = False) -> Any:
    """Retry a start-up call until it works (Telegram briefly unreachable at boot is normal).

    `optional`: after getMe has accepted the token, a 401/404 means the server does not offer
    this method (a minimal self-hosted or test server): log it and carry on without it."""
    delay = 0.5
    while not stop.is_set():
        try:
            return await call()
        except InvalidToken:
            if optional:
                log.warning("%s is not available on this Bot API server; carrying on without it", what)
                return None
            raise Fatal("Telegram refused the token (TELEGRAM_BOT_TOKEN). Check it with @BotFather.") from None
        except RetryAfter as e:
            wait = retry_seconds(e) + 0.1
        except (NetworkError, TelegramError) as e:
            wait = delay
            delay = min(delay * 2, 15.0)
            log.warning("%s failed (%s), retrying in %.1f s", what, type(e).__name__, wait)
        try:
            await asyncio.wait_for(stop.wait(), wait)
        except asyncio.TimeoutError:
            pass
    return None


async def register_commands(bot: ExtBot, stop: asyncio.Event) -> None:
    try:
        await _register_commands(bot, stop)
    except Exception as e:  # the menu of commands is a convenience: never stop the bot for it
        log.warning("commands not registered (%s)", type(e).__name__)


async def _register_commands(bot: ExtBot, stop: asyncio.Event) -> None:
    for lang in (*COMMAND_LANGS, None):
        _ = translator(lang or DEFAULT_COMMAND_LANG)
        cmds = [BotCommand(name, _(desc)) for name, desc in COMMANDS]
        ok = await _forever(
            lambda cmds=cmds, lang=lang: bot.set_my_commands(cmds, scope=BotCommandScopeDefault(), language_code=lang),
            f"setMyCommands({lang or 'default'})",
            stop,
            optional=True,
        )
        if not ok:
            return
    log.info("commands registered (%s and default)", ", ".join(COMMAND_LANGS))


def take_update(raw: dict, bot: ExtBot, service: TelegramService, fresh: bool = False) -> asyncio.Future:
    """Hand one update (its JSON) to the service; one it cannot parse still gets an answer, and
    one that fails anyway is recorded as failed (never fetched again into a crash loop)."""
    try:
        fp = service.journal.fingerprint(raw)  # of the update as Telegram sent it
        clean = clean_text(raw)  # lone surrogates replaced: nothing below fails on them
        try:
            update = Update.de_json(clean, bot)
            if update is None:
                raise ValueError("empty update")
        except Exception as e:
            log.warning("update %s: python-telegram-bot could not read it (%s); answering from the raw update",
                        raw.get("update_id"), type(e).__name__)
            return service.intake_unreadable(clean, fresh, fp=fp)
        return service.intake(update, clean, fresh, fp=fp)
    except Exception as e:
        return service.poison(raw, e)


async def poll(service: TelegramService, bot: ExtBot, cfg: Config, stop: asyncio.Event) -> None:
    await _forever(lambda: bot.delete_webhook(drop_pending_updates=False), "deleteWebhook", stop, optional=True)
    log.info("long polling (timeout %d s)", cfg.poll_timeout)
    offset: int | None = None
    confirmed_below = service.journal.confirmed_below
    highest = 0
    delay = 0.5
    while not stop.is_set():
        started = time.monotonic()
        # While updates are still being journaled, getUpdates returns at once (they are not
        # confirmed yet), so don't long-poll then.
        timeout = 0 if service.unjournaled() else cfg.poll_timeout
        get = asyncio.ensure_future(
            # The raw JSON, parsed one update at a time below: python-telegram-bot's get_updates
            # fails the whole batch on one update it cannot parse, and logs the batch (message
            # texts included) when it does.
            bot.do_api_request(  # return_type None: the raw result, no parsing
                "getUpdates",
                api_kwargs={"offset": offset, "timeout": timeout, "limit": 100, "allowed_updates": ALLOWED_UPDATES},
                read_timeout=timeout + 15,
            )
        )
        stopper = asyncio.ensure_future(stop.wait())
        await asyncio.wait({get, stopper}, return_when=asyncio.FIRST_COMPLETED)
        stopper.cancel()
        if not get.done():
            get.cancel()
            break
        try:
            updates = get.result()
            delay = 0.5
            service.link.answered()  # wakes replies waiting out a backoff after an outage
            if offset is not None and offset != confirmed_below:
                # Telegram answered: everything below `offset` is confirmed and gone for good.
                confirmed_below = offset
                try:
                    service.journal.set_confirmed_below(offset)
                except Exception as e:  # the store cannot write: the batch is still handled
                    trouble = store_trouble(e)
                    if trouble:
                        service.store_health.failed(trouble, "while saving the confirmed offset")
                    else:
                        log.warning("the confirmed offset was not saved (%s)", type(e).__name__)
        except (InvalidToken, EndPointNotFound):  # do_api_request names a 401/404 after getMe so
            raise Fatal("Telegram refused the token (TELEGRAM_BOT_TOKEN). Check it with @BotFather.") from None
        except RetryAfter as e:
            service.link.answered()
            await asyncio.sleep(retry_seconds(e) + 0.1)
            continue
        except Conflict:
            log.warning("getUpdates conflict: another instance is polling, or a webhook is set; retrying")
            await asyncio.sleep(min(delay, 5))
            delay = min(delay * 2, 15.0)
            await _forever(lambda: bot.delete_webhook(drop_pending_updates=False), "deleteWebhook", stop, optional=True)
            continue
        except Exception as e:  # NetworkError, TimedOut, 5xx, a garbled answer...
            if isinstance(e, NetworkError):
                service.link.failed(e)
            # Polling is also how the bot notices Telegram is back: try again within 5 s.
            level = logging.WARNING if delay < POLL_RETRY_CAP else logging.DEBUG
            log.log(level, "getUpdates failed (%s), retrying in %.1f s", type(e).__name__, delay)
            await _wait(stop, delay)
            delay = min(delay * 2, POLL_RETRY_CAP)
            continue

        new = 0
        futures = []
        raw_updates = [u for u in (updates or []) if isinstance(u, dict) and isinstance(u.get("update_id"), int)]
        for raw in sorted(raw_updates, key=lambda u: u["update_id"]):
            if raw["update_id"] > highest:
                new += 1
                highest = raw["update_id"]
            # Below the confirmed offset it cannot be a re-delivery: Telegram starting over.
            futures.append(take_update(raw, bot, service, fresh=raw["update_id"] < confirmed_below))
        if futures:
            # The engine is quick: wait for this batch to be journaled before confirming it.
            await asyncio.wait(futures, timeout=10)
        waiting = service.unjournaled()
        if waiting:
            offset = waiting[0]
        elif highest:
            offset = highest + 1
        if updates and not new:
            await asyncio.sleep(0.2)  # only already-taken updates came back: don't spin
        elif not updates and timeout and time.monotonic() - started < 0.5:
            await asyncio.sleep(0.5)  # a server that does not long-poll: don't spin either


def webhook_routes(health: Health, cfg: Config) -> list:
    """The webhook handler, served from the start: before the bot is ready it answers 503 and
    Telegram delivers the update again later."""
    import tornado.web

    secret = cfg.webhook_secret.encode()

    class WebhookHandler(tornado.web.RequestHandler):
        def set_default_headers(self) -> None:
            self.set_header("Content-Type", "text/plain; charset=utf-8")

        def log_exception(self, typ, value, tb) -> None:  # no request bodies in logs
            log.error("webhook handler error: %s", typ.__name__ if typ else "?")

        def get(self) -> None:  # a webhook path of "/" keeps the old `GET /` check
            self.finish("ok")

        async def post(self) -> None:
            given = (self.request.headers.get("X-Telegram-Bot-Api-Secret-Token") or "").encode()
            if not hmac.compare_digest(given, secret):
                log.warning("webhook: request with a wrong or missing secret token refused")
                self.set_status(403)
                self.finish("forbidden")
                return
            service, bot = health.service, health.extra.get("bot")
            if service is None or bot is None:
                self.set_status(503)  # still starting: Telegram retries
                self.finish("starting")
                return
            try:
                data = json.loads(self.request.body or b"")
                if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                    raise ValueError("not an update")
            except ValueError:
                log.warning("webhook: a body that is not an update was refused")
                self.set_status(400)
                self.finish("bad update")
                return
            fut = take_update(data, bot, service)
            try:
                await asyncio.wait_for(asyncio.shield(fut), 50)
            except asyncio.TimeoutError:
                self.set_status(503)  # Telegram will deliver it again; the journal dedupes
                self.finish("busy")
                return
            except Exception:
                pass  # logged by the service; do not make Telegram retry a poison update
            self.finish("ok")

    return [(re.escape(cfg.webhook_path), WebhookHandler)]


async def serve_webhook(service: TelegramService, bot: ExtBot, cfg: Config, stop: asyncio.Event) -> None:
    """The server is already listening (run_bot opened it first): register the webhook, wait."""
    ok = await _forever(
        lambda: bot.set_webhook(
            url=cfg.webhook_url,
            secret_token=cfg.webhook_secret,
            allowed_updates=ALLOWED_UPDATES,
            drop_pending_updates=False,
            max_connections=40,
        ),
        "setWebhook",
        stop,
    )
    if ok:
        log.info("webhook registered")
    await stop.wait()


async def watch_backlog(service: TelegramService, stop: asyncio.Event, every: float = 60.0) -> None:
    """One ERROR line a minute while replies wait longer than a minute to be accepted; every
    minute the ids of sent messages older than Telegram's 48 hours go (journal.prune_sent)."""
    while not stop.is_set():
        try:
            await asyncio.wait_for(stop.wait(), every)
        except asyncio.TimeoutError:
            pass
        try:
            service.journal.prune_sent()
        except Exception as e:  # the database away for a moment: the housekeeping loop goes on
            trouble = store_trouble(e)
            if trouble:
                service.store_health.failed(trouble, "while pruning sent message ids")
            else:
                log.warning("sent message ids not pruned (%s)", type(e).__name__)
        age = service.backlog_age()
        if age > BACKLOG_SECONDS:
            log.error("backlog: %d update(s) with replies not yet accepted by Telegram, the oldest waiting %.0f s",
                      service.backlog_size(), age)


async def purge_daily(store: Any, stop: asyncio.Event) -> None:
    """Retention: the state of people inactive longer than BOT_RETENTION_DAYS goes, every day
    (open_store also does it at each start)."""
    from bot.store.sqlite import retention_days

    days = retention_days()
    purge = getattr(store, "purge_inactive", None)
    if purge is None or days <= 0:
        return
    while not stop.is_set():
        try:
            await asyncio.wait_for(stop.wait(), 24 * 3600)
        except asyncio.TimeoutError:
            pass
        if stop.is_set():
            return
        try:
            await asyncio.get_running_loop().run_in_executor(None, purge, days)
        except Exception as e:
            log.error("retention purge failed: %s", describe_error(e))


def _install_reload(service: TelegramService, cfg: Config, loop: asyncio.AbstractEventLoop) -> Any:
    """/reload and SIGHUP swap the engine (bot/content_loader/reload.py). A SIGHUP reload runs in
    the engine's own thread, between two updates."""
    from bot.content_loader import reload as content_reload

    def swap(engine: Any) -> None:
        service.engine = engine

    reloader = content_reload.Reloader(cfg.content_dir, lambda: service.engine, swap)
    content_reload.install(reloader)

    def on_hup() -> None:
        log.info("SIGHUP: reloading the content")
        loop.run_in_executor(service._pool, reloader.reload)

    try:
        loop.add_signal_handler(signal.SIGHUP, on_hup)
    except (NotImplementedError, RuntimeError, AttributeError):  # pragma: no cover - non-Unix
        pass
    return reloader


async def run_bot(cfg: Config) -> int:
    from bot.app import build_engine

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # pragma: no cover - non-Unix
            pass

    # The port first: a platform kills a web process that does not bind $PORT in time, and
    # neither the content nor Telegram must be able to make it late. /healthz says "starting".
    health = Health()
    server = None
    if cfg.mode == "webhook":
        server = start_server(cfg.port, cfg.listen, webhook_routes(health, cfg) + health_routes(health))
        log.info("webhook server listening on %s:%d%s (health: /healthz)", cfg.listen, cfg.port, cfg.webhook_path)
    elif cfg.health_port:
        server = start_server(cfg.health_port, cfg.listen, health_routes(health))
        log.info("health check listening on %s:%d/healthz", cfg.listen, cfg.health_port)
    journal = None
    service = None
    bot = None
    commands = watcher = purger = housekeeping = cluster = None
    t0 = time.monotonic()
    try:
        # Content is parsed and checked in a thread, so /healthz answers meanwhile.
        engine = await loop.run_in_executor(None, lambda: build_engine(cfg.content_dir, db_path=cfg.db_path))
        db_path = cfg.db_path or getattr(getattr(engine, "store", None), "path", None) or "data/bot.sqlite3"
        store = getattr(engine, "store", None)
        # One connection: an update's session change and journal entry commit together.
        journal = Journal(store if database_of(store) is not None else db_path)

        def store_check(store=engine.store, journal=journal) -> None:
            store.load_session("health:probe")
            journal.seen(-1)
            if health.service is not None:
                health.service.probe_store()  # can it write again? (only while it could not)

        health.store_check = store_check
        bot = make_bot(cfg)
        await _forever(bot.initialize, "getMe", stop)  # initialize() asks getMe who we are
        if stop.is_set():
            return 0
        health.telegram = True
        me_user = bot.bot
        me = BotIdentity(me_user.id, me_user.username or "")
        engine.bot_username = me.username or None  # share links: https://t.me/<bot>?start=...
        engine.admins = {f"tg:{i}" for i in cfg.admin_ids}
        log.info("bot @%s started (%s mode)", me.username, cfg.mode)
        service = TelegramService(engine, bot, journal, me, ChatPacer(cfg.chat_rate, cfg.chat_burst))
        from .handoff import attach

        relay = attach(service, engine)  # caseworkers' forum topics (HANDOFF_CHAT_ID), or None
        reloader = _install_reload(service, cfg, loop)  # /reload and SIGHUP re-read the content
        service.resume()
        if getattr(store, "shared", False):  # several instances on PostgreSQL (cluster.py)
            from .cluster import Cluster

            cluster = asyncio.ensure_future(Cluster(service, journal, store, reloader).run(stop))
        health.extra["bot"] = bot
        health.service = service
        commands = asyncio.ensure_future(register_commands(bot, stop))
        watcher = asyncio.ensure_future(watch_backlog(service, stop))
        purger = asyncio.ensure_future(purge_daily(engine.store, stop))
        housekeeping = asyncio.ensure_future(relay.run(stop)) if relay is not None else None
        t0 = time.monotonic()
        if cfg.mode == "webhook":
            await serve_webhook(service, bot, cfg, stop)
        else:
            await poll(service, bot, cfg, stop)
    finally:
        log.info("stopping after %.0f s", time.monotonic() - t0)
        stop.set()
        for task in (commands, watcher, purger, housekeeping, cluster):
            if task is not None:
                task.cancel()
        if service is not None:
            await service.drain(timeout=5)
        if bot is not None and health.telegram:
            try:
                await bot.shutdown()
            except Exception as e:  # pragma: no cover
                log.warning("shutdown: %s", describe_error(e))
        if server is not None:
            server.stop()
        if journal is not None:
            journal.close()
    return 0
