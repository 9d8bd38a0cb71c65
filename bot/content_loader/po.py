"""Content texts <-> gettext PO files for translators (Poedit, Weblate, Crowdin), with Babel.

Each text mapping ({id: ..., en: ...}) in the content becomes one PO message:
- msgctxt: the file and the place in it ("modules/help.yaml:nodes/intro/text"), so two equal
  Indonesian sentences in different places stay two messages;
- msgid: the text in the default language (the source); msgstr: the translation;
- a location comment with file and line, for the translator's reference.

`import-po FILE.po` writes translated, non-fuzzy messages back into the YAML files (only the one
language's entry changes; comments elsewhere stay), and keeps a copy of what it imported in
`content/translations/LANG.po`. `export-po` compares the current sources with that copy: a
message whose source changed since its translation was imported is marked fuzzy (with the old
source as `#| msgid`), as gettext tools do, so the translator sees what to look at again.
A message whose source changed between export and import is not written: export again.
"""
from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from bot.content_loader.loader import LANG_RE
from bot.content_loader.yaml_lines import load_with_lines

PROJECT = "migrasi-aman-content"
SKIP_KEYS = ("normalize", "language_names", "language_aliases")


def _is_text(v: Any) -> bool:
    return isinstance(v, dict) and bool(v) and all(isinstance(k, str) and LANG_RE.match(k) for k in v) and all(
        isinstance(x, str) for x in v.values())


def _texts(v: Any, path: tuple = ()) -> Iterator[tuple[tuple, dict[str, str]]]:
    if path and path[-1] in SKIP_KEYS:
        return
    if _is_text(v):
        yield path, v
    elif isinstance(v, dict):
        for k, x in v.items():
            yield from _texts(x, path + (k,))
    elif isinstance(v, list):
        for i, x in enumerate(v):
            yield from _texts(x, path + (i,))


def context(rel: str, path: tuple) -> str:
    return f"{rel}:{'/'.join(str(p) for p in path)}"


def _parse_context(ctx: str) -> tuple[str, tuple]:
    rel, _, where = ctx.partition(":")
    return rel, tuple(int(p) if p.isdigit() else p for p in where.split("/")) if where else ()


def _content_files(base: Path) -> dict[str, tuple[Any, dict, str]]:
    out = {}
    for p in sorted(base.rglob("*.yaml")):
        rel = p.relative_to(base).as_posix()
        raw = p.read_text(encoding="utf-8")
        data, lines, _ = load_with_lines(raw)
        out[rel] = (data, lines, raw)
    return out


def _languages(base: Path) -> list[str]:
    data, _, _ = load_with_lines((base / "settings.yaml").read_text(encoding="utf-8"))
    return list(data["languages"])


def sidecar(base: Path, lang: str) -> Path:
    return base / "translations" / f"{lang}.po"


def build_catalog(base: Path, lang: str) -> tuple[Catalog, int]:
    languages = _languages(base)
    source = languages[0]
    if lang == source:
        raise ValueError(f"{lang!r} is the source language; export another language")
    before: dict[str, str] = {}
    side = sidecar(base, lang)
    if side.exists():
        with side.open("rb") as f:
            for m in read_po(f):
                if m.id and m.context:
                    before[m.context] = m.id
    cat = Catalog(locale=lang, project=PROJECT, fuzzy=False)
    fuzzy = 0
    for rel, (data, lines, _) in _content_files(base).items():
        for path, text in _texts(data):
            src = text.get(source)
            if not src:
                continue
            ctx = context(rel, path)
            flags = []
            previous = None
            if ctx in before and before[ctx] != src and text.get(lang):
                flags.append("fuzzy")
                previous = before[ctx]
                fuzzy += 1
            cat.add(src, string=text.get(lang, ""), locations=[(rel, lines.get(path, 0))], context=ctx,
                    flags=flags, previous_id=previous)
    return cat, fuzzy


def export_po(base: Path, lang: str, out: Path) -> tuple[int, int]:
    cat, fuzzy = build_catalog(base, lang)
    buf = io.BytesIO()
    write_po(buf, cat, width=0, include_previous=True, sort_output=False)
    out.write_bytes(buf.getvalue())
    return len(cat), fuzzy


