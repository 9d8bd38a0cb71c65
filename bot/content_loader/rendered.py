"""Rules about what a person actually reads, run by `content check` after the content loads.

1. Texts (every `{id: ..., en: ...}` a person can see, in every file):
   - a WhatsApp number in domestic 08... form is an error: a foreign SIM cannot reach it on
     WhatsApp; write +62 8...;
   - "WhatsApp" next to a number whose contact in contacts.yaml has no WhatsApp line is an
     error: the Kemlu hotline is a phone line (the reference sheet does not confirm WhatsApp);
   - a file name ("001_....txt", "contacts.md") or a note meant for editors ("dikonfirmasi",
     "dicek ulang", "re-check", "before launch", "UNVERIFIED") is an error;
   - a promise nobody can keep is an error: "Anda tidak akan dihukum" / "you will not be
     punished"; "tidak dipidana" / "not punished" without the law that says so (UU 21/2007
     Pasal 18, Indonesian law: police and immigration abroad act on their own laws); "tidak
     terlindungi" / "not protected" (the embassy helps every citizen, whatever their visa).
   Contact lines: a line labelled WhatsApp with an 08... value is an error.
2. Rendered nodes: every node of every module is rendered in every language the way the engine
   shows it (its text, then its contacts through ContactBook; for a node listing "embassy",
   once for every country and once for no country). A message over SOFT_LIMIT characters is a
   warning (split it with a "Lanjut" button, or put the less urgent contacts behind a button),
   over HARD_LIMIT an error. The same editor-note and file-name rules apply to what is rendered
   (the contact lines ContactBook writes).

REQUESTED_FIXES lists texts in files other engineers own that break a rule added here: each is
reported as a warning naming its owner until the text is changed (the change is requested in
the hand-over); an entry that no longer matches anything is reported too, so it gets removed.
"""
from __future__ import annotations

import datetime as _dt
import re
from typing import Any, Iterator

from bot.content_loader.problems import Problem

SOFT_LIMIT = 600  # a message on a phone screen
HARD_LIMIT = 4096  # Telegram's limit

PHONE_RE = re.compile(r"\+?\d[\d\s().-]{5,}\d")
URL_RE = re.compile(r"(?:https?://|www\.)\S+")
WHATSAPP_RE = re.compile(r"whats\s?app|\bWA\b", re.I)
WHATSAPP_WINDOW = 60  # characters before a number (same line) where "WhatsApp" names it

# What must never reach a person: the reference sheet's notes for editors and file names.
EDITOR_NOTES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\b\d{3}_[0-9a-f]{6,}"), "a seed file name"),
    (re.compile(r"\b[\w-]+\.(?:txt|md|csv|ya?ml|json|py)\b", re.I), "a file name"),
    (re.compile(r"\bseeds?\b", re.I), "the word 'seed' (name the study by its title and author)"),
    (re.compile(r"\bresearch/", re.I), "a path to the editors' files"),
    (re.compile(r"dicek ulang|\bre-?check(?:ed)?\b", re.I), "an editor's note about re-checking"),
    (re.compile(r"sebelum peluncuran|before (?:a |the )?(?:public )?launch", re.I), "an editor's note about the launch"),
    (re.compile(r"dikonfirmasi|\bconfirmed\b", re.I), "'dikonfirmasi'/'confirmed' (say where the number comes from and when)"),
    (re.compile(r"\b(?:UNVERIFIED|OUTDATED)\b"), "the sheet's status word"),
]

# Promises no law or agency makes (content-style.md, "Safety").
PROMISES: list[tuple[re.Pattern[str], re.Pattern[str] | None, str]] = [
    (re.compile(r"tidak akan di(?:hukum|pidana|tangkap)|(?:will not|won't) be (?:punished|arrested)", re.I), None,
     "promises what police or immigration will do: say what UU 21/2007 Pasal 18 says (under Indonesian law a victim "
     "forced into a crime is not punished) and that the embassy helps"),
    (re.compile(r"tidak (?:di)?pidana|tidak dihukum|not (?:be )?punished", re.I), re.compile(r"UU\s*21/2007", re.I),
     "says a victim is not punished without the law that says so: name UU 21/2007 Pasal 18 (Indonesian law)"),
    (re.compile(r"tidak terlindungi|tanpa perlindungan|not protected|no one will help|tidak ada yang (?:akan )?membantu", re.I), None,
     "tells people nobody protects them: the embassy (KBRI/KJRI) helps every Indonesian, whatever their visa"),
]

# (file, path prefix, rule, owner): known texts in files owned elsewhere, reported as warnings.
REQUESTED_FIXES: list[tuple[str, tuple, str, str]] = []

SKIP_KEYS = {"sources", "keywords", "normalize", "examples", "patterns", "language_names", "language_aliases"}


