"""Which language a message is written in, from its common words (content/intents.yaml
`written_in`), so a person who writes in English is answered in English though their phone is
set to Indonesian, until they pick a language themselves."""
from __future__ import annotations

MIN_WORDS = 3  # a language's common words a message needs before it counts as written in it
LEAD = 3  # ... and at least this many times as many as any other language's


def written_in(words: list[str], markers: dict[str, frozenset[str]]) -> str | None:
    """The language the words are clearly written in, or None (too short, mixed, unknown)."""
    counts = {lang: sum(1 for w in words if w in common) for lang, common in markers.items()}
    if not counts:
        return None
    best = max(counts, key=lambda lang: counts[lang])
    others = max((n for lang, n in counts.items() if lang != best), default=0)
    if counts[best] >= MIN_WORDS and counts[best] >= LEAD * others:
        return best
    return None
