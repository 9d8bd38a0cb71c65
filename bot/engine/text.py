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
_CLOCK = re.compile(r"\bpukul\s*(?=\d)")
_REDUP = re.compile(r"\b([a-z]{3,})2")  # "ciri2" is "ciri-ciri", "anak2" is "anak-anak"
# "15jt", "1.000" and "usd1200" stay single tokens; split letters glued to a word after a digit run
_SPLIT_DIGIT_WORD = re.compile(r"(?<=\d)(?=[a-z]{4,})|(?<=[a-z]{4})(?=\d)")


def fold(text: str) -> str:
    """Lowercase ASCII-ish form: accents removed, anything else that is not a letter or digit dropped."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.lower()


def tokens(text: str, table: dict[str, str] | None = None) -> list[str]:
    """Normalised words of text, slang mapped through table (a word may map to several)."""
    s = fold(text)
    s = _CLOCK.sub("jam ", s)  # "pukul 08.00" is a time, not a blow
    s = _REDUP.sub(r"\1 \1", s)
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


# -- light stemming -------------------------------------------------------------------------
# Indonesian words change by affixes (sekap, disekap, menyekap, sekapnya; pukul, dipukuli,
# memukul). A light, rule-based stemmer gives the possible roots of a word so that a keyword
# written one way matches the others. It over-generates on purpose (a set of candidates);
# matching needs the candidate sets of two words to meet.
_ID_PARTICLES = ("nya", "lah", "kah", "pun", "ku", "mu")
_ID_SUFFIXES = ("kan", "in", "i")  # not "-an": nouns (jualan, pukulan) are not the act
_ID_PLAIN_PREFIXES = ("di", "ke", "ter", "ber", "be", "se")
_EN_SUFFIXES = ("ing", "ed", "es", "s")


def stems(word: str) -> frozenset[str]:
    """Candidate roots of a word (the word itself included). Short words are left alone."""
    if len(word) < 5 or not word.isalpha():
        return frozenset((word,))
    out = {word}
    base = word
    for p in _ID_PARTICLES:
        if base.endswith(p) and len(base) - len(p) >= 4:
            base = base[: -len(p)]
            out.add(base)
            break
    bases = {base}
    for suf in _ID_SUFFIXES:
        if base.endswith(suf) and len(base) - len(suf) >= 4:
            bases.add(base[: -len(suf)])
            break
    for b in bases:
        out.add(b)
        if b not in _NO_PREFIX:
            out.update(_strip_prefix(b))
    # an English root keeps its start: an Indonesian prefix and an English suffix do not meet in
    # one word ("berantas" is not be-ranta-s, so it is not "dirantai")
    for suf in _EN_SUFFIXES:
        if word.endswith(suf) and len(word) - len(suf) >= 4:
            root = word[: -len(suf)]
            out.add(root)
            if len(root) > 4 and root[-1] == root[-2]:
                out.add(root[:-1])  # kidnapped -> kidnap
            break
    return frozenset(x for x in out if len(x) >= 4)


# words whose prefix is not a prefix of their meaning: "meninggal" (died) is not "tinggal" (stay),
# so "izin tinggalnya diurus di sana" (a residence permit) is not "meninggal di sana"
_NO_PREFIX = frozenset({"meninggal"})


def _strip_prefix(w: str) -> set[str]:
    out: set[str] = set()
    for p in _ID_PLAIN_PREFIXES:
        if w.startswith(p) and len(w) - len(p) >= 4:
            out.add(w[len(p):])
    for nasal, subs in (("meny", "s"), ("peny", "s"), ("meng", "k"), ("peng", "k"), ("mem", "p"), ("pem", "p"), ("men", "t"), ("pen", "t")):
        if w.startswith(nasal) and len(w) - len(nasal) >= 3:
            rest = w[len(nasal):]
            out.add(rest)
            if rest[0] in "aeiou":
                out.add(subs + rest)
            break
    else:
        if w.startswith(("me", "pe")) and len(w) > 5:
            out.add(w[2:])
    if w.startswith("ny") and len(w) > 5 and w[2] in "aeiou":  # nyekap -> sekap, nyari -> cari
        out.update({"s" + w[2:], "c" + w[2:]})
    elif w.startswith("ng") and len(w) > 5:  # ngancam -> ancam, ngunci -> kunci
        out.update({w[2:], "k" + w[2:]})
    return out


# Everyday words that say nothing about a topic (used where single words are weighed)
STOPWORDS = frozenset("""
yang untuk dengan dari saya kami kita kamu anda mereka dia bisa mau ada apa siapa gimana bagaimana
kalau tidak sudah belum juga atau dan ini itu sama buat lagi masih harus akan jadi karena tapi
dong deh kok sih nih tuh banget aja saja mana kapan berapa kenapa semua sekarang nanti tolong
the and for with that this what who how can have from your there where when about they them
their please would could should will been were into some just like know want need does
""".split())
