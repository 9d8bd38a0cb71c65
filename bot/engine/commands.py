"""Commands: slash commands that are more than navigation, plugged in like tools.

A Command names itself (`names`, e.g. ("bagikan", "share")) and answers `run(turn, args)`. An
`admin_only` command is invisible to everyone else: a person who is not an admin gets the same
"I do not know that command" reply as for a typo, never "you are not allowed". Admins are the
user ids the adapter passes to the Engine (Telegram: ADMIN_IDS).
"""
from __future__ import annotations

from bot.engine.events import Reply
from bot.engine.turn import Turn


class Command:
    names: tuple[str, ...] = ()
    admin_only: bool = False
    engine = None  # the Engine, set when it is plugged in (bot username, share link, counting)

    def run(self, turn: Turn, args: str) -> list[Reply]:
        raise NotImplementedError
