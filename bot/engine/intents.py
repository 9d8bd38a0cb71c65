"""Free-text intent matching over the keywords that live in content.

A keyword is a word or a short phrase ("cek agen", "paspor ditahan"). A message matches a
keyword when every word of the keyword is in the message and the matched words stand near each
other. A word is "in the message" when it is there exactly, as another form of the same root
(disekap / menyekap / sekapnya, locked / lock), or with a typo (rapidfuzz ratio, for words long
enough to carry one). Longer keyword phrases count for more than single words.

Emergencies are looked for first and win whenever they match: missing one is the one mistake
the bot must not make. content/emergency.yaml has three kinds of evidence:
- `keywords`: phrases that mean danger on their own ("disekap", "paspor ditahan");
- `combos`: groups of alternatives that mean danger together ("tidak bisa" + "pulang",
  "passport" + "taken"), each group's word near the others';
- `weak_keywords`: distress words ("tolong", "help me") that mean an emergency only when the
  message is about nothing else the bot knows ("tolong cek PT ini" is a recruiter question).
Then a second opinion: the example model (examples.py, trained on content/examples.yaml) may
turn any message into an emergency when it ranks "emergency" above every other intent.

Intents: "emergency", each module's intent (fake_offer, recruiter, help, ...), the intents of
content/intents.yaml (menu, language, ...), and "unknown".
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field, replace

from rapidfuzz import fuzz, process

from bot.engine.examples import ExampleModel
from bot.engine.text import STOPWORDS, stems, tokens

EMERGENCY = "emergency"
SELF_HARM = "self_harm"
LANGUAGE_OTHER = "language_other"
UNKNOWN = "unknown"
THANKS = "thanks"
LANGUAGE = "language"
THRESHOLD = 80.0  # a keyword match scores at least this
FUZZY_MIN_LEN = 5  # shorter words must match exactly ("ga" is not "ka")
FUZZY_CUTOFF = 84.0  # ratio for a typo'd word to count
EMERGENCY_FUZZY_CUTOFF = 80.0  # be generous where a miss is costly
SHORT_WORD_CUTOFF = 88.0  # words of five letters: one letter added or dropped, not changed
MID_WORD_CUTOFF = 84.0  # words of six to eight letters: one typo
STEM_SCORE = 93.0  # another form of the same root
WINDOW_SLACK = 3  # extra words allowed between the words of a phrase
COMBO_WINDOW = 7  # words a combo's parts may be apart
GENERIC_INTENTS = ("menu", "greeting", "thanks", "insult", "followup")  # met only when nothing more specific matched...
GENERIC_MARGIN = 20.0  # ...or when it matched this much better
EXACT_EARLY = 3  # a word-for-word phrase starting among the first words is what the message asks for...
EXACT_EARLY_BONUS = 15.0  # ...over the topic words of what follows ("... yg nawarin aku kerja di luar negeri")
HOW_CUES = frozenset("cara caranya gimana gmn gmna bagaimana gimna how".split())  # words that ask how, not for the thing
EXACT_MARGIN = 6.0  # a phrase of an intent matched word for word (intents.yaml `exact`) wins unless a topic scored this much more
# The example model may call an emergency on its own only when it finds "emergency" clearly
# likelier than any other intent (log-odds margin; with each conversation set left out of
# training, the true emergencies only the examples caught scored 2.9 and up, and no harmless
# message above 2.5 was left an emergency once the not-now rules had read it) and
# only in a message of at least EXAMPLE_MIN_WORDS words: "ga tau", "aku takut kak" or "lagi galau"
# alone are never enough.
EXAMPLE_EMERGENCY_MARGIN = 2.5
EXAMPLE_MIN_WORDS = 4
# ...and when a keyword phrase already says what the message is about ("udah di bandara",
# "cara share bot ini"), the examples must be far surer to overrule it
EXAMPLE_OVERRULE_MARGIN = 6.0
# ...and so must they in a short message ("aku takut ketipu kak", "ga ada yg peduli sama aku"):
# every emergency that only the examples caught in the labelled sets had 11 words or more
EXAMPLE_SHORT_WORDS = 8
CONFIDENT = 100.0  # a keyword phrase of two or more words matched (single words score up to 100)
PEOPLE = frozenset("saya aku kami kita dia mereka orang me us her him them i we they my bos boss majikan employer".split())
FUNCTION_WORDS = frozenset("to by at in on of for from di ke dari oleh sama pada the a an m am is are was were be mau".split())
QUESTION_CUES = frozenset("apakah bisa boleh bisakah bolehkah gimana bagaimana apa berapa can could should is are does how what".split())
NEGATIONS = frozenset({"tidak", "belum", "bukan", "no", "not", "cannot", "cant", "never", "dilarang", "jangan"})
# "mati aku bulan ini 😂", "diculik sama kamu 😘": a joke or a flirt, like "wkwk"; and an eye roll
# ("ortu sy gak ngebolehin keluar malem, rasanya kyk dipenjara 🙄"): annoyance, not fear
LAUGHING_EMOJI = ("😂", "🤣", "😆", "😹", "😅", "😁", "😜", "🤪", "😘", "🥰", "😍", "🙄", "😑", "😒")
# A fear ("takut") of what may happen if the writer makes a choice ("kalau daftar", "if I go"), with
# no word of now: not danger now
FEAR_WORDS = frozenset("takut khawatir kuatir cemas afraid scared worried worry fear".split())
FEAR_LINKS = frozenset("of to being be kena bakal akan".split())  # "afraid of being sold", "takut kena tipu"
CONDITIONAL_WORDS = frozenset("kalau kalo klo jika jikalau seandainya andai if once".split())
CHOICE_WORDS = frozenset("daftar mendaftar jadi berangkat kerja bekerja lewat ikut pergi ambil terima nekat go apply take work join accept sign leave".split())
NOW_WORDS = frozenset("sekarang skrg skrang lagi masih sedang tolong tlg help now again currently still sos".split())
WORD_FOR_WORD = frozenset({"thanks", "greeting", "insult"})  # set phrases: their words together, in order
DESTINATION_WORDS = frozenset("ke to into menuju towards".split())  # "dikirim ke malaysia": where to, not where
PASSIVE_DELETED = frozenset("kehapus terhapus kehapusan keapus kehapus2 deleted erased".split())
DELETE_ASKED = frozenset("hapus hapusin hapuskan menghapus apus apusin delete erase remove".split())
PAPERS = frozenset("kontrak contract perjanjian agreement dokumen document documents surat formulir form paper papers".split())
NOT_LEFT_YET = (("belum", "berangkat"), ("not", "left", "yet"), ("hasnt", "left"), ("has", "not", "left"), ("havent", "left"))
STILL_WORDS = frozenset({"masih", "still"})
BEFORE_LEAVING = frozenset("berangkat keberangkatan departure depart".split())
HOLD_ACTS = frozenset("ditahan tahan nahan menahan ketahan dipegang pegang megang disimpan simpan nyimpen held hold holds keep keeps kept".split())
HELD_THINGS = PAPERS | frozenset("paspor pasport passport passports ktp ijazah".split())  # what a recruiter may hold
OFFER_WORDS = frozenset("lowongan loker lowker tawaran ditawarin ditawari job offer vacancy".split())
ASKS_SAFE = frozenset("aman safe legit resmi".split())
JOB_TALK = OFFER_WORDS | frozenset("gaji salary".split())  # a job offer, not "saya kerja di hongkong"
THREATS = frozenset("ancam ngancam diancam mengancam ancem ngancem diancem threaten threatens threatened".split())
LANGUAGE_WORD = frozenset({"bahasa", "language", "boso", "basa"})
ASKS_RULE = frozenset("boleh oleh allowed wajar lumrah normal legal".split())  # "... boleh gak?": a question of the rule
SOS = "🆘"
CONTRAST_NOT = frozenset({"bukan", "bukannya", "not"})  # "... bukan kejebak macet": what it is not
CONTRAST_REACH = 3  # the words after it that it denies
ABLE = frozenset({"bisa", "can", "could", "able"})
SINCE_NOW = frozenset({"sekarang", "kini", "now", "currently"})  # a story's turn to the present
ONGOING_SINCE = frozenset({"sejak", "semenjak", "dari", "since", "from"})  # "... sejak bulan lalu": still going on
HOME = frozenset("rumah kampung desa kos home".split())  # "masih di rumah": safe where they live
LEFT = frozenset("berangkat pergi merantau budal mangkat left went flew departed".split())  # "berangkat bulan lalu": when the story began
# words before a danger word that make it not a statement of now: an if, a fear, a question, the
# future or the past, a likeness
HEDGES = frozenset("kalau kalo klo jika seandainya andai misal misalnya if what takut khawatir afraid scared worried "
                   "apa apakah gimana bagaimana nanti bakal akan will would could might dulu pernah sempat sempet "
                   "kayak kaya seperti like biar supaya agar kemarin yesterday".split())
OTHER_SENSE_NEAR = 4  # words between a danger word and the words that give it an everyday sense
# What is done to a person, never to a thing or a team: "aku dikurung di kantor", "I was sold to
# another team" stay danger whatever "kantor" or "team" say nearby. Only a phrase that holds the
# word itself ("dikurung emak", "hp saya dijual") gives it another sense.
# (the passive only: "aku jual motor" is the writer selling; "sold" and "beaten" after "was", "got")
DONE_TO_A_PERSON = frozenset("dijual dijualin dikurung disekap disiksa diculik dipukul dipukulin dipukuli dikunci dikunciin".split())
DONE_TO_A_PERSON_EN = frozenset("sold beaten kidnapped".split())
EN_PASSIVE = frozenset("was were been being got get is are am".split())
# ...and the active, with the writer or their people right after it: "madam lock me and take my
# phone", "they sold us", "majikan ngunci aku" (not "lock my phone", "jual hp saya")
DONE_TO_ACTIVE = frozenset("lock locks locked locking sell sells sold selling hit hits hitting beat beats beating "
                           "kidnap kidnapped trap trapped ngurung mengurung nyekap menyekap mukul mukulin memukul "
                           "ngunci mengunci kunci jual menjual jualin nyiksa menyiksa".split())
OBJECTS = frozenset("me us him them saya aku kami gue gw".split())
CLOSE_OBJECTS = OBJECTS - {"him", "them"}  # the writer and their own ("they lock us"), not others
WILL = frozenset("bakal akan pernah will be won t get kena".split())  # between a negation and what it denies
DENY_BETWEEN = WILL | frozenset("ada yg yang any anyone sampai sampe".split())  # "ga sampe dipukul": not as far as
SUBJECTS = frozenset("saya kami gue i we he she dia mereka they".split())
# the writer or someone close, of whom a danger word said as happening is danger now ("they get
# beaten if they miss the target" is about others)
CLOSE_SUBJECTS = frozenset("saya kami gue i we anak adik kakak suami istri ibu bapak ayah son daughter sister brother "
                           "husband wife mother father mom dad".split())
# between a subject and what is done to it: "I was sold", "aku udah dijual", "kami lagi disekap"
AUXILIARIES = frozenset("was were am is are got get been being just already sudah udah telah lagi mau akan bakal baru mo "
                        "juga pun".split())
MENU_PHRASE_MAX_WORDS = 10  # "kamu bisa bantu apa aja?" asks about the bot; a long story does not
GENERIC_MAX_WORDS = 4  # a one-word greeting or "back" counts only in a message this short
# Words that ask for a language, beside a language's name ("in english please", "pake bahasa indo")
LANGUAGE_CUES = {
    "bahasa", "language", "speak", "ngomong", "pake", "pakai", "use", "reply", "write", "tulis",
    "ganti", "switch", "change", "translate", "terjemah", "terjemahkan", "ngerti", "understand",
    "mengerti", "paham", "version", "versi", "balas", "answer", "respond", "jawab", "talk", "chat",
}
# ...and words that ask only in a short message ("english please", "indo aja", not "jobs in indonesia")
SHORT_LANGUAGE_CUES = {"in", "please", "aja", "saja", "dong", "only", "can", "bisa", "pls"}
SHORT_REQUEST = 4
ASKS_FOR_LANGUAGE = frozenset("pake pakai ke in use using into dalam".split())  # right before the language asked for
SHORT_LANGUAGE_TALK = 5  # longer, a language named beside a topic word is about that topic
# A distress word alone ("tolong!", "help me please") is an emergency; with a request after it
# ("tolong lihatin lowongan ini", "tolong hitungin 15 x 24") it is politeness. These words may
# stand beside it without making it a request.
WEAK_COMPANIONS = frozenset("""
saya aku kami kita gue gw sy aq ak kak kaka min admin mas mbak bang pak bu bapak ibu dong please pls plis
cepat cepet segera sekarang skrg now urgent asap di sini sana disini disana here me us i we my
cuy bro sis ya yah deh sih lah toh ini kami semua orang quickly someone anybody anyone
""".split())
# The examples' second opinion on the topic: it may change the keywords' choice among these...
TOPIC_FROM = frozenset({"fake_offer", "recruiter", "help", UNKNOWN})  # not "departing": leaving soon comes first
TOPIC_TO = frozenset({"fake_offer", "recruiter", "help", "departing", "human", "privacy", "delete", "share", "thanks"})
TOPIC_MARGIN = 3.0  # ...when it finds its own choice this much likelier (log scale), in a
TOPIC_MIN_WORDS = 3  # message of at least this many words
EVIDENCE_MIN = 2  # distinct topic words needed when no keyword phrase matched


# The older labelled sets (tests/data) were written before greetings, thanks and the other
# conversational intents had answers of their own; they name them by these coarser labels.
COARSE_LABELS = {
    "greeting": "menu", "language_other": "language", "thanks": "unknown", "human": "unknown",
    "privacy": "unknown", "delete": "unknown", "share": "unknown", "insult": "unknown", "followup": "unknown",
    # despair ("mending mati aja") was an emergency before it had the counselling answer; both are
    # urgent help, and the counselling answer carries the 🆘 button
    "self_harm": "emergency",
}


@dataclass(frozen=True)
class _Keyword:
    intent: str
    words: tuple[str, ...]
    weak: bool = False


@dataclass
class Match:
    intent: str
    score: float
    scores: dict[str, float] = field(default_factory=dict)
    country: str | None = None
    hits: dict[str, list[str]] = field(default_factory=dict)  # intent -> keywords matched
    distress: bool = False  # a distress word was there ("tolong", "help"), emergency or not
    language: str | None = None  # the language asked for, if one was named
    # vocabulary word -> [(position in the message, similarity)]: what the answers index reads
    positions: dict[str, list[tuple[int, float]]] = field(default_factory=dict, repr=False)
    words: list[str] = field(default_factory=list, repr=False)

    def guessed(self, intent: str | None = None) -> bool:
        """Found, but by no phrase of the intent: only the examples' likeness or its single words."""
        hits = self.hits.get(intent or self.intent, [])
        return bool(hits) and all(h.startswith("(") for h in hits)


