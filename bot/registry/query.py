"""Find the company name in what a person typed: "cek PT Sumber Rejeki Abadi resmi gak?"

`name_in(text)` returns the name when the text is clearly a company-name check (it names a
"PT"/"CV" and either asks about it or is nothing but the name), else None: "gmn cek agen resmi"
names no company, and a long pasted job ad is left to the offer checker.
`strip_fillers(text)` is for when the bot has just asked for a name: whatever is left once the
chat words around it are gone ("tolong cek sumber rejeki ya" -> "sumber rejeki").
"""
from __future__ import annotations

import re

from bot.engine.text import fold

MAX_CLAIM_CHARS = 160
MAX_CLAIM_WORDS = 16
MAX_NAME_WORDS = 8
MAX_NAME_CHARS = 120

# "PT", "P.T.", "PT.", "CV", "C.V." as a word of their own, followed by a name.
_MARKER = re.compile(r"(?<![0-9a-z])(p\s?\.?\s?t|c\s?\.?\s?v)\.?(?=\s+[0-9a-z])")
# An agency named without "PT": "check agency: Asia Pacific Manpower", "cek agensi 'Golden Dragon'".
_LABEL = r"(?<![0-9a-z])(?:agensi|agency|agen|perusahaan|company|penyalur|p3mi)"
_LABELLED = (re.compile(_LABEL + r"\s*(?:bernama|namanya|named|called)?\s*['\"“‘]([^'\"“”‘’]+)['\"”’]"),
             re.compile(_LABEL + r"\s*:\s*([^?!,;:()\[\]]+)$"))
_SPLIT = re.compile(r"[?!,;:()\[\]\"'“”‘’]+")
_WORD = re.compile(r"[0-9a-z][0-9a-z.&-]*")

# Chat words around a name (Indonesian, slang, English). Stripped only at the edges of the name.
FILLERS = frozenset(
    """
    cek check periksa tolong mohon coba bantu cari carikan lihat liat tanya nanya look up search find verify
    apakah apa apkah apkh apa2 gimana gmn bagaimana gimana2 benarkah benar bener beneran
    is are was does do the a an this that it please pls plz can could you me i my our
    ini itu tuh nih ya yah yaa ok oke kah dong deh sih kak min admin gan sis bro bang mas mbak
    resmi legal legit terdaftar berizin izin ijin asli official licensed registered real genuine
    licence license bodong palsu penipu abal abal2 fake scam
    gak ga gk nggak ngga enggak engga tidak tdk ngak kagak or not atau bukan ato
    yang yg punya sudah udah belum blm ada di ke dari dan sama dengan dgn untuk utk buat
    nama perusahaan perusahaannya agen agensi agency company p3mi sip3mi penyalur namanya tki tkw pmi
    kayak kaya seperti macam like lewat via through contoh contohnya misal misalnya example for e.g eg
    ptnya pt-nya agennya calonya sponsornya kantornya name called named its
    saya aku gue gw kami mau ingin pengen tau tahu know whether if
    on in at list daftar registry still masih
    opo ora piye pripun carane caranya ngecek ngecekin dicek mboten nopo naon teu henteu kumaha
    nya iki kuwi tersebut tsb nu anu teh
    """.split()
)

# Words that end a name: what comes after them is the question, not the name.
ENDS_NAME = frozenset(
    """
    resmi legal legit terdaftar berizin izin ijin asli official licensed registered real genuine
    licence license bodong palsu penipu fake scam gak ga gk nggak ngga enggak engga tidak tdk ngak
    kagak or not atau bukan ato apakah apa kah itu ini tuh nih ya yah yaa dong deh sih kak min gan
    sis bro is are was does do please pls plz yg yang ke di dari untuk utk buat
    opo ora mboten nopo naon teu henteu
    """.split()
)
# Words a sentence goes on with after "PT" when no name follows: "PT minta biaya penempatan 25jt",
# "PT nya bilang paspor harus dititip", "the PT asked for my passport", "dipegang PT katanya aturannya".
NOT_A_NAME = frozenset(
    """
    minta meminta bilang ngomong nyuruh menyuruh suruh janji janjiin nawarin menawarkan kasih ngasih
    memberi harus wajib nahan menahan pegang megang simpan nyimpen ambil ngambil potong motong
    katanya kata ngakunya ngaku bilangnya aturannya
    said says asked asks wants told tells took keeps holds promised
    apa mana yang yg which what
    ngirim mengirim kirim ngirimin nganter nganterin berangkatin sends send
    biar supaya agar spy so
    """.split()  # "bayar biaya proses ke PT biar diberangkatin": why, not a name
)
# Words that show the person is asking about the company (with "?").
ASKS = frozenset(
    """
    cek check periksa apakah apa apkah apkh benarkah beneran resmi legal legit terdaftar berizin
    izin ijin asli official licensed registered licence license bodong palsu penipu fake scam is
    are does tolong cari carikan tanya nanya p3mi sip3mi look search find verify
    """.split()
)


