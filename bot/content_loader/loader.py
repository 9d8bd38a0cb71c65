"""Load content/ and check all of it: JSON Schema per file, then the rules across files.

`load_content(dir)` returns a Content or raises ContentError listing every problem with its file
and line. The bot refuses to start on an error; warnings (a long message, an old contact date)
are only reported by `content check`.
"""
from __future__ import annotations

import datetime as _dt
import fnmatch
import json
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from bot.content_loader.problems import ContentError, Problem
from bot.content_loader.yaml_lines import YamlProblem, line_of, load_with_lines

# Which schema definition checks which file (paths relative to the content folder).
FILE_KINDS: list[tuple[str, str, bool]] = [  # (glob, $defs name, required)
    ("settings.yaml", "settings", True),
    ("modules/*.yaml", "module", True),
    ("contacts.yaml", "contacts_file", True),
    ("emergency.yaml", "emergency_file", True),
    ("intents.yaml", "intents_file", True),
    ("about.yaml", "about_file", True),
    ("redflags.yaml", "redflags_file", False),
    ("recruiter_check.yaml", "recruiter_check_file", False),
    ("examples.yaml", "examples_file", False),
    ("answers.yaml", "answers_file", True),
    ("conversation.yaml", "conversation_file", True),
    ("guards.yaml", "guards_file", False),
    ("alerts/*.yaml", "alert_file", False),
]

SOFT_LIMIT = 600  # characters: a lesson message for a phone screen
HARD_LIMIT = 4096  # Telegram's message limit
LABEL_LIMIT = 64
STALE_CONTACT_DAYS = 2 * 365
EMBASSY = "embassy"  # in a node's contacts: the missions of the person's country
LANG_RE = re.compile(r"^[a-z]{2,3}$")
URL_RE = re.compile(r"(?:https?://|www\.)\S+")
PHONE_RE = re.compile(r"\+?\d[\d\s().-]{6,}\d")
DATE_DIGITS_RE = re.compile(r"(19|20)\d{6}")
# Not phone numbers: opening hours ("08.00-16.00", "08:00 - 17:00 WIB"), dates ("01-12-2024",
# "2024-12-01", "1/12/2024"), money ("Rp 40.000.000", "40,000,000", "USD 1,200", "Rp40jt").
NOT_PHONE_RES = [
    re.compile(r"\b\d{1,2}[.:]\d{2}(?:\s*(?:WIB|WITA|WIT))?\s*(?:-|–|—|s\.?d\.?|sampai|to|until)\s*\d{1,2}[.:]\d{2}\b", re.I),
    re.compile(r"\b\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\b|\b\d{1,2}[-/.]\d{1,2}[-/.](?:19|20)\d{2}\b"),
    re.compile(r"(?:rp\.?|idr|usd|us\$|\$|rm|myr|sgd|s\$|nt\$|twd|hk\$|hkd|¥|jpy|yen|krw|₩|sar|aed|eur|€)\s?\d[\d.,]*", re.I),
    re.compile(r"\d[\d.,]*\s?(?:juta|jt|ribu|rb|miliar|rupiah|ringgit|dolar|dollars?|yen|won|baht|riyal)\b", re.I),
    re.compile(r"\b\d{1,3}(?:[.,]\d{3}){2,}\b"),
]
# answers.yaml and conversation.yaml: every text at most SOFT_LIMIT characters as the person
# reads it (an error there, not a warning), and no placeholders except these.
STRICT_LENGTH_FILES = ("answers.yaml", "conversation.yaml")
CONVERSATION_PLACEHOLDERS = {("smalltalk", "language_unsupported", "text"): {"languages"}}
PLACEHOLDER_RE = re.compile(r"\{([^{}]*)\}")
MAX_FILE_BYTES = 1_000_000  # the largest content file is ~120 KB; a bigger one is a mistake or an attack
MIN_QUESTIONS = 3  # per language, for each answer of answers.yaml


