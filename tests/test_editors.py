"""Issue 11: content editing for NGO editors (one-pass check, guards, schema lines, PO files,
coverage, stale, strict, scaffolding, previews)."""
from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po, write_po

from bot.content_loader import ContentError, check_content, load_content
from bot.content_loader.check import full_check

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"


def run_bot(*args, stdin: str = "", content=None):
    """The command as an editor runs it (not under the tests' BOT_CONTENT_STRICT)."""
    import os

    env = {k: v for k, v in os.environ.items() if k != "BOT_CONTENT_STRICT"}
    cmd = [sys.executable, "-m", "bot", *args] + (["--content", str(content)] if content else [])
    return subprocess.run(cmd, cwd=ROOT, input=stdin, capture_output=True, text=True, timeout=120, env=env)


# -- schema lines ---------------------------------------------------------------------------------
def test_every_shipped_content_file_names_its_schema_and_validates_against_it():
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    def retrieve(uri: str):
        return Resource.from_contents(json.loads(Path(uri.removeprefix("file://")).read_text(encoding="utf-8")))

    registry = Registry(retrieve=retrieve)
    files = sorted(CONTENT.rglob("*.yaml"))
    assert len(files) >= 12
    for f in files:
        first = f.read_text(encoding="utf-8").splitlines()[0]
        m = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
        assert m, f"{f}: the first line must name its schema"
        schema_path = (f.parent / m.group(1)).resolve()
        assert schema_path.exists(), f"{f}: {schema_path} does not exist"
        schema = json.loads(schema_path.read_text(encoding="utf-8"))
        validator = Draft202012Validator({**schema, "$id": schema_path.as_uri()}, registry=registry)
        errors = list(validator.iter_errors(_load(f)))
        assert errors == [], f"{f}: {errors[0].message}"


def _load(f: Path):
    from bot.content_loader.yaml_lines import load_with_lines

    return load_with_lines(f.read_text(encoding="utf-8"))[0]


# -- one pass, no cascades ------------------------------------------------------------------------
def test_one_pass_reports_every_mistake_once_errors_first_in_plain_words(content_copy):
    red = content_copy / "redflags.yaml"
    text = red.read_text(encoding="utf-8")
    # 1. a regex in double quotes with a YAML escape
    text = text.replace('    weight: 2.5\n    min_risk: medium\n    context: abroad\n    negatable: true\n    title: {id: "Magang',
                        '    weight: 2.5\n    min_risk: medium\n    context: abroad\n    negatable: true\n    bad: "\\d+ juta"\n    title: {id: "Magang', 1)
    red.write_text(text, encoding="utf-8")
    # 2. a typo in a goto: the nodes behind it are not also reported as unreachable
    fo = content_copy / "modules" / "fake_offer.yaml"
    t = fo.read_text(encoding="utf-8")
    assert "goto: ads\n" in t
    fo.write_text(t.replace("goto: ads\n", "goto: adds\n", 1), encoding="utf-8")
    # 3. a missing translation (a warning without --strict), 4. opening hours, a date and money in a text
    about = content_copy / "about.yaml"
    a = about.read_text(encoding="utf-8")
    a = a.replace("  id: |-\n    Migrasi Aman adalah", "  id: |-\n    Buka 08.00-16.00 WIB, 01-12-2024, biaya Rp 40.000.000 atau 40.000.000 rupiah.\n    Migrasi Aman adalah", 1)
    about.write_text(a, encoding="utf-8")
    help_ = content_copy / "modules" / "help.yaml"
    h = help_.read_text(encoding="utf-8")
    h = re.sub(r'title: \{id: "Minta bantuan", en: "Get help"\}', 'title: {id: "Minta bantuan"}', h, count=1)
    help_.write_text(h, encoding="utf-8")

    r = run_bot("content", "check", content=content_copy)
    out = r.stdout
    assert r.returncode == 1
    lines = [ln for ln in out.splitlines() if re.match(r"^[\w/.]+\.yaml(:\d+)?: ", ln)]
    errors = [ln for ln in lines if ": warning: " not in ln]
    warnings = [ln for ln in lines if ": warning: " in ln]
    assert lines == errors + warnings, "errors come before warnings"
    # the YAML escape, in plain words, file and line first
    esc = [ln for ln in errors if ln.startswith("redflags.yaml:")]
    assert len(esc) == 1 and "single quotes" in esc[0] and "double the backslash" in esc[0]
    # the goto typo: one error, no cascade of unreachable nodes
    fo_errs = [ln for ln in errors if ln.startswith("modules/fake_offer.yaml:")]
    assert len(fo_errs) == 1 and "'adds'" in fo_errs[0]
    assert "cannot be reached" not in out
    # no phone-number error for hours, dates or money
    assert "looks like a phone number" not in out
    # the missing translation is a warning in plain words
    assert any(ln.startswith("modules/help.yaml:") and "missing the 'en' translation" in ln for ln in warnings)
    # old contacts: one line, pointing to `content stale`
    stale = [ln for ln in warnings if "content stale" in ln]
    assert len(stale) == 1
    assert len(errors) == 2, errors