def _words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def _trim(words: list[str]) -> list[str]:
    i, j = 0, len(words)
    while i < j and words[i].strip(".-") in FILLERS:
        i += 1
    while j > i and words[j - 1].strip(".-") in FILLERS:
        j -= 1
    return words[i:j]


def _has_name_word(words: list[str]) -> bool:
    return any(w.strip(".-&") and w.strip(".-&") not in FILLERS for w in words)


def name_in(text: str) -> str | None:
    """The company name if text is clearly a company-name check, else None."""
    if not text or len(text) > MAX_CLAIM_CHARS:
        return None
    folded = fold(text)
    if len(folded.split()) > MAX_CLAIM_WORDS:
        return None
    m = _MARKER.search(folded)
    if not m:
        return _labelled(folded)
    before = _words(folded[: m.start()])
    # The name runs from the marker to the first punctuation, then chat words are trimmed off.
    rest = _SPLIT.split(folded[m.end():], maxsplit=1)
    after_name = _SPLIT.split(folded[m.end():], maxsplit=1)[1] if len(rest) > 1 else ""
    name_words = _words(rest[0])
    # cut at the first filler that follows at least one name word ("maju jaya resmi gak")
    cut = len(name_words)
    for k, w in enumerate(name_words):
        if k > 0 and w.strip(".-") in ENDS_NAME and _has_name_word(name_words[:k]):
            cut = k
            break
    trailing = name_words[cut:] + _words(after_name)
    name_words = _trim(name_words[:cut])[:MAX_NAME_WORDS]
    if not _has_name_word(name_words) or name_words[0].strip(".-") in NOT_A_NAME:
        return None
    # Asked about it ("cek", "resmi?", "is ... licensed") or nothing but the name?
    asking = "?" in text or any(w.strip(".-") in ASKS for w in before + trailing)
    only_name = all(w.strip(".-") in FILLERS for w in before + trailing)
    if not (asking or only_name):
        return None
    form = "PT" if m.group(0).startswith("p") else "CV"
    if name_words and name_words[0].strip(".-") in ("pt", "cv") and len(name_words) > 1:
        # "PT nya namanya PT Bintang Timur": the second marker starts the name, and says its form
        form = name_words[0].strip(".-").upper()
        name_words = name_words[1:]
    return (form + " " + " ".join(_title(w) for w in name_words))[:MAX_NAME_CHARS]


def _labelled(folded: str) -> str | None:
    """A name set off by quotes or a colon after "agency"/"agensi": the marking says it is a name."""
    for quoted, pattern in zip((True, False), _LABELLED):
        m = pattern.search(folded)
        # after a colon only when asked about: "cek agency: X", not "agen: dia bilang gratis"
        if m and (quoted or any(w in ASKS for w in _words(folded[: m.start()]))):
            words = _trim(_words(m.group(1)))[:MAX_NAME_WORDS]
            if _has_name_word(words) and words[0].strip(".-") not in NOT_A_NAME:
                return " ".join(_title(w) for w in words)[:MAX_NAME_CHARS]
    return None


def _title(word: str) -> str:
    return word.upper() if word in ("pt", "cv", "tbk") else word[:1].upper() + word[1:]


def strip_fillers(text: str) -> str | None:
    """The name left in a reply to "type the company's name" (None if nothing is left)."""
    if not text:
        return None
    folded = fold(text)
    m = _MARKER.search(folded)
    if m:
        found = name_in(text) if len(text) <= MAX_CLAIM_CHARS else None
        if found:
            return found
    words = _trim(_words(folded))
    if not _has_name_word(words):
        return None
    return " ".join(_title(w) for w in words[: MAX_NAME_WORDS + 1])[:MAX_NAME_CHARS]
