"""The offer checker: find the red flags and good signs of content/redflags.yaml in a job ad.

Everything is compiled once, in OfferChecker(rules); check(text) then costs about a millisecond
for a long ad. How a text is read:

1. fold(): lowercase, accents and fancy Unicode letters (𝗞𝗔𝗠𝗕𝗢𝗝𝗔) to plain ones, one character
   out for one character in, so every match maps back to the person's own words for quoting.
2. Words are cut out ("tokens"). A word that is not in the content's vocabulary but is one or two
   typos away from a word that is (rapidfuzz, same first letter) is read as that word:
   "kambodja" -> "kamboja", "pengalman" -> "pengalaman". A trailing "nya" is tolerated.
3. Keywords (phrases) are looked up word by word through an index on their first word; a phrase
   written without spaces ("customerservice", "tanpapengalaman") is in the index too. Place names
   are also found inside longer glued words ("kerjadikamboja").
4. Negation ("tanpa biaya pendaftaran"), the advertiser's own warnings ("Waspada penipuan yang
   menjanjikan berangkat tanpa tes") and the abroad/domestic context are applied.
5. Pay is read in any written form and compared with the content's thresholds; an amount right
   after "biaya", "DP", "minta"... is a fee, not pay.
6. One rule decides the level (_decide): good signs lower the score but never take the level
   below a red flag's severity (its min_risk, the level its weight reaches alone, or medium for
   the scam-compound pattern), because anyone can paste "P3MI, job order, visa kerja, BPJS".

check() returns a frozen OfferAnalysis; looks_like_offer() tells an ad (pasted, forwarded, one
line long, or asked about with its details) from a question, a request or a story.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import partial
from operator import add
from itertools import accumulate, compress, count
from typing import Any, Iterable, Literal

from rapidfuzz import fuzz, process

RISKS = ("low", "medium", "high")
FUZZY_CUTOFF = 87.0  # rapidfuzz ratio for 6-letter words: one letter missing or added
FUZZY_CUTOFF_LONG = 85.0  # 7+ letters: also one letter changed ("kamboca")
FUZZY_MIN_LEN = 6
SNIPPET_MAX = 70

_TOKEN = re.compile(r"[^\W_]+")
_TOKEN_SPLIT = re.compile(r"([^\W_]+)")
_SENTENCE_END = re.compile(r"[.!?\n;]")
_CLAUSE_BREAK = re.compile(r"[.!?\n;,:()]")
# A company named in the ad: "PT Sinar Abadi", "PT. Karya", "CV Maju"
_COMPANY = re.compile(r"(?<![A-Za-z])(?:PT|P\.T\.|CV)\.?\s+[A-Z0-9][A-Za-z0-9]+")
# pay: where an amount can start (see OfferChecker._amounts), and how its digits are grouped
_AMOUNT_START = re.compile(r"\d(?<![\d.,+]\d)")
_THOUSANDS = re.compile(r"\d{1,3}(?:[.,]\d{3})+")
_THOUSANDS_DECIMALS = re.compile(r"(\d{1,3}(?:[.,]\d{3})+)[.,](\d{1,2})")
_SEPARATOR = re.compile(r"[.,]")
_FLAG_EMOJI = re.compile("[\U0001F1E6-\U0001F1FF]{2}")
_PHONE = re.compile(r"(?<![\d])(?:\+?62|0)\s?8\d{1,2}[\s.-]?\d{3,4}[\s.-]?\d{2,5}|(?<![\d])08\d{0,2}x{2,}|wa\.me/|t\.me/")

# --------------------------------------------------------------------------------------------
# rules that are structure, not weights. content/redflags.yaml defines the flags; these say how
# some of them relate, and `content check` (rules.validate_redflags) makes sure each id exists.
# --------------------------------------------------------------------------------------------
# The scam-compound pattern (reference sheet B1 items 1-2, seed 002): an operator, CS, admin,
# marketing, crypto... job in a country where the compounds are. Good signs are words anyone can
# paste, so this pair keeps an offer at least medium whatever else the ad says (see _decide).
COMPOUND_PLACE_FLAGS = frozenset({"no_legal_placement", "scam_region"})
COMPOUND_JOB_FLAGS = frozenset({"compound_job", "scam_work"})
# A good sign is void next to the red flag that says its opposite: "work permit arranged there"
# beside a tourist visa is not a work visa, "tanpa biaya" beside "potong gaji" is not free.
CONTRADICTED_BY: dict[str, frozenset[str]] = {
    "work_visa": frozenset({"tourist_visa"}),
    "contract_before": frozenset({"no_contract"}),
    "zero_cost": frozenset({"upfront_fee", "debt_salary_cut", "personal_account", "internship_fee"}),
    "proper_selection": frozenset({"guaranteed_no_test"}),
    "disnaker": frozenset({"no_disnaker"}),
}
# The flags whose words name the work itself (CS, ART, ABK, LC, magang...): with a place, they
# make a question carry an offer's details (looks_like_offer).
JOB_FLAGS = frozenset({
    "compound_job", "scam_work", "domestic_work", "fishing_boat", "internship_fee",
    "sexual_exploitation", "entertainment_job",
})
STRUCTURE_IDS = COMPOUND_PLACE_FLAGS | COMPOUND_JOB_FLAGS | JOB_FLAGS | set(CONTRADICTED_BY) | {
    f for fs in CONTRADICTED_BY.values() for f in fs}


# --------------------------------------------------------------------------------------------
# text folding
# --------------------------------------------------------------------------------------------
_FOLD_CACHE: dict[str, str] = {}


def _fold_char(ch: str) -> str:
    out = _FOLD_CACHE.get(ch)
    if out is None:
        decomposed = unicodedata.normalize("NFKD", ch)
        base = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
        if len(base) == 1:
            out = base
        elif base and base[0].isalnum():
            out = base[0]
        else:
            out = ch if len(ch.lower()) != 1 else ch.lower()
            if len(out) != 1:
                out = " "
        _FOLD_CACHE[ch] = out
    return out


_FOLD_TABLE: dict[int, str] = {}


# (written [^...][^...]* rather than [^...]+ so the regex engine can jump to the first such character)
_NON_ASCII = re.compile(r"[^\x00-\x7f][^\x00-\x7f]*")


def _fold_run(m: re.Match) -> str:
    run = m.group()
    table = _FOLD_TABLE
    for ch in set(run):
        if ord(ch) not in table:
            if len(table) > 20000:  # a flood of unusual characters: do not grow for ever
                table.clear()
            table[ord(ch)] = _fold_char(ch)
    return run.translate(table)


def fold(text: str) -> str:
    """Lowercase, accents and styled letters to plain ones; same length as text."""
    if text.isascii():
        return text.lower()
    # ASCII letters by str.lower (fast), then only the runs of other characters one by one
    # (emoji, accents, 𝗞𝗔𝗠𝗕𝗢𝗝𝗔); a character whose lowercase is longer keeps its own path
    low = text.lower()
    if len(low) != len(text):
        low = "".join(ch if ch >= "\x80" else ch.lower() for ch in text)
    return _NON_ASCII.sub(_fold_run, low)


def words_of(text: str) -> tuple[str, ...]:
    return tuple(m.group() for m in _TOKEN.finditer(fold(text)))


# --------------------------------------------------------------------------------------------
# results: what crosses from the checker into render, the tool and the command line
# --------------------------------------------------------------------------------------------
Risk = Literal["low", "medium", "high"]


def _higher(a: Risk, b: Risk) -> Risk:
    return a if RISKS.index(a) >= RISKS.index(b) else b


@dataclass(frozen=True, slots=True)
class Flag:
    """A red flag found in an ad. `snippet` quotes the person's own words ("" for a computed flag
    with no single quotable word, such as no_company); start/end are its place in the ad (-1)."""

    id: str
    severity: Risk  # the least level this flag keeps whatever else the ad says ("low": a soft sign)
    weight: float
    snippet: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class GoodSign:
    """A good sign found in an ad: a claim the person still has to check (anyone can paste it)."""

    id: str
    weight: float
    snippet: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class OfferAnalysis:
    """One ad, checked. Flags are ordered most serious first (severity, then weight, then the
    order of content/redflags.yaml)."""

    level: Risk
    score: float
    flags: tuple[Flag, ...] = ()
    positives: tuple[GoodSign, ...] = ()
    abroad: bool = False
    country: str | None = None  # ISO code of the destination read (the most serious one), if any
    pay_idr: float | None = None  # the highest monthly pay read, in rupiah (rough, never shown)

    @property
    def found_no_flags(self) -> bool:
        """The only case in which an answer may say it found no warning signs."""
        return not self.flags

    def as_json(self) -> dict[str, Any]:
        """The command line's output (`python -m bot check-offer`); its field names are kept."""
        return {
            "risk": self.level,
            "score": round(self.score, 2),
            "flags": [{"id": h.id, "snippet": h.snippet} for h in self.flags],
            "positives": [{"id": h.id, "snippet": h.snippet} for h in self.positives],
        }