def test_a_regex_that_does_not_compile_comes_in_the_same_run_as_a_typo_elsewhere(content_copy):
    fo = content_copy / "modules" / "fake_offer.yaml"
    fo.write_text(fo.read_text(encoding="utf-8").replace("goto: ads\n", "goto: adds\n", 1), encoding="utf-8")
    red = content_copy / "redflags.yaml"
    t = red.read_text(encoding="utf-8")
    assert 'en: ["intern\\\\w*' in t
    red.write_text(t.replace('en: ["intern\\\\w*', 'en: ["intern(\\\\w*', 1), encoding="utf-8")
    out = run_bot("content", "check", content=content_copy).stdout
    errors = [ln for ln in out.splitlines() if ln.endswith(tuple("abcdefghijklmnopqrstuvwxyz0123456789'")) and ": warning: " not in ln and ".yaml:" in ln]
    assert any(ln.startswith("modules/fake_offer.yaml:") and "'adds'" in ln for ln in errors), out
    assert any(ln.startswith("redflags.yaml:") and "does not compile" in ln for ln in errors), out
    assert "2 error(s)" in out


def test_strict_makes_a_missing_translation_an_error(content_copy):
    help_ = content_copy / "modules" / "help.yaml"
    help_.write_text(help_.read_text(encoding="utf-8").replace('title: {id: "Minta bantuan", en: "Get help"}', 'title: {id: "Minta bantuan"}', 1), encoding="utf-8")
    _, problems = check_content(content_copy, strict=False)
    assert [p.severity for p in problems if "'en' translation" in p.message] == ["warning"]
    _, problems = check_content(content_copy, strict=True)
    assert [p.severity for p in problems if "'en' translation" in p.message] == ["error"]
    assert run_bot("content", "check", content=content_copy).returncode == 0
    assert run_bot("content", "check", "--strict", content=content_copy).returncode == 1


def test_an_untranslated_text_is_shown_in_indonesian_with_a_note(content_copy):
    from bot.engine.events import Event
    from bot.store.memory import MemoryStore

    f = content_copy / "modules" / "fake_offer.yaml"
    m = yaml.safe_load(f.read_text(encoding="utf-8"))
    start = m["start"]
    text = f.read_text(encoding="utf-8")
    en_first = m["nodes"][start]["text"]["en"].splitlines()[0]
    # drop the English of the start screen (block scalar: its lines up to the next key)
    lines = text.splitlines()
    i = next(k for k, ln in enumerate(lines) if ln.strip() == "en: |-" and en_first in lines[k + 1])
    j = i + 1
    while j < len(lines) and (not lines[j].strip() or lines[j].startswith(" " * 8)):
        j += 1
    f.write_text("\n".join(lines[:i] + lines[j:]) + "\n", encoding="utf-8")
    content = load_content(content_copy, strict=False)
    from bot.app import make_tools
    from bot.engine import Engine

    store = MemoryStore()
    engine = Engine(content, store, tools=make_tools(content, store))
    replies = engine.handle("u", Event.start("fake_offer-en"))
    shown = "\n".join(r.text for r in replies)
    assert m["nodes"][start]["text"]["id"].splitlines()[0] in shown
    assert "(Not yet translated: shown in" in shown


