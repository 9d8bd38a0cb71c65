"""Fuzzy company-name matching, tolerant of how people write names on a phone.

"P.T. Sumber-Rejeki Abadi", "pt sumber rejki abadi", "Abadi Sumber Rejeki" and "sumberrejeki
abadi" all find "PT Sumber Rejeki Abadi". Names are normalised once when the list is loaded
(case, accents, punctuation, "PT", "P.T.", "CV", "Persero", "Tbk" removed; words sorted), so a
lookup is mostly C code from rapidfuzz:

1. `process.extract` with `fuzz.ratio` over the pre-sorted names (= token_sort_ratio): typos,
   word order, near-duplicates ("Sumber Rejeki" vs "Sumber Rezeki Abadi");
2. for queries of two or more words, an index of words (each query word matched to the list's
   words with typos allowed): names that contain all the query's words ("Maju Jaya" finds
   "Maju Jaya Sentosa Abadi"): missing words;
3. the candidates of both are scored (token_set_ratio + token_sort_ratio) / 2, or the ratio with
   spaces removed when higher, and cut at SCORE_CUTOFF.

Each match says how close it is:
- `exact`: the same words once normalised (any order, any "PT"/punctuation/case, spaces
  glued or not). The bot says "this name is on the list".
- `same_name`: the same number of words, each within a typo of the other's (fuzz.ratio >=
  WORD_TYPO_RATIO per word). The bot shows the name as it is on the list and asks the person to
  check the spelling and the licence number: a look-alike name can be a different company.
- otherwise a similar name: shown as such, never as a hit.
- `score` (0-100) orders the matches within each of these groups (exact first; among exact
  names, the one in the word order typed first, so a reordered twin never ties with it).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Generic, Sequence, TypeVar

from rapidfuzz import fuzz, process

SCORE_CUTOFF = 70.0  # below this a name is not shown at all
WORD_TYPO_RATIO = 80.0  # two words this close (fuzz.ratio) are the same word with a typo
DEFAULT_LIMIT = 5
_PREFILTER = 60.0  # token_sort_ratio needed to be considered in pass 1
_PASS1_LIMIT = 50
_WORD_RATIO = 80.0  # a query word matches a list word this close (words of 4+ letters)
_MAX_CANDIDATES = 400

# Legal-form words that say nothing about which company it is.
LEGAL_FORMS = frozenset({"pt", "cv", "persero", "tbk", "ud"})
_DOTTED = [
    (re.compile(r"\bp\s*\.\s*t\s*\.?"), " pt "),  # P.T. / P. T / p.t
    (re.compile(r"\bc\s*\.\s*v\s*\.?"), " cv "),  # C.V.
    (re.compile(r"\bperseroan\s+terbatas\b"), " pt "),
    (re.compile(r"\bpersekutuan\s+komanditer\b"), " cv "),
]
_NON_WORD = re.compile(r"[^0-9a-z]+")

T = TypeVar("T")


def normalise_name(name: str) -> str:
    """'P.T. Sumber-Rejeki Abadi (Persero) Tbk.' -> 'sumber rejeki abadi'."""
    s = unicodedata.normalize("NFKD", name)
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    for pattern, repl in _DOTTED:
        s = pattern.sub(repl, s)
    s = s.replace("&", " dan ")
    return " ".join(w for w in _NON_WORD.sub(" ", s).split() if w not in LEGAL_FORMS)


@dataclass(frozen=True)
class Match(Generic[T]):
    item: T
    score: float
    same_name: bool
    exact: bool = False


class NameMatcher(Generic[T]):
    """Holds the normalised names of one list; build a new one when the list changes."""

    def __init__(self, items: Sequence[T], names: Sequence[str]) -> None:
        self.items = list(items)
        self.norms = [normalise_name(n) for n in names]
        self.sorted_norms = [" ".join(sorted(n.split())) for n in self.norms]
        self.glued = [n.replace(" ", "") for n in self.norms]
        postings: dict[str, set[int]] = {}
        for i, n in enumerate(self.norms):
            for w in set(n.split()):
                postings.setdefault(w, set()).add(i)
        self.postings = postings
        self.vocab = list(postings)

    def __len__(self) -> int:
        return len(self.items)

    def _word_ids(self, word: str) -> set[int]:
        """Names containing this word or, for words of 4+ letters, one within a typo of it."""
        ids = set(self.postings.get(word, ()))
        if len(word) >= 4:
            for v, _s, _i in process.extract(word, self.vocab, scorer=fuzz.ratio, score_cutoff=_WORD_RATIO, limit=8):
                ids |= self.postings[v]
        return ids

    def search(self, query: str, limit: int = DEFAULT_LIMIT, cutoff: float = SCORE_CUTOFF) -> list[Match[T]]:
        q = normalise_name(query)
        if not q or not self.items:
            return []
        words = q.split()
        q_sorted = " ".join(sorted(words))
        q_glued = q.replace(" ", "")
        cands: set[int] = {
            i for _n, _s, i in process.extract(
                q_sorted, self.sorted_norms, scorer=fuzz.ratio, score_cutoff=_PREFILTER, limit=_PASS1_LIMIT
            )
        }
        if len(set(words)) >= 2:
            sets = sorted((self._word_ids(w) for w in set(words)), key=len)
            common = set.intersection(*sets) if sets else set()
            if len(common) > _MAX_CANDIDATES:  # very common words: keep the shortest names
                common = set(sorted(common, key=lambda i: len(self.norms[i]))[:_MAX_CANDIDATES])
            cands |= common
        scored = []
        for i in cands:
            sort_ratio = fuzz.ratio(q_sorted, self.sorted_norms[i])
            glued_ratio = fuzz.ratio(q_glued, self.glued[i])
            score = max((fuzz.token_set_ratio(q, self.norms[i]) + sort_ratio) / 2, glued_ratio, sort_ratio)
            if score < cutoff:
                continue
            exact = q_sorted == self.sorted_norms[i] or q_glued == self.glued[i]
            same = exact or _same_words(words, self.norms[i].split())
            score = 100.0 if exact else round(score, 1)
            # the name typed in its own word order before its reordered twin ("Abadi Sumber Rejeki"
            # and "Sumber Rejeki Abadi" can be two companies): both are exact, the typed order first
            in_order = self.glued[i] == q_glued  # the same letters in the same order
            scored.append((not exact, not in_order, not same, -score, abs(len(self.norms[i]) - len(q)), i, score, same, exact))
        scored.sort()
        return [Match(self.items[t[5]], t[6], t[7], t[8]) for t in scored[:limit]]


def _same_words(a: list[str], b: list[str]) -> bool:
    """Same number of words, each of a within a typo of a different word of b (any order)."""
    if len(a) != len(b):
        return False
    left = list(b)
    for w in sorted(a, key=len, reverse=True):
        best, best_j = 0.0, -1
        for j, v in enumerate(left):
            r = 100.0 if w == v else (fuzz.ratio(w, v) if max(len(w), len(v)) >= 4 else 0.0)
            if r > best:
                best, best_j = r, j
        if best < WORD_TYPO_RATIO:
            return False
        left.pop(best_j)
    return True
