"""`/privasi` and `/privacy`: what the bot keeps, why, for how long, and how to delete it.

A plugged-in Command (bot/engine/commands.py), registered in bot/app.py COMMAND_FACTORIES. The
text is content (`privacy` in content/about.yaml, the short form of PRIVACY.md), so editors
keep it true without touching code.
"""
from __future__ import annotations

from typing import Any

from bot.engine import callbacks as cb
from bot.engine.commands import Command
from bot.engine.events import Button, Reply
from bot.engine.turn import Turn


class PrivacyCommand(Command):
    names = ("privasi", "privacy")

    def run(self, turn: Turn, args: str) -> list[Reply]:
        text = (turn.content.about or {}).get("privacy")
        body = turn.txt(text) if text else turn._("Type /hapus to delete everything the bot keeps about you.")
        rows = [[Button("🧹 " + turn._("Delete the bot's messages here"), cb.CLEAR)], [Button(turn._("Menu"), cb.MENU)]]
        return [Reply(body, rows, source="privacy")]


def make_command(content: Any, store: Any) -> Command:
    return PrivacyCommand()