def test_start_up_runs_the_same_validation_as_content_check(content_copy):
    # a rule only the full check knows (rendered texts: an editor's note reaching a person)
    about = content_copy / "about.yaml"
    about.write_text(about.read_text(encoding="utf-8").replace("Migrasi Aman adalah alat", "UNVERIFIED Migrasi Aman adalah alat", 1), encoding="utf-8")
    errors = [p for p in full_check(content_copy) if p.severity == "error"]
    assert errors
    with pytest.raises(ContentError) as e:
        load_content(content_copy)
    assert sorted(str(p) for p in e.value.problems if p.severity == "error") == sorted(str(p) for p in errors)


# -- guards -------------------------------------------------------------------------------------
def test_a_guard_ad_fails_when_a_red_flag_is_made_too_broad(content_copy):
    assert [p for p in full_check(content_copy) if p.file == "guards.yaml"] == []
    red = content_copy / "redflags.yaml"
    t = red.read_text(encoding="utf-8")
    # an over-broad keyword: "pendaftaran" added to the internship-fee flag
    t = t.replace('id: ["biaya magang", "uang magang"', 'id: ["pendaftaran", "biaya magang", "uang magang"', 1)
    red.write_text(t, encoding="utf-8")
    problems = [p for p in full_check(content_copy) if p.file == "guards.yaml" and p.severity == "error"]
    assert problems, "the Disnaker announcement must fail its guard"
    msg = str(problems[0])
    assert "disnaker_g_to_g_korea" in msg and "must stay low" in msg
    assert "'internship_fee' (redflags.yaml:" in msg
    assert '"pendaftaran"' in msg.lower() or "pendaftaran" in msg.lower()


def test_a_reach_guard_names_what_the_bot_answers_instead(content_copy):
    g = content_copy / "guards.yaml"
    g.write_text(g.read_text(encoding="utf-8") + '  - text: "boleh ga sih majikan pegang paspor kita?"\n    answer: magang\n', encoding="utf-8")
    problems = [p for p in full_check(content_copy) if p.file == "guards.yaml"]
    assert len(problems) == 1 and "must reach 'answer:magang'" in problems[0].message and "answer:passport_held" in problems[0].message


# -- PO files -------------------------------------------------------------------------------------
def test_po_export_edit_import_round_trip_and_fuzzy_after_the_source_changes(content_copy, tmp_path):
    po = tmp_path / "en.po"
    r = run_bot("content", "export-po", "--lang", "en", "-o", str(po), content=content_copy)
    assert r.returncode == 0, r.stderr
    cat = read_po(po.open("rb"))
    msg = next(m for m in cat if m.context == "modules/help.yaml:title")
    assert msg.id == "Minta bantuan" and msg.string == "Get help"
    assert any(loc[0] == "modules/help.yaml" for loc in msg.locations)
    msg.string = "Ask for help"
    flow = next(m for m in cat if m.context and m.context.startswith("about.yaml:text"))
    flow.string = "A new English about text."
    buf = io.BytesIO()
    write_po(buf, cat, width=0)
    po.write_bytes(buf.getvalue())
    r = run_bot("content", "import-po", str(po), content=content_copy)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "2 translation(s) written" in r.stdout
    help_text = (content_copy / "modules" / "help.yaml").read_text(encoding="utf-8")
    assert 'title: {id: "Minta bantuan", en: "Ask for help"}' in help_text
    about = yaml.safe_load((content_copy / "about.yaml").read_text(encoding="utf-8"))
    assert about["text"]["en"] == "A new English about text."
    assert "# " in (content_copy / "about.yaml").read_text(encoding="utf-8").splitlines()[1]  # comments kept
    assert run_bot("content", "check", content=content_copy).returncode == 0
    # the Indonesian source changes: the next export marks that message fuzzy
    (content_copy / "modules" / "help.yaml").write_text(help_text.replace('id: "Minta bantuan", en: "Ask', 'id: "Minta bantuan sekarang", en: "Ask', 1), encoding="utf-8")
    po2 = tmp_path / "en2.po"
    r = run_bot("content", "export-po", "--lang", "en", "-o", str(po2), content=content_copy)
    assert "1 marked fuzzy" in r.stdout
    msg2 = next(m for m in read_po(po2.open("rb")) if m.context == "modules/help.yaml:title")
    assert msg2.fuzzy and msg2.string == "Ask for help"
    assert '#| msgid "Minta bantuan"\nmsgctxt "modules/help.yaml:title"' in po2.read_text(encoding="utf-8")
    # importing the first file again: the changed source is not overwritten
    r = run_bot("content", "import-po", str(po), content=content_copy)
    assert "changed after the export" in r.stdout


