"""Learning from example messages: a small naive Bayes model beside the keyword matcher.

Keywords are precise but only match what someone thought of. content/examples.yaml holds real
messages for each intent, as people write them; this model learns from them which words, word
roots and letter sequences go with which intent, so a message phrased in a new way can still be
recognised ("kami dikerangkeng" is close to "kami dikurung" in letters and in company).

It is a second opinion, in two places (see intents.py):
- a message the keywords call anything but an emergency, that the examples rank as an emergency
  clearly above every other intent, is treated as one (a false alarm costs little; a miss can
  cost a life);
- among the topics (an offer, a recruiter, help, leaving, asking for a person, privacy,
  deleting, sharing, thanks), the examples' choice wins when they find it far likelier than the
  keywords' ("ada yg ngaku dr KP2MI minta transfer biaya" is about a recruiter whatever single
  word the keywords caught). With each labelled set left out of training in turn, this took
  top-1 from 81.8% to 85.2% on the sixth set and from 79.5% to 81.2% on the fifth, as the
  engine stood before tuning on each.
It never turns an emergency into something else.
Training takes a fraction of a second at start-up; nothing is stored.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict

from bot.engine.text import stems, tokens

# Laplace smoothing. 0.1 rather than the textbook 1 or 0.5: a word seen with only one intent
# says more. With each conversation set left out of training in turn, the model alone ranked
# 85.6% of messages right at 1.0, 89.0% at 0.5 and 90.7% at 0.1 (0.05: the same; 0.01: 90.1%).
ALPHA = 0.1


_WORD_FEATURES: dict[str, frozenset[str]] = {}


def _word_features(w: str) -> frozenset[str]:
    got = _WORD_FEATURES.get(w)
    if got is None:
        out = {"w:" + w}
        if len(w) >= 5 and w.isalpha():
            out.update("s:" + s for s in stems(w))
        if len(w) >= 4:
            # letter sequences of four: with each conversation set left out of training in
            # turn, as right as 3, 4 and 5 together (91.0% against 90.4%) at half the time a message
            padded = f"<{w}>"
            out.update("c:" + padded[j : j + 4] for j in range(len(padded) - 3))
        got = frozenset(out)
        if len(_WORD_FEATURES) > 100_000:
            _WORD_FEATURES.clear()
        _WORD_FEATURES[w] = got
    return got


def features(words: list[str]) -> set[str]:
    """Words, their roots, neighbouring pairs and letter sequences (of four) inside words."""
    out: set[str] = set()
    for i, w in enumerate(words):
        out |= _word_features(w)
        if i:
            out.add("b:" + words[i - 1] + "_" + w)
    return out


class ExampleModel:
    def __init__(self, examples: dict[str, list[str]], table: dict[str, str] | None = None) -> None:
        self.table = table or {}
        self.intents = sorted(k for k, v in examples.items() if v)
        counts: dict[str, Counter] = {c: Counter() for c in self.intents}
        docs = Counter()
        vocab: set[str] = set()
        for intent in self.intents:
            for text in examples[intent]:
                f = features(tokens(text, self.table))
                if not f:
                    continue
                counts[intent].update(f)
                docs[intent] += 1
                vocab |= f
        self.vocab_size = max(1, len(vocab))
        total_docs = sum(docs.values()) or 1
        # priors are flattened: the examples' proportions are not how often people write each
        self.prior = {c: math.log((docs[c] + 1) / (total_docs + len(self.intents))) * 0.3 for c in self.intents}
        self.unseen: dict[str, float] = {}
        # per feature, the intents that have seen it and by how much each one's log-likelihood is
        # above its "never seen" floor (for the other intents it is 0): scoring is then one sum
        # per intent over the message's known features. Sparse, because a table of every feature
        # by every intent grows with the square of the content (bench/content_scale_bench.py).
        seen_by: dict[str, tuple[list[int], list[float]]] = defaultdict(lambda: ([], []))
        for i, c in enumerate(self.intents):
            denom = sum(counts[c].values()) + ALPHA * self.vocab_size
            self.unseen[c] = math.log(ALPHA / denom)
            for f, n in counts[c].items():
                ids, values = seen_by[f]
                ids.append(i)
                values.append(math.log((n + ALPHA) / denom) - self.unseen[c])
        self.delta = {f: (tuple(ids), tuple(values)) for f, (ids, values) in seen_by.items()}

    def scores(self, text: str, words: list[str] | None = None) -> dict[str, float]:
        """Log-probability (up to a constant) of each intent, over the features the model knows.
        `words`: the text's normalised words, when the caller has them already."""
        delta = self.delta
        rows = [d for d in map(delta.get, features(words if words is not None else tokens(text, self.table))) if d is not None]
        if not rows:
            return {}
        n = len(rows)
        norm = math.sqrt(n)
        cols: list[list[float]] = [[] for _ in self.intents]
        for ids, values in rows:
            for i, v in zip(ids, values):
                cols[i].append(v)
        sums = [sum(col) for col in cols]  # bit for bit the sums with every 0 of the unseen in them
        return {
            c: self.prior[c] + (n * self.unseen[c] + sums[i]) / norm for i, c in enumerate(self.intents)
        }

    def seen_with(self, word: str) -> set[str]:
        """The intents whose examples have this word as it is."""
        ids, _ = self.delta.get("w:" + word, ((), ()))
        return {self.intents[i] for i in ids}

    def margin(self, text: str, intent: str, words: list[str] | None = None) -> float:
        """How much more likely `intent` is than the best other intent (log scale; >0: it wins)."""
        s = self.scores(text, words)
        if intent not in s:
            return float("-inf")
        others = [v for k, v in s.items() if k != intent]
        return s[intent] - max(others) if others else float("inf")

    def best(self, text: str) -> tuple[str | None, float]:
        s = self.scores(text)
        if len(s) < 2:
            return None, 0.0
        ranked = sorted(s.items(), key=lambda kv: kv[1], reverse=True)
        return ranked[0][0], ranked[0][1] - ranked[1][1]
