"""Editors' commands: `python -m bot content stale|coverage|new-module|export-po|import-po`.

Plugged into `python -m bot content ...` by bot/cli.py (add_content_commands).
"""
from __future__ import annotations

import datetime as _dt
import sys
from pathlib import Path
from typing import Any

DEFAULT_STALE_DAYS = 180


def add_content_commands(csub) -> None:
    c = csub.add_parser("stale", help="list contacts whose confirmation date is older than N days")
    c.add_argument("--days", type=int, default=DEFAULT_STALE_DAYS, help=f"default {DEFAULT_STALE_DAYS}")
    c.add_argument("--content", help="content folder")
    c.set_defaults(func=_stale)

    c = csub.add_parser("coverage", help="per language: every text, keyword list and red flag without a translation")
    c.add_argument("--lang", help="only this language")
    c.add_argument("--content", help="content folder")
    c.set_defaults(func=_coverage)

    c = csub.add_parser("new-module", help="write modules/NAME.yaml: a module to fill in, every field explained")
    c.add_argument("name", help="lowercase letters, digits and _ (at most 24), e.g. magang_jepang")
    c.add_argument("--content", help="content folder")
    c.set_defaults(func=_new_module)

    c = csub.add_parser("export-po", help="write the content's texts as a gettext PO file for translators")
    c.add_argument("--lang", required=True, help="the language to translate into, e.g. en")
    c.add_argument("-o", "--output", help="the PO file (default: content-LANG.po)")
    c.add_argument("--content", help="content folder")
    c.set_defaults(func=_export_po)

    c = csub.add_parser("import-po", help="put a translated PO file's texts into the content files")
    c.add_argument("file", help="the .po file the translator sent back")
    c.add_argument("--content", help="content folder")
    c.set_defaults(func=_import_po)


def _base(args) -> Path:
    from bot.app import content_dir

    return content_dir(getattr(args, "content", None))


# -- stale --------------------------------------------------------------------------------------
def stale_contacts(base: Path, days: int, today: _dt.date | None = None) -> list[tuple[str, str, int, str, int]]:
    """(id, seen, days ago, source, line) of every contact confirmed more than `days` ago."""
    from bot.content_loader.yaml_lines import line_of, load_with_lines

    data, lines, _ = load_with_lines((base / "contacts.yaml").read_text(encoding="utf-8"))
    today = today or _dt.date.today()
    out = []
    for cid, c in (data.get("contacts") or {}).items():
        try:
            seen = _dt.date.fromisoformat(str(c.get("seen")))
        except ValueError:
            continue
        age = (today - seen).days
        if age > days:
            out.append((cid, str(seen), age, str(c.get("source", "")), line_of(lines, ("contacts", cid, "seen"))))
    return sorted(out, key=lambda r: -r[2])


def _stale(args) -> int:
    rows = stale_contacts(_base(args), args.days)
    if not rows:
        print(f"every contact was confirmed in the last {args.days} days")
        return 0
    print(f"{len(rows)} contact(s) confirmed more than {args.days} days ago (oldest first). Re-check each on the "
          "agency's own page, then update `seen` (and `source` if it moved):")
    for cid, seen, age, source, line in rows:
        print(f"  contacts.yaml:{line}: {cid}  seen {seen} ({age} days ago)  {source}")
    return 0


# -- coverage ---------------------------------------------------------------------------------
def coverage(base: Path, only: str | None = None) -> dict[str, list[tuple[str, int, str, str]]]:
    """lang -> [(file, line, what, where)] of texts, keyword lists and red flags missing in it."""
    from bot.content_loader.loader import LANG_RE, check_content

    content, problems = check_content(base, strict=False)
    if content is None:
        raise SystemExit("\n".join(str(p) for p in problems if p.severity == "error") + "\nfix these first (content check)")
    langs = [lang for lang in content.languages[1:] if only in (None, lang)]
    out: dict[str, list[tuple[str, int, str, str]]] = {lang: [] for lang in langs}

    def is_text(v: Any) -> bool:
        return isinstance(v, dict) and v and all(isinstance(k, str) and LANG_RE.match(k) for k in v) and all(isinstance(x, str) for x in v.values())

    def is_words(v: Any) -> bool:
        return isinstance(v, dict) and v and all(isinstance(k, str) and LANG_RE.match(k) for k in v) and all(isinstance(x, list) for x in v.values())

    def walk(rel: str, v: Any, path: tuple) -> None:
        if path and path[-1] in ("normalize", "language_names", "language_aliases", "patterns"):
            return
        if is_text(v) or is_words(v):
            what = "text" if is_text(v) else "keywords"
            if rel == "redflags.yaml" and len(path) > 1 and path[0] in ("flags", "positives"):
                sign = (content.files[rel][path[0]][path[1]] or {}).get("id", path[1])
                what = f"{'red flag' if path[0] == 'flags' else 'good sign'} {sign!r} {what}"
            for lang in langs:
                if not v.get(lang):
                    out[lang].append((rel, content.line(rel, *path), what, "/".join(map(str, path))))
            return
        if isinstance(v, dict):
            for k, x in v.items():
                walk(rel, x, path + (k,))
        elif isinstance(v, list):
            for i, x in enumerate(v):
                walk(rel, x, path + (i,))

    for rel, data in content.files.items():
        walk(rel, data, ())
    return out


