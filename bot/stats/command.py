"""/stats [code] [days] for admins: the reach table and its chart, in the admin's language.

"/stats" is every code over the last 30 days; "/stats desa suka maju 90" one code over 90 days;
"/stats - 7" people who came with no code. Invisible to everyone else (Command.admin_only).
"""
from __future__ import annotations

from typing import Any

from bot.engine import callbacks as cb
from bot.engine.commands import Command
from bot.engine.events import Button, Reply
from bot.engine.turn import Turn
from bot.share.files import make
from bot.share.links import LinkError, normalise_code
from bot.stats.report import chart_recipe, figures, period, render_text
from bot.stats.store import day_of

DEFAULT_DAYS = 30
MAX_CAPTION = 1024


def parse_args(args: str) -> tuple[str | None, int]:
    """"desa suka maju 90" -> ("desa_suka_maju", 90); "" -> (None, 30); "-" -> ("", 30)."""
    words = args.split()
    days = DEFAULT_DAYS
    if words and words[-1].isdigit():
        days = max(1, min(int(words.pop()), 3660))
    if words == ["-"]:
        return "", days
    return normalise_code(" ".join(words)), days


class StatsCommand(Command):
    names = ("stats", "statistik")
    admin_only = True

    def run(self, turn: Turn, args: str) -> list[Reply]:
        reach = getattr(self.engine, "reach", None)
        menu = [[Button(turn._("Menu"), cb.MENU)]]
        try:
            ref, days = parse_args(args)
        except LinkError:
            return [Reply(turn._("That code is too long: at most 40 letters and digits fit in a link."), menu, "admin:stats")]
        if reach is None:
            return [Reply(turn._("No figures are kept here."), menu, "admin:stats")]
        since, until = period(days, None, day_of(turn.now))
        f = figures(reach, since, until, ref, self.engine.content)
        text = render_text(f, turn._, self.engine.content, turn.lang)
        if f.too_few:
            return [Reply(text, menu, "admin:stats")]
        chart = make(chart_recipe(f, turn._, self.engine.content, turn.lang))
        if len(text) <= MAX_CAPTION:
            return [Reply(text, menu, "admin:stats", attachment=chart)]
        return [Reply(text, source="admin:stats"), Reply(turn._("Chart:"), menu, "admin:stats", attachment=chart)]


def make_commands(content: Any, store: Any) -> list[Command]:
    return [StatsCommand()]