@dataclass
class Content:
    dir: Path
    languages: list[str]
    language_names: dict[str, str]
    modules: dict[str, dict[str, Any]]  # id -> module, in menu order
    contacts: dict[str, dict[str, Any]]
    countries: dict[str, dict[str, Any]]
    emergency: dict[str, Any]
    intents: dict[str, dict[str, Any]]
    normalize: dict[str, str]
    about: dict[str, Any]
    examples: dict[str, list[str]] = field(default_factory=dict)  # intent -> example messages
    files: dict[str, Any] = field(default_factory=dict)  # relpath -> parsed YAML
    lines: dict[str, dict[tuple, int]] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    module_files: dict[str, str] = field(default_factory=dict)  # module id -> relpath
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)  # answers.yaml: id -> answer, in file order
    conversation: dict[str, Any] = field(default_factory=dict)  # conversation.yaml as parsed

    @property
    def default_language(self) -> str:
        return self.languages[0]

    def line(self, relpath: str, *keys: Any) -> int:
        return line_of(self.lines.get(relpath, {}), tuple(keys))

    def t(self, text: Any, lang: str) -> str:
        """A text mapping in lang (falling back to the default language)."""
        if isinstance(text, dict):
            return text.get(lang) or text.get(self.default_language) or next(iter(text.values()), "")
        return str(text or "")

    def lang_name(self, lang: str) -> str:
        return self.language_names.get(lang, lang)