@dataclass
class _Sign:
    id: str
    kind: str  # "flag" | "positive"
    weight: float
    min_risk: str | None
    abroad_only: bool
    negatable: bool
    computed: str | None
    patterns: list[re.Pattern] = field(default_factory=list)


@dataclass
class _Text:
    """One ad, read."""

    raw: str
    low: str
    toks: list[str]  # corrected words
    starts: list[int]
    ends: list[int]
    breaks: list[int]  # clause-break count before each token (for negation windows)
    negs: list[int]  # negs[j]: how many of toks[:j] can start a negator (to skip _negated's work)


@dataclass
class _Found:
    """What analyse() finds in one ad, before any decision."""

    found: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # sign id -> spans
    places: list[tuple[str | None, str | None, int, int]] = field(default_factory=list)  # (flag, code, start, end)
    abroad: bool = False
    caution: set[int] = field(default_factory=set)  # sentences that are the advertiser's own warnings
    sentence_of: Any = None
    pay: list[tuple[float, int, int, bool]] = field(default_factory=list)  # amounts of pay (fees left out)
    ad_words: int = 0
    forwarded: int = 0
    questions: int = 0


# --------------------------------------------------------------------------------------------
# telling an offer from a question or a story (looks_like_offer)
# --------------------------------------------------------------------------------------------
# "gaji UMK": the regional minimum wage, named instead of an amount in many domestic ads
_WAGE_STANDARD = re.compile(r"(?<![a-z])(?:umk|umr|ump)(?![a-z])")
# high pay promised without a figure: with a warning sign, what an offer says ("gaji tinggi, tak
# perlu pengalaman"); alone, a wish or a rumour ("gaji gede di kamboja itu beneran?")
_PAY_CLAIM = re.compile(r"(?<![a-z])(?:gaji\W+(?:tinggi|besar|gede)|high\W+(?:salary|pay)|big\W+salary)(?![a-z])")
# An amount right after these is a fee or a ransom, not pay ("agen minta 15 juta", "bayar 60jt")
_FEE_BEFORE = re.compile(
    r"(?<![a-z])(?:biaya|bayar|uang|dp|jaminan|minta|nagih|tebusan|ditebus|deposit|fee|ransom|asks?|asking|"
    r"wants?|charges?|modal|pinjam|utang|hutang)\W+(?:\w+\W+){0,2}$"
)
# A question this long is a pasted ad that happens to ask "Apakah Anda siap...?"
QUESTION_MAX_CHARS = 300
# Words of a story about what happened to someone ("ternyata", "disekap", "kabur", "turned out"):
# an ad does not tell how it went. One strong word, or three weak ones ("dulu", "tahun lalu",
# "katanya"), make a story. Words that ads use too ("sampai sana langsung kerja", "on arrival")
# are left out. (They live here, not in content/redflags.yaml, because content/schema.json has
# no field for them yet.)
_STORY_STRONG = [
    "ternyata", "rupanya", "dijanjikan", "disekap", "dikurung", "dipukul", "dipukuli", "mukul", "memukul",
    "disiksa", "dianiaya", "dijual", "kabur", "melarikan diri", "disita", "dipulangkan",
    "tidak bisa pulang", "ga bisa pulang", "gak bisa pulang", "nggak bisa pulang", "tak bisa pulang",
    "tidak boleh pulang", "ga boleh pulang", "gak boleh pulang", "tidak boleh turun", "ga boleh turun",
    "gak boleh turun", "tidak boleh keluar", "ga boleh keluar", "gak boleh keluar",
    "tidak bisa dihubungi", "ga bisa dihubungi", "gak bisa dihubungi", "susah dihubungi", "hilang kontak",
    "tidak ada kabar", "ga ada kabar", "gak ada kabar", "belum dibayar", "sudah pulang", "udah pulang",
    "turned out", "when he arrived", "when she arrived", "when they arrived", "when i arrived",
    "was forced", "were forced", "was taken", "were taken", "escaped", "ran away", "locked up",
    "was beaten", "were beaten", "can't come home", "cannot come home", "couldn't leave", "could not leave",
    "kept her passport", "kept his passport", "kept my passport", "get home", "got home",
    # wages owed and no news: what happened to someone, not what an ad promises
    "hasnt paid", "hasn't paid", "has not paid", "havent paid", "haven't paid", "not been paid", "didnt pay",
    "didn't pay", "did not pay", "heard nothing", "no news", "belum digaji", "belum gajian",
    # someone in danger now (the engine has already answered with help; an offer check would be noise)
    "dipaksa", "diculik", "dikunci", "nyiksa", "tebusan", "ditebus", "ga bisa keluar", "gak bisa keluar",
    "tidak bisa keluar", "ga dikasih keluar", "gak digaji", "ga digaji", "tidak digaji", "ga dibayar",
    "gak dibayar", "tidak dibayar", "meninggal", "kecelakaan", "ga kirim kabar", "gak kirim kabar",
    "forced", "force me", "force us", "locked", "trapped", "being held", "ransom", "beat people", "beaten",
    "threaten", "kidnapped", "crying", "scared",
    # rescued and home: what came after, not an offer
    "rescued", "was rescued", "were rescued", "diselamatkan", "is home now", "came home", "came back home",
    # news read or watched: what happened to others, not an ad ("good news! hiring" and "berita
    # gembira" are ad openers, so not "news" or "berita" alone)
    "in the news", "on the news", "saw the news", "read the news", "news report", "are held", "were held",
    "di berita", "liat berita", "lihat berita", "baca berita", "nonton berita", "ada berita", "beritanya",
    # what a recruiter asked of the writer: a report about the recruiter, not an ad ("the recruiter
    # asks me to send pictures of my ID card", "agennya juga minta foto ktp")
    "asks me to", "asked me to", "asking me to", "wants me to", "minta saya kirim", "minta aku kirim",
    "dimintain", "dimintai", "juga minta",
]
_STORY_WEAK = [
    "dulu", "tahun lalu", "bulan lalu", "minggu lalu", "waktu itu", "saat itu", "kemarin", "katanya",
    "dia bilang", "sekarang dia", "trauma", "korban", "pinjam sana sini",
    "last year", "last month", "back then", "went to", "took a job", "victim", "now he", "now she",
]