class IntentMatcher:
    @classmethod
    def for_content(cls, content) -> "IntentMatcher":
        """One matcher per loaded content (content does not change once loaded)."""
        m = getattr(content, "_intent_matcher", None)
        if m is None:
            m = cls(content)
            setattr(content, "_intent_matcher", m)
        return m

    def __init__(self, content) -> None:
        self.table = dict(content.normalize)
        self.module_intents = [m["intent"] for m in content.modules.values()]
        self.keywords: list[_Keyword] = []
        em = content.emergency
        self._add(EMERGENCY, _all_langs(em.get("keywords", {})))
        self._add(EMERGENCY, _all_langs(em.get("weak_keywords", {})), weak=True)
        for m in content.modules.values():
            self._add(m["intent"], _all_langs(m.get("keywords", {})))
        self.exact_intents: set[str] = set()
        for name, spec in content.intents.items():
            self._add(name, _all_langs(spec.get("keywords", {})))
            if spec.get("exact"):
                self.exact_intents.add(name)
        # words that give an intent's keywords another sense ("lagi di bandara jemput suami"):
        # intents.yaml `unless`, so an editor mends such a reading without code
        self.unless: dict[str, list[tuple[str, ...]]] = {
            name: [p for p in (tuple(tokens(x, self.table)) for x in _all_langs(spec.get("unless", {}))) if p]
            for name, spec in content.intents.items() if spec.get("unless")}
        # combos: list of groups of alternative phrases
        self.combos: list[list[list[tuple[str, ...]]]] = []
        for combo in em.get("combos", []) or []:
            groups = []
            for group in combo:
                alts = [tuple(tokens(p, self.table)) for p in group]
                groups.append([a for a in alts if a])
            if all(groups):
                self.combos.append(groups)
        # languages by name ("english", "inggris", "indonesia")
        aliases = content.files.get("settings.yaml", {}).get("language_aliases", {}) or {}
        self.language_names: dict[str, str] = {}
        for lang in content.languages:
            for name in [content.lang_name(lang)] + list(aliases.get(lang, [])):
                for w in tokens(name, self.table):
                    if w != "bahasa" and len(w) >= 3:
                        self.language_names.setdefault(w, lang)
        # Countries: a separate vocabulary, so "nomor kbri malaysia" knows where.
        self.country_keywords: list[tuple[str, tuple[str, ...]]] = []
        for code, c in content.countries.items():
            names = list(c.get("keywords", [])) + [content.t(c["name"], lang) for lang in content.languages]
            for kw in names:
                words = tuple(tokens(kw, self.table))
                if words:
                    self.country_keywords.append((code, words))
        # words of the direct answers' questions (content/answers.yaml): known words, so that
        # their other forms and typos are found like keywords' ("pasporku" ~ "paspor")
        self.extra_vocab: set[str] = set()
        for entry in (getattr(content, "answers", None) or {}).values():
            for q in _all_langs(entry.get("questions", {})):
                self.extra_vocab.update(w for w in tokens(q, self.table) if len(w) >= 3)
        # words that say the danger is not now, or not real (content/emergency.yaml `not_now`)
        self.not_now: dict[str, list[tuple[str, ...]]] = {}
        for group, phrases in (em.get("not_now") or {}).items():
            self.not_now[group] = [w for w in (tuple(tokens(p, self.table)) for p in phrases) if w]
        self.family = [w for w in (tuple(tokens(p, self.table)) for p in _all_langs(em.get("family_words", {}))) if w]
        self.kin = frozenset(w for p in self.family for w in p)  # "anak", "suami", ... of the family phrases
        # the phrases of everyday senses that may hold a danger word ("dipaksa lembur", "beat me at chess")
        self.everyday_phrases = [p for p in self.not_now.get("other_sense", []) if len(p) > 1]
        # danger words with everyday senses, as roots: "dipukul", "memukul" and "pukulin" alike
        self.ambiguous = {r for p in (em.get("not_now") or {}).get("ambiguous", []) for w in tokens(p, self.table) for r in stems(w)}
        # the words of the everyday senses ("motor", "hp", "tim"): before a person, they name its owner
        # (a danger word inside a longer phrase, "locked" of "account got locked", is that phrase's
        # own, not a thing: "help. locked. phnom penh" still speaks of a person)
        self.things = frozenset(w for p in self.not_now.get("other_sense", []) for w in p
                                if len(p) == 1 or not stems(w) & self.ambiguous) - PEOPLE
        self.extra_vocab.update(w for ps in self.not_now.values() for p in ps for w in p)
        intents_file = content.files.get("intents.yaml", {}) or {}
        self.intents_file = intents_file
        self.extra_vocab.update(w for p in intents_file.get("not_typos", []) or [] for w in tokens(str(p), self.table))
        self.off_topic = [w for w in (tuple(tokens(str(p), self.table)) for p in intents_file.get("off_topic", []) or []) if w]
        self.mission_words = frozenset(w for p in intents_file.get("mission_words", []) or [] for w in tokens(str(p), self.table))
        self._build_index()
        self.examples = ExampleModel(content.examples, self.table) if content.examples else None

    # -- building ----------------------------------------------------------------------------
    def _add(self, intent: str, phrases: list[str], weak: bool = False) -> None:
        seen = {(k.words, k.weak) for k in self.keywords if k.intent == intent}
        for p in phrases:
            words = tuple(tokens(p, self.table))
            if words and (words, weak) not in seen:
                seen.add((words, weak))
                self.keywords.append(_Keyword(intent, words, weak))

    def _build_index(self) -> None:
        self.by_word: dict[str, list[int]] = defaultdict(list)
        for i, kw in enumerate(self.keywords):
            for w in set(kw.words):
                self.by_word[w].append(i)
        self.country_by_word: dict[str, list[int]] = defaultdict(list)
        for i, (_, words) in enumerate(self.country_keywords):
            for w in set(words):
                self.country_by_word[w].append(i)
        combo_words = {w for combo in self.combos for group in combo for alt in group for w in alt}
        vocab = set(self.by_word) | set(self.country_by_word) | combo_words | set(self.language_names) | self.extra_vocab
        self.vocab = vocab
        self.fuzzy_vocab = sorted(w for w in vocab if len(w) >= FUZZY_MIN_LEN and w.isalpha())
        self.by_stem: dict[str, set[str]] = defaultdict(set)
        for w in vocab:
            for s in stems(w):
                self.by_stem[s].add(w)
        self._emergency_words = {w for kw in self.keywords if kw.intent == EMERGENCY for w in kw.words} | combo_words
        # topic evidence: words used by exactly one module intent's keywords
        owners: dict[str, set[str]] = defaultdict(set)
        for kw in self.keywords:
            if kw.intent in self.module_intents:
                for w in kw.words:
                    if len(w) >= 4 and w.isalpha() and w not in STOPWORDS:
                        owners[w].add(kw.intent)
        self.evidence = {w: next(iter(o)) for w, o in owners.items() if len(o) == 1}
        self._cache: dict[str, dict[str, float]] = {}
        self._stem_cache: dict[str, frozenset[str]] = {}

    # -- matching ----------------------------------------------------------------------------
    def _stems_of(self, word: str) -> frozenset[str]:
        got = self._stem_cache.get(word)
        if got is None:
            got = self._stem_cache[word] = stems(word) - {word}
        return got

    def _similar(self, word: str) -> dict[str, float]:
        """Vocabulary words that this message word may stand for, with their similarity."""
        got = self._cache.get(word)
        if got is not None:
            return got
        found: dict[str, float] = {}
        if word in self.vocab:
            found[word] = 100.0
        forms = stems(word)
        if len(forms) > 1:  # an affixed word: its other forms count (menyekap ~ disekap)
            for s in forms:
                for v in self.by_stem.get(s, ()):
                    # not when this word is the bare root of the keyword's word: "pukul" (also
                    # a time) is not "dipukul", "keluar" is not "keluarkan"
                    if v not in found and word not in self._stems_of(v):
                        found[v] = STEM_SCORE
        # a word the bot knows as it is is not a typo of another ("dibayar" is not "dibakar")
        if len(word) >= FUZZY_MIN_LEN and word.isalpha() and word not in self.vocab:
            for cand, score, _ in process.extract(
                word, self.fuzzy_vocab, scorer=fuzz.ratio, score_cutoff=EMERGENCY_FUZZY_CUTOFF, limit=8
            ):
                if cand in found or abs(len(cand) - len(word)) > 2:  # affixes are for stems() to judge
                    continue
                shorter = min(len(word), len(cand))
                cutoff = EMERGENCY_FUZZY_CUTOFF if cand in self._emergency_words else FUZZY_CUTOFF
                if shorter <= 5:
                    cutoff = max(cutoff, SHORT_WORD_CUTOFF)  # kabar is not kabur; tolongg is tolong
                elif shorter <= 8:
                    cutoff = max(cutoff, MID_WORD_CUTOFF)  # one typo, not two: dicabut is not dicambuk
                if score >= cutoff:
                    found[cand] = float(score)
        if len(self._cache) > 50_000:
            self._cache.clear()
        self._cache[word] = found
        return found

    @staticmethod
    def _match_phrase(
        words: tuple[str, ...], positions: dict[str, list[tuple[int, float]]], ordered: bool = False, slack: int = WINDOW_SLACK
    ) -> tuple[float, int, int]:
        """(score, first, last position) of a phrase in the message; score 0 if absent or scattered.

        ordered: the words must come in the phrase's order ("tidak boleh", not "boleh ... tidak")."""
        found = [positions.get(w) for w in words]
        if not all(found):
            return 0.0, -1, -1
        if len(words) == 1:
            pos, sim = max(found[0], key=lambda c: c[1])
            return sim, pos, pos
        best: tuple[float, int, int] = (0.0, -1, -1)
        for anchor, _ in found[0]:  # each place the first word occurs: the others nearest to it
            total, spots = 0.0, []
            for cands in found:
                pos, sim = min(cands, key=lambda c: (abs(c[0] - anchor), -c[1]))
                total += sim
                spots.append(pos)
            if max(spots) - min(spots) > len(words) - 1 + slack:
                continue
            if ordered and any(b <= a for a, b in zip(spots, spots[1:])):
                continue
            score = total / len(words) + 6.0 * (len(words) - 1)
            if score > best[0]:
                best = (score, min(spots), max(spots))
        return best

    def _positions(self, words: list[str]) -> dict[str, list[tuple[int, float]]]:
        positions: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for i, w in enumerate(words):
            for cand, sim in self._similar(w).items():
                positions[cand].append((i, sim))
        for i in range(len(words) - 1):  # "di sekap" typed apart, "gabisa" glued
            glued = words[i] + words[i + 1]
            if glued == "keluar" and i + 2 < len(words) and words[i + 2] == "negeri":
                continue  # "ke luar negeri" is abroad, not "keluar" (get out)
            if glued in self.vocab:
                positions[glued].append((i, 100.0))
        return positions

    def analyse(self, text: str, words: list[str] | None = None, _inner: bool = False) -> Match:
        """What a message is about. `words`: its normalised words, when the caller has them."""
        if words is None:
            words = tokens(text, self.table)
        if not words:
            return Match(UNKNOWN, 0.0)
        positions = self._positions(words)
        candidates: set[int] = set()
        for w in positions:
            candidates.update(self.by_word.get(w, ()))
        scores: dict[str, float] = {}
        hits: dict[str, list[str]] = defaultdict(list)
        weak = 0.0
        weak_span: set[int] = set()
        first_at: dict[str, int] = {}  # where each topic's first keyword starts: a tie goes to the topic named first
        for i in candidates:
            kw = self.keywords[i]
            if len(kw.words) > 1 and not all(w in positions for w in kw.words):
                continue  # cheap test first: a word of the phrase is missing
            # "tidak bisa keluar" only in that order: "bisa kerja ke luar negeri ga?" is a question;
            # "takut mati" too: "permit mati, mau pulang tapi takut ditangkap" fears the police
            # ...and a follow-up phrase in its order: "apa aja yg hrs sy siapin" is not "saya harus apa"
            ordered = len(kw.words) > 1 and (kw.intent == "followup" or (kw.intent == EMERGENCY and kw.words[0] in NEGATIONS | FEAR_WORDS))
            if (kw.intent in self.exact_intents or kw.intent in WORD_FOR_WORD) and len(kw.words) > 1:
                # "ini bot ya" is not "ini bot apa ya"; "got it" is not "got paid for it"
                s, a, b = self._match_phrase(kw.words, positions, ordered=True, slack=0)
                if kw.intent in self.exact_intents and s >= THRESHOLD and a <= EXACT_EARLY and not HOW_CUES & set(words[:a]):
                    s += EXACT_EARLY_BONUS  # "mau ngecek sponsor yg nawarin aku kerja": the request the message opens with
                    #                         (not "gmn cek agen resmi", which asks how)
            else:
                s, a, b = self._match_phrase(kw.words, positions, ordered=ordered)
            if s < THRESHOLD:
                continue
            if kw.weak:
                weak = max(weak, s)
                weak_span.update({a, b})  # its first and last word ("tolong ... saya" may have others between)
                continue
            if kw.intent == LANGUAGE and len(kw.words) == 1 and len(words) > 1:
                continue  # "inggris" alone is not a request ("liga inggris"); the rule below decides
            if kw.intent == LANGUAGE_OTHER and len(kw.words) == 1 and len(words) > SHORT_REQUEST and not LANGUAGE_CUES & set(words):
                continue  # "the boss is chinese" is not a request for Chinese
            if kw.intent in GENERIC_INTENTS and len(kw.words) == 1 and len(words) > GENERIC_MAX_WORDS:
                continue  # "home" in "how can i get home after my contract ends" is not the menu
            if kw.intent == "menu" and len(words) > MENU_PHRASE_MAX_WORDS:
                continue  # "suami saya di malaysia dipersulit ..., saya bisa bantu apa?" asks about him, not about the bot
            hits[kw.intent].append(" ".join(kw.words))
            scores[kw.intent] = max(scores.get(kw.intent, 0.0), s)
            first_at[kw.intent] = min(first_at.get(kw.intent, a), a)
        # "mau mudik, lagi di bandara": going home, not leaving for work
        other_sense_of = {intent for intent, phrases in self.unless.items() if self._has(phrases, words)}
        for intent in other_sense_of:
            scores.pop(intent, None)
            hits.pop(intent, None)
        combo, combo_words, combo_span = self._combo_score(positions)
        if combo:
            hits[EMERGENCY].append("(combo: " + " ".join(sorted(combo_words)) + ")")
            scores[EMERGENCY] = max(scores.get(EMERGENCY, 0.0), combo)
        for intent, hs in hits.items():  # several different keywords: more confidence
            scores[intent] = scores[intent] + min(9.0, 3.0 * (len(hs) - 1))
        asked = self._language(words)
        language = asked if isinstance(asked, str) else None
        if asked and LANGUAGE not in scores:
            scores[LANGUAGE] = 85.0
        if (len(words) > SHORT_LANGUAGE_TALK and any(k in self.module_intents for k in scores)
                and not (LANGUAGE_CUES - {"bahasa", "language", "ngerti", "mengerti", "paham", "understand"}) & set(words)):
            for k in (LANGUAGE, LANGUAGE_OTHER):  # "kontrak saya bahasa arab semua ga ngerti": the contract
                scores.pop(k, None)
        if any(w.removesuffix("nya") in PAPERS for w in words):
            for k in (LANGUAGE, LANGUAGE_OTHER):  # "the contract is all in Arabic", "kontraknya pake bahasa arab": a paper's language
                scores.pop(k, None)
        if len(words) > SHORT_LANGUAGE_TALK and set(words) & JOB_TALK:
            for k in (LANGUAGE, LANGUAGE_OTHER):  # "lowongan korea gk pake tes bahasa", "CS pake bhs indonesia": the job's language
                scores.pop(k, None)
        if _own_lack(words):  # "sy ga bisa bhs arab": not a request; "ga ngerti bahasa inggris" still asks for Indonesian
            scores.pop(LANGUAGE_OTHER, None)
        if "delete" in scores and PASSIVE_DELETED & set(words) and not DELETE_ASKED & set(words):
            scores.pop("delete")  # "bukti chatnya udah kehapus": something was lost, not a request to delete
        if not any(k != EMERGENCY and k not in GENERIC_INTENTS for k in scores):
            self._evidence(words, positions, scores, hits)
        pure = bool(weak) and all(i in weak_span or w in WEAK_COMPANIONS or self._danger_act(w) or w in self.country_by_word
                                  for i, w in enumerate(words))
        if weak and self._has(self.not_now.get("polite", []), words):
            pure = False  # "tolong ya pak": please, not help
        polite = bool(weak) and self._has(self.not_now.get("polite", []), words)
        if weak and not polite and EMERGENCY not in scores and (pure or not any(k not in GENERIC_INTENTS for k in scores)):
            rest = [w for i, w in enumerate(words) if i not in weak_span and w not in WEAK_COMPANIONS]
            if all(any(v in self.country_by_word for v in self._similar(w)) or self._danger_act(w) for w in rest):
                scores[EMERGENCY] = weak  # "tolong!" alone, with a greeting, "tolong saya di kamboja", "help. locked. phnom penh"
        country = self._country(positions, words)
        intent = self._decide(scores, first_at)
        learned = self.examples.scores(text, words) if self.examples is not None else {}
        if intent != EMERGENCY and learned and len(words) >= EXAMPLE_MIN_WORDS:
            margin = _margin(learned, EMERGENCY)
            confident = max((v for k, v in scores.items() if k != EMERGENCY), default=0.0) > CONFIDENT
            # a question on a topic ("anak saya baru lulus SMA, bisa jadi PMI?") needs the examples surer too
            topical_question = any(k in self.module_intents for k in scores) and bool(QUESTION_CUES & set(words))
            needed = (EXAMPLE_OVERRULE_MARGIN if confident or topical_question or len(words) < EXAMPLE_SHORT_WORDS
                      else EXAMPLE_EMERGENCY_MARGIN)
            if margin >= needed:  # the examples rank it first: a miss costs more
                hits[EMERGENCY].append("(examples)")
                scores[EMERGENCY] = THRESHOLD + margin
                intent = EMERGENCY
        if SOS in text and intent not in (EMERGENCY, SELF_HARM):
            # "🆘🆘 tolong kami di perbatasan myanmar thailand": the sign for help, whatever topic the words have
            hits[EMERGENCY].append("(🆘)")
            scores[EMERGENCY] = max(scores.get(EMERGENCY, 0.0), THRESHOLD)
            intent = EMERGENCY
        em_hits = hits.get(EMERGENCY, [])
        only_combos = bool(em_hits) and all(h.startswith("(combo") for h in em_hits)
        laughing = any(e in text for e in LAUGHING_EMOJI) and not self._has(self.not_now.get("still", []), words)
        # the words that say danger in a part of their own: a danger phrase's, and a combination's
        # when it is said in its order in one part ("since last week the employer doesn't let her leave")
        phrase_words = self._emergency_hit_words([h for h in em_hits if not h.startswith("(")])
        if combo >= THRESHOLD and combo_span and _one_clause(text, self.table, words, combo_span):
            phrase_words = (phrase_words or set()) | (combo_words - PEOPLE - FUNCTION_WORDS)
        if intent == EMERGENCY and (laughing or self._data_sense(words, hits, em_hits)
                                    or self._not_now(words, positions, self._emergency_hit_words(em_hits), only_combos,
                                                     text=text, phrase_words=phrase_words)):
            # a film, a game, the news, a question about the law, or danger that is over
            scores = {k: v for k, v in scores.items() if k != EMERGENCY}
            intent = self._decide(scores, first_at)
            weak = weak or THRESHOLD  # keep the 🆘 button beside the answer, in case
        if intent not in (EMERGENCY, SELF_HARM) and learned:
            second = self._second_opinion(intent, words, country, scores, learned, hits)
            if second not in other_sense_of:
                intent = second  # the examples may not bring back what `unless` took away
        if intent == EMERGENCY and scores.get(SELF_HARM, 0.0) >= THRESHOLD and not _inner:
            # "aku mau bunuh diri" is answered with counselling; the trafficking emergency only
            # when the rest of the message speaks of danger from others ("bos ngancam bunuh saya")
            rest = self.without_intent(words, SELF_HARM, _inner=True)
            if rest is None or rest.intent != EMERGENCY:
                intent = SELF_HARM
        if intent == THANKS and not _inner and self.opens_with(THANKS, words):
            # "ok what else", "thank you, and if he is already at sea?", "ok whatever, menu":
            # the thanks open the message, what follows says what it wants
            rest = self.without_intent(words, THANKS, _inner=True)
            if (rest is not None and len(rest.words) >= 2 and THANKS not in rest.scores
                    and ("?" in text or rest.intent == "menu"
                         or rest.intent == "followup" and self.opens_with("followup", rest.words, min_words=2))):
                # not the "so" of "thank you so much", nor "now i know what to do"
                return rest
        # "tolong cek ya kak": please, not a cry for help (no "if you are in danger" line)
        distress = bool(weak) and not polite
        return Match(intent, max(scores.values(), default=0.0), scores, country, dict(hits), distress, language, positions, words)

    def _second_opinion(self, intent: str, words: list[str], country: str | None, scores: dict[str, float],
                        learned: dict[str, float], hits: dict[str, list[str]]) -> str:
        """The topic the examples find far likelier than the keywords' choice, when it is one of
        the topics they may change ("hp ku mau dijual buat biaya ke jepang lewat LPK" is about an
        offer, whatever single word the keywords caught). Never to or from an emergency."""
        if intent not in TOPIC_FROM or len(words) < TOPIC_MIN_WORDS or (intent == UNKNOWN and country):
            return intent  # "kamboja", "kalau yg di johor?": a place, not a topic
        topics = {k: v for k, v in learned.items() if k in TOPIC_TO}
        if not topics:
            return intent
        best = max(topics, key=topics.__getitem__)
        floor = learned.get(intent, min(learned.values()))
        if best == intent or topics[best] - floor < TOPIC_MARGIN:
            return intent
        hits[best].append("(examples)")
        scores[best] = max(scores.get(best, 0.0), THRESHOLD)
        return best

    def written_markers(self, languages: list[str]) -> dict[str, frozenset[str]]:
        """intents.yaml `written_in`, through the slang table, for the content's languages."""
        raw = self.intents_file.get("written_in") or {}
        return {lang: frozenset(w for p in raw.get(lang, []) for w in tokens(str(p), self.table))
                for lang in languages if raw.get(lang)}

    def knows(self, word: str) -> bool:
        """Does the word belong to what the bot speaks of: a keyword (or another form of one, or a
        typo of one), a country, or a word of the examples of any intent but "unknown"?"""
        if self._similar(word) or word in self.country_by_word:
            return True
        return self.examples is not None and bool(self.examples.seen_with(word) - {UNKNOWN})

    def opens_with(self, intent: str, words: list[str], min_words: int = 1) -> bool:
        """Does the message begin with one of the intent's phrases ("makasih, udh sy telpon")?
        `min_words`: only phrases at least this long ("what else", not "so")."""
        return any(kw.intent == intent and len(kw.words) >= min_words and tuple(words[: len(kw.words)]) == tuple(kw.words)
                   for kw in self.keywords)

    def speaks_of_someone(self, words: list[str]) -> bool:
        """The writer or someone close ("saya", "my", "anak saya"): a story, not a pasted ad."""
        return self._has(self.family, words) or self._has(self.not_now.get("personal", []), words)

    def asks_about_mission(self, words: list[str]) -> bool:
        """"ada kbri di laos?", "is there an embassy in Manila?": an embassy or consulate named
        (intents.yaml mission_words)."""
        return not self.mission_words.isdisjoint(words)

    def off_topic_about_place(self, words: list[str]) -> bool:
        """"cuaca di riyadh panas gak?", "what time is it in seoul": an everyday question about a
        place, not a request for help there (intents.yaml off_topic)."""
        return self._has(self.off_topic, words)

    def speaks_of_family(self, words: list[str]) -> bool:
        """"anak saya", "suami saya", "my brother": someone close (emergency.yaml family_words)."""
        return self._has(self.family, words)

    def _has(self, phrases: list[tuple[str, ...]], words: list[str]) -> bool:
        """Is one of these phrases in the message, word for word, in order?"""
        present = set(words)
        n = len(words)
        for p in phrases:
            if p[0] not in present:  # most phrases are absent: one set lookup, no scan
                continue
            k = len(p)
            if k == 1 or any(words[i] == p[0] and tuple(words[i : i + k]) == p for i in range(n - k + 1)):
                return True
        return False

    def _inside(self, phrases: list[tuple[str, ...]], words: list[str], hits_words: set[str] | None) -> bool:
        """Every danger word of the message lies inside one of these phrases as it stands there:
        "dipaksa ibu" holds the "dipaksa" of "gw dipaksa nyokap ikut arisan", so the phrase, not
        the word alone, says what happens. People and negations need no cover."""
        danger = {r for w in hits_words or () if w not in NEGATIONS and w not in ABLE and w not in PEOPLE
                  for r in stems(w)}
        at = [j for j, w in enumerate(words) if stems(w) & danger]
        if not at:
            return False
        covered = {j for i, p in _places(phrases, words) for j in range(i, i + len(p))}
        return all(j in covered for j in at)

    def _danger_act(self, w: str) -> bool:
        """A word of what is done to a person that also has everyday senses ("locked", "dikunci"),
        not a thing ("hp"): beside a cry for help, it is the danger."""
        return bool(stems(w) & self.ambiguous) and w not in self.things and not stems(w) & self.kin

    def _over_at(self, words: list[str]) -> int | None:
        """Where the last phrase is that says the danger is over ("tahun lalu", "sudah pulang"),
        if any; not one that says since when it goes on ("dikurung sejak bulan lalu", "locked up
        since last year") or when the person left ("sy berangkat bulan lalu ..., kami ga boleh keluar gedung")."""
        present = set(words)
        n = len(words)
        last = None
        for p in self.not_now.get("over", []):
            if p[0] not in present:
                continue
            k = len(p)
            for i in range(n - k + 1):
                if (tuple(words[i : i + k]) == p and not (i > 0 and words[i - 1] in ONGOING_SINCE)
                        and not set(words[max(0, i - 2) : i]) & LEFT
                        and not (i > 0 and words[i - 1] in NEGATIONS)):  # "ga bebas keluar"
                    last = i if last is None else max(last, i)
        return last

    def _not_now(self, words: list[str], positions, hits_words: set[str] | None = None, only_combos: bool = False,
                 text: str = "", phrase_words: set[str] | None = None) -> bool:
        """Danger words that are not about danger now to the writer or someone close: a film or a
        game, the news or a question about the law (when the writer says nothing of themselves or
        their family), or danger that is over ("dulu ... sekarang sudah pulang")."""
        nn = self.not_now
        if not nn:
            return False
        words = self._unsaid(words, hits_words)
        if self._other_sense(words, hits_words):
            return True  # "dijual murah hp bekas", "data aku dijual ga?": the danger word in another sense
        if self._denied(words, hits_words):
            return True  # "majikannya suka marah2 tapi ga mukul": the danger word said not to happen
        # a passport held, and nothing else
        paper_only = bool(hits_words) and all(w in HELD_THINGS or w in HOLD_ACTS for w in hits_words)
        # ...before leaving, not by an employer abroad: "agen minta paspor asli saya ditahan dia sampai berangkat"
        held_only = paper_only and bool(BEFORE_LEAVING & set(words))
        # "my employer keeps my passport in his office, is that allowed?": asked about as a rule,
        # it is the passport answer (its 🆘 button stays beside it)
        if (paper_only and (self._has(nn.get("law_question", []), words) or _asks_rule(words))
                and not self._has(nn.get("still", []), words) and not _stated_now(words, hits_words)):
            return True
        if ((only_combos or held_only) and self._later_first(words, hits_words, held_only)
                and not self._has(nn.get("still", []), words)
                and not self._danger_since(words, hits_words)):  # "katanya ... kerja, sekarang hp nya dipegang orang"
            return True  # "katanya paspor nanti dipegang kapten": a warning sign in an offer, not danger now
        family = self._has(self.family, words)
        personal = family or self._has(nn.get("personal", []), words)
        if self._has(nn.get("news", []), words) and not personal:
            return True  # "ada berita wni disekap lagi di myanmar": a report, whatever "lagi di" says
        if CLAIMED & set(words) and MONEY_ASKED & set(words) and not self._has(nn.get("still", []), words):
            # "ada yg telp ngaku dari KBRI, bilang anak sy ditahan dan harus transfer 15jt": a caller
            # who claims the danger and asks for money is the scam the answer on repatriation
            # costs warns of; the 🆘 button stays beside that answer, in case
            return True
        # "masih di rumah", "lagi di rumah": still at home is not still held; nor is a passport
        # "masih di majikan" when the person is away from it ("skrg di rumah teman, aman")
        at_home = [w for i, w in enumerate(words) if not (i > 0 and words[i - 1] == "di" and w in HOME)
                   and not (w in STILL_WORDS and i > 0 and words[i - 1].removesuffix("nya") in HELD_THINGS)]
        still = self._has(nn.get("still", []), at_home)
        if still:
            return False
        # "sekarang aku dikurung", "aku disekap, apa aku bakal dihukum kalau lapor?": said as
        # happening, so a fear, hearsay, a "what if" or a question elsewhere in the message does not clear it
        now = _stated_now(words, hits_words)
        if self._feared(words) and not now:
            return True  # "saya takut disiksa majikan kalau jadi ART di malaysia"
        # "paspor ditahan, ga boleh keluar, apa aku bakal dihukum kalau kabur?": danger said plainly
        # in a part of its own is not cleared by a question, a "what if" or hearsay elsewhere, nor
        # by a phrase of the past before it ("kontrak habis 3 tahun lalu, paspor ditahan, dia sakit");
        # the parts are found only here, where they can matter
        over_at = self._over_at(words)
        # (a danger phrase's words: a combination's may lie apart, "pulang ..., masih susah tidur")
        plain = self._plain_danger_part(words, phrase_words, _clauses(text, self.table, words) if text else None,
                                        after=over_at)
        danger = {w for w in hits_words or () if w not in self.country_by_word}  # "di kamboja, sy ..." is not "... me"
        # ...nor a fear of what others went through ("saya takut ditahan kayak di berita")
        if (self._has(nn.get("hearsay", []), words) and (not _done_to_writer(words, danger) or _fear_of(words, hits_words))
                and not now and not plain and not self._done_to_kin(words, danger)):  # "kata orang adikku dijual, bener ga?"
            return True  # "i heard there are people locked up in myanmar", not "i heard the boss: they will sell me"
        if self._has(nn.get("laughter", []), words):
            return True  # "dikunci di luar sama adikku wkwk"
        if (self._has(nn.get("law_question", []), words) or self._supposed(words)) and not now and not plain:
            return True  # "korban yang dipaksa nipu bakal dihukum ga?"; "kalau nanti aku disekap gimana?"
        if self._has(nn.get("house_rules", []), words) and (
                not now and not plain or self._inside(nn["house_rules"], words, hits_words)):
            # "aku ga boleh keluar malem sama mama", "dikunci di luar kamar pas main petak umpet";
            # and, however plainly said, "gw dipaksa nyokap ikut arisan": the rule names the danger word
            return True
        if self._has(nn.get("fiction", []), words) and not (family and self._done_to_kin(words, danger)):
            # "sinetron ... TKW disekap majikan, ibuku sampe nangis": the mother watched it
            return True
        if self._has(nn.get("question", []), words) and not personal and not now and not plain:
            return True
        if over_at is not None and not self._danger_since(words, hits_words) and not plain:
            return True
        return False

    def _supposed(self, words: list[str]) -> bool:
        """A "what if" of the writer's own, not the condition of a threat made now: "mandor ancam
        bunuh klo ada yg lari" is a threat, "kalau nanti aku disekap gimana?" a supposition."""
        at = _first_at(self.not_now.get("hypothetical", []), words)
        return at is not None and not THREATS & set(words[:at])

    def _unsaid(self, words: list[str], hits_words: set[str] | None) -> list[str]:
        """The words with what the writer says it is not taken out ("kejebak di myawaddy, bukan
        kejebak macet", "not a movie", "not safe yet"): an everyday sense, a story or an ending
        denied is no reason to doubt the danger. The danger's own words stay, and so does a phrase
        that holds the negation itself ("not in danger"); the places keep their count."""
        keep = hits_words or set()
        out = list(words)
        for i, w in enumerate(words):
            if w not in CONTRAST_NOT or any(tuple(words[i : i + len(p)]) == p
                                            for ps in self.not_now.values() for p in ps if p[0] == w):
                continue
            for j in range(i + 1, min(len(words), i + 1 + CONTRAST_REACH)):
                if words[j] not in keep:
                    out[j] = ""
        return out

    def _later_first(self, words: list[str], hits_words: set[str] | None, held_only: bool) -> bool:
        """What an offer or a recruiter says will happen ("katanya paspor nanti dipegang kapten"):
        a phrase of `later` before the danger's words. Danger told as a fact first and a threat
        reported after it ("paspor dipegang dia, katanya kalo lari kami dilaporin") is no promise
        of an offer; a passport held before leaving stays a recruiter's warning sign either way."""
        first = _first_at(self.not_now.get("later", []), words)
        if first is None:
            return False
        if held_only or not hits_words:
            return True
        return any(w in hits_words for w in words[first + 1:])

    def _done_to_kin(self, words: list[str], hits_words: set[str]) -> bool:
        """A danger word right after one of the writer's family ("adikku dijual", "anak saya disekap")."""
        if CLAIMED & set(words):
            return False  # "ada yg ngaku dari KBRI, katanya anak saya ditahan": a caller's claim, itself to check
        return any(w in hits_words and any(v not in PEOPLE and stems(v) & self.kin for v in words[max(0, j - 3) : j])
                   for j, w in enumerate(words))

    def _plain_danger_part(self, words: list[str], hits_words: set[str] | None, clauses: list[int] | None,
                           after: int | None = None) -> bool:
        """One part of a message of several (split at commas, full stops, question marks) says
        danger plainly: a danger word, and in that part no hedge ("kalau", "takut", "dulu"), no
        general word ("korban", "victims") and no phrase of a question, hearsay, the news or a story."""
        if not hits_words or not clauses or clauses[-1] == 0:
            return False
        if after is not None:  # only the parts that begin after the last word of the past count
            past_part = clauses[after]
            kept = [(w, c) for w, c in zip(words, clauses) if c > past_part]
            words, clauses = [w for w, _ in kept], [c for _, c in kept]
        # being forced to scam is what a question about the law asks of ("dipaksa nipu, nanti dihukum ga?"),
        # and running away is the person's own act ("aku kabur dari majikan, overstay dihukum ga?")
        hits_words = hits_words - ASKED_ABOUT_ACTS
        parts: dict[int, list[str]] = defaultdict(list)
        for w, c in zip(words, clauses):
            parts[c].append(w)
        # what is done ("ditahan", "dikurung"), not the thing it is done to ("paspor", "hp")
        acts = {w for w in hits_words if w not in HELD_THINGS | NEGATIONS | ABLE | PHONES | PLAIN_WEAK
                and (w not in self.things or stems(w) & self.ambiguous)}
        for part in parts.values():
            if not set(part) & acts or set(part) & (HEDGES | GENERAL_PEOPLE):
                continue
            if self._denied(part, hits_words & set(part)) or self._other_sense(part, hits_words & set(part)):
                continue  # "ga ada yg dikurung", "ga bisa pulang lebaran"
            if any(self._has(self.not_now.get(g, []), part) for g in PART_CLEARS):
                continue
            return True
        return False

    def _data_sense(self, words: list[str], hits: dict[str, list[str]], em_hits: list[str]) -> bool:
        """"is my data sold to other company", "data kami dijual ke perusahaan lain": a privacy
        phrase in the message (in order, at most one word between its words) holds the danger
        word ("data sold"), and every danger phrase or combination that spoke turns on such a word."""
        if not em_hits or any(h == "(examples)" for h in em_hits):
            return False
        held: set[str] = set()
        covered: set[int] = set()
        for h in hits.get("privacy", []):
            p = h.split()
            at = _in_order(p, words, gap=1) if len(p) > 1 else None
            if at:
                held.update(r for w in p for r in stems(w))
                covered.update(at)
        if not held:
            return False
        if any(stems(w) & held & self.ambiguous for i, w in enumerate(words) if i not in covered):
            return False  # "data saya dijual, saya juga dijual ke perusahaan lain": the word again, of a person
        for h in em_hits:
            ws = h.strip("()").removeprefix("combo: ").split()
            if not any(stems(w) & held and stems(w) & self.ambiguous for w in ws):
                return False
        return True

    def _denied(self, words: list[str], hits_words: set[str] | None) -> bool:
        """Every danger word that spoke comes right after "ga"/"tidak"/"not" ("ga mukul", "not
        locked"), or a "will" after it ("ga bakal dikurung", "won't be sold"); the negations that
        belong to a danger phrase ("tidak bisa keluar") do not count, nor the thing the act is
        done to ("dijamin ga bakal ditahan paspor": "paspor" is not denied, "ditahan" is)."""
        if not hits_words or hits_words & NEGATIONS:
            return False  # "cant leave", "no food": the negation is the danger
        # the words as written (a combo's phrase may name another form: "ketahan" for "ditahan")
        spoken = {w for w in hits_words if w not in ABLE} & set(words)
        acts = {w for w in spoken if stems(w) & self.ambiguous}
        if acts and spoken - acts <= self.things | HELD_THINGS:
            spoken = acts
        if not spoken:
            return False
        at = [i for i, w in enumerate(words) if w in spoken]

        def negated(i: int) -> bool:
            k = i - 1
            while k >= 0 and i - k <= 3 and words[k] in DENY_BETWEEN:  # "ga bakal dikurung", "ga ada yg dikurung"
                k -= 1
            return k >= 0 and words[k] in NEGATIONS

        return bool(at) and {words[i] for i in at} == spoken and all(negated(i) for i in at)

    @staticmethod
    def _danger_since(words: list[str], hits_words: set[str] | None) -> bool:
        """"berangkat bulan lalu, sekarang dikurung": a time in the past that starts the story, and
        danger words right after "sekarang"/"now" (within a few words): the danger is now."""
        if not hits_words:
            return False
        for i, w in enumerate(words):
            # danger words right after it, and none before it ("udah pulang ..., skrg susah tidur" is not "susah pulang")
            if (w in SINCE_NOW and any(v in hits_words for v in words[i + 1 : i + 5])
                    and not any(v in hits_words for v in words[:i])):
                return True
        return False

    @staticmethod
    def _feared(words: list[str]) -> bool:
        """A fear of what may happen if ("takut dijual kalau daftar lewat sponsor", "afraid they
        lock me up if I go"): not danger now. Never beside a word of now or a cry for help
        ("aku takut kalau mereka pukul aku lagi", "tolong, takut nanti dipukul")."""
        ws = set(words)
        if not ws & FEAR_WORDS or ws & NOW_WORDS:
            return False
        if _first_at(NOT_LEFT_YET, words) is not None:
            return True  # "aku takut dia dijual, dia blm berangkat": a fear for someone still at home
        if ws & OFFER_WORDS and ws & (QUESTION_CUES | ASKS_SAFE):
            return True  # "takut dijual ke tempat karaoke, lowongan pelayan resto ... ini aman ga": a question about an offer
        # the condition is a choice of the writer's ("kalau daftar", "if I go"), not a threat ("if I don't pay him")
        return any(w in CONDITIONAL_WORDS and set(words[i + 1 : i + 3]) & CHOICE_WORDS for i, w in enumerate(words))

    def _other_sense(self, words: list[str], hits_words: set[str] | None) -> bool:
        """Every danger word that spoke has everyday senses, and each sits beside words of such a
        sense ("dijual murah", "data aku dijual", "persib dihajar"): within a few words, so
        "ilang kontak sejak pagi ... aku mau dijual" still alarms, and so does "dibawa kabur
        tetangga ..., barusan dia telpon nangis dikunci di ruko" (only "kabur" has its other sense)."""
        # "ga bisa" carries no sense of its own: "kejebak di warung ga bisa pulang" turns on "kejebak" and "pulang"
        hits_words = {w for w in hits_words or () if w not in NEGATIONS and w not in ABLE}
        # who it happens to ("anak" of "anak saya hilang", "bapak" of "bapak dipukul") takes the
        # sense of what happens to them
        if any(not stems(w) & self.kin for w in hits_words):
            hits_words = {w for w in hits_words if not stems(w) & self.kin}
        if hits_words and self._inside(self.everyday_phrases, words, hits_words):
            return True  # "dipaksa lembur sampe jam 9 di pabrik", "my brother beat me at chess": the phrase holds them all
        if not hits_words or not all(stems(w) & self.ambiguous for w in hits_words):
            return False
        roots = set().union(*(stems(w) for w in hits_words))
        at = [i for i, w in enumerate(words) if stems(w) & roots]
        # A phrase that holds a danger word of its own ("bawa kabur", "dikurung emak") gives the
        # everyday sense to that word only: "agennya bawa kabur paspor, skrg kami dikurung" is
        # still danger; a phrase of plain words ("hujan", "persib") speaks for every word near it.
        spans: list[tuple[int, int, frozenset[str] | None]] = [
            (i, i + len(p) - 1, frozenset(r for w in p for r in stems(w) if stems(w) & self.ambiguous) or None)
            for i, p in _places(self.not_now.get("other_sense", []), words)]
        if not at:
            return False
        # a match's score right after the word: "they were beaten 4-0", "persib dihajar 3-0"
        at = [j for j in at if not _score_after(words, j)]
        if not at:
            return True
        return bool(spans) and all(
            any(a - OTHER_SENSE_NEAR <= j <= b + OTHER_SENSE_NEAR and (own is None or stems(words[j]) & own)
                and (own is not None or not _done_to_a_person(words, j, self.things))
                for a, b, own in spans) for j in at)

    def _emergency_hit_words(self, hits: list[str]) -> set[str] | None:
        """The words of the emergency keywords and combos that matched, people ("saya", "me")
        left out; None when the examples spoke (their evidence is not a word list)."""
        if not hits or "(examples)" in hits:
            return None
        words = {w for h in hits for w in h.strip("()").removeprefix("combo: ").split()}
        return words - PEOPLE - FUNCTION_WORDS

    def without_emergency(self, m: Match) -> Match:
        """The same analysis as if nothing spoke of danger: what else the message asks."""
        scores = {k: v for k, v in m.scores.items() if k != EMERGENCY}
        return replace(m, intent=self._decide(scores), score=max(scores.values(), default=0.0), scores=scores)

    def without_intent(self, words: list[str], intent: str, _inner: bool = False) -> Match | None:
        """The analysis of the message with the words of `intent`'s keywords taken out ("mau
        bunuh diri" out of "bos ngancam bunuh saya, mau bunuh diri aja"), or None if nothing is left."""
        # the message's words that stand for a keyword's words, in other forms too ("nyakitin
        # diriku" for "nyakitin diri"), when every word of the keyword is there
        positions = self._positions(words)
        drop: set[int] = set()
        for kw in self.keywords:
            if kw.intent == intent and all(w in positions for w in kw.words):
                drop.update(i for w in kw.words for i, _ in positions[w])
        rest = [w for i, w in enumerate(words) if i not in drop]
        return self.analyse(" ".join(rest), rest, _inner=_inner) if rest else None

    def _combo_score(self, positions) -> tuple[float, set[str], tuple[int, int] | None]:
        """The best combo's score, the words of the phrases it matched, and where it lies (its
        first and last word) when its phrases come in the order of its groups ("ga dikasih
        pulang", not "pulang ..., gaji ga dikasih full")."""
        best, best_words, best_span = 0.0, set(), None
        for groups in self.combos:
            spans = []
            total = 0.0
            for group in groups:
                found = None
                for alt in group:
                    if alt[0] not in positions:  # cheap test first: most phrases are absent
                        continue
                    s, a, b = self._match_phrase(alt, positions, ordered=True, slack=1)
                    if s >= THRESHOLD and (found is None or s > found[0]):
                        found = (s, a, b, alt)
                if found is None:
                    break
                total += found[0]
                spans.append(found)
            else:
                lo = min(sp[1] for sp in spans)
                hi = max(sp[2] for sp in spans)
                score = total / len(groups) + 3.0
                if hi - lo <= COMBO_WINDOW and score > best:
                    in_order = all(x[2] < y[1] for x, y in zip(spans, spans[1:]))
                    best, best_words, best_span = score, {w for sp in spans for w in sp[3]}, (lo, hi) if in_order else None
        return best, best_words, best_span

    def _language(self, words: list[str]) -> str | None | bool:
        """The language asked for; True when a language is asked for but not one we have
        ("bisa pake bahasa jawa?"); None when the message is not about language."""
        named = {self.language_names[w] for w in words if w in self.language_names}
        ws = set(words)
        if len(named) > 1:  # "aku ga ngerti bahasa inggris, bisa pake bahasa indonesia aja?"
            for i, w in enumerate(words):
                if w in self.language_names and (set(words[max(0, i - 2) : i]) & ASKS_FOR_LANGUAGE
                                                  or set(words[i + 1 : i + 3]) & SHORT_LANGUAGE_CUES - {"in", "can", "bisa"}):
                    return self.language_names[w]
        cued = LANGUAGE_CUES & ws or (len(words) <= SHORT_REQUEST and SHORT_LANGUAGE_CUES & ws)
        if len(named) == 1 and (len(words) == 1 or (len(words) <= 8 and cued)):
            return next(iter(named))
        about_language = {"bahasa", "language"} & ws
        if not named and about_language and (len(words) <= SHORT_REQUEST or (len(words) <= 6 and LANGUAGE_CUES & ws - about_language)):
            return True  # "bisa bahasa sunda?", "language settings": show the languages there are
        return None

    def _evidence(self, words, positions, scores, hits) -> None:
        """No keyword phrase matched: count words that belong to one topic only."""
        found: dict[str, set[str]] = defaultdict(set)
        for w in positions:
            intent = self.evidence.get(w)
            if intent:
                found[intent].add(w)
        for intent, ws in found.items():
            if len(ws) >= EVIDENCE_MIN:
                scores[intent] = max(scores.get(intent, 0.0), THRESHOLD + len(ws))
                hits[intent].append("(evidence: " + " ".join(sorted(ws)) + ")")

    def _decide(self, scores: dict[str, float], first_at: dict[str, int] | None = None) -> str:
        """The intent the scores choose; on a tie between topics, the one named first in the
        message ("agent says i must pay ..., is this legit?" is about the agent), not the one
        whose keywords happen to be listed first in the content."""
        at = first_at or {}
        if scores.get(EMERGENCY, 0.0) >= THRESHOLD:
            return EMERGENCY
        specific = {k: v for k, v in scores.items() if k not in GENERIC_INTENTS and k != EMERGENCY}
        generic = {k: v for k, v in scores.items() if k in GENERIC_INTENTS}
        best_generic = max(generic.items(), key=lambda kv: (kv[1], -at.get(kv[0], 1 << 20)), default=(UNKNOWN, 0.0))
        if specific:
            best = max(specific.items(), key=lambda kv: (kv[1], kv[0] in self.module_intents, -at.get(kv[0], 1 << 20)))
            exact = max(((k, v) for k, v in specific.items() if k in self.exact_intents), key=lambda kv: kv[1], default=None)
            if exact is not None and exact[1] > CONFIDENT and exact[1] >= best[1] - EXACT_MARGIN:
                best = exact  # matched word for word ("cek perekrut"): more precise than the topic's words
            # a greeting phrase that matched much better than a stray topic word wins
            return best_generic[0] if best_generic[1] >= best[1] + GENERIC_MARGIN else best[0]
        return best_generic[0]

    def _country(self, positions, said: list[str]) -> str | None:
        best, best_score = None, 0.0
        seen: set[int] = set()
        for w in positions:
            seen.update(self.country_by_word.get(w, ()))
        for i in seen:
            code, words = self.country_keywords[i]
            s, a, _ = self._match_phrase(words, positions)
            if 0 < a < len(said) and said[a - 1] in LANGUAGE_WORD:
                continue  # "bahasa arab" is a language, not Saudi Arabia
            # a place is named as it is or mistyped, never in another form: "menang" (won) is not "Penang"
            if s > best_score and s >= 85.0 and s != STEM_SCORE:
                best, best_score = code, s
        return best

    def country_only_as_destination(self, said: list[str]) -> bool:
        """"dikurung calo di batam, mau dikirim ke malaysia": every country named is where someone
        is to be taken ("ke", "to"), not where they are."""
        positions = self._positions(said)
        seen: set[int] = set()
        for w in positions:
            seen.update(self.country_by_word.get(w, ()))
        starts = []
        for i in seen:
            s, a, _ = self._match_phrase(self.country_keywords[i][1], positions)
            if s >= 85.0 and s != STEM_SCORE:
                starts.append(a)
        return bool(starts) and all(0 < a <= len(said) and said[a - 1] in DESTINATION_WORDS for a in starts)

    def classify(self, text: str) -> tuple[str, float]:
        m = self.analyse(text)
        return m.intent, (m.scores.get(m.intent, 0.0) if m.intent != UNKNOWN else m.score)

    def detect_country(self, text: str) -> str | None:
        return self.analyse(text).country

    def is_emergency(self, text: str) -> bool:
        return self.analyse(text).intent == EMERGENCY