# =============================================================================================
# texts
# =============================================================================================
def _texts(v: Any, path: tuple, languages: list[str]) -> Iterator[tuple[tuple, str, str]]:
    """(path, lang, text) of every text a person can read in one file's data."""
    if isinstance(v, dict):
        if v and all(isinstance(k, str) and k in languages for k in v) and all(isinstance(x, str) for x in v.values()):
            for lang, s in v.items():
                yield path, lang, s
            return
        for k, x in v.items():
            if k in SKIP_KEYS:
                continue
            yield from _texts(x, path + (k,), languages)
    elif isinstance(v, list):
        for i, x in enumerate(v):
            yield from _texts(x, path + (i,), languages)


def _intl(digits: str) -> str:
    """Digits of a number in international form: 0811... -> 62811..."""
    return "62" + digits[1:] if digits.startswith("0") else digits


def whatsapp_numbers(content: Any) -> set[str]:
    """International digits of every number that contacts.yaml labels WhatsApp."""
    out: set[str] = set()
    for c in content.contacts.values():
        for ln in c["lines"]:
            labels = " ".join(ln["label"].values()) if isinstance(ln["label"], dict) else str(ln["label"])
            if WHATSAPP_RE.search(labels):
                d = re.sub(r"\D", "", ln["value"])
                if d:
                    out.add(_intl(d))
    return out


def whatsapp_problems(text: str, confirmed: set[str]) -> list[tuple[str, str]]:
    """(rule, message) for each number the text calls WhatsApp wrongly."""
    out: list[tuple[str, str]] = []
    clean = URL_RE.sub(lambda m: " " * len(m.group()), text)
    prev_end = 0
    for m in PHONE_RE.finditer(clean):
        start = max(prev_end, clean.rfind("\n", 0, m.start()) + 1, m.start() - WHATSAPP_WINDOW)
        before, after = clean[start : m.start()], clean[m.end() : m.end() + 14]
        prev_end = m.end()
        if not (WHATSAPP_RE.search(before) or re.match(r"\s*\(\s*(?:whats\s?app|WA)\b", after, re.I)):
            continue
        number = m.group().strip()
        digits = re.sub(r"\D", "", number)
        if digits.startswith("0"):
            out.append(("whatsapp_08", f"WhatsApp number {number!r} is in 08 form, which a foreign SIM cannot reach on "
                        f"WhatsApp: write it +62 {digits[1:4]}-... (as contacts.yaml does)"))
        elif _intl(digits) not in confirmed:
            out.append(("whatsapp_unconfirmed", f"{number!r} is called WhatsApp here, but contacts.yaml does not list it as a "
                        "WhatsApp number (the Kemlu hotline is a phone line): say 'telepon'/'call'"))
    return out


def editor_notes(text: str) -> list[str]:
    return [f"{what} reaches a person: {m.group()!r}" for pat, what in EDITOR_NOTES for m in [pat.search(text)] if m]


def promises(text: str) -> list[str]:
    return [f"{what}: {m.group()!r}" for pat, unless, what in PROMISES for m in [pat.search(text)]
            if m and not (unless and unless.search(text))]


def text_problems(content: Any) -> list[Problem]:
    confirmed = whatsapp_numbers(content)
    raw: list[tuple[str, tuple, str, str]] = []  # (file, path, rule, message)
    for rel, data in content.files.items():
        for path, lang, s in _texts(data, (), content.languages):
            for rule, msg in whatsapp_problems(s, confirmed):
                raw.append((rel, path + (lang,), rule, msg))
            for msg in editor_notes(s):
                raw.append((rel, path + (lang,), "editor_note", msg))
            for msg in promises(s):
                raw.append((rel, path + (lang,), "promise", msg))
    for cid, c in content.contacts.items():
        for i, ln in enumerate(c["lines"]):
            labels = " ".join(ln["label"].values())
            if WHATSAPP_RE.search(labels) and re.sub(r"\D", "", ln["value"]).startswith("0"):
                raw.append(("contacts.yaml", ("contacts", cid, "lines", i, "value"), "whatsapp_08",
                            f"WhatsApp number {ln['value']!r} is in 08 form: write it +62 ... so it works from a foreign SIM"))
    problems = _apply_requested_fixes(content, raw)
    studies = (content.about or {}).get("studies") or {}
    for mid, m in content.modules.items():
        rel = content.module_files[mid]
        for i, src in enumerate(m.get("sources", [])):
            if "seed" in src and src["seed"] not in studies:
                problems.append(Problem(rel, content.line(rel, "sources", i, "seed"),
                                        f"seed {src['seed']!r} has no entry in about.yaml `studies`: a person would not "
                                        "know which study it is (add its short name and full title with its author)"))
    return problems


