"""UI strings (menu labels, prompts, errors) through gettext catalogs in locales/.

Message ids are English. `locales/<lang>/LC_MESSAGES/messages.po` holds each language's
translation; `make setup` compiles them to .mo with Babel. If a .mo is missing or older than
its .po (a fresh clone run without make), the .po is read directly, so the bot still speaks.
Lesson texts are not here: they are content (content/*.yaml).
"""
from __future__ import annotations

import gettext
import threading
from functools import lru_cache
from pathlib import Path
from typing import Callable

from bot.resources import locales_dir

LOCALES_DIR = locales_dir()  # packaged with the compiled catalogs, or the checkout's locales/
DOMAIN = "messages"
_lock = threading.Lock()


def N_(msgid: str) -> str:
    """Mark a string for extraction without translating it now."""
    return msgid


class _POTranslations(gettext.NullTranslations):
    def __init__(self, catalog: dict[str, str]) -> None:
        super().__init__()
        self._catalog = catalog

    def gettext(self, message: str) -> str:
        return self._catalog.get(message) or message


def _read_po(po: Path) -> dict[str, str]:
    from babel.messages.pofile import read_po

    with po.open("rb") as f:
        cat = read_po(f)
    out: dict[str, str] = {}
    for m in cat:
        if m.id and isinstance(m.id, str) and m.string:  # fuzzy ones too, as `make catalogs` does
            out[m.id] = m.string if isinstance(m.string, str) else m.string[0]
    return out


@lru_cache(maxsize=None)
def translations(lang: str, locales_dir: str = str(LOCALES_DIR)) -> gettext.NullTranslations:
    base = Path(locales_dir) / lang / "LC_MESSAGES"
    po, mo = base / f"{DOMAIN}.po", base / f"{DOMAIN}.mo"
    with _lock:
        if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
            with mo.open("rb") as f:
                return gettext.GNUTranslations(f)
        if po.exists():
            return _POTranslations(_read_po(po))
    return gettext.NullTranslations()


def translator(lang: str) -> Callable[[str], str]:
    """A `_` function for one language."""
    return translations(lang).gettext


def available_languages(locales_dir: Path = LOCALES_DIR) -> list[str]:
    return sorted(p.name for p in locales_dir.iterdir() if (p / "LC_MESSAGES" / f"{DOMAIN}.po").exists())
