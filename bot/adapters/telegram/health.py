"""`GET /healthz`: tells a platform the truth about the bot, from the first second.

200 `ok` only when the bot has reached Telegram (getMe answered), its store answers a query
and could write the last update, and no reply or update has waited longer than a minute. Otherwise 503 with one word:
`starting` (content loading, or Telegram not reached yet), `store`, `backlog`.

The server (tornado, which python-telegram-bot's webhooks already bring) is opened before
anything else: in webhook mode on $PORT, so a platform that kills a process that does not bind
its port in time never kills a bot waiting for a slow Telegram; in polling mode on HEALTH_PORT.
Webhook calls that arrive before the bot is ready get 503, and Telegram delivers them again.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any, Callable

log = logging.getLogger("bot.telegram")

BACKLOG_SECONDS = 60.0


@dataclass
class Health:
    telegram: bool = False  # getMe answered
    service: Any = None  # the TelegramService, once running
    store_check: Callable[[], None] | None = None  # raises when the store does not answer
    backlog_limit: float = BACKLOG_SECONDS
    extra: dict[str, Any] = field(default_factory=dict)

    async def status(self) -> tuple[int, str]:
        if not self.telegram or self.service is None or self.store_check is None:
            return 503, "starting"
        try:
            loop = asyncio.get_running_loop()
            await asyncio.wait_for(loop.run_in_executor(None, self.store_check), 3)
        except Exception as e:
            log.warning("health: the store did not answer (%s)", type(e).__name__)
            return 503, "store"
        if getattr(getattr(self.service, "store_health", None), "trouble", ""):
            return 503, "store"  # it answers reads but cannot write (a locked file, a full disk)
        if self.service.backlog_age() > self.backlog_limit:
            return 503, "backlog"
        return 200, "ok"


def health_routes(health: Health) -> list:
    import tornado.web

    class HealthHandler(tornado.web.RequestHandler):
        def set_default_headers(self) -> None:
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.set_header("Cache-Control", "no-store")

        async def get(self) -> None:
            code, word = await health.status()
            self.set_status(code)
            self.finish(word)

    class RootHandler(tornado.web.RequestHandler):  # the old `GET /` check: the process is up
        def get(self) -> None:
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish("ok")

    return [(r"/healthz", HealthHandler), (r"/", RootHandler)]


def start_server(port: int, address: str, routes: list) -> Any:
    """Listen now (called before content, store or Telegram are touched)."""
    import tornado.httpserver
    import tornado.web

    app = tornado.web.Application(routes, log_function=lambda handler: None)
    server = tornado.httpserver.HTTPServer(app, xheaders=True, max_body_size=1 << 20)
    server.listen(port, address=address)
    return server
