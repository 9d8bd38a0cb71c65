"""Text normalisation shared by every matcher: how people really type on a phone.

"Gmn CEK agen resmiii??" -> ["gimana", "cek", "agen", "resmii"]. Lowercase, accents and
emoji dropped, punctuation to spaces, letters repeated three or more times cut to two, and
each word mapped through the content's slang table (content/intents.yaml `normalize`).
"""
from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^0-9a-z]+")
_REPEAT = re.compile(r"([a-z])\1{2,}")
# "15jt", "1.000" and "usd1200" stay single tokens; split letters glued to a word after a digit run
_SPLIT_DIGIT_WORD = re.compile(r"(?<=\d)(?=[a-z]{4,})|(?<=[a-z]{4})(?=\d)")


def fold(text: str) -> str:
    """Lowercase ASCII-ish form: accents removed, anything else that is not a letter or digit dropped."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.lower()


def tokens(text: str, table: dict[str, str] | None = None) -> list[str]:
    """Normalised words of text, slang mapped through table (a word may map to several)."""
    s = fold(text)
    s = _NON_WORD.sub(" ", s)
    s = _SPLIT_DIGIT_WORD.sub(" ", s)
    s = _REPEAT.sub(r"\1\1", s)
    out: list[str] = []
    for w in s.split():
        mapped = table.get(w) if table else None
        if mapped is None and table and len(w) > 3 and w[-1] == w[-2]:
            mapped = table.get(w[:-1])  # "tolongg" -> "tolong"
        if mapped:
            out.extend(mapped.split())
        else:
            out.append(w)
    return out


def normalise(text: str, table: dict[str, str] | None = None) -> str:
    return " ".join(tokens(text, table))


def has_words(text: str) -> bool:
    """True if text has at least one letter or digit (not only emoji, stickers or punctuation)."""
    return bool(_NON_WORD.sub("", fold(text)))