@lru_cache(maxsize=4)
def _validator(schema_path: str, mtime: float) -> Draft202012Validator:
    schema = json.loads(Path(schema_path).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _schema_problems(validator: Draft202012Validator, kind: str, data: Any, rel: str, lines) -> list[Problem]:
    sub = {"$ref": f"#/$defs/{kind}"}
    v = validator.evolve(schema={**validator.schema, **sub})
    found: list[tuple[tuple, Any]] = []
    for err in v.iter_errors(data):
        if err.context:  # oneOf/anyOf: say what the closest alternative needed
            err = best_match(err.context) or err
        found.append((tuple(err.absolute_path), err))
    out = []
    for path, err in _typo_first(found):
        where = "/".join(str(p) for p in path) or "(top)"
        out.append(Problem(rel, line_of(lines, path), f"{where}: {err if isinstance(err, str) else _friendly(err)}"))
    return out


COMMON_KEYS = (
    "text", "buttons", "contacts", "quiz", "next", "tool", "choose_country", "label", "goto", "module", "action", "set",
    "node", "source", "sources", "seen", "name", "lines", "value", "note", "questions", "keywords", "title", "summary",
    "start", "nodes", "intent", "order", "missions", "legal_placement", "countries", "weight", "why", "patterns",
    "context", "options", "correct", "feedback", "question", "url", "seed", "min_risk", "negatable", "stay_low",
    "stay_high", "reach", "answer", "written",
)


def _typo_first(found: list[tuple[tuple, Any]]) -> list[tuple[tuple, Any]]:
    """A misspelt key ("txt:") gives "'txt' was unexpected" and "'text' is required" (or another
    alternative's required key): say it once, as "did you mean 'text'?"."""
    import difflib

    by_path: dict[tuple, list[Any]] = {}
    for path, err in found:
        by_path.setdefault(path, []).append(err)
    out: list[tuple[tuple, Any]] = []
    for path, errs in by_path.items():
        unexpected = [u for e in errs if e.validator == "additionalProperties" for u in re.findall(r"'([^']+)'", e.message.split("(")[-1])]
        required = [k for e in errs if e.validator == "required" for k in re.findall(r"^'([^']+)'", e.message)]
        fixes = []
        for u in unexpected:
            close = difflib.get_close_matches(u, required, n=1, cutoff=0.6) or difflib.get_close_matches(u, COMMON_KEYS, n=1, cutoff=0.7)
            if close:
                fixes.append(f"'{u}' is not a field here: did you mean '{close[0]}'?")
        if fixes:  # the other alternatives' "required" were about the same misspelt key
            out += [(path, f) for f in fixes]
            out += [(path, e) for e in errs if e.validator not in ("required", "additionalProperties")]
            continue
        out += [(path, e) for e in errs]
    return out


def _friendly(err) -> str:
    """jsonschema's message, said the way an editor needs it."""
    v, inst = err.validator, err.instance
    if v == "maxLength" and isinstance(inst, str):
        what = "button label" if err.validator_value == LABEL_LIMIT else "message"
        extra = " (Telegram's limit)" if err.validator_value == HARD_LIMIT else ""
        return f"{what} is {len(inst)} characters; the limit is {err.validator_value}{extra}"
    if v == "minLength":
        return "empty text"
    if v == "required":
        return _short(err.message.replace("is a required property", "is required here"))
    if v == "additionalProperties":
        return _short(err.message + " (a typo in a key name?)")
    if v == "type":
        return f"{_short(repr(inst))} should be a {err.validator_value} (YAML reads yes/no/on/off as true/false: quote such words)" if isinstance(inst, bool) else f"{_short(repr(inst))} should be of type {err.validator_value}"
    return _short(err.message)


def _short(msg: str) -> str:
    return msg if len(msg) <= 240 else msg[:237] + "..."


def load_content(directory: str | Path, strict: bool | None = None) -> Content:
    """Load and check content; raise ContentError if anything is wrong.

    This is the same validation as `python -m bot content check` (bot/content_loader/check.py
    full_check: schema, cross-file rules, the tools' rules, what a person reads, the guards), so
    the bot never starts with content the check rejects."""
    from bot.content_loader.check import full_validation

    content, problems = full_validation(directory, strict=strict)
    errors = [p for p in problems if p.severity == "error"]
    if errors or content is None:
        raise ContentError(problems)
    return content


def is_strict(strict: bool | None = None) -> bool:
    """--strict (or BOT_CONTENT_STRICT=1, set by this project's tests): every text in every
    language. Otherwise a missing translation is a warning and the bot shows the default
    language's text with a short note."""
    if strict is None:
        return os.environ.get("BOT_CONTENT_STRICT", "") not in ("", "0")
    return strict


def check_content(directory: str | Path, strict: bool | None = None) -> tuple[Content | None, list[Problem]]:
    """Every problem (errors and warnings) and, when there is no error, the Content."""
    content, problems = check_content_partial(directory, strict)
    if any(p.severity == "error" for p in problems):
        return None, problems
    return content, problems


def check_content_partial(directory: str | Path, strict: bool | None = None) -> tuple[Content | None, list[Problem]]:
    """Like check_content, but also returns the Content when it has errors, as long as the files
    it is built from parsed: `content check` uses it to run the tools' own rules in the same pass
    (a regex that does not compile is reported together with a YAML typo elsewhere)."""
    strict = is_strict(strict)
    base = Path(directory)
    problems: list[Problem] = []
    if not base.is_dir():
        return None, [Problem(str(base), 0, "content folder not found")]
    schema_path = base / "schema.json"
    try:
        validator = _validator(str(schema_path), schema_path.stat().st_mtime)
    except FileNotFoundError:
        return None, [Problem("schema.json", 0, "missing: the JSON Schema for content")]
    except Exception as e:  # broken schema is an error in content too
        return None, [Problem("schema.json", 0, f"invalid JSON Schema: {e}")]

    files: dict[str, Any] = {}
    lines: dict[str, dict[tuple, int]] = {}
    kinds: dict[str, str] = {}
    all_yaml = sorted(p.relative_to(base).as_posix() for p in base.rglob("*.y*ml"))
    for glob, kind, required in FILE_KINDS:
        matched = [r for r in all_yaml if fnmatch.fnmatch(r, glob) and r.count("/") == glob.count("/")]
        if required and not matched:
            problems.append(Problem(glob, 0, "missing: at least one file like this is required"))
        for rel in matched:
            kinds[rel] = kind
    for rel in all_yaml:
        if rel not in kinds:
            problems.append(Problem(rel, 0, "not a content file the bot knows; it is ignored", "warning"))
            continue
        if not rel.endswith(".yaml"):
            problems.append(Problem(rel, 0, "use the .yaml ending", "error"))
            continue
        size = (base / rel).stat().st_size
        if size > MAX_FILE_BYTES:
            problems.append(Problem(rel, 0, f"the file is {size:,} bytes; a content file may have at most "
                                            f"{MAX_FILE_BYTES:,} (split it, or remove what is not content)"))
            continue
        try:
            raw = (base / rel).read_text(encoding="utf-8")
        except UnicodeDecodeError as e:
            problems.append(Problem(rel, 0, f"not UTF-8 text ({e.reason} at byte {e.start})"))
            continue
        try:
            data, file_lines, dups = load_with_lines(raw)
        except YamlProblem as e:
            problems.append(Problem(rel, e.line, e.message))
            continue
        problems += [Problem(rel, ln, msg) for ln, msg in dups]
        if data is None:
            problems.append(Problem(rel, 0, "the file is empty"))
            continue
        schema_errors = _schema_problems(validator, kinds[rel], data, rel, file_lines)
        problems += schema_errors
        if not schema_errors:
            files[rel] = data
            lines[rel] = file_lines

    if "settings.yaml" not in files:
        return None, problems
    languages = list(files["settings.yaml"]["languages"])
    checker = _Checker(base, files, lines, languages, problems)
    checker.strict = strict
    checker.broken = {rel for rel in kinds if rel not in files}
    checker.run()
    needed = ("settings.yaml", "contacts.yaml", "emergency.yaml", "intents.yaml", "about.yaml")
    if any(rel not in files for rel in needed):
        return None, problems

    modules = {}
    module_files = {}
    for rel in sorted((r for r in files if r.startswith("modules/")), key=lambda r: (files[r]["order"], r)):
        modules[files[rel]["id"]] = files[rel]
        module_files[files[rel]["id"]] = rel
    contacts_file = files["contacts.yaml"]
    content = Content(
        dir=base,
        languages=languages,
        language_names=dict(files["settings.yaml"].get("language_names") or {}),
        modules=modules,
        contacts=contacts_file["contacts"],
        countries=contacts_file["countries"],
        emergency=files["emergency.yaml"],
        intents=files["intents.yaml"]["intents"],
        normalize={str(k).lower(): str(v).lower() for k, v in (files["intents.yaml"].get("normalize") or {}).items()},
        about=files["about.yaml"],
        examples=dict((files.get("examples.yaml") or {}).get("examples") or {}),
        files=files,
        lines=lines,
        warnings=[p for p in problems if p.severity != "error"],
        module_files=module_files,
        answers=dict((files.get("answers.yaml") or {}).get("answers") or {}),
        conversation=dict(files.get("conversation.yaml") or {}),
    )
    return content, problems


class _Checker:
    """The rules JSON Schema cannot express: translations, links, reachability, quizzes, dates.

    One pass, no cascades: a file that failed its schema (already reported) is not used to
    judge the others (a broken contacts.yaml does not make every contact id "unknown"), and a
    module with a button to a missing node is not also reported as having unreachable nodes.
    """

    strict = False
    broken: set = set()

    def __init__(self, base: Path, files, lines, languages: list[str], problems: list[Problem]) -> None:
        self.base, self.files, self.lines, self.languages, self.problems = base, files, lines, languages, problems

    def err(self, rel: str, path: tuple, msg: str, severity: str = "error") -> None:
        self.problems.append(Problem(rel, line_of(self.lines.get(rel, {}), path), msg, severity))

    def run(self) -> None:
        for rel, data in self.files.items():
            self.check_texts(rel, data, ())
        contacts = self.files.get("contacts.yaml", {}).get("contacts", {})
        self.check_contacts(contacts)
        modules = {rel: d for rel, d in self.files.items() if rel.startswith("modules/")}
        module_ids = {}
        intents_seen: dict[str, str] = {}
        for rel, m in modules.items():
            if m["id"] != Path(rel).stem:
                self.err(rel, ("id",), f"id {m['id']!r} must match the file name {Path(rel).stem!r}")
            if m["id"] in module_ids:
                self.err(rel, ("id",), f"module id {m['id']!r} is also used by {module_ids[m['id']]}")
            module_ids[m["id"]] = rel
            if m["intent"] in intents_seen:
                self.err(rel, ("intent",), f"intent {m['intent']!r} is also used by {intents_seen[m['intent']]}")
            intents_seen[m["intent"]] = rel
        for rel, m in modules.items():
            self.check_module(rel, m, set(module_ids), set(contacts))
        for rel, key in (("emergency.yaml", "contacts"),):
            for i, cid in enumerate(self.files.get(rel, {}).get(key, [])):
                if cid not in contacts and cid != EMBASSY and "contacts.yaml" not in self.broken:
                    self.err(rel, (key, i), f"contact {cid!r} is not in contacts.yaml")
        for code, country in self.files.get("contacts.yaml", {}).get("countries", {}).items():
            for i, cid in enumerate(country.get("missions", [])):
                if cid not in contacts:
                    self.err("contacts.yaml", ("countries", code, "missions", i), f"mission {cid!r} is not in contacts")
        self.check_numbers(contacts)
        intents = self.files.get("intents.yaml", {}).get("intents", {})
        known = {"emergency", "unknown"} | set(intents) | {m["intent"] for m in modules.values()}
        for name in self.files.get("examples.yaml", {}).get("examples", {}):
            if name not in known and not any(r.startswith("modules/") for r in self.broken):
                self.err("examples.yaml", ("examples", name), f"{name!r} is not an intent (known: {', '.join(sorted(known))})")
        for name in ("menu", "language"):
            if "intents.yaml" in self.files and name not in intents:
                self.err("intents.yaml", ("intents",), f"the {name!r} intent is required")
        module_nodes = {m["id"]: set(m["nodes"]) for m in modules.values()}
        self.check_answers(module_nodes, set(contacts))
        self.check_conversation(set(contacts))

    # -- texts: every language present, lengths ---------------------------------------------
    def is_text(self, v: Any) -> bool:
        return isinstance(v, dict) and v and all(isinstance(k, str) and LANG_RE.match(k) for k in v) and all(
            isinstance(x, str) for x in v.values()
        )

    def check_texts(self, rel: str, v: Any, path: tuple) -> None:
        if self.is_text(v) and path and path[-1] not in ("normalize", "language_names"):
            for lang in self.languages:
                if lang not in v:
                    if self.strict or lang == self.languages[0]:
                        self.err(rel, path, f"missing the {lang!r} translation")
                    else:
                        self.err(rel, path, f"missing the {lang!r} translation: the bot shows the {self.languages[0]!r} text with a short note "
                                 f"(`content check --strict` makes this an error)", "warning")
            for lang in v:
                if lang not in self.languages:
                    self.err(rel, path + (lang,), f"language {lang!r} is not in settings.yaml", "warning")
            is_label = path[-1] in ("label", "title") or (rel == "contacts.yaml" and path[0] == "countries" and path[-1] == "name")
            for lang, s in v.items():
                n = len(s)
                if is_label and n > LABEL_LIMIT:
                    self.err(rel, path + (lang,), f"button label is {n} characters (limit {LABEL_LIMIT})")
                elif n > HARD_LIMIT:
                    self.err(rel, path + (lang,), f"message is {n} characters (Telegram's limit is {HARD_LIMIT})")
                elif n > SOFT_LIMIT and not is_label and rel not in STRICT_LENGTH_FILES:  # an error there
                    self.err(rel, path + (lang,), f"message is {n} characters; keep lessons under about {SOFT_LIMIT}", "warning")
            return
        if isinstance(v, dict):
            if path and path[-1] == "keywords" and all(isinstance(x, list) for x in v.values()):
                for lang in self.languages:
                    if lang not in v:
                        self.err(rel, path, f"no keywords in {lang!r}: free text in that language will not reach this", "warning")
                return
            for k, x in v.items():
                self.check_texts(rel, x, path + (k,))
        elif isinstance(v, list):
            for i, x in enumerate(v):
                self.check_texts(rel, x, path + (i,))

    # -- phone numbers only from contacts.yaml -------------------------------------------------
    def check_numbers(self, contacts: dict[str, Any]) -> None:
        """A phone number written anywhere must be one of contacts.yaml, which carries its
        source and date: a wrong number can cost a victim their one chance of help."""
        if "contacts.yaml" in self.broken:  # its own error is reported; every number would look unknown
            return
        known: set[str] = set()
        for c in contacts.values():
            for ln in c.get("lines", []):
                d = re.sub(r"\D", "", str(ln.get("value", "")))
                if len(d) >= 3:
                    known.add(d)
                    if d.startswith("62"):
                        known.add("0" + d[2:])
                    elif d.startswith("0"):  # 0811-... and +62 811-... are the same number
                        known.add("62" + d[1:])

        def is_known(digits: str) -> bool:
            return any(digits in k or k in digits for k in known if len(k) >= 7) or digits in known

        for rel, data in self.files.items():
            self._scan_numbers(rel, data, (), is_known)

    def _scan_numbers(self, rel: str, v: Any, path: tuple, is_known) -> None:
        if isinstance(v, dict):
            for k, x in v.items():
                if rel == "contacts.yaml" and k == "value":
                    continue
                self._scan_numbers(rel, x, path + (k,), is_known)
        elif isinstance(v, list):
            for i, x in enumerate(v):
                self._scan_numbers(rel, x, path + (i,), is_known)
        elif isinstance(v, str):
            plain = URL_RE.sub(" ", v)  # article numbers in URLs are not phones
            for r in NOT_PHONE_RES:
                plain = r.sub(" ", plain)
            for m in PHONE_RE.finditer(plain):
                digits = re.sub(r"\D", "", m.group())
                if len(digits) >= 7 and not DATE_DIGITS_RE.fullmatch(digits) and not is_known(digits):
                    self.err(rel, path, f"{m.group().strip()!r} looks like a phone number that is not in contacts.yaml; "
                             "add it there with its source and date, or remove it")

    # -- answers.yaml and conversation.yaml ----------------------------------------------------
    def rendered(self, s: str) -> str:
        """A text as the person reads it: placeholders filled with their longest usual value."""
        names = (self.files.get("settings.yaml") or {}).get("language_names") or {}
        return s.replace("{languages}", ", ".join(names.get(code, code) for code in self.languages)).strip()

    def check_short_text(self, rel: str, path: tuple, text: dict[str, str], allowed: set[str]) -> None:
        """At most SOFT_LIMIT characters as read, and only the placeholders the engine fills."""
        for lang, s in text.items():
            for m in PLACEHOLDER_RE.finditer(s):
                if m.group(1) not in allowed:
                    ok = ", ".join("{" + a + "}" for a in sorted(allowed)) or "none"
                    self.err(rel, path + (lang,), f"placeholder {m.group()!r} is not filled in here (allowed: {ok})")
            if PLACEHOLDER_RE.sub("", s).count("{") or PLACEHOLDER_RE.sub("", s).count("}"):
                self.err(rel, path + (lang,), "a lone '{' or '}': write placeholders as {name}, and no other braces")
            n = len(self.rendered(s))
            if n > SOFT_LIMIT:
                self.err(rel, path + (lang,), f"message is {n} characters as the person reads it; the limit here is {SOFT_LIMIT}")
        for name in sorted(allowed):
            for lang, s in text.items():
                if "{" + name + "}" not in s:
                    self.err(rel, path + (lang,), f"the {{{name}}} placeholder is missing: the engine fills it in")

    def check_contact_ids(self, rel: str, path: tuple, ids: list[Any], contact_ids: set[str]) -> None:
        if "contacts.yaml" in self.broken:
            return
        for i, cid in enumerate(ids):
            if cid not in contact_ids:
                self.err(rel, path + (i,), f"contact {cid!r} is not in contacts.yaml")

    def check_answers(self, module_nodes: dict[str, set[str]], contact_ids: set[str]) -> None:
        rel = "answers.yaml"
        answers = (self.files.get(rel) or {}).get("answers") or {}
        # a language no answer has questions in yet (just added to settings.yaml): say it once
        has_lang = {lang for a in answers.values() for lang in a["questions"]}
        for lang in self.languages:
            if answers and lang not in has_lang:
                self.err(rel, ("answers",), f"no answer has questions in {lang!r}: free text in that language will not reach the answers", "warning")
        asked: dict[str, str] = {}  # a question, folded -> the answer it belongs to
        codes = set((self.files.get("contacts.yaml") or {}).get("countries") or {})  # for an answer's `countries`
        # emergency.yaml screens_for_answers and conversation.yaml contact_messages_answer name answers that must exist
        screens = (self.files.get("emergency.yaml") or {}).get("screens_for_answers") or {}
        for aid in screens:
            if answers and aid not in answers:
                self.err("emergency.yaml", ("screens_for_answers", aid), f"answer {aid!r} is not in answers.yaml")
        instead = (self.files.get("emergency.yaml") or {}).get("answers_after_emergency") or {}
        for first, then in instead.items():
            for name in (first, then):
                if answers and name not in answers:
                    self.err("emergency.yaml", ("answers_after_emergency", first), f"answer {name!r} is not in answers.yaml")
        followups = (self.files.get("conversation.yaml") or {}).get("followups") or {}
        aid = followups.get("contact_messages_answer")
        if answers and aid is not None and aid not in answers:
            self.err("conversation.yaml", ("followups", "contact_messages_answer"), f"answer {aid!r} is not in answers.yaml")
        for aid, a in answers.items():
            p = ("answers", aid)
            if a["module"] not in module_nodes and f"modules/{a['module']}.yaml" not in self.broken:
                self.err(rel, p + ("module",), f"module {a['module']!r} does not exist")
            for lang in self.languages:
                qs = a["questions"].get(lang)
                if qs is None:
                    if lang in has_lang:
                        self.err(rel, p + ("questions",), f"no questions in {lang!r}: write at least {MIN_QUESTIONS} ways people ask this")
                elif len(qs) < MIN_QUESTIONS:
                    self.err(rel, p + ("questions", lang), f"only {len(qs)} question(s) in {lang!r}: write at least {MIN_QUESTIONS} ways people ask this")
            for lang, qs in a["questions"].items():
                for i, q in enumerate(qs):
                    key = " ".join(q.lower().split()).strip(" ?!.")
                    other = asked.setdefault(key, aid)
                    if other != aid:
                        self.err(rel, p + ("questions", lang, i), f"question {q!r} is also a question of answer {other!r}: the bot cannot tell which to give")
            self.check_short_text(rel, p + ("text",), a["text"], set())
            self.check_contact_ids(rel, p + ("contacts",), a.get("contacts", []), contact_ids)
            for i, code in enumerate(a.get("countries", [])):
                if codes and code not in codes:
                    self.err(rel, p + ("countries", i), f"country {code!r} is not a country of contacts.yaml (known: {', '.join(sorted(codes))})")
            for i, b in enumerate(a.get("buttons", [])):
                bp = p + ("buttons", i)
                if "module" in b and b["module"] not in module_nodes and f"modules/{b['module']}.yaml" not in self.broken:
                    self.err(rel, bp + ("module",), f"button points to module {b['module']!r}, which does not exist")
                if "node" in b:
                    mid, _, nid = b["node"].partition(":")
                    if f"modules/{mid}.yaml" in self.broken:
                        pass
                    elif mid not in module_nodes:
                        self.err(rel, bp + ("node",), f"button points to {b['node']!r}: module {mid!r} does not exist")
                    elif nid not in module_nodes[mid]:
                        self.err(rel, bp + ("node",), f"button points to {b['node']!r}: module {mid!r} has no node {nid!r}")

    def check_conversation(self, contact_ids: set[str]) -> None:
        rel = "conversation.yaml"
        conv = self.files.get(rel)
        if not conv:
            return
        self.check_contact_ids(rel, ("smalltalk", "human_contacts"), conv["smalltalk"]["human_contacts"], contact_ids)
        for card in ("self_harm", "departing"):
            self.check_contact_ids(rel, (card, "contacts"), conv[card]["contacts"], contact_ids)

        def walk(v: Any, path: tuple) -> None:
            if self.is_text(v):
                self.check_short_text(rel, path, v, CONVERSATION_PLACEHOLDERS.get(path, set()))
            elif isinstance(v, dict):
                for k, x in v.items():
                    walk(x, path + (k,))
            elif isinstance(v, list):
                for i, x in enumerate(v):
                    walk(x, path + (i,))

        walk(conv, ())

    # -- contacts ----------------------------------------------------------------------------
    def check_contacts(self, contacts: dict[str, Any]) -> None:
        today = _dt.date.today()
        stale: list[str] = []
        for cid, c in contacts.items():
            try:
                seen = _dt.date.fromisoformat(c["seen"])
            except ValueError:
                self.err("contacts.yaml", ("contacts", cid, "seen"), f"seen {c['seen']!r} is not a real date")
                continue
            if seen > today:
                self.err("contacts.yaml", ("contacts", cid, "seen"), f"seen {c['seen']} is in the future")
            elif (today - seen).days > STALE_CONTACT_DAYS:
                stale.append(cid)
        if stale:  # a warning that repeats on every run: one line, the list is `content stale`
            self.err("contacts.yaml", (), f"{len(stale)} contact(s) were last confirmed over {STALE_CONTACT_DAYS // 365} years ago "
                     f"(re-check them on the agency's own site): `python -m bot content stale --days {STALE_CONTACT_DAYS}` lists them", "warning")

    # -- modules: links, reachability, quizzes -----------------------------------------------
    def check_module(self, rel: str, m: dict[str, Any], module_ids: set[str], contact_ids: set[str]) -> None:
        nodes: dict[str, Any] = m["nodes"]
        if m["start"] not in nodes:
            self.err(rel, ("start",), f"start node {m['start']!r} does not exist")
        edges: dict[str, set[str]] = {n: set() for n in nodes}
        for name, node in nodes.items():
            p = ("nodes", name)
            for key in ("next",):
                if key in node:
                    if node[key] not in nodes:
                        self.err(rel, p + (key,), f"{key}: node {node[key]!r} does not exist in this module")
                    edges[name].add(node[key])
            for i, b in enumerate(node.get("buttons", [])):
                bp = p + ("buttons", i)
                if "goto" in b:
                    if b["goto"] not in nodes:
                        self.err(rel, bp + ("goto",), f"button points to node {b['goto']!r}, which does not exist")
                    edges[name].add(b["goto"])
                if "module" in b and b["module"] not in module_ids and f"modules/{b['module']}.yaml" not in self.broken:
                    self.err(rel, bp + ("module",), f"button points to module {b['module']!r}, which does not exist")
            for i, cid in enumerate(node.get("contacts", [])):
                if cid != EMBASSY and cid not in contact_ids and "contacts.yaml" not in self.broken:
                    self.err(rel, p + ("contacts", i), f"contact {cid!r} is not in contacts.yaml")
            if "quiz" in node:
                right = [o for o in node["quiz"]["options"] if o.get("correct") is True]
                if len(right) != 1:
                    self.err(rel, p + ("quiz",), f"a quiz needs exactly one right answer (correct: true); it has {len(right)}")
        dangling = any(nxt not in nodes for targets in edges.values() for nxt in targets)
        if m["start"] in nodes and not dangling:  # a broken link already explains the rest
            seen = {m["start"]}
            todo = [m["start"]]
            while todo:
                for nxt in edges.get(todo.pop(), ()):
                    if nxt in nodes and nxt not in seen:
                        seen.add(nxt)
                        todo.append(nxt)
            for name in nodes:
                if name not in seen:
                    self.err(rel, ("nodes", name), f"node {name!r} cannot be reached from start {m['start']!r}")