def _story_regex() -> re.Pattern:
    def alt(words: list[str]) -> str:
        return "|".join(re.escape(w).replace(r"\ ", r"\W+") for w in sorted(words, key=len, reverse=True))

    return re.compile(rf"(?<![a-z])(?:({alt(_STORY_STRONG)})|({alt(_STORY_WEAK)}))(?![a-z])")


_STORY = _story_regex()


@dataclass(frozen=True, slots=True)
class ClaimReading:
    """What looks_like_offer() decides from (see is_offer)."""

    words: int
    place: bool  # a named foreign place ("luar negeri" alone is not one)
    pay: bool  # an amount of pay, or a wage standard ("gaji UMK"); a fee ("biaya 15jt") is not pay
    pay_claim: bool  # high pay promised without a figure ("gaji tinggi", "high salary")
    job: bool  # words of the work itself (CS, admin, ART, ABK, LC, magang...)
    contact: bool  # a phone number, WhatsApp, Telegram, DM
    phone: bool  # a phone number or a wa.me / t.me link
    company: bool  # "PT ...", "CV ..."
    flags: int  # other red flags
    positives: int
    ad_words: int  # lowongan, loker, dicari, hiring...
    forwarded: bool
    question: bool  # a short text with a question word or a question mark
    story: int  # story words: a strong one counts 3, a weak one 1

    @property
    def is_offer(self) -> bool:
        """1. A word or two ("menu", "amankah?", "loker kamboja") is not an offer.
        2. A story about what happened to someone is not, unless it carries a phone number or is
           forwarded (then it is an ad that happens to use such words).
        3. A question is checked only when it carries an offer: an offer word (loker, tawaran,
           nawarin, job...), where, and the pay, the job, or high pay with a warning sign ("loker
           kamboja gaji 15jt aman ga?", "ada kerja kat kemboja gaji tinggi, tak perlu pengalaman,
           boleh ke percaya?");
           or the pay and a warning sign; or where, the pay, the job and a sign with no offer
           word (an ad pasted with its question); "tolong lihatin lowongan ini kak" and "biaya ke Taiwan
           15 juta wajar ga?" are not.
        4. Anything else is an offer when it has an ad word, an amount, a job or two signs, two
           of the details an offer has, and something beyond the place (pay, job, contact,
           company, a sign), so that a short ad ("dicari CS thailand gaji 20jt tiket
           ditanggung") is checked and "diajak kerja di Laos, katanya kerjaan kantor" is not."""
        if self.words < 3:
            return False
        if self.story >= 3 and not (self.phone or self.forwarded):
            return False
        if self.question:  # ...or the pay and a warning sign ("tolong cek ya kak: kerja kapal pesiar gaji 30jt, biaya seragam 12jt")
            # ...or a whole ad with the question after it ("Customer support in Bangkok, 35k baht,
            # visa on arrival. Is this real?"): where, the pay, the job and a sign
            return (self.ad_words > 0 and ((self.place and (self.pay or self.job or (self.pay_claim and self.flags > 0)))
                                           or (self.pay and self.flags > 0))
                    or (self.place and self.pay and self.job and self.flags > 0))
        details = sum((self.place, self.pay, self.job, self.contact, self.company, self.flags > 0,
                       self.positives > 0, self.ad_words >= 2, self.forwarded))
        # what an offer says beyond "work in X": "ditawarin kerja di Malaysia, gajinya gede" is
        # a worry to answer with the lessons, not an ad to rate
        substance = (self.pay or self.job or self.contact or self.company or self.forwarded
                     or self.flags > 0 or self.positives > 0)
        return (self.ad_words > 0 or self.pay or self.job or self.positives >= 2 or self.flags >= 2) and details >= 2 and substance


