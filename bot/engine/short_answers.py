"""Typed answers to the bot's own question: "iya", "ga tau", "untuk anak saya", "2".

When the bot's last message had buttons (a yes/no question of the guided check, "where are you
now?", "who is this for?", a quiz), the engine keeps them in the session as options: the
button data, what the button means (a kind: yes, no, unknown, reporter:family, location:abroad,
...) and its label. A short typed message that means the same as one option is read as a tap on
it. The phrases for each kind are content (content/intents.yaml `short_answers`), so editors can
add "nggih" or "muhun" without code.
"""
from __future__ import annotations

import re

from rapidfuzz import fuzz

from bot.engine.text import tokens

MAX_WORDS = 6  # longer messages are questions or stories, not answers to a button
FILLERS = frozenset(
    "kak min mas mbak bang pak bu dong deh sih aja saja ya yah kok nih tuh lah please pls sir "
    "i m am im we re are now sekarang skrg "  # "I'm abroad", "we are in indonesia now"
    "oh ohh oo ooh hmm hm eh ok oke okay".split()  # "ohh iya", "oh ok, no": the answer after a sound of taking it in
)
LETTERS = "abcdefgh"
LEADING_KINDS = ("yes", "no", "unknown")  # answers a sentence may open with ("iya, dia minta ...")
LEAD_MAX_WORDS = 16  # past this, a story that happens to start with "ya"
ONE_WORD_LEAD = re.compile(r"^\W*\w+\s*[,.!;:-]")  # "ga, ..." stands alone; "ga ngerti" does not
LABEL_MATCH = 88.0  # typed text this close to a button's label is that button


class ShortAnswers:
    def __init__(self, phrases_by_kind: dict[str, list[str]], table: dict[str, str]) -> None:
        self.table = table
        self.phrases: list[tuple[tuple[str, ...], str]] = []
        for kind, phrases in (phrases_by_kind or {}).items():
            for p in phrases:
                words = tuple(tokens(str(p), table))
                if words:
                    self.phrases.append((words, kind))
        self.phrases.sort(key=lambda pk: -len(pk[0]))  # "tidak tahu" before "tidak"
        # each phrase's kind (the first listed, when two kinds share a phrase): a message is
        # looked up, not compared with every phrase (70 µs a short message before)
        self.kind_by_phrase: dict[tuple[str, ...], str] = {}
        for words, kind in self.phrases:
            self.kind_by_phrase.setdefault(words, kind)
        self._labels: dict[str, str | None] = {}

    def kind_of(self, words: list[str]) -> str | None:
        """What a short message (or a button label) means, if it is one of the known answers."""
        core = tuple(w for w in words if w not in FILLERS) or tuple(words)
        if not core or len(core) > MAX_WORDS:
            return None
        for whole in (tuple(words), core):  # "i have" is a phrase of its own; "i'm abroad" is "abroad"
            if whole in self.kind_by_phrase:
                return self.kind_by_phrase[whole]
        # "iya bener", "belum kak pernah", "untuk anak saya yang kedua": the longest known phrase
        # at the start decides, when the rest is short
        for n in (len(core) - 1, len(core) - 2):
            if n >= 1 and core[:n] in self.kind_by_phrase:
                return self.kind_by_phrase[core[:n]]
        if len(core) > 1 and core[0] == "saya":  # "aku di rumah, di kampung" ("aku" reads "saya"): where, said of oneself
            return self.kind_of(list(core[1:]))
        return None

    def label_kind(self, label: str) -> str | None:
        """What a button label means as an answer ("Ya" -> yes). Labels are the bot's own few
        words, so each is worked out once."""
        got = self._labels.get(label, "?")
        if got == "?":
            words = tokens(label, self.table)
            got = self._labels[label] = self.kind_of(words) if len(words) <= 4 else None
        return got

    def leading(self, words: list[str], options: list[list[str]], text: str) -> str | None:
        """The option a longer message opens with, at a yes/no question: "iya dia minta duit
        20jt dulu" (yes), "gk ada, dia bilang kontrak nanti di sana" (no), "gk tau izinnya, dia
        cuma calo" (don't know). A phrase of two words or more opens it, or one word set apart
        by a comma ("ga, ..."), or a yes ("iya paspor asli sy dipegang dia"): "ga ngerti
        maksudnya" opens with "ga ngerti" (content: don't know), not with a no. A question
        ("iya, tapi boleh ga dia pegang paspor?") is no answer."""
        if not options or not words or len(words) > LEAD_MAX_WORDS or "?" in text:
            return None
        kinds = {kind for _, kind, _ in options}
        for n in (3, 2, 1):
            kind = self.kind_by_phrase.get(tuple(words[:n])) if len(words) > n else None
            if kind not in LEADING_KINDS or kind not in kinds:
                continue
            if n == 1 and kind != "yes" and not ONE_WORD_LEAD.match(text):
                return None
            hits = [data for data, k, _ in options if k == kind]
            return hits[0] if len(hits) == 1 else None
        return None

    def pick(self, words: list[str], options: list[list[str]], country: str | None = None) -> str | None:
        """The data of the option this typed message names, or None."""
        if not options or not words or len(words) > MAX_WORDS:
            return None
        kinds = [kind for _, kind, _ in options]
        kind = self.kind_of(words)
        if country and any(k == "location:abroad" for k in kinds) and not (kind or "").startswith("location:"):
            # "sudah di kamboja": abroad, and the country is noted; "sy di kamboja" too (its
            # "saya" alone would read "for myself")
            kind = "location:abroad"
        if kind == "no" and "no" not in kinds and "location:indonesia" in kinds:
            # "belum" at "where are you now?": not left yet, the first such button ("still in Indonesia")
            return next(data for data, k, _ in options if k == "location:indonesia")
        if kind == "unknown" and "unknown" not in kinds and "location:abroad" in kinds:
            # "ga tau" at "where are you now?": maybe moved without knowing where; the way that
            # gives the Kemlu hotline first, which serves Indonesians anywhere
            return next(data for data, k, _ in options if k == "location:abroad")
        if kind:
            hits = [data for data, k, _ in options if k == kind]
            if len(hits) == 1:
                return hits[0]
        core = [w for w in words if w not in FILLERS]
        if len(core) == 1:
            w = core[0]
            if w.isdigit() and 1 <= int(w) <= len(options):  # "2": the second button
                return options[int(w) - 1][0]
            if len(w) == 1 and w in LETTERS[: len(options)] and all(k.startswith("quiz") for k in kinds):
                return options[LETTERS.index(w)][0]  # "b" at a quiz
        text = " ".join(core)
        if len(text) >= 4:
            best = max(options, key=lambda o: fuzz.token_set_ratio(text, " ".join(tokens(o[2], self.table))))
            label = " ".join(tokens(best[2], self.table))
            if fuzz.token_set_ratio(text, label) >= LABEL_MATCH and fuzz.ratio(text, label) >= 60:
                return best[0]
        if kind:
            # "di lembur keneh" at "where are you now?", whose "still in Indonesia" and "back home"
            # both mean Indonesia: the first such button, when no label was typed
            return next((data for data, k, _ in options if k == kind), None)
        return None