# -- coverage ---------------------------------------------------------------------------------------
def test_coverage_on_a_partly_translated_third_language(content_copy):
    s = content_copy / "settings.yaml"
    s.write_text(s.read_text(encoding="utf-8").replace("languages: [id, en]", "languages: [id, en, jv]"), encoding="utf-8")
    h = content_copy / "modules" / "help.yaml"
    h.write_text(h.read_text(encoding="utf-8").replace('title: {id: "Minta bantuan", en: "Get help"}', 'title: {id: "Minta bantuan", en: "Get help", jv: "Njaluk tulung"}'), encoding="utf-8")
    from bot.content_loader.editor_cli import coverage

    result = coverage(content_copy)
    assert set(result) == {"en", "jv"}
    assert result["en"] == []
    jv = result["jv"]
    assert not any(rel == "modules/help.yaml" and where == "title" for rel, _, _, where in jv)
    assert any(rel == "modules/help.yaml" and where == "summary" for rel, _, _, where in jv)
    assert any(what.startswith("red flag ") for _, _, what, _ in jv)
    assert any(what == "keywords" for _, _, what, _ in jv)
    out = run_bot("content", "coverage", "--lang", "jv", content=content_copy).stdout
    assert out.startswith(f"jv: {len(jv)} without a translation")
    # publishable without jv (warnings), not under --strict
    assert [p for p in full_check(content_copy, strict=False) if p.severity == "error"] == []


# -- stale, new module, previews --------------------------------------------------------------------
def test_content_stale_lists_old_contacts(content_copy):
    out = run_bot("content", "stale", "--days", "365", content=content_copy).stdout
    assert "contacts.yaml:" in out and "days ago" in out
    out_all = run_bot("content", "stale", "--days", "100000", content=content_copy).stdout
    assert "every contact was confirmed" in out_all


def test_new_module_scaffold_passes_the_check_and_opens_with_chat_at(content_copy, tmp_path):
    r = run_bot("content", "new-module", "jalur_batam", content=content_copy)
    assert r.returncode == 0, r.stderr
    f = content_copy / "modules" / "jalur_batam.yaml"
    text = f.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schemas/module.schema.json")
    assert "  en:" in text and "  id:" in text and "# " in text.splitlines()[5]
    assert [p for p in full_check(content_copy, strict=True) if p.severity == "error"] == []
    r = subprocess.run([sys.executable, "-m", "bot", "chat", "--at", "jalur_batam:end", "--content", str(content_copy),
                        "--db", str(tmp_path / "db.sqlite3")], cwd=ROOT, input="", capture_output=True, text=True, timeout=60)
    assert "Penutup: apa yang perlu diingat" in r.stdout


def test_check_offer_text_prints_what_a_person_reads():
    ad = "Lowongan admin di Kamboja gaji 15 juta tanpa pengalaman"
    out = run_bot("check-offer", "--text", stdin=ad).stdout
    assert "Risiko" in out and "🚩" in out
    assert "red flag no_legal_placement" in out and '"Kamboja"' in out


def test_classify_explain_says_which_keywords_and_answers_decided():
    out = run_bot("classify", "--explain", stdin="apakah agen boleh menahan paspor saya?\n").stdout
    assert "intent: recruiter" in out
    assert '"paspor ditahan"' in out and "not danger now" in out  # a question about the rule
    assert "direct answer: passport_held" in out
    out = run_bot("classify", "--explain", stdin="paspor saya ditahan agen, ga boleh pulang\n").stdout
    assert "intent: emergency" in out and "not danger now" not in out


# -- the guide's recipes are true ----------------------------------------------------------------------
def _yaml_blocks(section: str) -> list[str]:
    import textwrap

    return [textwrap.dedent(b) for b in re.findall(r"```yaml\n(.*?)\n\s*```", section, re.S)]


