"""GET /healthz (issue 12): the port opens first, and the answer tells the truth."""
from __future__ import annotations

import asyncio
import os
import time
import urllib.error
import urllib.request

from emulator import BotAPIEmulator
from tg_harness import TOKEN, BotProcess, free_port

from bot.adapters.telegram.health import Health


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()
    except OSError:
        return 0, ""


def env() -> dict[str, str]:
    return {"BOT_CONTENT_DIR": os.environ["BOT_CONTENT_DIR"]} if os.environ.get("BOT_CONTENT_DIR") else {}


def test_webhook_port_opens_before_telegram_answers_and_healthz_says_starting_then_ok(tmp_path):
    emu = BotAPIEmulator(TOKEN).start()
    emu.fail("getMe", "slow", seconds=6)  # Telegram slow at boot
    port = free_port()
    url = f"http://127.0.0.1:{port}/healthz"
    bot = BotProcess(emu, tmp_path / "bot.sqlite3", WEBHOOK_URL=f"http://127.0.0.1:{port}/hook",
                     PORT=str(port), WEBHOOK_LISTEN="127.0.0.1", **env())
    try:
        bot.start(ready=r"webhook server listening", timeout=30)
        seen = set()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            code, word = get(url)
            seen.add((code, word))
            if code == 200:
                break
            time.sleep(0.2)
        assert (503, "starting") in seen, seen  # served while getMe hung
        assert (200, "ok") in seen, seen
        assert emu.method_calls("getMe")
        bot.wait_log("webhook registered", timeout=30)
    finally:
        bot.stop()
        emu.stop()


def test_polling_mode_serves_healthz_on_health_port(tmp_path):
    emu = BotAPIEmulator(TOKEN).start()
    port = free_port()
    bot = BotProcess(emu, tmp_path / "bot.sqlite3", HEALTH_PORT=str(port), **env())
    try:
        bot.start(timeout=30)
        assert get(f"http://127.0.0.1:{port}/healthz") == (200, "ok")
    finally:
        bot.stop()
        emu.stop()


class FakeService:
    def __init__(self, age: float) -> None:
        self.age = age

    def backlog_age(self) -> float:
        return self.age


def test_health_words():
    def ok() -> None:
        pass

    def broken() -> None:
        raise OSError("disk I/O error")

    run = asyncio.run
    assert run(Health().status()) == (503, "starting")
    assert run(Health(telegram=False, service=FakeService(0), store_check=ok).status()) == (503, "starting")
    assert run(Health(telegram=True, service=FakeService(0), store_check=ok).status()) == (200, "ok")
    assert run(Health(telegram=True, service=FakeService(0), store_check=broken).status()) == (503, "store")
    assert run(Health(telegram=True, service=FakeService(61), store_check=ok).status()) == (503, "backlog")
    assert run(Health(telegram=True, service=FakeService(59), store_check=ok).status()) == (200, "ok")