CLAUSE_BREAK = re.compile(r"[,.;:!?\n]+")
# words of people in general: "korban yg dipaksa nipu, dihukum ga?" speaks of victims, not of the writer
# ...and of what happens now and then ("kadang ada yg dipukul"): not to the writer, now
GENERAL_PEOPLE = frozenset("korban victim victims people orang2 wni pekerja workers kadang sometimes often sering".split())
# words of danger phrases that alone say too little for a part of a message ("badan msh sakit2")
PLAIN_WEAK = frozenset("sakit sick ill pulang home kerja work".split())
PHONES = frozenset("hp handphone phone phones ponsel".split())
CLAIMED = frozenset("ngaku mengaku ngakunya claiming claims claimed pretending".split())
MONEY_ASKED = frozenset("transfer tf transferin kirim bayar pay send usd dollar rupiah jt juta".split())
ASKED_ABOUT_ACTS = frozenset("dipaksa paksa dipaksain terpaksa forced force kabur escape escaped nipu menipu scam "
                             "kerja bekerja work working".split())
PART_CLEARS = ("law_question", "hypothetical", "hearsay", "news", "question", "fiction", "over", "laughter", "later", "house_rules")


def _clauses(text: str, table: dict[str, str], words: list[str]) -> list[int] | None:
    """For each word, which part of the message (between commas, full stops, question marks)
    it is in; None when the parts' words do not add up to the message's (a slang mapping across them)."""
    parts = [tokens(p, table) for p in CLAUSE_BREAK.split(text)]
    if [w for p in parts for w in p] != words:
        return None
    return [i for i, p in enumerate(parts) for _ in p]


