"""What the person wrote, understood once per turn.

The emergency check, the intent matcher, the answers and the tools all read the same Said:
the text is cut to the length the bot reads, folded and split into normalised words once,
and what each reader works out from it (the matcher's analysis, a tool's) is kept on it for
the rest of the turn. Nothing here is stored: a Said lives for one turn.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.engine.text import fold, has_words, tokens

MAX_TEXT = 8000  # the bot reads this many characters of a message (a long forwarded chat is cut)


@dataclass
class Said:
    text: str  # as written, cut to MAX_TEXT
    words: list[str]  # normalised words (slang mapped through the content's table)
    folded: str  # lowercased, accents removed
    truncated: bool = False
    notes: dict[str, Any] = field(default_factory=dict)  # analyses made this turn, by reader

    @classmethod
    def of(cls, text: str, table: dict[str, str] | None = None) -> "Said":
        text = text if isinstance(text, str) else ""
        cut = text[:MAX_TEXT]
        return cls(cut, tokens(cut, table), fold(cut), truncated=len(text) > MAX_TEXT)

    @property
    def has_words(self) -> bool:
        return bool(self.words) or has_words(self.text)