def _apply_requested_fixes(content: Any, raw: list[tuple[str, tuple, str, str]]) -> list[Problem]:
    out: list[Problem] = []
    used: set[int] = set()
    for rel, path, rule, msg in raw:
        line = content.line(rel, *path)
        fix = next((i for i, (f, prefix, r, _o) in enumerate(REQUESTED_FIXES)
                    if f == rel and r == rule and path[: len(prefix)] == prefix), None)
        if fix is None:
            out.append(Problem(rel, line, msg))
        else:
            used.add(fix)
            out.append(Problem(rel, line, f"{msg} (owned by {REQUESTED_FIXES[fix][3]}: change requested)", "warning"))
    for i, (rel, prefix, rule, owner) in enumerate(REQUESTED_FIXES):
        if i not in used and rel in content.files:
            out.append(Problem("(check)", 0, f"REQUESTED_FIXES entry {rel} {'/'.join(map(str, prefix))} ({rule}) no longer "
                               "matches anything: remove it from bot/content_loader/rendered.py", "warning"))
    return out


# =============================================================================================
# rendered nodes
# =============================================================================================
def render_node(content: Any, book: Any, mid: str, nid: str, lang: str, country: str | None) -> list[str]:
    """The messages a node sends, as the engine builds them (text and contacts as one screen;
    a quiz's question; a country question with its hint; each quiz feedback with the score)."""
    from bot.i18n import translator

    _ = translator(lang)
    module = content.modules[mid]
    node = module["nodes"][nid]
    t = content.t
    if "quiz" in node:
        q = node["quiz"]
        head = t(node["text"], lang) + "\n\n" if node.get("text") else ""
        out = [head + t(q["question"], lang)]
        nxt = module["nodes"].get(node.get("next"), {})
        score = "" if "quiz" in nxt else "\n\n" + _("Quiz score: {right} of {asked}.").format(right=3, asked=3)
        out += [t(o["feedback"], lang) + score for o in q["options"]]
        return out
    text = t(node["text"], lang)
    if node.get("choose_country"):
        return [text + "\n\n" + _("Tap a country, or type its name.")]
    blocks = book.blocks(node.get("contacts", []), lang, country)
    return ["\n\n".join([text] + blocks)]


def node_renders(content: Any) -> Iterator[tuple[str, str, str, str | None, list[str]]]:
    """(module, node, lang, country, messages) for every node, language and, for nodes listing
    "embassy", every country (and no country)."""
    from bot.engine.contacts import EMBASSY, ContactBook

    book = ContactBook(content, today=lambda: _dt.date.max)  # every mission "may have changed": the longest text
    for mid, module in content.modules.items():
        for nid, node in module["nodes"].items():
            countries: list[str | None] = [None]
            if EMBASSY in node.get("contacts", []):
                countries += list(content.countries)
            for lang in content.languages:
                for country in countries:
                    yield mid, nid, lang, country, render_node(content, book, mid, nid, lang, country)


def rendered_problems(content: Any) -> list[Problem]:
    from bot.engine.contacts import EMBASSY, HOTLINE_ABROAD

    out: list[Problem] = []
    worst: dict[tuple[str, str, str], tuple[int, str | None]] = {}
    notes: dict[tuple[str, str, str], str] = {}
    for mid, nid, lang, country, messages in node_renders(content):
        for msg in messages:
            key = (mid, nid, lang)
            if len(msg) > worst.get(key, (0, None))[0]:
                worst[key] = (len(msg), country)
            for note in editor_notes(msg):
                notes.setdefault(key, note)
    for (mid, nid, lang), (n, country) in sorted(worst.items()):
        rel = content.module_files[mid]
        line = content.line(rel, "nodes", nid)
        where = f" with the contacts for {content.t(content.countries[country]['name'], 'en')}" if country else ""
        if n > HARD_LIMIT:
            out.append(Problem(rel, line, f"node {nid!r} renders {n} characters in {lang!r}{where}: over Telegram's limit of {HARD_LIMIT}"))
        elif n > SOFT_LIMIT:
            out.append(Problem(rel, line, f"node {nid!r} renders {n} characters in {lang!r}{where}; keep a message under about "
                               f"{SOFT_LIMIT}: split it with a \"Lanjut\" button or put the less urgent contacts behind a button", "warning"))
    for (mid, nid, lang), note in sorted(notes.items()):
        rel = content.module_files[mid]
        out.append(Problem(rel, content.line(rel, "nodes", nid), f"node {nid!r} in {lang!r}: {note}"))
    uses_embassy = any(EMBASSY in n.get("contacts", []) for m in content.modules.values() for n in m["nodes"].values())
    if uses_embassy and HOTLINE_ABROAD not in content.contacts:
        out.append(Problem("contacts.yaml", 0, f"contact {HOTLINE_ABROAD!r} (the Kemlu 24-hour hotline) is missing: it is shown "
                           "before any mission for a person abroad"))
    return out


def all_problems(content: Any) -> list[Problem]:
    return text_problems(content) + rendered_problems(content)