def _one_clause(text: str, table: dict[str, str], words: list[str], span: tuple[int, int]) -> bool:
    """Do the words from span[0] to span[1] lie in one part of the message?"""
    clauses = _clauses(text, table, words) if text else None
    return bool(clauses) and clauses[span[0]] == clauses[span[1]]


FORCED = frozenset({"dipaksa", "dipaksain"})
WRITER_SUBJECTS = frozenset("saya aku kami sy aq gue gw".split())
KIN_WORDS = frozenset("anak adik adek kakak abang suami istri ibu bapak ayah mama papa ponakan keponakan sepupu".split())
WRITER_OBJECT = frozenset("me us saya aku kami sy gw".split())


def _done_to_writer(words: list[str], hits_words: set[str] | None) -> bool:
    """A danger word with the writer as its object ("sell me", "jual aku"): about the writer."""
    if not hits_words:
        return False
    roots = {r for w in hits_words for r in stems(w)}
    return any(stems(w) & roots and i + 1 < len(words) and words[i + 1] in WRITER_OBJECT
               for i, w in enumerate(words))


def _subject_of(words: list[str], j: int) -> int | None:
    """Where the person stands to whom the word at j is done ("aku dikurung", "I was sold", "they
    lock me"), if any."""
    if words[j] in DONE_TO_ACTIVE and j + 1 < len(words) and words[j + 1] in OBJECTS:
        return j + 1
    if words[j] in DONE_TO_A_PERSON_EN:
        if not (j > 0 and words[j - 1] in EN_PASSIVE):
            return None  # "I sold my soul to overtime"
    elif words[j] not in DONE_TO_A_PERSON:
        return None
    i = j - 1
    while i >= 0 and words[i] in AUXILIARIES:
        i -= 1
    return i if i >= 0 and (words[i] in SUBJECTS or words[i] in CLOSE_SUBJECTS) else None


