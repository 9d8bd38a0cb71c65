"""Free-text intent matching over the keywords that live in content.

A keyword is a word or a short phrase ("cek agen", "paspor ditahan"). A message matches a
keyword when every word of the keyword is in the message, exactly or close enough (rapidfuzz
ratio, for words long enough to carry a typo), and the matched words stand near each other.
Longer keyword phrases count for more than single words. Emergencies are looked for first and
win whenever they match: missing one is the one mistake the bot must not make.

Intents: "emergency", each module's intent (fake_offer, recruiter, help, ...), the intents of
content/intents.yaml (menu, language, ...), and "unknown".
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from bot.engine.text import tokens

EMERGENCY = "emergency"
UNKNOWN = "unknown"
THRESHOLD = 80.0  # below this the message is "unknown"
FUZZY_MIN_LEN = 5  # shorter words must match exactly ("ga" is not "ka")
FUZZY_CUTOFF = 84.0  # ratio for a typo'd word to count
EMERGENCY_FUZZY_CUTOFF = 80.0  # be generous where a miss is costly
# Intents met only when nothing more specific matched (greetings, "menu" inside a question)
GENERIC_INTENTS = ("menu",)


@dataclass(frozen=True)
class _Keyword:
    intent: str
    words: tuple[str, ...]


@dataclass
class Match:
    intent: str
    score: float
    scores: dict[str, float] = field(default_factory=dict)
    country: str | None = None
    hits: dict[str, list[str]] = field(default_factory=dict)  # intent -> keywords matched


class IntentMatcher:
    def __init__(self, content) -> None:
        self.table = dict(content.normalize)
        self.module_intents = [m["intent"] for m in content.modules.values()]
        self.extra_intents = list(content.intents)
        self.keywords: list[_Keyword] = []
        self._add(EMERGENCY, _all_langs(content.emergency.get("keywords", {})))
        for m in content.modules.values():
            self._add(m["intent"], _all_langs(m.get("keywords", {})))
        for name, spec in content.intents.items():
            self._add(name, _all_langs(spec.get("keywords", {})))
        # Countries: a separate vocabulary, so "nomor kbri malaysia" knows where.
        self.country_keywords: list[tuple[str, tuple[str, ...]]] = []
        for code, c in content.countries.items():
            names = list(c.get("keywords", [])) + [content.t(c["name"], lang) for lang in content.languages]
            for kw in names:
                words = tuple(tokens(kw, self.table))
                if words:
                    self.country_keywords.append((code, words))
        self._build_index()

    # -- building ----------------------------------------------------------------------------
    def _add(self, intent: str, phrases: list[str]) -> None:
        seen = set()
        for p in phrases:
            words = tuple(tokens(p, self.table))
            if words and words not in seen:
                seen.add(words)
                self.keywords.append(_Keyword(intent, words))

    def _build_index(self) -> None:
        self.by_word: dict[str, list[int]] = defaultdict(list)
        for i, kw in enumerate(self.keywords):
            for w in set(kw.words):
                self.by_word[w].append(i)
        self.country_by_word: dict[str, list[int]] = defaultdict(list)
        for i, (_, words) in enumerate(self.country_keywords):
            for w in set(words):
                self.country_by_word[w].append(i)
        vocab = set(self.by_word) | set(self.country_by_word)
        self.fuzzy_vocab = sorted(w for w in vocab if len(w) >= FUZZY_MIN_LEN and not w.isdigit())
        self._emergency_words = {w for kw in self.keywords if kw.intent == EMERGENCY for w in kw.words}
        self._cache: dict[str, dict[str, float]] = {}

    # -- matching ----------------------------------------------------------------------------
    def _similar(self, word: str) -> dict[str, float]:
        """Vocabulary words that this message word may stand for, with their similarity."""
        got = self._cache.get(word)
        if got is not None:
            return got
        found: dict[str, float] = {}
        if word in self.by_word or word in self.country_by_word:
            found[word] = 100.0
        if len(word) >= FUZZY_MIN_LEN and not word.isdigit():
            for cand, score, _ in process.extract(
                word, self.fuzzy_vocab, scorer=fuzz.ratio, score_cutoff=EMERGENCY_FUZZY_CUTOFF, limit=8
            ):
                if cand in found:
                    continue
                if score >= FUZZY_CUTOFF or cand in self._emergency_words:
                    found[cand] = float(score)
        if len(self._cache) > 50_000:
            self._cache.clear()
        self._cache[word] = found
        return found

    def _match_phrase(self, words: tuple[str, ...], positions: dict[str, list[tuple[int, float]]]) -> float:
        """Score of a keyword phrase against the message (0 when a word is missing or too far)."""
        total = 0.0
        spots: list[int] = []
        for w in words:
            cands = positions.get(w)
            if not cands:
                return 0.0
            pos, sim = max(cands, key=lambda c: c[1])
            total += sim
            spots.append(pos)
        if len(words) > 1 and max(spots) - min(spots) > len(words) + 2:
            return 0.0
        return total / len(words) + 6.0 * (len(words) - 1)

    def analyse(self, text: str) -> Match:
        words = tokens(text, self.table)
        if not words:
            return Match(UNKNOWN, 0.0)
        positions: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for i, w in enumerate(words):
            for cand, sim in self._similar(w).items():
                positions[cand].append((i, sim))
        # also try two message words glued together ("paspor ditahan" typed "pasporditahan" is
        # rarer than "di tahan" typed apart): join neighbours and look them up exactly
        for i in range(len(words) - 1):
            glued = words[i] + words[i + 1]
            if glued in self.by_word:
                positions[glued].append((i, 100.0))
        candidates: set[int] = set()
        for w in positions:
            candidates.update(self.by_word.get(w, ()))
        scores: dict[str, float] = {}
        hits: dict[str, list[str]] = defaultdict(list)
        for i in candidates:
            kw = self.keywords[i]
            s = self._match_phrase(kw.words, positions)
            if s >= THRESHOLD:
                hits[kw.intent].append(" ".join(kw.words))
                if s > scores.get(kw.intent, 0.0):
                    scores[kw.intent] = s
        for intent, hs in hits.items():  # several different keywords: more confidence
            scores[intent] = scores[intent] + min(9.0, 3.0 * (len(hs) - 1))
        country = self._country(positions)
        return Match(self._decide(scores), max(scores.values(), default=0.0), scores, country, dict(hits))

    def _decide(self, scores: dict[str, float]) -> str:
        if scores.get(EMERGENCY, 0.0) >= THRESHOLD:
            return EMERGENCY
        specific = {k: v for k, v in scores.items() if k not in GENERIC_INTENTS and k != EMERGENCY}
        if specific:
            return max(specific.items(), key=lambda kv: (kv[1], kv[0] in self.module_intents))[0]
        generic = {k: v for k, v in scores.items() if k in GENERIC_INTENTS}
        if generic:
            return max(generic.items(), key=lambda kv: kv[1])[0]
        return UNKNOWN

    def _country(self, positions) -> str | None:
        best, best_score = None, 0.0
        seen: set[int] = set()
        for w in positions:
            seen.update(self.country_by_word.get(w, ()))
        for i in seen:
            code, words = self.country_keywords[i]
            s = self._match_phrase(words, positions)
            if s > best_score and s >= 85.0:
                best, best_score = code, s
        return best

    def classify(self, text: str) -> tuple[str, float]:
        m = self.analyse(text)
        return m.intent, (m.scores.get(m.intent, 0.0) if m.intent != UNKNOWN else m.score)

    def detect_country(self, text: str) -> str | None:
        return self.analyse(text).country

    def is_emergency(self, text: str) -> bool:
        return self.analyse(text).intent == EMERGENCY


def _all_langs(keywords: dict[str, list[str]]) -> list[str]:
    return [k for lst in keywords.values() for k in lst if isinstance(k, str)]
