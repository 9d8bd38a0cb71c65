"""Run the real `python -m bot run` against the emulator, and talk to it like a person would.

Every wait is bounded. The bot's log line for each update ("update N: ...") tells a test when
the bot has finished with an update, so tests never sleep for a guessed time.
"""
from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterator

from bot.engine.events import Event, Reply

from emulator import BotAPIEmulator

REPO = Path(__file__).resolve().parents[2]
TOKEN = "123456:TEST-TOKEN-abcdef"
OUTPUTS: list[str] = []  # everything any bot process printed, for the token check


def passthrough_env() -> dict[str, str]:
    """BOT_CONTENT_DIR reaches the bot under test (the packaging test runs the suite on installed content)."""
    return {"BOT_CONTENT_DIR": os.environ["BOT_CONTENT_DIR"]} if os.environ.get("BOT_CONTENT_DIR") else {}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class BotProcess:
    def __init__(self, emu: BotAPIEmulator, db: Path, wrap: list[str] | None = None, **env: str) -> None:
        self.emu = emu
        self.db = db
        self.wrap = list(wrap or [])  # a command the bot runs under (e.g. unshare for a small disk)
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_", "BOT_"))},
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": emu.api_url,
            "BOT_DB": str(db),
            "TELEGRAM_POLL_TIMEOUT": "10",
            "TELEGRAM_CHAT_BURST": "1000",  # tests click far faster than people; pacing has its own test
            "PYTHONUNBUFFERED": "1",
            **env,
        }
        self.lines: list[str] = []
        self.cond = threading.Condition()
        self.proc: subprocess.Popen | None = None

    def start(self, ready: str = r"long polling|webhook registered", timeout: float = 15) -> "BotProcess":
        self.proc = subprocess.Popen(
            [*self.wrap, sys.executable, "-m", "bot", "run"], cwd=REPO, env=self.env,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for stream in (self.proc.stdout, self.proc.stderr):
            threading.Thread(target=self._read, args=(stream,), daemon=True).start()
        self.wait_log(ready, timeout)
        return self

    def _read(self, stream) -> None:
        for line in stream:
            with self.cond:
                self.lines.append(line.rstrip("\n"))
                self.cond.notify_all()
        with self.cond:
            self.cond.notify_all()

    def output(self) -> str:
        with self.cond:
            return "\n".join(self.lines)

    def wait_log(self, pattern: str, timeout: float = 8, since: int = 0) -> re.Match:
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for line in self.lines[since:]:
                    m = rx.search(line)
                    if m:
                        return m
                if self.proc is not None and self.proc.poll() is not None:
                    raise AssertionError(f"bot exited ({self.proc.returncode}) waiting for {pattern!r}:\n{self.output()[-3000:]}")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no log line {pattern!r} within {timeout} s:\n{self.output()[-3000:]}")
                self.cond.wait(min(left, 0.2))

    def count(self, pattern: str) -> int:
        """How many lines of the output match."""
        rx = re.compile(pattern)
        with self.cond:
            return sum(1 for line in self.lines if rx.search(line))

    def wait_done(self, update_id: int, timeout: float = 8) -> str:
        """The bot's one log line saying it finished with this update (sent, ignored, skipped)."""
        m = self.wait_log(
            rf"update {update_id}: (.* -> \d+ message\(s\).*|.* ignored|already handled, skipped|.*nothing to send)$",
            timeout,
        )
        return m.group(0)

    def kill9(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(5)
        self._keep()

    def stop(self) -> int:
        if self.proc is None:
            return 0
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(8)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self._keep()
        return self.proc.returncode

    def _keep(self) -> None:
        time.sleep(0.05)
        OUTPUTS.append(self.output())


def shape(msg_or_reply: Any) -> tuple[str, list[list[tuple[str, str]]]]:
    """(text, [[(label, data)]]) of a message the emulator recorded, or of an engine Reply."""
    if isinstance(msg_or_reply, Reply):
        text = msg_or_reply.text
        att = msg_or_reply.attachment
        if att is not None:  # a file, with the text as its caption
            text = f"{text}\n[{att.kind}:{att.filename}]"
        return text, [[(b.label, b.data or b.url) for b in row] for row in msg_or_reply.buttons]
    kb = (msg_or_reply.get("reply_markup") or {}).get("inline_keyboard") or []
    text = msg_or_reply.get("text")
    for kind in ("document", "photo"):
        if kind in msg_or_reply:
            text = f"{msg_or_reply.get('caption', '')}\n[{kind}:{msg_or_reply['_file']['filename']}]"
    return text, [[(b["text"], b.get("callback_data") or b.get("url")) for b in row] for row in kb]


class Person:
    """A Telegram user talking to the bot, with an in-process engine as the oracle of what the
    bot should answer (the same content, its own store)."""

    def __init__(self, bot: BotProcess, oracle: Any, uid: int, lang: str | None = "id") -> None:
        self.bot, self.emu, self.oracle = bot, bot.emu, oracle
        self.uid = uid
        self.user = BotAPIEmulator.user(uid, lang)
        self.lang = lang

    def _do(self, inject: Callable[[], int], timeout: float = 8) -> list[dict[str, Any]]:
        before = len(self.emu.sent_to(self.uid))
        update_id = inject()
        self.bot.wait_done(update_id, timeout)
        return [dict(m) for m in self.emu.sent_to(self.uid)[before:]]

    def expect(self, event: Event | None) -> list[tuple]:
        if event is None:
            return []
        return [shape(r) for r in self.oracle.handle(f"tg:{self.uid}", event)]

    def say(self, text: str, event: Event | None = None) -> list[dict[str, Any]]:
        got = self._do(lambda: self.emu.send_text(self.user, text))
        self.check(got, event if event is not None else Event.message(text, lang_hint=self.lang))
        return got

    def command(self, text: str, event: Event) -> list[dict[str, Any]]:
        return self.say(text, event)

    def send(self, kind: str, caption: str | None = None, event: Event | None = None) -> list[dict[str, Any]]:
        got = self._do(lambda: self.emu.send_media(self.user, kind, caption))
        self.check(got, event)
        return got

    def press(self, message: dict[str, Any], data: Any, event: Event | None = None) -> list[dict[str, Any]]:
        answers = len(self.emu.callback_answers)
        got = self._do(lambda: self.emu.press(self.user, data, message))
        self.emu.wait_until(lambda: len(self.emu.callback_answers) > answers, 5)
        self.check(got, event if event is not None else Event.button(data, lang_hint=self.lang))
        return got

    def check(self, got: list[dict[str, Any]], event: Event | None) -> None:
        want = self.expect(event)
        assert [shape(m) for m in got] == want, f"bot sent {[shape(m) for m in got]!r}\nexpected {want!r}"


def button(messages: list[dict[str, Any]], data_prefix: str) -> tuple[dict[str, Any], str]:
    """The (message, data) of the first button whose data starts with data_prefix."""
    for m in messages:
        for row in (m.get("reply_markup") or {}).get("inline_keyboard") or []:
            for b in row:
                if b.get("callback_data", "").startswith(data_prefix):
                    return m, b["callback_data"]
    raise AssertionError(f"no button {data_prefix!r} in {[shape(m) for m in messages]!r}")


@contextlib.contextmanager
def running_bot(db: Path, **env: str) -> Iterator[tuple[BotAPIEmulator, BotProcess]]:
    """The emulator and the real bot process long-polling it, both stopped whatever the test does."""
    emu = BotAPIEmulator(TOKEN).start()
    try:
        bot = BotProcess(emu, db, **passthrough_env(), **env).start()
        try:
            yield emu, bot
        finally:
            bot.stop()
    finally:
        emu.stop()
