"""content/redflags.yaml: reading it on its own (for `check-offer` and tests) and the rules
content/schema.json cannot express (validate_redflags)."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Callable

from bot.content_loader.problems import Problem

REL = "redflags.yaml"
COMPUTED = {"high_pay", "absurd_pay", "no_company"}
DEFAULT_LANGUAGES = ["id", "en"]


def _languages(content_dir: Path) -> list[str]:
    import yaml

    try:
        data = yaml.safe_load((content_dir / "settings.yaml").read_text(encoding="utf-8")) or {}
        langs = [str(x) for x in data.get("languages") or []]
        return langs or DEFAULT_LANGUAGES
    except (OSError, Exception):
        return DEFAULT_LANGUAGES


def load_rules(content_dir: str | Path) -> tuple[dict[str, Any] | None, list[str], list[Problem]]:
    """Read and check redflags.yaml alone, without the rest of the content.

    Returns (rules or None on error, languages, problems). Used by `check-offer`, the benchmark
    and the tests, so the checker can run even while other content files are being edited.
    """
    from jsonschema import Draft202012Validator

    from bot.content_loader.yaml_lines import YamlProblem, line_of, load_with_lines

    base = Path(content_dir)
    langs = _languages(base)
    path = base / REL
    if not path.exists():
        return None, langs, [Problem(REL, 0, "missing: the offer checker (Cek lowongan) needs it")]
    try:
        data, lines, dups = load_with_lines(path.read_text(encoding="utf-8"))
    except YamlProblem as e:
        return None, langs, [Problem(REL, e.line, e.message)]
    problems = [Problem(REL, ln, msg) for ln, msg in dups]
    schema_path = base / "schema.json"
    if schema_path.exists():
        schema = json.loads(schema_path.read_text(encoding="utf-8"))
        v = Draft202012Validator({**schema, "$ref": "#/$defs/redflags_file"})
        for err in v.iter_errors(data):
            path_ = tuple(err.absolute_path)
            where = "/".join(str(p) for p in path_) or "(top)"
            problems.append(Problem(REL, line_of(lines, path_), f"{where}: {err.message[:240]}"))
    if not problems:
        problems += validate_redflags(data, langs, lambda *keys: line_of(lines, tuple(keys)))
    errors = [p for p in problems if p.severity == "error"]
    return (None if errors else data), langs, problems


def validate_redflags(data: Any, languages: list[str], line: Callable[..., int] = lambda *k: 0) -> list[Problem]:
    """What the schema cannot say: regexes compile, every text in every language, ids unique and
    known, keywords that leave some words after folding, levels in order, the ids the checker's
    structural rules use, and texts short enough for one phone screen."""
    from bot.offers.checker import STRUCTURE_IDS, words_of
    from bot.offers.render import MAX_CHARS

    out: list[Problem] = []

    def err(msg: str, *keys: Any, severity: str = "error") -> None:
        out.append(Problem(REL, line(*keys), msg, severity))

    if not isinstance(data, dict):
        return [Problem(REL, 0, "the file must be a mapping")]
    levels = data.get("levels") or {}
    if isinstance(levels, dict) and levels.get("medium", 0) >= levels.get("high", 1):
        err("levels: medium must be below high", "levels")

    def need_langs(text: Any, *keys: Any) -> None:
        if not isinstance(text, dict):
            return
        for lang in languages:
            if not str(text.get(lang) or "").strip():
                err(f"missing the {lang!r} text (every language of settings.yaml is needed)", *keys)

    ids: dict[str, tuple] = {}
    for group in ("flags", "positives"):
        for i, s in enumerate(data.get(group) or []):
            sid = s.get("id")
            if sid in ids:
                err(f"id {sid!r} is used twice (also at line {line(*ids[sid])})", group, i, "id")
            ids[sid] = (group, i, "id")
            need_langs(s.get("title"), group, i, "title")
            need_langs(s.get("why"), group, i, "why")
            computed = s.get("computed")
            if computed and group != "flags":
                err("only red flags can be computed", group, i, "computed")
            if computed and computed not in COMPUTED:
                err(f"unknown computed flag {computed!r} (known: {', '.join(sorted(COMPUTED))})", group, i, "computed")
            has_words = False
            for lang, kws in (s.get("keywords") or {}).items():
                for j, kw in enumerate(kws or []):
                    if not words_of(str(kw)):
                        err(f"keyword {kw!r} has no letters or digits, so it can never match", group, i, "keywords", lang, j)
                    else:
                        has_words = True
            for lang, pats in (s.get("patterns") or {}).items():
                for j, p in enumerate(pats or []):
                    try:
                        rx = re.compile(p)
                    except re.error as e:
                        err(f"pattern does not compile: {e}", group, i, "patterns", lang, j)
                        continue
                    has_words = True
                    if rx.match(""):
                        err("pattern matches an empty text, so it would match every offer", group, i, "patterns", lang, j)
                    if p != p.lower() and not re.search(r"\\[A-Z]|\(\?[a-z]*[A-Z]", p):
                        err("patterns run on the lowercased offer: write them in lowercase", group, i, "patterns", lang, j, severity="warning")
            if not computed and not has_words and not any(p.get("flag") == sid for p in data.get("places") or []):
                err(f"{sid!r} has no keywords, patterns or places, so it can never be found", group, i)
    for sid in sorted(STRUCTURE_IDS - set(ids)):
        err(f"{sid!r} is missing: the checker's structural rules use it (bot/offers/checker.py)", "flags")
    # a red flag is shown as "🚩 title: “the ad's words”" + why, with the verdict line, in one
    # message of at most MAX_CHARS characters: leave room for a quote (70) and the verdict (130)
    room = MAX_CHARS - 200
    for group in ("flags", "positives"):
        for i, s in enumerate(data.get(group) or []):
            for lang in languages:
                size = len(str((s.get("title") or {}).get(lang) or "")) + len(str((s.get("why") or {}).get(lang) or ""))
                if size > room:
                    err(f"{s.get('id')!r} ({lang}): title and why are {size} characters; keep them under {room} "
                        f"so the answer fits a phone screen ({MAX_CHARS})", group, i, "why")
    flag_ids = {s.get("id") for s in data.get("flags") or []}
    for i, p in enumerate(data.get("places") or []):
        if p.get("flag") and p["flag"] not in flag_ids:
            err(f"place {p.get('id')!r}: flag {p['flag']!r} is not a red flag of this file", "places", i, "flag")
    for j, f in enumerate((data.get("pay") or {}).get("high_pay_with") or []):
        if f not in flag_ids:
            err(f"pay: {f!r} is not a red flag of this file", "pay", "high_pay_with", j)
    for k, v in (data.get("slang") or {}).items():
        if len(words_of(str(k))) != 1 or len(words_of(str(v))) != 1:
            err(f"slang: {k!r} and {v!r} must each be one word", "slang", k)
    msgs = data.get("messages") or {}
    for lvl, v in (msgs.get("levels") or {}).items():
        need_langs(v.get("label"), "messages", "levels", lvl, "label")
        need_langs(v.get("meaning"), "messages", "levels", lvl, "meaning")
    for key in ("low_checks", "domestic", "next_steps"):
        need_langs(msgs.get(key), "messages", key)
        for lang, text in (msgs.get(key) or {}).items():
            if len(str(text)) > MAX_CHARS:
                err(f"messages/{key}/{lang}: {len(text)} characters; every message of the answer is at most "
                    f"{MAX_CHARS}", "messages", key)
    for lvl, v in (msgs.get("levels") or {}).items():
        for lang, text in (v.get("meaning") or {}).items():
            if len(str(text)) > room:  # the low meaning shares the verdict's line
                err(f"messages/levels/{lvl}/meaning/{lang}: {len(text)} characters; keep it under {room}",
                    "messages", "levels", lvl, "meaning")
    return out


def validate_against_contacts(data: Any, countries: Any, line: Callable[..., int] = lambda *k: 0) -> list[Problem]:
    """contacts.yaml says which countries have no legal placement; every one of them must be a
    place of redflags.yaml raising no_legal_placement, so an offer there stays at least medium."""
    out: list[Problem] = []
    if not isinstance(data, dict) or not isinstance(countries, dict):
        return out
    places = {str(p.get("id")): p for p in data.get("places") or [] if isinstance(p, dict)}
    for code, country in countries.items():
        if isinstance(country, dict) and country.get("legal_placement") is False:
            if (places.get(str(code)) or {}).get("flag") != "no_legal_placement":
                out.append(Problem(REL, line("places"), f"contacts.yaml says {code} has no legal placement: add a "
                                   f"place with id: {code} and flag: no_legal_placement (its names from contacts.yaml)"))
    return out
