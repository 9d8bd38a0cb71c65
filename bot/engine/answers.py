"""Direct answers: a question whose answer is in the content gets that answer, not a module's start.

content/answers.yaml lists, for each answer, the ways people ask it ("boleh agen simpan paspor
asli saya?"). A message is compared with every listed question on their meaningful words: how
much of the question the message covers, and how much of the message the question explains
(both weighted so that words many answers share, like "kerja" or "agen", count for less). The
best answer is given when that agreement is high enough; the engine decides whether an
emergency, a tool or a follow-up comes first.

Words are compared through the intent matcher's analysis of the message (Match.positions), so
other forms of a word and typos count as they do for keywords.
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from bot.engine.intents import IntentMatcher, Match, _all_langs
from bot.engine.text import STOPWORDS, tokens

# Agreement (0..1) between a message and an answer's closest question:
MIN_SCORE = 0.4  # below this no answer is considered; at or above it, when the keywords found the
#                  answer's topic (or no topic), the answer is given rather than the module's start
ON_ITS_OWN = 0.55  # at or above this the answer is given whatever topic the keywords found, and a
#                    question this close gets its answer before any tool looks at it
MAX_WORDS = 40  # meaningful words: longer messages are ads, stories or chats, not one question
MIN_SHARED = 2  # meaningful words the message and the question must share
# A message word that no question has ("eh bentar", "selama proses") weighs like a word three
# answers share: it still says the message may be about something else, but a person's own
# filler no longer outweighs the question they ask. (It weighed like the rarest word: on the
# labelled sets the direct answer was then missed for about one message in four that asked it.)
UNKNOWN_WORD_SHARED_BY = 3
# "aku butuh bantuan, hubungi siapa ya", "mau minta tolong, lapornya kemana": the help topic, not one of its answers
ASKING_FOR_HELP = frozenset(
    "butuh perlu minta bantuan bantu tolong help need please hubungi kontak lapor lapornya melapor kemana siapa "
    "dapat dapet cara caranya masalah contact report where who get problem trouble "
    # whom to reach ("minta nomor kbri dong", "aku mau minta bantuan kedutaan") and what about
    # ("mau lapor kasus perdagangan orang"): still the help topic's own question
    "nomor nomer number kbri kjri kedutaan embassy konsulat consulate hotline kemlu "
    "kasus case tppo perdagangan orang trafficking "
    # a complaint line for migrant workers ("nomor pengaduan pekerja migran berapa?"): the help topic too
    "pengaduan aduan mengadu ngadu complaint complain pekerja migran pmi tki migrant worker workers "
    # where the writer is ("how can I get help if I'm still in Indonesia", "minta bantuan di luar negeri")
    "indonesia indo abroad overseas luar negeri".split()
)
# words that carry no topic in a question, beyond the matcher's STOPWORDS
QUESTION_FILLER = frozenset(
    "boleh apakah kah gak tidak nggak enggak ya iya kak min mas mbak bang dong sih nih kah kalo kalau "
    "is are do does can the my me i you it a an of to in on at or be if "
    "trus terus lalu emang memang udah sudah aku gw gue then still so and bingung confused".split()
)


@dataclass(frozen=True)
class AnswerMatch:
    answer: str
    score: float  # 0..1
    module: str


class AnswerIndex:
    def __init__(self, content, matcher: IntentMatcher) -> None:
        self.matcher = matcher
        self.module_of: dict[str, str] = {}
        self.countries_of: dict[str, frozenset[str]] = {}  # an answer about some countries only
        self._text_words: dict[str, frozenset[str]] = {}  # a content text -> its words (bounded by the content)
        self.questions: list[tuple[str, tuple[str, ...]]] = []  # (answer id, meaningful words)
        for aid, entry in (getattr(content, "answers", None) or {}).items():
            self.module_of[aid] = entry.get("module", "")
            if entry.get("countries"):
                self.countries_of[aid] = frozenset(entry["countries"])
            for q in _all_langs(entry.get("questions", {})):
                words = tuple(dict.fromkeys(w for w in _ages(tokens(q, matcher.table)) if _meaningful(w)))
                if words:
                    self.questions.append((aid, words))
        # a word's weight: rarer across answers -> more telling
        answers_with: dict[str, set[str]] = defaultdict(set)
        for aid, words in self.questions:
            for w in words:
                answers_with[w].add(aid)
        n = max(1, len(self.module_of))
        self.weight = {w: math.log(1.0 + n / len(a)) for w, a in answers_with.items()}
        self.unknown_weight = math.log(1.0 + n / min(n, UNKNOWN_WORD_SHARED_BY))
        self.q_weight = [sum(self.weight[v] for v in words) for _, words in self.questions]
        self.order = {aid: n for n, aid in enumerate(self.module_of)}
        # every word of a country's names ("saudi", "arabia", "hong", "kong"): a message of these
        # alone names a place (the engine's country card), it asks no question
        self.country_name_words = frozenset(w for _, words in matcher.country_keywords for w in words)
        self.place_words: dict[str, set[str]] = defaultdict(set)  # a country -> the questions' words for it
        for code, words in matcher.country_keywords:
            if len(words) == 1 and words[0] in self.weight:  # "kamboja", "dubai"; not "phnom penh"
                self.place_words[code].add(words[0])
        self.by_word: dict[str, list[int]] = defaultdict(list)
        for i, (_, words) in enumerate(self.questions):
            for w in words:
                self.by_word[w].append(i)

    def _place(self, w: str) -> bool:
        return w in self.matcher.country_by_word and w not in self.weight

    def best(self, m: Match, country: str | None = None) -> AnswerMatch | None:
        """The answer whose questions agree best with the message, if any agrees enough."""
        ranked = self.ranked(m, country=country)
        return ranked[0] if ranked and ranked[0].score >= MIN_SCORE else None

    def ranked(self, m: Match, min_shared: int = MIN_SHARED, country: str | None = None) -> list[AnswerMatch]:
        """Every answer that shares words with the message, best first (one per answer, its
        closest question), however low the agreement: `best()` keeps the first if it agrees
        enough; a topic's "questions people ask" list (engine) shows the closest few, where
        one shared word is enough (`min_shared=1`). `country`: the one the conversation is about,
        when the message names none; an answer about other countries only is left out."""
        if not self.questions or not m.words:
            return []
        # a country or an amount is the setting of a question, not what it asks: "mau kerja ke
        # korea perlu berkas apa aja" asks about documents wherever it is
        message = [w for w in dict.fromkeys(_ages(m.words)) if _meaningful(w) and not _amount(w) and not self._place(w)]
        if not message or len(message) > MAX_WORDS:
            return []  # a pasted ad or a long story is not one question
        if set(message) <= self.country_name_words:
            return []  # "Saudi Arabia", "hong kong": a place
        if set(message) <= ASKING_FOR_HELP:
            return []  # "saya butuh bantuan" asks for the help topic, not for one of its answers
        # which question words each message word may stand for (itself, other forms, typos)
        stands_for: dict[str, dict[str, float]] = {}
        for w in message:
            found = {v: sim / 100.0 for v, sim in self.matcher._similar(w).items() if v in self.weight}
            if w in self.weight:
                found[w] = 1.0
            stands_for[w] = found
        default_weight = self.unknown_weight
        msg_weight = {w: self.weight.get(w, default_weight) for w in message}
        total_msg = sum(msg_weight.values())
        # for each question word: how well the message has it (its best stand-in)
        has: dict[str, float] = {}
        for found in stands_for.values():
            for v, sim in found.items():
                if sim > has.get(v, 0.0):
                    has[v] = sim
        # the country the message or the conversation is about stands for the questions' words
        # for it: "kerja disana bahaya?" after "kamboja" is asked as "kerja di kamboja bahaya?"
        where = m.country or country
        for v in self.place_words.get(where, ()):
            has[v] = 1.0
        # From the postings of the words the message has, for each question: how many of its
        # words the message has, how much of its weight they carry (recall's numerator), and how
        # well each message word is found in it (its best stand-in). The same figures as comparing
        # every candidate with every message word, without the loops over words it does not share.
        shared: dict[int, int] = defaultdict(int)
        covered: dict[int, float] = defaultdict(float)
        for v, sim in has.items():
            got = self.weight[v] * sim
            for i in self.by_word.get(v, ()):
                shared[i] += 1
                covered[i] += got
        explained: dict[int, float] = defaultdict(float)
        for w, found in stands_for.items():
            best_in: dict[int, float] = {}
            for v, sim in found.items():
                for i in self.by_word.get(v, ()):
                    if sim > best_in.get(i, 0.0):
                        best_in[i] = sim
            for i, sim in best_in.items():
                explained[i] += msg_weight[w] * sim
        by_answer: dict[str, float] = {}
        for i in sorted(shared):
            aid, q = self.questions[i]
            if where and aid in self.countries_of and where not in self.countries_of[aid]:
                continue  # "kerja di kamboja bahaya?" is not about a visit visa to Saudi Arabia
            if shared[i] < min(min_shared, len(q)):
                continue
            recall = covered[i] / self.q_weight[i]
            precision = explained[i] / total_msg
            if recall + precision == 0:
                continue
            score = 2 * recall * precision / (recall + precision)
            if score > by_answer.get(aid, 0.0):
                by_answer[aid] = score
        # ties keep the content's order (the first listed answer wins, as before)
        return [AnswerMatch(aid, score, self.module_of[aid])
                for aid, score in sorted(by_answer.items(), key=lambda kv: (-kv[1], self.order[kv[0]]))]


    def _words_of(self, text: str) -> frozenset[str]:
        """The words of a content text, read once (answers are long; a turn may ask twice)."""
        words = self._text_words.get(text)
        if words is None:
            words = self._text_words[text] = frozenset(tokens(text, self.matcher.table))
        return words

    def shares_words(self, texts: list[str], m: Match) -> bool:
        """Does the message have a meaningful word of these texts (an answer, in any language)?"""
        said = _topic_words(m)
        return any(said & self._words_of(x) for x in texts)

    def closest_part(self, parts: list[str], m: Match) -> int | None:
        """Which part (paragraph) of an answer speaks most of what the message says: asked again
        about the same answer ("kalo udah pulang ke indo gimana?" after the one on unpaid wages),
        that part is shown rather than the whole answer once more. The first on a tie; None when
        no part shares a word with the message (the follow-up's own next steps then)."""
        said = _topic_words(m)
        best, best_n = None, 0
        for i, part in enumerate(parts):
            n = len(said & self._words_of(part))
            if n > best_n:
                best, best_n = i, n
        return best


AGE_CUES = frozenset("im am umur usia age aged old baru tahun thn th years yo".split())


def _ages(words: list[str]) -> list[str]:
    """"im 16", "umur 17", "16 thn": a person's age is a topic word ("umur"), not an amount."""
    out = list(words)
    for i, w in enumerate(words):
        if w.isdigit() and 10 <= int(w) <= 40:
            near = set(words[max(0, i - 1) : i]) | set(words[i + 1 : i + 2])
            if near & AGE_CUES:
                out[i] = "umur"
    return out


def _topic_words(m: Match) -> set[str]:
    """The message's words that carry a topic (no fillers, amounts or "how")."""
    return {w for w in _ages(m.words) if _meaningful(w) and not _amount(w)}


def _amount(w: str) -> bool:
    return any(ch.isdigit() for ch in w)


SHORT_MEANINGFUL = frozenset("hp wa kk pt cs id".split())  # short words that carry a topic


def _meaningful(w: str) -> bool:
    if w in SHORT_MEANINGFUL:
        return True
    return len(w) >= 3 and w not in STOPWORDS and w not in QUESTION_FILLER and not w.isdigit()
