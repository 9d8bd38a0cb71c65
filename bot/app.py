"""The composition root: content + store + tools -> an Engine. Adapters call build_engine()."""
from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import Any

from bot.resources import REPO_DIR, content_dir as _default_content_dir  # noqa: F401 - REPO_DIR: kept for callers

DEFAULT_CONTENT_DIR = _default_content_dir()  # the packaged content, or the checkout's content/

# Each entry: "module:factory", called as factory(content, store) -> Tool.
TOOL_FACTORIES: list[str] = [
    "bot.offers.tool:make_tool",
    "bot.registry.tool:make_tools",
    "bot.handoff.tool:make_tool",
]


# Each entry: "module:factory", called as factory(content, store) -> Command or list of them.
COMMAND_FACTORIES: list[str] = [
    "bot.share.commands:make_commands",
    "bot.stats.command:make_commands",
    "bot.handoff.tool:make_commands",
    "bot.privacy:make_command",
    "bot.content_loader.reload:make_command",
    "bot.alerts.commands:make_commands",
]


def make_commands(content: Any, store: Any) -> list[Any]:
    return _made(COMMAND_FACTORIES, content, store)


def content_dir(arg: str | os.PathLike[str] | None = None) -> Path:
    return Path(arg or os.environ.get("BOT_CONTENT_DIR") or DEFAULT_CONTENT_DIR)


def make_tools(content: Any, store: Any) -> list[Any]:
    return _made(TOOL_FACTORIES, content, store)


def _made(specs: list[str], content: Any, store: Any) -> list[Any]:
    """What each "module:factory" makes from (content, store): one thing, a list, or None."""
    out: list[Any] = []
    for spec in specs:
        mod_name, _, attr = spec.partition(":")
        made = getattr(importlib.import_module(mod_name), attr)(content, store)
        if made is None:
            continue
        out.extend(made if isinstance(made, (list, tuple)) else [made])
    return out


def build_engine(content_path: str | os.PathLike[str] | None = None, store: Any = None, db_path: str | None = None):
    """Load and validate content (raises ContentError on any problem), open the store, wire tools."""
    from bot.content_loader import load_content
    from bot.engine import Engine
    from bot.store import open_store

    content = load_content(content_dir(content_path))
    if store is None:
        store = open_store(db_path)
    tools = make_tools(content, store)
    engine = Engine(content, store, tools=tools, commands=make_commands(content, store))
    from bot.stats.recorder import attach as attach_reach

    attach_reach(engine, store)  # reach figures per referral code (bot/stats)
    return engine
