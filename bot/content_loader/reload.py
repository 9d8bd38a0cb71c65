"""Reload content in the running bot: an admin's /reload in Telegram, or SIGHUP.

The new content goes through exactly the validation of start-up and `content check`
(load_content). If it fails, the bot keeps serving the old content, and the admin (and the log)
get the problems, errors first, with file and line. If it passes, a new Engine on the same store
replaces the old one between two updates: sessions live in the store, so people keep their
place; someone whose screen was removed gets a kind line and the menu on their next tap.
"""
from __future__ import annotations

import logging
import threading
from typing import Any, Callable

log = logging.getLogger("bot.content")

MAX_LISTED = 15  # problems listed in the admin's message; the log gets them all

CURRENT: "Reloader | None" = None  # set by the adapter that can swap engines (Telegram runner)


class Reloader:
    """`get()` returns the engine in use, `swap(engine)` puts a new one in its place."""

    def __init__(self, content_path: Any, get: Callable[[], Any], swap: Callable[[Any], None]) -> None:
        self.content_path = content_path
        self.get = get
        self.swap = swap
        self._lock = threading.Lock()
        self.last_errors: list[str] = []
        # several instances (bot/adapters/telegram/cluster.py): tell the others to reload too
        self.on_reloaded: Callable[[], None] | None = None

    def reload(self, publish: bool = True) -> tuple[bool, str]:
        """Load, check and swap in the content. `publish`: this reload was asked here (/reload,
        SIGHUP), so the other instances on the same database are told (not when it was asked by
        another instance)."""
        from bot.app import build_engine, content_dir
        from bot.content_loader import ContentError

        with self._lock:
            old = self.get()
            base = content_dir(self.content_path)
            try:
                new = build_engine(base, store=old.store)
            except ContentError as e:
                errors = [p for p in e.problems if p.severity == "error"]
                log.error("content reload failed: %d error(s); still serving the old content\n%s",
                          len(errors), "\n".join(f"  {p}" for p in errors))
                self.last_errors = [str(p) for p in errors]
                listed = "\n".join(f"• {p}" for p in errors[:MAX_LISTED])
                more = f"\n… (+{len(errors) - MAX_LISTED}: python -m bot content check)" if len(errors) > MAX_LISTED else ""
                return False, f"{len(errors)}:\n{listed}{more}"
            except Exception as e:  # a tool that cannot start on it, a bug: keep the old engine
                log.error("content reload failed (%s); still serving the old content", type(e).__name__)
                self.last_errors = [f"{type(e).__name__}: {e}"]
                return False, f"1:\n• {type(e).__name__}: {e}"
            new.admins = set(getattr(old, "admins", set()))
            new.bot_username = getattr(old, "bot_username", None)
            self.swap(new)
            warnings = len(new.content.warnings)
            log.info("content reloaded from %s: %d module(s), %d warning(s)", base, len(new.content.modules), warnings)
            self.last_errors = []
            if publish and self.on_reloaded is not None:
                try:
                    self.on_reloaded()
                except Exception as e:  # the others keep their content: logged, this one reloaded
                    log.error("could not tell the other instances to reload (%s)", type(e).__name__)
            return True, f"{len(new.content.modules)} module(s), {warnings} warning(s)"


def install(reloader: Reloader | None) -> None:
    global CURRENT
    CURRENT = reloader


def make_command(content: Any, store: Any):
    from bot.content_loader.reload_command import ReloadCommand

    return ReloadCommand()
