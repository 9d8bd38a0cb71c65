"""One turn of the conversation: who, their session, their language, and what they said.

The engine makes a Turn for every event and passes it to whatever answers, instead of a
session dict, a language and a translate function as loose arguments.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from bot.engine.said import Said
from bot.engine.session import Session


@dataclass
class Turn:
    user_id: str
    session: Session
    content: Any  # the loaded Content
    _: Callable[[str], str]  # the UI translator for the session's language
    now: float  # seconds since the epoch (injected, so tests need no wall clock)
    said: Said | None = None  # the understood text, for text events
    stored: bool = True  # the person had a saved session before this turn
    keep: bool = True  # save the session after the turn (False: leave nothing behind)

    @property
    def lang(self) -> str:
        return self.session.lang

    def txt(self, text: Any) -> str:
        """A content text ({id: ..., en: ...}) in the person's language. A text not yet translated
        into it is shown in the default language, with a short note when it is more than a label
        (`content check` warns about it; `--strict` makes it an error)."""
        shown = self.content.t(text, self.session.lang)
        if isinstance(text, dict) and not text.get(self.session.lang) and len(shown) > UNTRANSLATED_NOTE_FROM:
            default = self.content.default_language
            shown += "\n\n" + self._("(Not yet translated: shown in {language}.)").format(language=self.content.lang_name(default))
        return shown


UNTRANSLATED_NOTE_FROM = 64  # characters: button labels (at most 64) get no note
