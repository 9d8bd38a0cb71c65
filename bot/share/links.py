"""Deep-link payloads and links: MODULE[-LANG][-REF], at most 64 characters (Telegram's limit).

A referral code is free text typed by an official ("Desa Suka Maju", "SMK 2 Wonosobo") made
into the payload alphabet: ASCII letters, digits and "_" (a "-" separates the payload's parts),
lower case, at most 40 characters (bot/engine/engine.py REF_RE). The engine's parse_payload reads
what build_payload writes; tests round-trip every module and language through /start.
"""
from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

MAX_PAYLOAD = 64
MAX_REF = 40
_REF_OK = re.compile(r"^[A-Za-z0-9_]{1,40}$")


class LinkError(ValueError):
    """A link that cannot be made (a payload over 64 characters, an unknown module...)."""


def normalise_code(text: str | None) -> str | None:
    """"Desa Suka-Maju / RT 03" -> "desa_suka_maju_rt_03"; None when nothing usable is left.
    Refuses (LinkError) a code longer than MAX_REF once normalised, rather than cutting it."""
    if text is None:
        return None
    folded = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii").lower()
    code = re.sub(r"[^a-z0-9]+", "_", folded).strip("_")
    if not code:
        return None
    if len(code) > MAX_REF:
        raise LinkError(f"the code {code!r} is {len(code)} characters; at most {MAX_REF} fit in a link")
    return code


def build_payload(module: str | None = None, lang: str | None = None, ref: str | None = None) -> str:
    """"menu-id-desa_sukamaju", "help-en", "menu" ... Raises LinkError over 64 characters."""
    parts = [module or "menu"]
    if lang:
        parts.append(lang)
    if ref:
        if not _REF_OK.match(ref):
            raise LinkError(f"a referral code is 1-40 of a-z, 0-9 and _: {ref!r}")
        parts.append(ref)
    payload = "-".join(parts)
    if len(payload) > MAX_PAYLOAD:
        raise LinkError(f"the link's payload {payload!r} is {len(payload)} characters; Telegram takes at most {MAX_PAYLOAD}")
    return payload


def bot_link(bot_username: str, payload: str = "") -> str:
    name = (bot_username or "").lstrip("@")
    if not re.match(r"^[A-Za-z0-9_]{3,64}$", name):
        raise LinkError(f"not a Telegram bot username: {bot_username!r}")
    return f"https://t.me/{name}" + (f"?start={payload}" if payload else "")


def make_link(bot_username: str, module: str | None = None, lang: str | None = None, ref: str | None = None) -> str:
    return bot_link(bot_username, build_payload(module, lang, ref))


def whatsapp_url(message: str) -> str:
    """A wa.me link that opens WhatsApp with the message ready to send to a chat or group."""
    return "https://wa.me/?text=" + quote(message, safe="")


def telegram_share_url(link: str, text: str) -> str:
    return "https://t.me/share/url?url=" + quote(link, safe="") + "&text=" + quote(text, safe="")
