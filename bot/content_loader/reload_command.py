"""/reload (admins only): re-read the content in the running bot; say exactly what failed."""
from __future__ import annotations

from bot.engine.commands import Command
from bot.engine.events import Reply


class ReloadCommand(Command):
    names = ("reload", "muat_ulang")
    admin_only = True

    def run(self, turn, args: str) -> list[Reply]:
        from bot.content_loader import reload as r

        _ = turn._
        if r.CURRENT is None:
            return [Reply(_("Reloading works only in the running bot (python -m bot run)."), source="admin:reload")]
        ok, detail = r.CURRENT.reload()
        if ok:
            return [Reply(_("Content reloaded: {detail}.").format(detail=detail), source="admin:reload")]
        count, _sep, listed = detail.partition(":\n")
        head = _("The new content was NOT loaded; the bot keeps serving the old content.")
        errors = _("Errors in the new content: {n}").format(n=count)
        return [Reply(f"{head}\n\n{errors}\n{listed}", source="admin:reload:failed")]
