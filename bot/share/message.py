"""The one share reply: /bagikan, /share, typed "minta link" and content share buttons all end here.

What it sends: the content's thank-you (conversation.yaml smalltalk.share), then a message ready
to forward: one line on what the bot does and the link. Buttons: WhatsApp (wa.me with the
message), Telegram's share sheet, and the poster to print. A person who came with a referral code
shares links with that code, so a village's reach stays counted as the village's.
"""
from __future__ import annotations

import os
from typing import Any

from bot.engine import callbacks as cb
from bot.engine.callbacks import Action
from bot.engine.events import Button, Reply
from bot.engine.turn import Turn
from bot.share import files
from bot.share.links import LinkError, make_link, telegram_share_url, whatsapp_url

POSTER_BUTTON = cb.encode(Action("share", "poster"))
SHARE_BUTTON = cb.encode(Action("share"))


def bot_username(engine: Any) -> str | None:
    """The adapter's (Telegram: getMe); BOT_USERNAME for the terminal chat and the command line."""
    return getattr(engine, "bot_username", None) or os.environ.get("BOT_USERNAME") or None


def person_link(engine: Any, t: Turn) -> str | None:
    name = bot_username(engine)
    if not name:
        return None
    try:
        return make_link(name, None, t.lang, t.session.ref)
    except LinkError:  # a stored code that no longer fits: share the plain link
        return make_link(name, None, t.lang, None)


def pitch(t: Turn, link: str) -> str:
    return t._("Migrasi Aman checks job offers abroad and recruiters, and shows where to find help. Free, on Telegram:") + "\n" + link


def share_replies(engine: Any, t: Turn) -> list[Reply]:
    engine._count("share", "message")
    thanks = engine.conversation.small_talk(t, "share")[0].text if engine.conversation.has("share") else ""
    link = person_link(engine, t)
    if link is None:  # no bot name known (a terminal chat without BOT_USERNAME)
        return [Reply(thanks or t._("Tell your family and friends about this bot."), [[Button(t._("Menu"), cb.MENU)]], "small:share")]
    message = pitch(t, link)
    rows = [
        [Button(t._("Send on WhatsApp"), url=whatsapp_url(message))],
        [Button(t._("Share on Telegram"), url=telegram_share_url(link, message.split("\n")[0]))],
        [Button(t._("Poster to print"), POSTER_BUTTON)],
        [Button(t._("Menu"), cb.MENU)],
    ]
    text = (thanks + "\n\n" if thanks else "") + t._("Forward this message:") + "\n\n" + message
    if t.user_id in getattr(engine, "admins", ()):  # officials asking "berapa warga yang sudah pakai?"
        text += "\n\n" + t._("For admins: /poster CODE (a poster for a village, a school), /link CODE (its link and QR code), /stats CODE (how far it reached).")
    return [Reply(text, rows, "small:share")]


def poster_reply(engine: Any, t: Turn, ref: str | None = None, module: str | None = None, lang: str | None = None) -> list[Reply]:
    """The A4 poster as a PDF document: for `ref`, else the code the person came with."""
    name = bot_username(engine)
    if not name:
        return [Reply(t._("The poster needs the bot's name, which is not known here."), [[Button(t._("Menu"), cb.MENU)]], "share:poster")]
    ref = ref if ref is not None else t.session.ref
    lang = lang or t.lang
    link = make_link(name, module, lang, ref)
    engine._count("share", "poster")
    text = t._("A poster to print on A4, in black and white. Put it where people wait: the village hall, the health post, the school.")
    return [Reply(text, [[Button(t._("Menu"), cb.MENU)]], "share:poster",
                  attachment=files.poster(link, name, ref, lang, engine.content))]


def on_action(engine: Any, t: Turn, arg: str) -> list[Reply]:
    """Buttons: a:share (the share message) and a:share:poster."""
    if arg == "poster":
        return poster_reply(engine, t)
    return share_replies(engine, t)