# --------------------------------------------------------------------------------------------
# the checker
# --------------------------------------------------------------------------------------------
class OfferChecker:
    def __init__(self, rules: dict[str, Any]) -> None:
        self.rules = rules or {}
        r = self.rules
        levels = r.get("levels") or {}
        self.medium_at = float(levels.get("medium", 3))
        self.high_at = float(levels.get("high", 6))
        self.high_needs = float(levels.get("high_needs_weight", 0))
        self.positive_cap = float(r.get("positive_cap", 5))

        self.slang: dict[str, str] = {}
        for k, v in (r.get("slang") or {}).items():
            kw, vw = words_of(str(k)), words_of(str(v))
            if len(kw) == 1 and len(vw) == 1:
                self.slang[kw[0]] = vw[0]
        self.not_place_after = {w for x in r.get("places_not_after") or [] for w in words_of(str(x))}
        self.signs: dict[str, _Sign] = {}
        self.order: dict[str, int] = {}
        # phrase index: first word -> [(words, key)], key = ("sign", id) | ("place", flag) | ("abroad",) ...
        self._index: dict[str, list[tuple[tuple[str, ...], tuple]]] = {}
        self._vocab: set[str] = set()

        for kind, key in (("flag", "flags"), ("positive", "positives")):
            for i, s in enumerate(r.get(key) or []):
                sid = str(s.get("id", f"{key}{i}"))
                sign = _Sign(
                    id=sid,
                    kind=kind,
                    weight=float(s.get("weight", 1)),
                    min_risk=s.get("min_risk"),
                    abroad_only=(s.get("context") == "abroad"),
                    negatable=bool(s.get("negatable", False)),
                    computed=s.get("computed"),
                )
                for lang_patterns in (s.get("patterns") or {}).values():
                    for p in lang_patterns or []:
                        try:
                            sign.patterns.append(re.compile(p))
                        except re.error:
                            pass  # reported by validate_content; the rest still works
                self.signs[sid] = sign
                self.order[sid] = len(self.order)
                for kws in (s.get("keywords") or {}).values():
                    for kw in kws or []:
                        self._add_phrase(kw, ("sign", sid))

        # places: key ("place", flag or None, ISO code or None); an id that is not a two-letter
        # code ("abroad": Eropa, Timur Tengah) only shows that the job is abroad
        self.place_of: dict[str, tuple[str | None, str | None]] = {}  # glued name -> (flag, code)
        self.place_by_code: dict[str, str | None] = {}  # ISO code -> flag (for flag emoji)
        glued: list[str] = []
        for p in r.get("places") or []:
            flag = p.get("flag")
            pid = str(p.get("id") or "")
            code = pid if len(pid) == 2 and pid.isalpha() and pid.isupper() else None
            if code:
                self.place_by_code[code] = flag
            for name in p.get("names") or []:
                self._add_phrase(name, ("place", flag, code))
                joined = "".join(words_of(name))
                if len(joined) >= 6:
                    glued.append(joined)
                    self.place_of[joined] = (flag, code)
        glued.sort(key=len, reverse=True)
        # one group per first letter, "s(?:ihanoukville|egitigaemas|...)|k(?:...)": the engine then
        # tries a few dozen first letters at each character instead of every name, and picks the
        # same name (only one group can match at a place; inside it the longest-first order is kept)
        by_letter: dict[str, list[str]] = {}
        for name in glued:
            by_letter.setdefault(name[0], []).append(re.escape(name[1:]))
        self._glued_place = re.compile("|".join(
            re.escape(letter) + "(?:" + "|".join(rest) + ")" for letter, rest in by_letter.items()
        )) if glued else None

        for kws in (r.get("abroad") or {}).values():
            for kw in kws or []:
                self._add_phrase(kw, ("abroad",))
        for kws in (r.get("caution") or {}).values():
            for kw in kws or []:
                self._add_phrase(kw, ("caution",))
        claim = r.get("claim") or {}
        for kws in (claim.get("ad_words") or {}).values():
            for kw in kws or []:
                self._add_phrase(kw, ("ad",))
        for kws in (claim.get("forwarded") or {}).values():
            for kw in kws or []:
                self._add_phrase(kw, ("fwd",))
        for kws in (claim.get("question_words") or {}).values():
            for kw in kws or []:
                self._add_phrase(kw, ("question",))

        self._neg_before = self._phrases((r.get("negators") or {}).values())
        self._neg_after = self._phrases((r.get("negators_after") or {}).values())
        self._neg_first = {p[0] for p in self._neg_before + self._neg_after}
        self._neg_before_by_len = self._by_length(self._neg_before)
        self._neg_after_by_len = self._by_length(self._neg_after)

        # first word -> (keys of the one-word phrases, [(length, {words: keys})] of the longer ones,
        # the second words of the longer ones: most words that start a phrase are not followed by one)
        self._by_first: dict[str, tuple[list[tuple], list[tuple[int, dict[tuple[str, ...], list[tuple]]]], frozenset[str]]] = {}
        for first, entries in self._index.items():
            by_len: dict[int, dict[tuple[str, ...], list[tuple]]] = {}
            for words, key in entries:
                by_len.setdefault(len(words), {}).setdefault(words, []).append(key)
            single = by_len.pop(1, {}).get((first,), [])
            seconds = frozenset(words[1] for table in by_len.values() for words in table)
            self._by_first[first] = (single, sorted(by_len.items()), seconds)

        # fuzzy vocabulary, bucketed by first letter (typos rarely hit the first letter)
        self._buckets: dict[str, list[str]] = {}
        for w in sorted(self._vocab):
            if len(w) >= FUZZY_MIN_LEN - 1 and not any(c.isdigit() for c in w):
                self._buckets.setdefault(w[0], []).append(w)
        # ... and by the length of the word read: fuzz.ratio(a, b) is 100 * (1 - distance / (len(a) +
        # len(b))) and the distance is at least the difference in length, so a word of length n can
        # only reach the cutoff against words of length l with 200 * min(n, l) / (n + l) >= cutoff.
        # The bucket's order is kept, so extractOne picks the same word. Longer words: no candidate.
        self._fuzzy_choices: dict[tuple[str, int], list[str]] = {}
        longest = max((len(w) for b in self._buckets.values() for w in b), default=0)
        for n in range(FUZZY_MIN_LEN, 2 * longest + 1):
            cutoff = FUZZY_CUTOFF_LONG if n >= 7 else FUZZY_CUTOFF
            for letter, bucket in self._buckets.items():
                fits = [w for w in bucket if 200 * min(n, len(w)) / (n + len(w)) >= cutoff - 0.5]
                if fits:
                    self._fuzzy_choices[letter, n] = fits

        self._build_pay(r.get("pay") or {})
        self._memo: tuple[str, _Text, _Found] | None = None  # the last ad read (claims() then on_text())

    # -- building -------------------------------------------------------------------------
    def _words(self, phrase: str) -> tuple[str, ...]:
        return tuple(self.slang.get(w, w) for w in words_of(phrase))

    def _add_phrase(self, phrase: str, key: tuple) -> None:
        ws = self._words(str(phrase))
        if not ws:
            return
        self._vocab.update(ws)
        self._index.setdefault(ws[0], []).append((ws, key))
        if len(ws) > 1:
            joined = "".join(ws)
            if len(joined) >= 6:
                self._index.setdefault(joined, []).append(((joined,), key))

    @staticmethod
    def _by_length(phrases: list[tuple[str, ...]]) -> dict[int, frozenset[tuple[str, ...]]]:
        out: dict[int, set[tuple[str, ...]]] = {}
        for p in phrases:
            out.setdefault(len(p), set()).add(p)
        return {k: frozenset(v) for k, v in out.items()}

    def _phrases(self, groups: Iterable[Iterable[str]]) -> list[tuple[str, ...]]:
        out = set()
        for g in groups:
            for p in g or []:
                ws = self._words(str(p))
                if ws:
                    out.add(ws)
        return sorted(out, key=len, reverse=True)

    def _build_pay(self, pay: dict[str, Any]) -> None:
        self.high_pay_idr = float(pay.get("high_monthly_idr", 8_000_000))
        self.absurd_pay_idr = float(pay.get("absurd_monthly_idr", 60_000_000))
        self.pay_with = set(pay.get("high_pay_with") or [])
        self.currency_rate: dict[str, float] = {}
        cur_words: list[str] = []
        for code, c in (pay.get("currencies") or {}).items():
            for w in c.get("words") or []:
                w = fold(str(w)).strip()
                if w:
                    self.currency_rate[w] = float(c.get("idr", 1))
                    self.currency_rate[w.rstrip(".")] = float(c.get("idr", 1))
                    cur_words.append(w)
        self.idr_words = {fold(str(w)).strip().rstrip(".") for w in ((pay.get("currencies") or {}).get("idr") or {}).get("words", [])}
        self.multiplier: dict[str, float] = {}
        for factor, ws in (pay.get("multipliers") or {}).items():
            for w in ws or []:
                self.multiplier[fold(str(w)).strip()] = float(factor)
        self.period: list[tuple[str, float]] = []
        for factor, ws in (pay.get("periods") or {}).items():
            for w in ws or []:
                self.period.append((fold(str(w)).strip(), float(factor)))
        self.salary_words = [fold(str(w)) for w in pay.get("salary_words") or []]

        def alt(words: Iterable[str]) -> str:
            # Longest first. The "(?<![a-z])" of the words that start with a letter is written once,
            # before their group, so each alternative starts with a plain character and the regex
            # engine skips it at once when that character is not there. (A word starting with a
            # letter and one starting with a symbol never match at the same place, so splitting
            # them into two groups changes no match.)
            letter, other = [], []
            for w in sorted(set(words), key=len, reverse=True):
                e = re.escape(w).replace(r"\ ", r"\s*")
                if w[-1].isalpha():
                    e = e + r"(?![a-z])"
                (letter if w[0].isalpha() else other).append(e)
            parts = ([r"(?<![a-z])(?:" + "|".join(letter) + ")"] if letter else []) + other
            return "(?:" + "|".join(parts) + ")" if parts else "(?!x)x"

        cur = alt(cur_words)
        mul = alt(self.multiplier)
        num = r"\d{1,3}(?:[.,]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
        self._money = re.compile(
            rf"(?<![\d.,+])(?P<n1>{num})"
            rf"(?:\s*(?P<m1>{mul}))?"
            rf"(?:\s*(?:-|–|~|s/d|sd|sampai|hingga|to|until)\s*(?:{cur}\s*\.?\s*)?(?P<n2>{num})(?:\s*(?P<m2>{mul}))?)?"
            rf"(?:\s*(?P<c2>{cur}))?"
        )
        self._cur_before = re.compile(rf"(?P<c1>{cur})\s*\.?\s*$")
        # how currency words end, to skip that search before most numbers (see _currency_before)
        self._cur_end1 = {w[-1] for w in cur_words if len(w) == 1 or w[-2].isspace()}
        self._cur_end2 = {w[-2:] for w in cur_words if len(w) > 1 and not w[-2].isspace()}
        self._period = re.compile(r"\s*(?:" + "|".join(
            re.escape(w).replace(r"\ ", r"\s*") + (r"(?![a-z])" if w[-1].isalpha() else "")
            for w, _ in sorted(self.period, key=lambda p: -len(p[0]))
        ) + ")") if self.period else None
        self._period_factor = {re.sub(r"\s+", "", w): f for w, f in self.period}
        # one "(?<![a-z])" for all (same matches as one per word; each alternative then starts with a letter)
        self._salary = re.compile(r"(?<![a-z])(?:" + "|".join(map(re.escape, self.salary_words)) + ")") if self.salary_words else None

    # -- reading --------------------------------------------------------------------------
    def _read(self, text: str) -> _Text:
        low = fold(text)
        # split() alternates the gaps between words and the words: [gap, word, gap, ..., gap];
        # the running sum of their lengths gives each word's start and end (all loops in C)
        parts = _TOKEN_SPLIT.split(low)
        bounds = list(accumulate(map(len, parts)))
        starts = bounds[0:-1:2]
        ends = bounds[1::2]
        words = parts[1::2]
        # clause breaks before each word (same number = same clause): they are all in the gaps
        # between words, and an ad has only a few dozen different gaps (" ", ", ", ".\n\n", ...)
        gaps = parts[0:-1:2]
        breaks_in = {g: len(_CLAUSE_BREAK.findall(g)) for g in set(gaps)}
        breaks = list(accumulate(map(breaks_in.__getitem__, gaps)))
        toks = list(map(self.slang.get, words, words))
        vocab, choices = self._vocab, self._fuzzy_choices
        fix: dict[str, str] = {}
        for w in set(toks).difference(vocab):
            if len(w) > 5 and w.endswith("nya") and w[:-3] in vocab:
                fix[w] = w[:-3]
            elif len(w) >= FUZZY_MIN_LEN and (w[0], len(w)) in choices and not any(map(str.isdigit, w)):
                # typo tolerance: one C call per unknown word, against the words of its first letter
                # whose length lets them reach the cutoff
                cutoff = FUZZY_CUTOFF_LONG if len(w) >= 7 else FUZZY_CUTOFF
                best = process.extractOne(w, choices[w[0], len(w)], scorer=fuzz.ratio, score_cutoff=cutoff)
                if best is not None:
                    fix[w] = best[0]
        if fix:
            toks = list(map(fix.get, toks, toks))
        negs = list(accumulate(map(self._neg_first.__contains__, toks), initial=0))
        return _Text(text, low, toks, starts, ends, breaks, negs)

    def _phrase_hits(self, t: _Text) -> list[tuple[int, int, tuple]]:
        """(first token, last token, key) of every phrase found."""
        out = []
        toks, index = t.toks, self._by_first
        n = len(toks)
        for i in compress(count(), map(index.__contains__, toks)):  # the words that start a phrase
            single, longer, seconds = index[toks[i]]
            for key in single:
                out.append((i, i, key))
            if i + 1 < n and toks[i + 1] in seconds:
                for k, table in longer:
                    keys = table.get(tuple(toks[i:i + k]))
                    if keys:
                        last = i + k - 1
                        out.extend((i, last, key) for key in keys)
        return out

    def _negated(self, t: _Text, first: int, last: int, after: bool = True) -> bool:
        # _contains() finds nothing among words none of which can start a negator: t.negs says
        # at once whether a window has such a word
        lo = max(0, first - 3)
        if t.negs[first] > t.negs[lo]:
            before = [t.toks[j] for j in range(lo, first) if t.breaks[j] == t.breaks[first]]
            if before and self._contains(before, self._neg_before_by_len):
                return True
        if not after:
            return False
        hi = min(len(t.toks), last + 4)
        if t.negs[hi] == t.negs[last + 1]:
            return False
        after = [t.toks[j] for j in range(last + 1, hi) if t.breaks[j] - t.breaks[last] <= 1]
        return bool(after) and self._contains(after[:3], self._neg_after_by_len)

    _LIST_WORDS = frozenset({"dan", "atau", "serta", "maupun", "ke", "di", "and", "or", "to", "in", "nor"})

    def _place_negated(self, t: _Text, first: int, place_toks: set[int]) -> bool:
        """A negator before a list of places negates each of them."""
        j = first
        while j > 0 and (j - 1 in place_toks or t.toks[j - 1] in self._LIST_WORDS):
            if _SENTENCE_END.search(t.low, t.ends[j - 1], t.starts[j]):
                break
            j -= 1
        before = [t.toks[k] for k in range(max(0, j - 3), j) if not _SENTENCE_END.search(t.low, t.ends[k], t.starts[first])]
        return bool(before) and self._contains(before, self._neg_before_by_len)

    def _contains(self, words: list[str], phrases: dict[int, frozenset[tuple[str, ...]]]) -> bool:
        """Does one of the phrases (grouped by their number of words) occur in words?"""
        if self._neg_first.isdisjoint(words):
            return False
        for k, ps in phrases.items():
            for j in range(len(words) - k + 1):
                if tuple(words[j:j + k]) in ps:
                    return True
        return False

    def _snippet(self, t: _Text, start: int, end: int) -> str:
        raw = t.raw
        # whole words: widen to the word boundaries of the original text
        while start > 0 and raw[start - 1].isalnum():
            start -= 1
        while end < len(raw) and raw[end].isalnum():
            end += 1
        s = " ".join(raw[start:end].split())
        if len(s) > SNIPPET_MAX:
            s = s[: SNIPPET_MAX - 1].rstrip() + "…"
        return s

    # -- pay ------------------------------------------------------------------------------
    @staticmethod
    def _number(s: str) -> float:
        if _THOUSANDS.fullmatch(s):
            return float(_SEPARATOR.sub("", s))
        m = _THOUSANDS_DECIMALS.fullmatch(s)
        if m:
            return float(_SEPARATOR.sub("", m.group(1)) + "." + m.group(2))
        return float(s.replace(",", "."))

    def _amounts(self, low: str) -> Iterable[re.Match]:
        """The matches of self._money.finditer(low), found faster: an amount can only start at a
        digit that is not preceded by [\\d.,+], and from every such digit self._money matches, so
        jump from one such digit to the next (a character-class scan in C) and match there."""
        pos = 0
        while True:
            d = _AMOUNT_START.search(low, pos)
            if d is None:
                return
            m = self._money.match(low, d.start())
            if m is None:  # cannot happen (n1 matches a single digit); keep scanning like finditer
                pos = d.start() + 1
                continue
            yield m
            pos = m.end()

    def _currency_before(self, low: str, start: int) -> re.Match | None:
        """self._cur_before.search(low, max(0, start - 10), start), without the search when it
        cannot match: the currency word must end where the spaces (and dot) before the number
        begin, so the characters there must be the end of some currency word."""
        lo = max(0, start - 10)
        tail = low[lo:start].rstrip()
        if not tail.endswith(".") and tail[-1:] not in self._cur_end1 and tail[-2:] not in self._cur_end2:
            return None
        return self._cur_before.search(low, lo, start)

    def read_pay(self, t: _Text, abroad: bool) -> list[tuple[float, int, int, bool]]:
        """(rupiah per month, start, end, foreign currency?) for each amount of money in the ad."""
        out = []
        low = t.low
        for m in self._amounts(low):
            n1 = m.group("n1")
            start = m.start()
            cb = self._currency_before(low, start)
            if cb:
                start = cb.start()
            cur = (cb.group("c1") if cb else None) or m.group("c2")
            if not cur and not (m.group("m1") or m.group("m2")):
                # a bare number counts only right after a salary word: "gaji 1200"
                if n1.startswith("0") or not self._salary:
                    continue
                if not self._salary.search(low, max(0, m.start() - 25), m.start()):
                    continue
            mul = m.group("m2") or m.group("m1")
            try:
                value = self._number(m.group("n2") or n1)
            except ValueError:
                continue
            if mul:
                value *= self.multiplier.get(re.sub(r"\s+", "", mul), 1.0)
            if cur:
                key = re.sub(r"\s+", " ", cur).strip()
                rate = self.currency_rate.get(key, self.currency_rate.get(key.rstrip("."), 1.0))
            elif mul or value >= 100_000:
                rate = 1.0  # "15jt", "15.000.000": rupiah
            elif abroad and 300 <= value <= 20_000:
                rate = self.currency_rate.get("usd", 16000.0)  # "gaji 1000-1200" for a job abroad
            else:
                continue
            idr = value * rate
            if self._period is not None:
                pm = self._period.match(low, m.end())
                if pm:
                    idr *= self._period_factor.get(re.sub(r"\s+", "", pm.group().strip()), 1.0)
            if idr >= 100_000:  # below that it is not a monthly wage (an age, a count, a fee in k)
                out.append((idr, start, m.end(), rate != 1.0))
        return out

    def _is_fee(self, low: str, start: int) -> bool:
        """An amount right after a fee word ("biaya 60jt", "minta 15 juta", "DP 10jt") is a
        fee or a ransom, not pay, unless a pay word comes between ("bayar gaji 15jt")."""
        m = _FEE_BEFORE.search(low, max(0, start - 30), start)
        return m is not None and not (self._salary and self._salary.search(low, m.start(), start))

    # -- the check ------------------------------------------------------------------------
    def analyse(self, text: str) -> tuple[_Text, _Found]:
        """Read an ad and find every sign's words, the places, the pay and the claim words; no
        decision yet (check() and looks_like_offer() decide)."""
        memo = self._memo
        if memo is not None and memo[0] == text:  # claims() then on_text() on the same text
            return memo[1], memo[2]
        t = self._read(text or "")
        hits = self._phrase_hits(t)
        f = _Found()
        found = f.found
        places = f.places
        sentence_of = f.sentence_of = self._sentence_ids(t)
        place_toks = {j for first, last, key in hits if key[0] == "place" for j in range(first, last + 1)}
        starts, ends, signs = t.starts, t.ends, self.signs
        for first, last, key in hits:
            kind = key[0]
            cs, ce = starts[first], ends[last]
            if kind == "sign":
                sign = signs[key[1]]
                if sign.negatable and self._negated(t, first, last):
                    continue
                found.setdefault(sign.id, []).append((cs, ce))
            elif kind == "place":
                if first > 0 and t.toks[first - 1] in self.not_place_after:
                    continue  # "bahasa Inggris" is a language
                f.abroad = True
                if key[1] and self._place_negated(t, first, place_toks):
                    continue  # "kami tidak menempatkan ke Kamboja, Myanmar atau Thailand"
                places.append((key[1], key[2], cs, ce))
            elif kind == "abroad":
                f.abroad = True
            elif kind == "caution":
                f.caution.add(sentence_of(cs))
            elif kind == "ad":
                f.ad_words += 1
            elif kind == "fwd":
                f.forwarded += 1
            elif kind == "question":
                f.questions += 1
        # place names glued to other words: "kerjadikamboja"
        if self._glued_place is not None:
            for i, w in enumerate(t.toks):
                if len(w) >= 9 and w not in self._index:
                    m = self._glued_place.search(w)
                    if m:
                        f.abroad = True
                        flag, code = self.place_of.get(m.group(), (None, None))
                        s = t.starts[i] + m.start()
                        places.append((flag, code, s, s + len(m.group())))
        # flag emoji: "LOKER 🇰🇭 CS 15jt" (two regional-indicator letters spell the ISO code)
        if not t.raw.isascii():
            for m in _FLAG_EMOJI.finditer(t.raw):
                code = "".join(chr(ord(ch) - 0x1F1E6 + ord("A")) for ch in m.group())
                if code in self.place_by_code:
                    f.abroad = True
                    places.append((self.place_by_code[code], code, m.start(), m.end()))
        for flag, _code, cs, ce in places:
            if flag in self.signs:
                found.setdefault(flag, []).append((cs, ce))
        # regular expressions from content
        for sign in self.signs.values():
            for p in sign.patterns:
                for m in p.finditer(t.low):
                    if m.end() <= m.start():
                        continue
                    if sign.negatable and t.toks:
                        first = max(0, bisect_right(t.starts, m.start()) - 1)
                        last = max(first, bisect_left(t.ends, m.end()))
                        if self._negated(t, first, min(last, len(t.toks) - 1)):
                            continue
                    found.setdefault(sign.id, []).append(m.span())
                    break

        amounts = self.read_pay(t, f.abroad)
        if any(p[3] for p in amounts):
            f.abroad = True  # paid in a foreign currency
        f.pay = [p for p in amounts if not self._is_fee(t.low, p[1])]
        self._memo = (text, t, f)
        return t, f

    @staticmethod
    def _sentence_ids(t: _Text):
        # the text between sentence ends (one character each): end k is after k + 1 pieces and k ends
        pieces = _SENTENCE_END.split(t.low)
        ends = list(map(add, accumulate(map(len, pieces[:-1])), count()))
        return partial(bisect_left, ends)  # sentence_of(pos): how many sentence ends come before pos

    def check(self, text: str) -> OfferAnalysis:
        t, a = self.analyse(text)
        found, abroad, caution, sentence_of = a.found, a.abroad, a.caution, a.sentence_of

        flags: dict[str, tuple[int, int]] = {}
        positives: dict[str, tuple[int, int]] = {}
        flag_spans: list[tuple[int, int]] = []
        for sid, spans in found.items():
            sign = self.signs[sid]
            if sign.kind != "flag" or sign.computed:
                continue
            if sign.abroad_only and not abroad:
                continue
            if caution:  # (most ads have no warning sentence: skip the lookups)
                spans = [sp for sp in spans if sentence_of(sp[0]) not in caution]
            if not spans:
                continue
            spans = sorted(spans)
            flags[sid] = spans[0]
            flag_spans.extend(spans)
        flag_spans.sort()
        flag_starts = [fs for fs, _ in flag_spans]

        def inside_a_flag(sp: tuple[int, int]) -> bool:
            j = bisect_left(flag_starts, sp[1]) - 1
            while j >= 0 and flag_starts[j] > sp[0] - 200:
                if flag_spans[j][1] > sp[0]:
                    return True
                j -= 1
            return False

        for sid, spans in found.items():
            sign = self.signs[sid]
            if sign.kind != "positive":
                continue
            if not CONTRADICTED_BY.get(sid, frozenset()).isdisjoint(flags):
                continue  # "visa kerja nanti diurus di sana" beside "visa turis" is no work visa
            # a good sign inside a red flag's words ("tanpa visa kerja", "tidak perlu ke disnaker") is not one
            for sp in sorted(spans):
                if not inside_a_flag(sp):
                    positives[sid] = sp
                    break

        # computed flags: pay, missing company
        pay = a.pay
        top = max(pay, default=None)
        pay_with = any(f in flags for f in self.pay_with)
        for sid, sign in self.signs.items():
            if sign.kind != "flag" or not sign.computed or (sign.abroad_only and not abroad):
                continue
            if sign.computed == "absurd_pay" and top and top[0] >= self.absurd_pay_idr:
                flags[sid] = (top[1], top[2])
            elif sign.computed == "high_pay" and top and pay_with and self.high_pay_idr <= top[0] < self.absurd_pay_idr:
                flags[sid] = (top[1], top[2])
            elif sign.computed == "no_company" and abroad and not positives.keys() & {"p3mi_licence", "official_programme", "siskop2mi"}:
                if not _COMPANY.search(t.raw):
                    flags[sid] = (-1, -1)

        level, score, severity = self._decide(flags, positives)

        def snippet(span: tuple[int, int]) -> str:
            return "" if span[0] < 0 else self._snippet(t, *span)

        ordered = sorted(flags, key=lambda f: (-RISKS.index(severity[f]), -self.signs[f].weight, self.order[f]))
        return OfferAnalysis(
            level=level,
            score=score,
            flags=tuple(Flag(f, severity[f], self.signs[f].weight, snippet(flags[f]), *flags[f]) for f in ordered),
            positives=tuple(
                GoodSign(p, self.signs[p].weight, snippet(positives[p]), *positives[p])
                for p in sorted(positives, key=lambda p: self.order[p])
            ),
            abroad=abroad,
            country=self._destination(a.places, flags),
            pay_idr=top[0] if top else None,
        )

    def _level_of(self, score: float) -> Risk:
        return "high" if score >= self.high_at else "medium" if score >= self.medium_at else "low"

    def _decide(self, flags: dict[str, Any], positives: dict[str, Any]) -> tuple[Risk, float, dict[str, Risk]]:
        """The level of an ad: the one place where red flags, good signs and floors meet.

        1. score = red flags' weights - good signs' weights (at most positive_cap); high also
           needs one flag of high_needs_weight (soft signs alone stop at medium).
        2. Each flag has a severity: the least level it keeps whatever else the ad says. That is
           its min_risk, or the level its weight reaches on its own, or medium for both halves of
           the scam-compound pattern (a compound job in a compound country).
        3. level = the higher of the score's level and the most severe flag. Good signs are words
           anyone can paste: they lower the score, never a level below a flag's severity.
        The answer's words follow from this: "no warning signs" only when there are no flags.
        """
        raw = sum(self.signs[f].weight for f in flags)
        good = min(sum(self.signs[p].weight for p in positives), self.positive_cap)
        score = max(0.0, raw - good)
        level = self._level_of(score)
        if level == "high" and not any(self.signs[f].weight >= self.high_needs for f in flags):
            level = "medium"  # soft signs alone
        compound = not COMPOUND_PLACE_FLAGS.isdisjoint(flags) and not COMPOUND_JOB_FLAGS.isdisjoint(flags)
        severity: dict[str, Risk] = {}
        for f in flags:
            sign = self.signs[f]
            sev: Risk = sign.min_risk if sign.min_risk in RISKS else "low"
            alone = self._level_of(sign.weight)
            if alone == "high" and sign.weight < self.high_needs:
                alone = "medium"
            sev = _higher(sev, alone)
            if compound and (f in COMPOUND_PLACE_FLAGS or f in COMPOUND_JOB_FLAGS):
                sev = _higher(sev, "medium")
            severity[f] = sev
            level = _higher(level, sev)
        return level, score, severity

    def _destination(self, places: list[tuple[str | None, str | None, int, int]], flags: dict[str, Any]) -> str | None:
        """The country the ad sends people to: the first named place of the most serious kind
        (a country without legal placement, then a scam region, then any other country)."""
        rank = {"no_legal_placement": 0, "scam_region": 1}
        best: tuple[int, int, str] | None = None
        for flag, code, start, _end in places:
            if code is None:
                continue
            key = (rank.get(flag, 2) if flag in flags or flag is None else 2, start, code)
            if best is None or key < best:
                best = key
        return best[2] if best else None

    # -- is this an offer at all? ---------------------------------------------------------
    def claim_reading(self, text: str) -> ClaimReading:
        """What looks_like_offer() decides from, kept apart so tests and docs can show why."""
        stripped = (text or "").strip()
        t, a = self.analyse(stripped)
        found = a.found
        low = t.low
        outside_caution = (lambda pos: a.sentence_of(pos) not in a.caution) if a.caution else (lambda pos: True)
        story = sum(
            (3 if m.group(1) else 1)
            for m in _STORY.finditer(low)
            if outside_caution(m.start())
        )
        flag_ids = {sid for sid in found if self.signs[sid].kind == "flag"}
        phone = bool(_PHONE.search(low))
        return ClaimReading(
            words=len(t.toks),
            place=bool(a.places),
            pay=bool(a.pay) or bool(_WAGE_STANDARD.search(low)),
            pay_claim=bool(_PAY_CLAIM.search(low)),
            job=not JOB_FLAGS.isdisjoint(flag_ids),
            contact=phone or "chat_only" in flag_ids,
            phone=phone,
            company=bool(_COMPANY.search(t.raw)),
            flags=len(flag_ids - JOB_FLAGS - COMPOUND_PLACE_FLAGS),
            positives=sum(self.signs[sid].kind == "positive" for sid in found),
            ad_words=a.ad_words,
            forwarded=a.forwarded > 0,
            question=(a.questions > 0 or stripped.endswith("?")) and len(stripped) < QUESTION_MAX_CHARS,
            story=story,
        )

    def looks_like_offer(self, text: str) -> bool:
        """Is this a job offer to check (pasted, forwarded, or asked about with its details)?"""
        return self.claim_reading(text).is_offer