def _score_after(words: list[str], j: int) -> bool:
    """A match's score ("4-0", "3 1") right after the word at j."""
    nxt = words[j + 1 : j + 3]
    return len(nxt) == 2 and all(w.isdigit() and int(w) <= 20 for w in nxt)


def _fear_of(words: list[str], hits_words: set[str] | None) -> bool:
    """"saya takut ditahan kayak di berita", "afraid of being sold": the danger word is what is
    feared (right after the fear word), and nothing says it is happening now ("takut dipukul lagi")."""
    if not hits_words or set(words) & NOW_WORDS:
        return False
    return any(w in hits_words and 0 < j and (words[j - 1] in FEAR_WORDS or (j > 1 and words[j - 2] in FEAR_WORDS
               and words[j - 1] in FEAR_LINKS)) for j, w in enumerate(words))


def _places(phrases, words: list[str]):
    """Each place one of these phrases stands in the message, word for word: (start, phrase)."""
    present = set(words)
    for p in phrases:
        if p[0] in present:
            for i in range(len(words) - len(p) + 1):
                if words[i] == p[0] and tuple(words[i : i + len(p)]) == p:
                    yield i, p


def _first_at(phrases, words: list[str]) -> int | None:
    """Where the first of these phrases begins in the message, word for word; None if none is there."""
    return min((i for i, _ in _places(phrases, words)), default=None)