def _coverage(args) -> int:
    result = coverage(_base(args), args.lang)
    for lang, rows in result.items():
        print(f"{lang}: {len(rows)} without a translation" + (":" if rows else ""))
        for rel, line, what, where in rows:
            print(f"  {rel}:{line}: {what} ({where})")
    return 0


# -- new module -------------------------------------------------------------------------------
def module_template(name: str, languages: list[str], order: int) -> str:
    def t(idtext: str, entext: str, indent: str) -> str:
        other = {"id": idtext, "en": entext}
        return "\n".join(f"{indent}{lang}: \"{other.get(lang, entext)}\"" for lang in languages)

    today = _dt.date.today().isoformat()
    return f"""# yaml-language-server: $schema=../schemas/module.schema.json
# Module {name}: written with `python -m bot content new-module {name}`. Replace every text, then
# run `python -m bot content check` and look at it with `python -m bot chat --at {name}`.
# Every text has one entry per language of settings.yaml ({", ".join(languages)}).
id: {name}                  # must be the file name; lowercase letters, digits, _ (at most 24)
intent: {name}              # the label free text gets when it is about this (see `classify --explain`)
order: {order}                  # the place in the main menu (smaller comes first)
title:                       # the menu button: at most 64 characters
{t("Judul modul baru", "New module title", "  ")}
summary:                     # one line for the menu and "Tentang"
{t("Satu kalimat tentang isi modul ini.", "One sentence about this module.", "  ")}
keywords:                    # what people type to get here: slang and typos welcome
  id: [{name.replace("_", " ")}]
  en: [{name.replace("_", " ")}]
sources:                     # where the facts come from: a page with the date you saw it
  - url: https://example.org/ganti-dengan-sumber-asli
    seen: {today}
start: intro                 # the first screen
nodes:
  intro:
    text:                    # one idea per screen, under about 600 characters, "Anda"
{t("Tulis layar pertama di sini.", "Write the first screen here.", "      ")}
    buttons:
      - label:               # a button: at most 64 characters
{t("Lanjut", "Next", "          ")}
        goto: quiz1          # another screen of this module
  quiz1:
    quiz:
      question:
{t("Pertanyaan kuis?", "Quiz question?", "        ")}
      options:               # exactly one has correct: true
        - label:
{t("Jawaban benar", "Right answer", "            ")}
          correct: true
          feedback:
{t("Benar! Jelaskan kenapa.", "Right! Say why.", "            ")}
        - label:
{t("Jawaban salah", "Wrong answer", "            ")}
          feedback:
{t("Belum tepat. Jelaskan kenapa.", "Not quite. Say why.", "            ")}
    next: end                # after the feedback
  end:
    text:
{t("Penutup: apa yang perlu diingat, dan ke mana minta bantuan.", "Closing: what to remember, and where to get help.", "      ")}
    buttons:
      - label:
{t("Menu", "Menu", "          ")}
        action: menu         # menu | help | about | language | emergency
"""


def _new_module(args) -> int:
    import re

    import yaml

    base = _base(args)
    name = args.name
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,23}", name):
        print("the name must be lowercase letters, digits and _ (at most 24 characters), starting with a letter", file=sys.stderr)
        return 2
    path = base / "modules" / f"{name}.yaml"
    if path.exists():
        print(f"{path} already exists", file=sys.stderr)
        return 1
    settings = yaml.safe_load((base / "settings.yaml").read_text(encoding="utf-8"))
    orders = [yaml.safe_load(p.read_text(encoding="utf-8")).get("order", 0) for p in (base / "modules").glob("*.yaml")]
    path.write_text(module_template(name, list(settings["languages"]), max(orders, default=0) + 10), encoding="utf-8")
    print(f"wrote {path}. Fill in the texts, then: python -m bot content check && python -m bot chat --at {name}")
    return 0


# -- PO files ---------------------------------------------------------------------------------
def _export_po(args) -> int:
    from bot.content_loader.po import export_po

    out = Path(args.output or f"content-{args.lang}.po")
    n, fuzzy = export_po(_base(args), args.lang, out)
    print(f"wrote {out}: {n} text(s), {fuzzy} marked fuzzy (their source changed since the last import)")
    return 0


def _import_po(args) -> int:
    from bot.content_loader.po import import_po

    report = import_po(_base(args), Path(args.file))
    for line in report.lines:
        print(line)
    print(f"{report.applied} translation(s) written, {report.unchanged} unchanged, {report.skipped} skipped (empty or fuzzy). "
          "Now run: python -m bot content check")
    return 1 if report.errors else 0