@dataclass
class ImportReport:
    applied: int = 0
    skipped: int = 0
    unchanged: int = 0
    errors: int = 0
    lines: list[str] = field(default_factory=list)


def import_po(base: Path, po_file: Path) -> ImportReport:
    with po_file.open("rb") as f:
        cat = read_po(f)
    lang = str(cat.locale) if cat.locale else ""
    lang = lang.split("_")[0]
    report = ImportReport()
    languages = _languages(base)
    if lang not in languages or lang == languages[0]:
        report.errors += 1
        report.lines.append(f"{po_file}: the PO file's language is {lang!r}; it must be one of {languages[1:]} (settings.yaml)")
        return report
    files = _content_files(base)
    edits: dict[str, list[tuple[tuple, str]]] = {}
    imported = Catalog(locale=lang, project=PROJECT, fuzzy=False)
    side = sidecar(base, lang)
    if side.exists():
        with side.open("rb") as f:
            for m in read_po(f):
                if m.id:
                    imported.add(m.id, string=m.string, context=m.context)
    for m in cat:
        if not m.id or not m.context:
            continue
        rel, path = _parse_context(m.context)
        where = f"{rel} ({'/'.join(map(str, path))})"
        if not m.string or m.fuzzy:
            report.skipped += 1
            continue
        if rel not in files:
            report.skipped += 1
            report.lines.append(f"{where}: the file no longer exists; skipped")
            continue
        data = files[rel][0]
        text = data
        try:
            for p in path:
                text = text[p]
        except (KeyError, IndexError, TypeError):
            text = None
        if not _is_text(text):
            report.skipped += 1
            report.lines.append(f"{where}: this text no longer exists; skipped")
            continue
        if text.get(languages[0]) != m.id:
            report.skipped += 1
            report.lines.append(f"{where}: the {languages[0]!r} text changed after the export; export again and translate it anew")
            continue
        if text.get(lang) != m.string:
            edits.setdefault(rel, []).append((path, m.string))
            report.applied += 1
        else:
            report.unchanged += 1
        imported.add(m.id, string=m.string, context=m.context)
    for rel, todo in edits.items():
        data, lines, raw = files[rel]
        (base / rel).write_text(_apply(raw, lines, todo, lang, languages[0]), encoding="utf-8")
    side.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    write_po(buf, imported, width=0, sort_output=True, omit_header=False)
    side.write_bytes(buf.getvalue())
    return report


_FLOW_VALUE = r"(?:\"(?:[^\"\\]|\\.)*\"|'(?:[^']|'')*'|[^,}]*)"


def _apply(raw: str, lines: dict, todo: list[tuple[tuple, str]], lang: str, source: str) -> str:
    """Write `lang`'s entry of each text mapping, touching only its own lines."""
    rows = raw.split("\n")
    # bottom-up, so earlier line numbers stay right
    for path, value in sorted(todo, key=lambda e: -lines.get(e[0] + (source,), 0)):
        quoted = json.dumps(value, ensure_ascii=False)
        key_line = lines.get(path, 0)
        src_line = lines.get(path + (source,), 0)
        if not src_line:
            continue
        if src_line == key_line:  # a flow mapping on one line: {id: "...", en: "..."}
            i = src_line - 1
            row = rows[i]
            new, n = re.subn(rf"(?<=[{{,\s]){lang}:\s*{_FLOW_VALUE}", f"{lang}: {quoted}", row, count=1)
            if not n:
                new = re.sub(r"\}(\s*(?:#.*)?)$", f", {lang}: {quoted}}}\\1", row, count=1)
            rows[i] = new
            continue
        lang_line = lines.get(path + (lang,), 0)
        start = (lang_line or src_line) - 1
        indent = len(rows[start]) - len(rows[start].lstrip())
        end = start + 1
        while end < len(rows) and (not rows[end].strip() or len(rows[end]) - len(rows[end].lstrip()) > indent):
            end += 1
        while end > start + 1 and not rows[end - 1].strip():
            end -= 1
        new_row = " " * indent + f"{lang}: {quoted}"
        if lang_line:
            rows[start:end] = [new_row]
        else:
            rows[end:end] = [new_row]
    return "\n".join(rows)