WRITER = frozenset({"saya", "i", "kami", "we"})
CANNOT = frozenset({"tidak", "not", "cannot", "cant", "t"})  # "can't" splits into "can", "t"
KNOW_LANGUAGE = frozenset({"bisa", "ngerti", "mengerti", "paham", "speak", "understand", "know"})


def _asks_rule(words: list[str]) -> bool:
    """"boleh gak?", "wajar?", "is that allowed": a question of the rule; "ga boleh pindah" is not."""
    return any(w in ASKS_RULE and not (i > 0 and words[i - 1] in NEGATIONS) for i, w in enumerate(words))


def _own_lack(words: list[str]) -> bool:
    """The writer says they do not speak a language ("sy ga bisa bhs arab", "i can't speak
    arabic"): about talking to others there, not a request that the bot switch."""
    for i, w in enumerate(words[:-1]):
        if w in WRITER and any(x in CANNOT for x in words[i + 1 : i + 4]) and KNOW_LANGUAGE & set(words[i + 1 : i + 5]):
            return True
    return False


def _stated_now(words: list[str], hits_words: set[str] | None) -> bool:
    """A danger word said as happening: right after "sekarang"/"now", or done to a person ("aku
    dikurung"), with no "if", fear, question, future or past word just before it ("kalau nanti aku
    disekap gimana?", "takut aku dijual", "dulu aku disekap" are not)."""
    if not hits_words:
        return False
    for j, w in enumerate(words):
        if w not in hits_words:
            continue
        since = next((i for i in range(j - 1, max(-1, j - 5), -1) if words[i] in SINCE_NOW), None)
        if since is not None and not set(words[max(0, since - 1) : j]) & HEDGES:
            return True  # "..., sekarang aku dikurung"
        if (w in FORCED and j > 0 and words[j - 1] in WRITER_SUBJECTS and not (j > 1 and words[j - 2] in KIN_WORDS)
                and not set(words[max(0, j - 4) : j]) & HEDGES):
            return True  # "kami dipaksa kerja scam, bos bilang kalau lapor kami yg masuk penjara" (not "adik saya dipaksa")
        if (w == "forced" and j > 1 and words[j - 1] in EN_PASSIVE and words[j - 2] in {"i", "we"}
                and not set(words[:j]) & (HEDGES | QUESTION_CUES | {"because", "for"})):  # said first, not "will i be jailed because i was forced"
            return True  # "I was forced to scam people online in cambodia. if i go to the police will i be arrested?"
        subject = _subject_of(words, j)
        close = subject is not None and (words[subject] in CLOSE_SUBJECTS or (subject > j and words[subject] in CLOSE_OBJECTS))
        if close and not set(words[max(0, min(subject, j) - 3) : j]) & HEDGES:
            return True  # "aku disekap, ...", "they lock us"
    return False


