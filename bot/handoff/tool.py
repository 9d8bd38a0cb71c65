"""The engine side of the handoff: a Tool for the consent step, a Command for /selesai.

- The "👤 Talk to a person" button (`t:handoff:`) starts the tool: it explains what will happen
  and asks for consent with buttons. Only a tap on "Yes" (or a typed "yes" to that question)
  gives the reply whose source is `handoff:consent`: the Telegram side opens a case only then.
- The engine shows the button (emergency reply, "are you a human?", the help module) only while
  the tool is `available`, that is while HANDOFF_CHAT_ID is set. The tool is always registered,
  so content that names it (`tool: handoff`) checks the same with or without a desk.
- `/selesai` (and `/end`) closes the person's open case.

Wired in bot/app.py (TOOL_FACTORIES, COMMAND_FACTORIES).
"""
from __future__ import annotations

import logging
import os
from typing import Any

from bot.engine.commands import Command
from bot.engine.events import Reply
from bot.engine.tools import Tool, ToolContext
from bot.engine.turn import Turn

from . import config
from .cases import CaseBook
from .desk import NO, TOOL, YES, YES_NAME, Desk

log = logging.getLogger(__name__)
_desks: dict[int, tuple[Any, Desk]] = {}  # one desk (and case book) per store


def desk_for(content: Any, store: Any) -> Desk:
    """The desk of this store: the tool, the command and the Telegram side share it."""
    held = _desks.get(id(store))
    if held is not None and held[0] is store:
        return held[1]
    try:
        cfg = config.load(os.environ, tuple(content.languages))
    except config.HandoffConfigError as e:  # the operator's setting, not a secret: say what to fix
        log.error("%s", e)
        raise
    path = getattr(store, "path", None) or ":memory:"
    desk = Desk(cfg, content, CaseBook(path, store=store))
    _desks[id(store)] = (store, desk)
    return desk


class HandoffTool(Tool):
    name = TOOL

    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    @property
    def available(self) -> bool:
        return self.desk.available

    def button(self, t: Turn):
        return self.desk.button(t._)

    def start(self, ctx: ToolContext) -> list[Reply]:
        if not self.available:
            ctx.finish()
            return self.desk.unavailable(ctx.lang, ctx.country)
        return self.desk.consent(ctx.lang)

    def on_button(self, ctx: ToolContext, payload: str) -> list[Reply] | None:
        if not self.available or payload not in (YES, YES_NAME, NO):
            return None
        ctx.finish()
        if payload == NO:
            return self.desk.declined(ctx.lang)
        return self.desk.connected(ctx.lang, show_name=payload == YES_NAME)


class EndCommand(Command):
    names = ("selesai", "end")

    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    def run(self, turn: Turn, args: str) -> list[Reply]:
        replies, _case = self.desk.end_by_person(turn.user_id, turn.lang)
        return replies


def make_tool(content: Any, store: Any) -> Tool:
    return HandoffTool(desk_for(content, store))


def make_commands(content: Any, store: Any) -> list[Command]:
    return [EndCommand(desk_for(content, store))]
