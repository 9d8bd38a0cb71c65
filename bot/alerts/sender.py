"""Send one alert to its subscribers: in order, at most RATE a second, resumable, each once.

On PostgreSQL several instances may send the same alert at once (an admin's
/kirim_peringatan on each, or the CLI beside the bot): they take deliveries from one queue
(AlertStore.take, FOR UPDATE SKIP LOCKED) and their messages from one rate budget in the
database (AlertStore.reserve), so each person gets it once and together they stay within the rate."""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any, Callable

from bot.alerts.store import AlertStore

log = logging.getLogger("bot.alerts")

RATE = 25.0  # messages a second: under Telegram's ~30/s for a bot, leaving room for replies
MAX_TRIES = 5


@dataclass
class Outcome:
    """What one sendMessage came to: "sent", "blocked" (403: the person blocked the bot),
    "failed" (400: no such chat...), or "retry" after `wait` seconds (429, network)."""

    state: str
    wait: float = 0.0


@dataclass
class Summary:
    alert: str
    sent: int = 0
    failed: int = 0
    unsubscribed: int = 0
    total: int = 0

    def line(self) -> str:
        return f"alert {self.alert}: sent {self.sent}, failed {self.failed}, unsubscribed {self.unsubscribed} (blocked the bot), of {self.total}"


class HttpApi:
    """sendMessage through the Bot API with httpx (the CLI and the admin command use this)."""

    def __init__(self, token: str, api_url: str = "https://api.telegram.org/bot", timeout: float = 15.0) -> None:
        import httpx

        base = api_url.replace("{token}", token) if "{token}" in api_url else api_url.rstrip("/") + token
        self.url = base.rstrip("/") + "/sendMessage"
        self.client = httpx.Client(timeout=timeout)

    def send(self, chat_id: int, text: str) -> Outcome:
        import httpx

        try:
            r = self.client.post(self.url, json={"chat_id": chat_id, "text": text, "link_preview_options": {"is_disabled": True}})
        except httpx.HTTPError:
            return Outcome("retry", 1.0)
        try:
            body = r.json()
        except ValueError:
            body = {}
        if r.status_code == 200 and body.get("ok"):
            return Outcome("sent")
        if r.status_code == 403:
            return Outcome("blocked")
        if r.status_code == 429:
            return Outcome("retry", float((body.get("parameters") or {}).get("retry_after") or 1) + 0.1)
        if r.status_code >= 500:
            return Outcome("retry", 1.0)
        return Outcome("failed")

    def close(self) -> None:
        self.client.close()


def alert_text(content: Any, name: str, lang: str) -> str:
    from bot.i18n import translator

    data = content.files[f"alerts/{name}.yaml"]
    text = data["text"]
    shown = content.t(text, lang)
    if not text.get(lang) and lang != content.default_language:
        shown += "\n\n" + translator(lang)("(Not yet translated: shown in {language}.)").format(
            language=content.lang_name(content.default_language))
    return shown


def alert_names(content: Any) -> list[str]:
    return sorted(rel[len("alerts/"):-len(".yaml")] for rel in content.files if rel.startswith("alerts/"))


def send_alert(store: AlertStore, content: Any, name: str, send: Callable[[int, str], Outcome], rate: float = RATE,
               clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep,
               progress: Callable[[Summary], None] | None = None) -> Summary:
    """Send alert `name` to every subscriber who has not had it; returns what this run did."""
    if f"alerts/{name}.yaml" not in content.files:
        raise KeyError(name)
    texts = {lang: alert_text(content, name, lang) for lang in content.languages}
    other = store.claim(name)
    if other is not None:
        raise AlreadySending(f"alert {name} is being sent by process {other}; `alert status {name}` shows its progress")
    try:
        return _send(store, content, name, send, texts, rate, clock, sleep, progress)
    finally:
        store.release(name)


class AlreadySending(RuntimeError):
    pass


class _LocalPace:
    """One sender: at most `rate` a second, by this process's clock."""

    def __init__(self, rate: float, clock: Callable[[], float], sleep: Callable[[float], None]) -> None:
        self.interval, self.clock, self.sleep = 1.0 / rate, clock, sleep
        self.next_at = clock()

    def wait(self) -> None:
        now = self.clock()
        if now < self.next_at:
            self.sleep(self.next_at - now)
        self.next_at = max(self.next_at, self.clock()) + self.interval

    def after_retry(self) -> None:
        self.next_at = self.clock()


class _SharedPace:
    """Several instances sending together (PostgreSQL): each message takes a moment from the
    rate budget in the database, so together they send at most `rate` a second."""

    def __init__(self, store: AlertStore, rate: float, sleep: Callable[[float], None],
                 wall: Callable[[], float] = time.time) -> None:
        self.store, self.interval, self.sleep, self.wall = store, 1.0 / rate, sleep, wall

    def wait(self) -> None:
        at = self.store.reserve(self.interval, self.wall())
        left = at - self.wall()
        if left > 0:
            self.sleep(left)

    def after_retry(self) -> None:
        pass


def _send(store, content, name, send, texts, rate, clock, sleep, progress) -> Summary:
    store.plan(name)
    summary = Summary(name, total=store.status(name)["total"])
    shared = getattr(store, "shared", False)
    pace = _SharedPace(store, rate, sleep) if shared else _LocalPace(rate, clock, sleep)
    while True:
        batch = store.take(name) if shared else store.todo(name)
        if not batch:
            break
        for seq, user_key, chat_id, lang, _state in batch:
            text = texts.get(lang) or texts[content.default_language]
            for attempt in range(MAX_TRIES):
                pace.wait()
                store.mark(name, seq, "sending")  # before the request: a crash now resends this one
                out = send(chat_id, text)
                if out.state != "retry":
                    break
                log.warning("alert %s: delivery %d: retry in %.1f s", name, seq, out.wait)
                sleep(out.wait)
                pace.after_retry()
            state = out.state if out.state != "retry" else "failed"
            store.mark(name, seq, state)
            if state == "sent":
                summary.sent += 1
            elif state == "blocked":
                store.unsubscribe_key(user_key)
                summary.unsubscribed += 1
            else:
                summary.failed += 1
            if progress and (summary.sent + summary.failed + summary.unsubscribed) % 50 == 0:
                progress(summary)
    log.info("%s", summary.line())
    return summary