def _done_to_a_person(words: list[str], j: int, things: set[str]) -> bool:
    """"aku dikurung", "anak saya dipukul", "I was sold": a word of what is done to a person, right
    after a person (auxiliaries between); not "motor saya dijual" (a thing's owner)."""
    i = _subject_of(words, j)
    if i is None:
        return False
    if i > j:
        return True  # the person after the word: "lock me"
    # the words right before the person name its owner ("motor saya dijual", "tim voli desa kami
    # dipukul") unless they are a place ("di kantor aku dikurung": "di" ends the look back)
    for k in range(i - 1, max(-1, i - 4), -1):
        if words[k] in FUNCTION_WORDS:
            break
        if (words[k] in things or words[k] in HELD_THINGS) and not (k > 0 and words[k - 1] in FUNCTION_WORDS):
            return False
    return True


def _in_order(phrase: list[str], words: list[str], gap: int = 0) -> list[int] | None:
    """Where the phrase's words are in the message, in this order with at most `gap` words
    between each (the first such place), or None."""
    for start, w in enumerate(words):
        if w != phrase[0]:
            continue
        at = [start]
        for p in phrase[1:]:
            nxt = next((k for k in range(at[-1] + 1, min(len(words), at[-1] + 2 + gap)) if words[k] == p), None)
            if nxt is None:
                break
            at.append(nxt)
        if len(at) == len(phrase):
            return at
    return None


def _margin(scores: dict[str, float], intent: str) -> float:
    """How much likelier `intent` is than the best other intent (log scale; >0: it wins)."""
    if intent not in scores:
        return float("-inf")
    others = [v for k, v in scores.items() if k != intent]
    return scores[intent] - max(others) if others else float("inf")


def _all_langs(keywords: dict[str, list[str]]) -> list[str]:
    return [k for lst in (keywords or {}).values() for k in lst if isinstance(k, str)]
