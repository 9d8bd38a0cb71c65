"""/bagikan and /share (anyone); /poster and /link (admins: officials and NGO staff in ADMIN_IDS).

/poster <code> [module] [lang]   the A4 poster PDF for that referral code
/link <code> [module] [lang]     the link and its QR code as a photo
The code is free text ("Desa Suka Maju") made into the payload alphabet; a module or language
name at the end is taken as such ("/poster desa suka maju help en").
"""
from __future__ import annotations

from typing import Any

from bot.engine import callbacks as cb
from bot.engine.commands import Command
from bot.engine.events import Button, Reply
from bot.engine.turn import Turn
from bot.share import files
from bot.share.links import LinkError, make_link, normalise_code
from bot.share.message import bot_username, poster_reply, share_replies


class ShareCommand(Command):
    names = ("bagikan", "share")

    def run(self, turn: Turn, args: str) -> list[Reply]:
        return share_replies(self.engine, turn)


def parse_target(content: Any, args: str) -> tuple[str | None, str | None, str | None]:
    """"desa suka maju help en" -> ("desa_suka_maju", "help", "en"). Raises LinkError."""
    words = args.split()
    lang = module = None
    if words and words[-1].lower() in content.languages:
        lang = words.pop().lower()
    if words and words[-1] in content.modules:
        module = words.pop()
    return normalise_code(" ".join(words)), module, lang


class _AdminLinkCommand(Command):
    admin_only = True

    def _usage(self, t: Turn, why: str = "") -> list[Reply]:
        usage = t._("Write: /{command} CODE [module] [language], for example /{command} desa suka maju help id").format(command=self.names[0])
        return [Reply((why + "\n\n" if why else "") + usage, [[Button(t._("Menu"), cb.MENU)]], f"admin:{self.names[0]}")]

    def run(self, turn: Turn, args: str) -> list[Reply]:
        try:
            ref, module, lang = parse_target(self.engine.content, args)
        except LinkError:
            return self._usage(turn, turn._("That code is too long: at most 40 letters and digits fit in a link."))
        if not ref:
            return self._usage(turn)
        if not bot_username(self.engine):
            return self._usage(turn, turn._("The poster needs the bot's name, which is not known here."))
        try:
            return self.make(turn, ref, module, lang or turn.lang)
        except LinkError:
            return self._usage(turn, turn._("That code is too long: at most 40 letters and digits fit in a link."))

    def make(self, t: Turn, ref: str, module: str | None, lang: str) -> list[Reply]:
        raise NotImplementedError


class PosterCommand(_AdminLinkCommand):
    names = ("poster",)

    def make(self, t: Turn, ref: str, module: str | None, lang: str) -> list[Reply]:
        return poster_reply(self.engine, t, ref, module, lang)


class LinkCommand(_AdminLinkCommand):
    names = ("link", "tautan")

    def make(self, t: Turn, ref: str, module: str | None, lang: str) -> list[Reply]:
        link = make_link(bot_username(self.engine), module, lang, ref)
        text = t._("Link for the code {code}:").format(code=ref) + "\n" + link
        return [Reply(text, [[Button(t._("Menu"), cb.MENU)]], "admin:link", attachment=files.qr(link, ref))]


def make_commands(content: Any, store: Any) -> list[Command]:
    return [ShareCommand(), PosterCommand(), LinkCommand()]
