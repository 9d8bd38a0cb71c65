"""Configuration of `python -m bot run`, from the environment."""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

DEFAULT_API_URL = "https://api.telegram.org/bot"
TOKEN_RE = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{1,200}$")
SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")

NO_TOKEN_MESSAGE = """\
TELEGRAM_BOT_TOKEN is not set, so the bot cannot connect to Telegram.

  - To try the bot without Telegram, chat with it in this terminal:  make chat
  - To run it on Telegram, get a token from @BotFather and start it with
        TELEGRAM_BOT_TOKEN=<your token> make run
    (see docs/telegram.md for webhooks, self-hosted Bot API servers and deploying)."""


class ConfigError(Exception):
    """A configuration problem, worded for the person running the bot (never shows the token)."""


def file_url_for(api_url: str) -> str:
    """The file download URL that goes with a Bot API base URL.

    `https://api.telegram.org/bot` -> `https://api.telegram.org/file/bot`; the same rule for a
    self-hosted server (`http://host:8081/bot` -> `http://host:8081/file/bot`), also when the URL
    carries a `{token}` placeholder.
    """
    i = api_url.rfind("/bot")
    if i < 0:
        return api_url.rstrip("/") + "/file/bot"
    return api_url[:i] + "/file" + api_url[i:]


@dataclass
class Config:
    token: str
    api_url: str = DEFAULT_API_URL
    file_url: str = ""
    db_path: str | None = None
    content_dir: str | None = None
    admin_ids: list[int] = field(default_factory=list)
    webhook_url: str | None = None
    webhook_secret: str = ""
    port: int = 8080
    listen: str = "0.0.0.0"
    poll_timeout: int = 30
    chat_rate: float = 1.0
    chat_burst: int = 8
    overall_rate: float = 30.0  # messages a second to all chats together (Telegram's limit); 0: none
    health_port: int | None = None  # polling mode: serve GET /healthz here (HEALTH_PORT)

    @property
    def webhook_path(self) -> str:
        path = urlsplit(self.webhook_url or "").path or "/"
        return path

    @property
    def mode(self) -> str:
        return "webhook" if self.webhook_url else "polling"


def load_config(env: dict[str, str] | None = None) -> Config:
    env = dict(os.environ if env is None else env)
    token = (env.get("TELEGRAM_BOT_TOKEN") or "").strip()
    if not token:
        raise ConfigError(NO_TOKEN_MESSAGE)
    if not TOKEN_RE.match(token):
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN does not look like a bot token (expected <digits>:<letters>, as "
            "@BotFather gives it). Check it for quotes or spaces. To try the bot without Telegram: make chat"
        )
    api_url = (env.get("TELEGRAM_API_URL") or DEFAULT_API_URL).strip()
    if "{token}" not in api_url:
        api_url = api_url.rstrip("/")  # the token follows directly: ".../bot" + "123:abc"
    if not re.match(r"^https?://", api_url):
        raise ConfigError("TELEGRAM_API_URL must start with http:// or https:// (e.g. https://api.telegram.org/bot)")
    file_url = (env.get("TELEGRAM_FILE_URL") or "").strip() or file_url_for(api_url)

    admin_ids: list[int] = []
    for part in (env.get("ADMIN_IDS") or "").replace(" ", "").split(","):
        if not part:
            continue
        if not part.lstrip("-").isdigit():
            raise ConfigError(f"ADMIN_IDS must be comma-separated Telegram user ids, not {part!r}")
        admin_ids.append(int(part))

    webhook_url = (env.get("WEBHOOK_URL") or "").strip() or None
    secret = (env.get("WEBHOOK_SECRET") or "").strip()
    if webhook_url:
        if not re.match(r"^https?://", webhook_url):
            raise ConfigError("WEBHOOK_URL must be the public https:// address Telegram should call")
        if not secret:
            # Stable across restarts, unguessable without the token, and never the token itself.
            secret = hashlib.sha256(("migrasi-aman-webhook:" + token).encode()).hexdigest()[:48]
        elif not SECRET_RE.match(secret):
            raise ConfigError("WEBHOOK_SECRET may only hold A-Z a-z 0-9 _ - (1 to 256 characters)")

    try:
        port = int(env.get("PORT") or 8080)
        poll_timeout = int(env.get("TELEGRAM_POLL_TIMEOUT") or 30)
        chat_burst = int(env.get("TELEGRAM_CHAT_BURST") or 8)
        chat_rate = float(env.get("TELEGRAM_CHAT_RATE") or 1.0)
        overall_rate = float(env.get("TELEGRAM_OVERALL_RATE") or 30.0)
        health_port = int(env["HEALTH_PORT"]) if (env.get("HEALTH_PORT") or "").strip() else None
        float(env.get("BOT_RETENTION_DAYS") or 180)
    except ValueError as e:
        raise ConfigError(
            f"PORT, HEALTH_PORT, BOT_RETENTION_DAYS, TELEGRAM_POLL_TIMEOUT, TELEGRAM_CHAT_BURST, TELEGRAM_CHAT_RATE and TELEGRAM_OVERALL_RATE must be numbers ({e})"
        ) from None

    return Config(
        token=token,
        api_url=api_url,
        file_url=file_url,
        db_path=env.get("BOT_DB") or None,
        content_dir=env.get("BOT_CONTENT_DIR") or None,
        admin_ids=admin_ids,
        webhook_url=webhook_url,
        webhook_secret=secret,
        port=port,
        listen=(env.get("WEBHOOK_LISTEN") or "0.0.0.0").strip(),
        poll_timeout=max(0, min(poll_timeout, 50)),
        chat_rate=max(chat_rate, 0.01),
        chat_burst=max(chat_burst, 1),
        overall_rate=max(overall_rate, 0.0),
        health_port=health_port,
    )
