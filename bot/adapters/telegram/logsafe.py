"""Logging that never shows the bot token and never shows what people wrote.

httpx logs every request URL at INFO, and Bot API URLs contain the token, so httpx and httpcore
are raised to WARNING. On top of that every formatted line, exception tracebacks included, goes
through a redaction step that replaces the token (and its secret half, in case it appears
URL-encoded or split) with `<token>`. Uncaught exceptions (sys.excepthook, asyncio) go through
the same redaction.
"""
from __future__ import annotations

import logging
import os
import sys
import threading
from typing import Iterable

REDACTED = "<token>"


class Redactor:
    """Replaces secrets in strings. Secrets shorter than 6 characters are ignored (too generic)."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: list[str] = []
        for s in secrets:
            self.add(s)

    def add(self, secret: str | None) -> None:
        if not secret:
            return
        parts = [secret]
        if ":" in secret:
            parts.append(secret.split(":", 1)[1])  # the secret half of "<bot id>:<secret>"
        for p in parts:
            if len(p) >= 6 and p not in self._secrets:
                self._secrets.append(p)
        self._secrets.sort(key=len, reverse=True)  # the whole token before its half

    def __call__(self, text: str) -> str:
        for s in self._secrets:
            if s in text:
                text = text.replace(s, REDACTED)
        return text


class RedactingFormatter(logging.Formatter):
    def __init__(self, redactor: Redactor, fmt: str | None = None) -> None:
        super().__init__(fmt)
        self.redactor = redactor

    def format(self, record: logging.LogRecord) -> str:
        return self.redactor(super().format(record))


class RedactingFilter(logging.Filter):
    """For handlers we do not own: rewrites the record's message and traceback in place."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            msg = record.getMessage()
        except Exception:  # a bad format string: keep the raw message
            msg = str(record.msg)
        record.msg, record.args = self.redactor(msg), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redactor(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redactor(record.stack_info)
        return True


_installed = threading.Lock()


def setup_logging(token: str | None, level: str | int | None = None) -> Redactor:
    """Configure the root logger for `python -m bot run` and install the redaction everywhere."""
    redactor = Redactor([token] if token else [])
    level = level or os.environ.get("LOG_LEVEL") or "INFO"
    root = logging.getLogger()
    with _installed:
        for h in list(root.handlers):
            root.removeHandler(h)
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(RedactingFormatter(redactor, "%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler.addFilter(RedactingFilter(redactor))
        root.addHandler(handler)
        root.setLevel(level if isinstance(level, int) else str(level).upper())
        # httpx logs request URLs (which contain the token) at INFO; tornado logs each request.
        for noisy in ("httpx", "httpcore", "tornado.access", "hpack"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
        # python-telegram-bot logs request parameters (message texts) at DEBUG: never show
        # those, even with LOG_LEVEL=DEBUG.
        logging.getLogger("telegram").setLevel(max(logging.INFO, root.level))

    def excepthook(exc_type, exc, tb):  # pragma: no cover - last resort
        import traceback

        sys.stderr.write(redactor("".join(traceback.format_exception(exc_type, exc, tb))))

    sys.excepthook = excepthook
    return redactor