def test_the_guides_recipes_pass_the_check_as_written(content_copy):
    """Following the guide's examples (scam pattern, contact, answer) gives content that passes."""
    guide = (CONTENT / "README.md").read_text(encoding="utf-8")
    recipes = guide[guide.index("## Recipes"):]
    scam = recipes[recipes.index("### A new scam pattern"):recipes.index("### A new contact")]
    contact = recipes[recipes.index("### A new contact"):recipes.index("### A new question")]
    answer = recipes[recipes.index("### A new question"):recipes.index("### A new module")]
    node, button, flag, guards = _yaml_blocks(scam)
    (contact_block,) = _yaml_blocks(contact)
    (answer_block,) = _yaml_blocks(answer)

    def indent(block: str, n: int) -> str:
        return "\n".join((" " * n + ln) if ln.strip() else ln for ln in block.strip("\n").splitlines()) + "\n"

    fo = content_copy / "modules" / "fake_offer.yaml"
    t = fo.read_text(encoding="utf-8")
    t = t.replace("\n  route_domestic:\n", "\n" + indent(node, 2) + "\n  route_domestic:\n", 1)
    t = t.replace('        goto: route_sexual\n', '        goto: route_sexual\n' + indent(button, 6), 1)
    t = t.replace("keywords:\n  id:\n", "keywords:\n  id:\n    - lewat batam\n", 1).replace("\n  en:\n    - ", "\n  en:\n    - through batam\n    - ", 1)
    fo.write_text(t, encoding="utf-8")
    red = content_copy / "redflags.yaml"
    red.write_text(red.read_text(encoding="utf-8").replace("\n  - id: free_travel\n", "\n" + indent(flag, 2) + "\n  - id: free_travel\n", 1), encoding="utf-8")
    g = yaml.safe_load(guards)
    gf = content_copy / "guards.yaml"
    gt = gf.read_text(encoding="utf-8")
    gt = gt.replace("stay_high:\n", "stay_high:\n" + indent(yaml.safe_dump(g["stay_high"], allow_unicode=True, width=1000), 2), 1)
    gt = gt.replace("stay_low:\n", "stay_low:\n" + indent(yaml.safe_dump(g["stay_low"], allow_unicode=True, width=1000), 2), 1)
    gt += '  - text: "kerja ke malaysia lewat batam aman ga?"\n    answer: batam_route\n'
    gf.write_text(gt, encoding="utf-8")
    cf = content_copy / "contacts.yaml"
    cf.write_text(cf.read_text(encoding="utf-8").replace("\ncontacts:\n", "\ncontacts:\n" + indent(contact_block, 2), 1), encoding="utf-8")
    af = content_copy / "answers.yaml"
    af.write_text(af.read_text(encoding="utf-8").replace("\nanswers:\n", "\nanswers:\n" + indent(answer_block, 2), 1), encoding="utf-8")

    problems = full_check(content_copy, strict=True)
    assert [str(p) for p in problems if p.severity == "error"] == []
    content = load_content(content_copy)
    assert "route_batam" in content.modules["fake_offer"]["nodes"]
    assert "bp3mi_kepri" in content.contacts and "batam_route" in content.answers


def test_a_misspelt_key_is_one_error_with_a_suggestion_and_no_cascade(content_copy):
    fo = content_copy / "modules" / "fake_offer.yaml"
    t = fo.read_text(encoding="utf-8")
    fo.write_text(t.replace("  ads:\n    text:\n", "  ads:\n    txt:\n", 1), encoding="utf-8")
    cf = content_copy / "contacts.yaml"
    cf.write_text(cf.read_text(encoding="utf-8").replace("    seen: 2024-08-04\n", "    sen: 2024-08-04\n", 1), encoding="utf-8")
    errors = [p for p in full_check(content_copy) if p.severity == "error"]
    assert [(p.file, p.message.split(": ", 1)[1]) for p in errors] == [
        ("contacts.yaml", "'sen' is not a field here: did you mean 'seen'?"),
        ("modules/fake_offer.yaml", "'txt' is not a field here: did you mean 'text'?"),
    ]
