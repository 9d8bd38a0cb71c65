"""Every kind of broken content is rejected, naming the right file and line."""
import subprocess
import sys

import pytest
import yaml

from bot.content_loader import ContentError, check_content, load_content
from bot.content_loader.check import full_check

MARK = "PENANDA_UJI"


def _rw(path, mutate):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    mutate(data)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000)
    path.write_text(text, encoding="utf-8")
    return text.splitlines()


def _line_of(lines, needle):
    hits = [i + 1 for i, ln in enumerate(lines) if needle in ln]
    assert len(hits) == 1, (needle, hits)
    return hits[0]


def _errors(problems, file):
    return [p for p in problems if p.severity == "error" and p.file == file]


def _first_text_node(module):
    for nid, node in module["nodes"].items():
        if "text" in node and "quiz" not in node:
            return nid, node
    raise AssertionError("no text node")


def test_shipped_content_is_clean(content):
    problems = full_check(content.dir)
    assert [p for p in problems if p.severity == "error"] == []


def test_yaml_syntax_error_names_file_and_line(content_copy):
    f = content_copy / "about.yaml"
    lines = f.read_text(encoding="utf-8").splitlines()
    lines.append("broken: [unclosed, list")
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _, problems = check_content(content_copy)
    errs = _errors(problems, "about.yaml")
    assert errs and "syntax" in errs[0].message.lower()
    assert abs(errs[0].line - len(lines)) <= 1


def test_missing_translation(content_copy):
    f = content_copy / "modules" / "recruiter.yaml"

    def mutate(m):
        nid, node = _first_text_node(m)
        node["text"] = {"id": MARK + " teks tanpa terjemahan"}

    lines = _rw(f, mutate)
    _, problems = check_content(content_copy)
    errs = [p for p in _errors(problems, "modules/recruiter.yaml") if "'en'" in p.message]
    assert errs, problems
    assert errs[0].line in (_line_of(lines, MARK) - 1, _line_of(lines, MARK))


def test_button_pointing_nowhere(content_copy):
    f = content_copy / "modules" / "fake_offer.yaml"

    def mutate(m):
        node = next(n for n in m["nodes"].values() if n.get("buttons"))
        node["buttons"][0] = {"label": {"id": "Lanjut", "en": "Next"}, "goto": "tidak_ada_" + MARK.lower()[:5]}

    lines = _rw(f, mutate)
    _, problems = check_content(content_copy)
    errs = [p for p in _errors(problems, "modules/fake_offer.yaml") if "does not exist" in p.message]
    assert errs
    assert errs[0].line == _line_of(lines, "goto: tidak_ada_")


def test_button_to_missing_module(content_copy):
    f = content_copy / "modules" / "help.yaml"

    def mutate(m):
        node = next(n for n in m["nodes"].values() if n.get("buttons"))
        node["buttons"].append({"label": {"id": "Ke modul", "en": "To module"}, "module": "modul_hilang"})

    lines = _rw(f, mutate)
    _, problems = check_content(content_copy)
    errs = [p for p in _errors(problems, "modules/help.yaml") if "modul_hilang" in p.message]
    assert errs and errs[0].line == _line_of(lines, "module: modul_hilang")


def test_unreachable_node(content_copy):
    f = content_copy / "modules" / "help.yaml"

    def mutate(m):
        m["nodes"]["yatim_piatu"] = {"text": {"id": "Tidak ada yang ke sini", "en": "Nobody comes here"}}

    lines = _rw(f, mutate)
    _, problems = check_content(content_copy)
    errs = [p for p in _errors(problems, "modules/help.yaml") if "reached" in p.message]
    assert errs and errs[0].line == _line_of(lines, "yatim_piatu:")


@pytest.mark.parametrize("n_right", [0, 2])
def test_quiz_needs_exactly_one_right_answer(content_copy, n_right):
    f = content_copy / "modules" / "fake_offer.yaml"
    state = {}

    def mutate(m):
        nid = next(k for k, n in m["nodes"].items() if "quiz" in n)
        state["nid"] = nid
        for i, opt in enumerate(m["nodes"][nid]["quiz"]["options"]):
            opt.pop("correct", None)
            if i < n_right:
                opt["correct"] = True

    lines = _rw(f, mutate)
    _, problems = check_content(content_copy)
    errs = [p for p in _errors(problems, "modules/fake_offer.yaml") if "exactly one" in p.message]
    assert errs
    node_line = _line_of(lines, f"  {state['nid']}:")
    assert node_line < errs[0].line <= node_line + 2


@pytest.mark.parametrize("field", ["source", "seen"])
def test_contact_without_source_or_date(content_copy, field):
    f = content_copy / "contacts.yaml"
    state = {}

    def mutate(d):
        cid = next(iter(d["contacts"]))
        state["cid"] = cid
        del d["contacts"][cid][field]

    lines = _rw(f, mutate)
    _, problems = check_content(content_copy)
    errs = [p for p in _errors(problems, "contacts.yaml") if field in p.message]
    assert errs
    assert errs[0].line == _line_of(lines, f"  {state['cid']}:")


def test_message_over_telegram_limit_is_an_error(content_copy):
    f = content_copy / "modules" / "recruiter.yaml"

    def mutate(m):
        _, node = _first_text_node(m)
        node["text"]["en"] = "PANJANG " + "x" * 4200

    lines = _rw(f, mutate)
    _, problems = check_content(content_copy)
    errs = [p for p in _errors(problems, "modules/recruiter.yaml") if "4096" in p.message]
    assert errs and errs[0].line == _line_of(lines, "PANJANG")


def test_message_over_600_is_a_warning(content_copy):
    f = content_copy / "modules" / "recruiter.yaml"

    def mutate(m):
        _, node = _first_text_node(m)
        node["text"]["en"] = "SEDANG " + "y" * 700

    lines = _rw(f, mutate)
    _, problems = check_content(content_copy)
    assert _errors(problems, "modules/recruiter.yaml") == []
    warns = [p for p in problems if p.file == "modules/recruiter.yaml" and p.severity == "warning" and "600" in p.message]
    assert [w.line for w in warns] == [_line_of(lines, "SEDANG")]


def test_button_label_over_64_characters(content_copy):
    f = content_copy / "modules" / "help.yaml"

    def mutate(m):
        node = next(n for n in m["nodes"].values() if n.get("buttons"))
        node["buttons"][0]["label"]["en"] = "LABEL " + "z" * 70

    lines = _rw(f, mutate)
    _, problems = check_content(content_copy)
    errs = [p for p in _errors(problems, "modules/help.yaml") if "64" in p.message]
    assert errs and errs[0].line == _line_of(lines, "LABEL zzz")


def test_unknown_contact_in_a_node(content_copy):
    f = content_copy / "modules" / "help.yaml"

    def mutate(m):
        nid, node = _first_text_node(m)
        node["contacts"] = ["nomor_karangan"]

    lines = _rw(f, mutate)
    _, problems = check_content(content_copy)
    errs = [p for p in _errors(problems, "modules/help.yaml") if "nomor_karangan" in p.message]
    assert errs and errs[0].line == _line_of(lines, "- nomor_karangan")


def test_duplicate_key_is_reported(content_copy):
    f = content_copy / "about.yaml"
    text = f.read_text(encoding="utf-8")
    f.write_text(text + "\ntext:\n  id: dua kali\n  en: twice\n", encoding="utf-8")
    n = len(text.splitlines())
    _, problems = check_content(content_copy)
    errs = [p for p in _errors(problems, "about.yaml") if "twice" in p.message]
    assert errs and errs[0].line == n + 2


def test_wrong_type_reported_by_schema_with_line(content_copy):
    f = content_copy / "modules" / "fake_offer.yaml"

    def mutate(m):
        m["order"] = "pertama-" + MARK

    lines = _rw(f, mutate)
    _, problems = check_content(content_copy)
    errs = [p for p in _errors(problems, "modules/fake_offer.yaml") if "order" in p.message]
    assert errs and errs[0].line == _line_of(lines, MARK)


def test_a_language_added_in_settings_lists_every_missing_text(content_copy):
    f = content_copy / "settings.yaml"
    _rw(f, lambda d: d["languages"].append("jv"))
    _, problems = check_content(content_copy)
    missing = [p for p in problems if "'jv'" in p.message and p.severity == "error"]
    files = {p.file for p in missing}
    assert {"modules/fake_offer.yaml", "modules/help.yaml", "contacts.yaml", "emergency.yaml", "about.yaml"} <= files
    assert len(missing) > 50


def test_unknown_tool_is_reported(content_copy):
    f = content_copy / "modules" / "help.yaml"

    def mutate(m):
        nid, node = _first_text_node(m)
        node["tool"] = "alat_hilang"

    lines = _rw(f, mutate)
    problems = full_check(content_copy)
    errs = [p for p in _errors(problems, "modules/help.yaml") if "alat_hilang" in p.message]
    assert errs and errs[0].line == _line_of(lines, "tool: alat_hilang")


def test_bot_refuses_to_start_on_invalid_content(content_copy):
    (content_copy / "emergency.yaml").write_text("keywords: [\n", encoding="utf-8")
    with pytest.raises(ContentError) as e:
        load_content(content_copy)
    assert "emergency.yaml" in str(e.value)
    from bot.app import build_engine
    from bot.store import MemoryStore

    with pytest.raises(ContentError):
        build_engine(content_copy, store=MemoryStore())


def test_missing_file_and_empty_file(content_copy):
    (content_copy / "intents.yaml").unlink()
    (content_copy / "about.yaml").write_text("", encoding="utf-8")
    _, problems = check_content(content_copy)
    assert any(p.file == "intents.yaml" and "missing" in p.message for p in problems)
    assert any(p.file == "about.yaml" and "empty" in p.message for p in problems)


def test_cli_exit_codes(content_copy, tmp_path):
    ok = subprocess.run([sys.executable, "-m", "bot", "content", "check", "--content", str(content_copy)], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    f = content_copy / "modules" / "help.yaml"
    _rw(f, lambda m: m.__setitem__("start", "awal_hilang"))
    bad = subprocess.run([sys.executable, "-m", "bot", "content", "check", "--content", str(content_copy)], capture_output=True, text=True)
    assert bad.returncode == 1
    assert "modules/help.yaml:" in bad.stdout and "awal_hilang" in bad.stdout


def test_a_phone_number_not_in_contacts_is_an_error(content_copy):
    f = content_copy / "modules" / "help.yaml"

    def mutate(m):
        _, node = _first_text_node(m)
        node["text"]["id"] = node["text"]["id"] + " Atau telepon 0812-3456-7890 " + MARK

    lines = _rw(f, mutate)
    _, problems = check_content(content_copy)
    errs = [p for p in _errors(problems, "modules/help.yaml") if "phone number" in p.message]
    assert errs and "0812-3456-7890" in errs[0].message
    # the line where that text starts (a long text runs over several lines)
    assert lines[errs[0].line - 1].strip().startswith("id:")
    assert _line_of(lines, MARK) - 8 <= errs[0].line <= _line_of(lines, MARK)


def test_numbers_from_contacts_and_urls_are_fine(content_copy, content):
    f = content_copy / "modules" / "help.yaml"
    hotline = content.contacts["kemlu_pwni"]["lines"][0]["value"]

    def mutate(m):
        _, node = _first_text_node(m)
        node["text"]["en"] = node["text"]["en"] + f" Call {hotline}. See https://example.org/news/2024/12345678-story"

    _rw(f, mutate)
    _, problems = check_content(content_copy)
    assert [p for p in _errors(problems, "modules/help.yaml") if "phone number" in p.message] == []


# ------------------------------------------------------------------ answers.yaml, conversation.yaml
ANSWER_IDS = {
    "passport_held", "documents", "check_company", "placement_fee", "contract", "ktp_photo", "min_age",
    "domestic_worker_malaysia", "tourist_visa", "scam_compound_job", "magang", "fishing_boat",
    "middle_east_visit_visa", "report_prepare", "victim_punished", "after_rescue", "unpaid_wages",
    "repatriation_cost", "family_at_home", "lost_contact", "body_repatriation", "phone_checked",
    "women_children",  # SAPA 129 for a child or a woman (the 41st pair)
    "cannot_call",  # afraid to talk or no credit: written channels and family who can call (the 47th pair)
}


def _answer(d, aid="passport_held"):
    return d["answers"][aid]


def test_answers_and_conversation_are_loaded(content):
    assert set(content.answers) == ANSWER_IDS
    a = content.answers["passport_held"]
    assert a["module"] == "recruiter" and set(a["text"]) == {"id", "en"}
    assert all(len(a["questions"][lang]) >= 5 for lang in ("id", "en"))
    conv = content.conversation
    assert set(conv) == {"smalltalk", "self_harm", "departing", "followups"}
    assert len(conv["smalltalk"]["fallback"]["texts"]) >= 3
    assert set(conv["followups"]["verdict"]) == {"high", "medium", "low"}
    assert "{languages}" in conv["smalltalk"]["language_unsupported"]["text"]["id"]


def test_shipped_answers_keep_the_safety_rules(content):
    """The Kemlu hotline is a phone line; nothing is called safe; WhatsApp numbers in +62 form."""
    texts = [a["text"] for a in content.answers.values()]

    def walk(v):
        if isinstance(v, dict):
            if set(v) == {"id", "en"} and all(isinstance(x, str) for x in v.values()):
                texts.append(v)
            else:
                for x in v.values():
                    walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    walk(content.conversation)
    for t in texts:
        for s in t.values():
            low = s.lower()
            assert "whatsapp +62 812-9007-0027" not in low and "whatsapp 0812" not in low, s
            assert "0811-8080-141" not in s and "08111-129-129" not in s, s  # +62 form for WhatsApp
            assert " aman." not in low and " safe." not in low and "is safe" not in low, s


def test_answer_contact_must_exist(content_copy):
    lines = _rw(content_copy / "answers.yaml", lambda d: _answer(d).__setitem__("contacts", ["nomor_karangan"]))
    _, problems = check_content(content_copy)
    errs = [p for p in _errors(problems, "answers.yaml") if "nomor_karangan" in p.message]
    assert errs and errs[0].line == _line_of(lines, "- nomor_karangan")


def test_answer_button_to_missing_node(content_copy):
    def mutate(d):
        _answer(d)["buttons"] = [{"label": {"id": "Ke sini", "en": "Here"}, "node": "help:tidak_ada"}]

    lines = _rw(content_copy / "answers.yaml", mutate)
    _, problems = check_content(content_copy)
    errs = [p for p in _errors(problems, "answers.yaml") if "tidak_ada" in p.message]
    assert errs and "has no node" in errs[0].message
    assert errs[0].line == _line_of(lines, "help:tidak_ada")


def test_answer_button_to_missing_module_and_module_of_node(content_copy):
    def mutate(d):
        _answer(d)["buttons"] = [
            {"label": {"id": "A", "en": "A"}, "module": "modul_hilang"},
            {"label": {"id": "B", "en": "B"}, "node": "modul_lain:intro"},
        ]
        _answer(d, "documents")["module"] = "modul_ketiga"

    lines = _rw(content_copy / "answers.yaml", mutate)
    _, problems = check_content(content_copy)
    errs = _errors(problems, "answers.yaml")
    for needle in ("modul_hilang", "modul_lain", "modul_ketiga"):
        hit = [p for p in errs if needle in p.message]
        assert hit and hit[0].line == _line_of(lines, needle), needle


def test_answer_button_unknown_tool(content_copy):
    def mutate(d):
        _answer(d)["buttons"] = [{"label": {"id": "Cek", "en": "Check"}, "tool": "registry"}]

    lines = _rw(content_copy / "answers.yaml", mutate)
    problems = full_check(content_copy)
    errs = [p for p in _errors(problems, "answers.yaml") if "'registry'" in p.message]
    assert errs and "registry_lookup" in errs[0].message  # the known names are listed
    assert [i + 1 for i, ln in enumerate(lines) if ln.strip() == "tool: registry"] == [errs[0].line]


def test_answer_button_with_two_targets_is_a_schema_error(content_copy):
    def mutate(d):
        _answer(d)["buttons"] = [{"label": {"id": "Dua", "en": "Two"}, "module": "help", "tool": "offer_check" + ""}]
        _answer(d)["buttons"][0]["label"]["id"] = MARK

    lines = _rw(content_copy / "answers.yaml", mutate)
    _, problems = check_content(content_copy)
    errs = [p for p in _errors(problems, "answers.yaml") if "buttons/0" in p.message]
    assert errs
    assert _line_of(lines, MARK) - 2 <= errs[0].line <= _line_of(lines, MARK)


def test_answer_text_missing_translation(content_copy):
    lines = _rw(content_copy / "answers.yaml", lambda d: _answer(d).__setitem__("text", {"id": MARK + " tanpa terjemahan"}))
    _, problems = check_content(content_copy)
    errs = [p for p in _errors(problems, "answers.yaml") if "'en'" in p.message]
    assert errs and errs[0].line in (_line_of(lines, MARK) - 1, _line_of(lines, MARK))


def test_answer_text_over_600_is_an_error(content_copy):
    lines = _rw(content_copy / "answers.yaml", lambda d: _answer(d)["text"].__setitem__("en", "PANJANG " + "x" * 600))
    _, problems = check_content(content_copy)
    errs = [p for p in _errors(problems, "answers.yaml") if "600" in p.message]
    assert [p.line for p in errs] == [_line_of(lines, "PANJANG")]
    assert not [p for p in problems if p.file == "answers.yaml" and p.severity == "warning" and "600" in p.message]


def test_answer_takes_no_placeholder(content_copy):
    lines = _rw(content_copy / "answers.yaml", lambda d: _answer(d)["text"].__setitem__("en", MARK + " call {number}"))
    _, problems = check_content(content_copy)
    errs = [p for p in _errors(problems, "answers.yaml") if "{number}" in p.message]
    assert errs and errs[0].line == _line_of(lines, MARK)


def test_answer_needs_three_questions_per_language(content_copy):
    def mutate(d):
        _answer(d)["questions"]["en"] = [MARK + " one", "two"]
        del _answer(d, "documents")["questions"]["id"]

    lines = _rw(content_copy / "answers.yaml", mutate)
    _, problems = check_content(content_copy)
    errs = _errors(problems, "answers.yaml")
    few = [p for p in errs if "only 2 question" in p.message and "'en'" in p.message]
    assert few and few[0].line == _line_of(lines, MARK) - 1  # the "en:" key just above
    missing = [p for p in errs if "no questions in 'id'" in p.message]
    assert missing
    documents = _line_of(lines, "  documents:")
    assert documents < missing[0].line < documents + 4  # its "questions:" key


def test_same_question_in_two_answers(content_copy):
    def mutate(d):
        _answer(d, "documents")["questions"]["en"].append("Can the agent keep my passport?")

    lines = _rw(content_copy / "answers.yaml", mutate)
    _, problems = check_content(content_copy)
    errs = [p for p in _errors(problems, "answers.yaml") if "also a question of answer 'passport_held'" in p.message]
    assert errs and errs[0].line == _line_of(lines, "- Can the agent keep my passport?")


def test_a_new_language_without_questions_is_a_warning_not_an_error(content_copy):
    _rw(content_copy / "settings.yaml", lambda d: d["languages"].append("jv"))
    _, problems = check_content(content_copy)
    about_questions = [p for p in problems if p.file == "answers.yaml" and "questions in 'jv'" in p.message]
    assert [p.severity for p in about_questions] == ["warning"]
    # its texts are still errors, in both files
    assert any(p.file == "answers.yaml" and "'jv'" in p.message and p.severity == "error" for p in problems)
    assert any(p.file == "conversation.yaml" and "'jv'" in p.message and p.severity == "error" for p in problems)


def test_conversation_contact_must_exist(content_copy):
    def mutate(d):
        d["self_harm"]["contacts"] = ["nomor_karangan"]
        d["smalltalk"]["human_contacts"] = ["kp2mi", "kontak_hilang"]

    lines = _rw(content_copy / "conversation.yaml", mutate)
    _, problems = check_content(content_copy)
    errs = _errors(problems, "conversation.yaml")
    for needle in ("nomor_karangan", "kontak_hilang"):
        hit = [p for p in errs if needle in p.message]
        assert hit and hit[0].line == _line_of(lines, "- " + needle), needle


def test_conversation_text_missing_translation(content_copy):
    lines = _rw(content_copy / "conversation.yaml", lambda d: d["smalltalk"]["thanks"].__setitem__("text", {"id": MARK + " makasih"}))
    _, problems = check_content(content_copy)
    errs = [p for p in _errors(problems, "conversation.yaml") if "'en'" in p.message]
    assert errs and errs[0].line in (_line_of(lines, MARK) - 1, _line_of(lines, MARK))


def test_conversation_length_counts_the_filled_placeholder(content_copy):
    """595 characters as written, over 600 once {languages} is filled in."""
    text = "PANJANG {languages} " + "y" * 575

    def mutate(d):
        d["smalltalk"]["language_unsupported"]["text"]["en"] = text

    assert len(text) <= 600
    lines = _rw(content_copy / "conversation.yaml", mutate)
    _, problems = check_content(content_copy)
    errs = [p for p in _errors(problems, "conversation.yaml") if "600" in p.message]
    assert [p.line for p in errs] == [_line_of(lines, "PANJANG")]


def test_conversation_placeholders(content_copy):
    def mutate(d):
        d["followups"]["verdict"]["high"]["en"] = MARK + " {level} risk"
        d["smalltalk"]["language_unsupported"]["text"]["id"] = "TANPA_PLACEHOLDER hanya bahasa ini"

    lines = _rw(content_copy / "conversation.yaml", mutate)
    _, problems = check_content(content_copy)
    errs = _errors(problems, "conversation.yaml")
    unknown = [p for p in errs if "{level}" in p.message]
    assert unknown and unknown[0].line == _line_of(lines, MARK)
    missing = [p for p in errs if "{languages}" in p.message and "missing" in p.message]
    assert missing and missing[0].line == _line_of(lines, "TANPA_PLACEHOLDER")


def test_conversation_missing_part_is_a_schema_error(content_copy):
    _rw(content_copy / "conversation.yaml", lambda d: d["followups"].pop("verdict"))
    _, problems = check_content(content_copy)
    errs = [p for p in _errors(problems, "conversation.yaml") if "verdict" in p.message]
    assert errs and errs[0].line > 0


def test_answers_and_conversation_files_are_required(content_copy):
    (content_copy / "answers.yaml").unlink()
    (content_copy / "conversation.yaml").unlink()
    _, problems = check_content(content_copy)
    for f in ("answers.yaml", "conversation.yaml"):
        assert any(p.file == f and "missing" in p.message and p.severity == "error" for p in problems), f


def test_whatsapp_number_in_plus62_form_matches_its_0_form(content_copy):
    """contacts.yaml may hold 0811-8080-141; texts write it +62 811-8080-141 (same number)."""
    def mutate(d):
        _answer(d)["text"]["en"] = MARK + " WhatsApp +62 811-8080-141 or +62 811-9999-141"

    lines = _rw(content_copy / "answers.yaml", mutate)
    _, problems = check_content(content_copy)
    errs = [p for p in _errors(problems, "answers.yaml") if "phone number" in p.message]
    assert len(errs) == 1 and "+62 811-9999-141" in errs[0].message
    assert errs[0].line == _line_of(lines, MARK)


def test_fallback_examples_are_questions_the_bot_answers(content):
    """The example questions the "did not understand" replies suggest really get an answer."""
    import re

    asked = {" ".join(q.lower().split()).strip(" ?!.") for a in content.answers.values() for qs in a["questions"].values() for q in qs}
    examples = [
        m.group(1)
        for t in content.conversation["smalltalk"]["fallback"]["texts"]
        for s in t.values()
        for m in re.finditer(r'"([^"]+)"', s)
    ]
    assert len(examples) >= 2 * 3 * 2
    for e in examples:
        assert " ".join(e.lower().split()).strip(" ?!.") in asked, e


# =============================================================================================
# What a person reads (bot/content_loader/rendered.py)
# =============================================================================================
import re  # noqa: E402

from bot.content_loader.rendered import REQUESTED_FIXES, SOFT_LIMIT, node_renders  # noqa: E402
from bot.engine.about import render_sources  # noqa: E402
from bot.engine.contacts import EMBASSY, HOTLINE_ABROAD, ContactBook  # noqa: E402

# File names and the reference sheet's notes for editors: never in a message.
NEVER_SHOWN = ["001_", "71801b2b", ".txt", "seed", "dicek ulang", "re-check", "sebelum peluncuran",
               "before launch", "dikonfirmasi", "confirmed", "UNVERIFIED", "OUTDATED", "research/"]


def _digits(s):
    return re.sub(r"\D", "", s)


def _all_rendered(content):
    """Every message the content makes: nodes (with contacts, every country), every contact,
    the country notes, the about text and the sources."""
    book = ContactBook(content)
    for mid, nid, lang, country, messages in node_renders(content):
        for m in messages:
            yield f"{mid}/{nid} {lang} {country}", m
    for lang in content.languages:
        for cid in content.contacts:
            yield f"contact {cid} {lang}", book.render(cid, lang)
        yield f"about {lang}", content.t(content.about["text"], lang)
        yield f"sources {lang}", render_sources(content, lang)


def _edit_first_text(content_copy, rel, lang, add):
    f = content_copy / rel

    def mutate(m):
        _, node = _first_text_node(m)
        node["text"][lang] = node["text"][lang] + add

    return _rw(f, mutate)


# -- WhatsApp ---------------------------------------------------------------------------------
def test_shipped_whatsapp_numbers_are_in_plus62_form(content):
    for cid, c in content.contacts.items():
        for ln in c["lines"]:
            if "whatsapp" in " ".join(ln["label"].values()).lower():
                assert not _digits(ln["value"]).startswith("0"), (cid, ln["value"])
    for where, msg in _all_rendered(content):
        for m in re.finditer(r"(?i)whats\s?app[^\n\d+]{0,40}(\+?[\d][\d\s-]{6,}\d)", msg):
            assert not m.group(1).startswith("0"), (where, m.group())


def test_a_whatsapp_number_in_08_form_is_an_error(content_copy):
    lines = _edit_first_text(content_copy, "modules/help.yaml", "id", f" Atau WhatsApp 0811-8080-141 {MARK}")
    _, problems = check_content(content_copy)
    assert not _errors(problems, "modules/help.yaml")  # the number itself is known...
    errs = [p for p in _errors(full_check(content_copy), "modules/help.yaml") if "08 form" in p.message]
    assert errs and "0811-8080-141" in errs[0].message  # ...but not in a form WhatsApp reaches from abroad
    assert _line_of(lines, MARK) - 8 <= errs[0].line <= _line_of(lines, MARK)


def test_a_whatsapp_contact_line_in_08_form_is_an_error(content_copy):
    f = content_copy / "contacts.yaml"

    def mutate(d):
        ln = next(ln for ln in d["contacts"]["sapa129"]["lines"] if ln["label"]["en"] == "WhatsApp")
        ln["value"] = "08111-129-129"

    lines = _rw(f, mutate)
    errs = [p for p in _errors(full_check(content_copy), "contacts.yaml") if "08 form" in p.message]
    assert errs and errs[0].line == _line_of(lines, "08111-129-129")


@pytest.mark.parametrize("lang, text", [("id", " Telepon atau WhatsApp Hotline Kemlu: +62 812-9007-0027."),
                                        ("en", " Call or WhatsApp +62 812-9007-0027 (Kemlu).")])
def test_whatsapp_for_a_phone_line_is_an_error(content_copy, lang, text):
    _edit_first_text(content_copy, "modules/recruiter.yaml", lang, text)
    errs = [p for p in _errors(full_check(content_copy), "modules/recruiter.yaml") if "does not list it as a WhatsApp" in p.message]
    assert errs


def test_the_kemlu_hotline_is_a_phone_line(content):
    labels = [" ".join(ln["label"].values()).lower() for ln in content.contacts[HOTLINE_ABROAD]["lines"]]
    assert labels and not any("whatsapp" in label for label in labels)


def test_requested_fixes_in_files_owned_elsewhere_are_only_warnings(content):
    problems = full_check(content.dir)
    owned = {f for f, *_ in REQUESTED_FIXES}
    assert not [p for p in problems if p.severity == "error"]
    for p in problems:
        if "change requested" in p.message:
            assert p.file in owned and p.severity == "warning"


# -- file names and editors' notes ------------------------------------------------------------
def test_no_file_name_or_editor_note_reaches_a_message(content):
    for where, msg in _all_rendered(content):
        for word in NEVER_SHOWN:
            assert word.lower() not in msg.lower(), (where, word, msg)


@pytest.mark.parametrize("note", ["lihat 001_71801b2b7a2500cc.txt", "dari seed 002", "dicek ulang sebelum peluncuran",
                                  "re-checked before launch", "Sumber: viva.co.id, dikonfirmasi 4 Agu 2024", "UNVERIFIED"])
def test_a_file_name_or_editor_note_in_a_text_is_an_error(content_copy, note):
    lines = _edit_first_text(content_copy, "modules/fake_offer.yaml", "en", f" {note} {MARK}")
    errs = [p for p in _errors(full_check(content_copy), "modules/fake_offer.yaml") if "reaches a person" in p.message]
    assert errs
    # the text's own line (and, from the rendered check, the node's)
    assert any(_line_of(lines, MARK) - 12 <= e.line <= _line_of(lines, MARK) for e in errs), errs


def test_an_editor_note_in_a_contact_note_is_an_error(content_copy):
    f = content_copy / "contacts.yaml"
    _rw(f, lambda d: d["contacts"]["kbri_yangon"].__setitem__("note", {"id": "Dicek ulang sebelum peluncuran.", "en": "Re-checked before launch."}))
    errs = [p for p in _errors(full_check(content_copy), "contacts.yaml") if "reaches a person" in p.message]
    assert len(errs) >= 2  # both languages


def test_a_seed_without_a_study_name_is_an_error(content_copy):
    f = content_copy / "modules" / "recruiter.yaml"
    _rw(f, lambda m: m["sources"].append({"seed": "009_abcdefabcdef.txt"}))
    errs = [p for p in _errors(full_check(content_copy), "modules/recruiter.yaml") if "about.yaml" in p.message]
    assert errs and "009_abcdefabcdef.txt" in errs[0].message


# -- promises ---------------------------------------------------------------------------------
@pytest.mark.parametrize("lang, promise", [
    ("id", " Anda tidak akan dihukum karena meminta tolong."),
    ("en", " You will not be punished for asking for help."),
    ("id", " Korban yang dipaksa tidak dipidana."),
    ("en", " Victims who were forced are not punished."),
    ("id", " Tanpa visa kerja, Anda tidak terlindungi."),
    ("en", " Without a work visa, you are not protected."),
])
def test_a_promise_nobody_can_keep_is_an_error(content_copy, lang, promise):
    _edit_first_text(content_copy, "modules/help.yaml", lang, promise)
    assert [p for p in _errors(full_check(content_copy), "modules/help.yaml") if "UU 21/2007" in p.message or "embassy" in p.message]


def test_victims_not_punished_is_said_with_its_law(content):
    for where, msg in _all_rendered(content):
        if re.search(r"(?i)tidak dipidana|not punished", msg):
            assert "UU 21/2007 Pasal 18" in msg, where


# -- the Kemlu hotline first, every country ---------------------------------------------------
def _mission_numbers(content, code):
    return [ln["value"] for mid in content.countries[code]["missions"] for ln in content.contacts[mid]["lines"]
            if re.search(r"\d{3}", ln["value"])]


def test_kemlu_hotline_comes_first_for_every_country(content):
    hotline = content.contacts[HOTLINE_ABROAD]["lines"][0]["value"]
    book = ContactBook(content)
    nodes = [(mid, nid, n) for mid, m in content.modules.items() for nid, n in m["nodes"].items() if EMBASSY in n.get("contacts", [])]
    assert nodes
    for code in content.countries:
        numbers = _mission_numbers(content, code)
        for lang in content.languages:
            # any contact list with "embassy", even one that forgets the hotline or lists it after
            for ids in ([EMBASSY], [EMBASSY, HOTLINE_ABROAD], ["kp2mi", EMBASSY]):
                text = "\n\n".join(book.blocks(ids, lang, code))
                assert hotline in text
                for n in numbers:
                    assert text.index(hotline) < text.index(n), (code, lang, ids, n)
            for mid, nid, node in nodes:
                text = "\n\n".join(book.blocks(node["contacts"], lang, code))
                for n in numbers:
                    assert text.index(hotline) < text.index(n), (mid, nid, code, lang)


@pytest.mark.parametrize("who", [0, 1])  # for myself, for family
def test_kemlu_hotline_comes_first_in_the_help_module_for_every_country(content, who):
    from bot.app import make_tools
    from bot.engine import Engine, Event
    from bot.store import MemoryStore

    hotline = content.contacts[HOTLINE_ABROAD]["lines"][0]["value"]
    for code in content.countries:
        store = MemoryStore()
        engine = Engine(content, store, tools=make_tools(content, store))
        engine.handle("u", Event.button("m:help"))
        engine.handle("u", Event.button("b:help:where:2"))  # already abroad
        out = engine.handle("u", Event.button(f"b:help:who_away:{who}"))
        node = "self_country" if who == 0 else "family_country"
        assert any(b.data == f"b:help:{node}:c{code}" for r in out for b in r.all_buttons())
        text = "\n".join(r.text for r in engine.handle("u", Event.button(f"b:help:{node}:c{code}")))
        assert hotline in text
        for n in _mission_numbers(content, code):
            assert text.index(hotline) < text.index(n), (code, n)


def test_emergency_with_a_country_puts_kemlu_before_the_mission(content):
    from bot.app import make_tools
    from bot.engine import Engine, Event
    from bot.store import MemoryStore

    hotline = content.contacts[HOTLINE_ABROAD]["lines"][0]["value"]
    for text, code in [("tolong saya disekap di kamboja", "KH"), ("help me, I am trapped in myanmar", "MM")]:
        store = MemoryStore()
        out = Engine(content, store, tools=make_tools(content, store)).handle("e", Event.message(text))
        shown = "\n".join(r.text for r in out)
        for n in _mission_numbers(content, code):
            assert shown.index(hotline) < shown.index(n)


def test_mission_numbers_carry_their_date_in_plain_words(content):
    book = ContactBook(content)
    assert "Nomor dari berita Februari 2021 (tribunnews.com)." in book.render("kbri_yangon", "id")
    assert "Number from a news report, February 2021 (tribunnews.com)." in book.render("kbri_yangon", "en")
    for code, country in content.countries.items():
        for mid in country["missions"]:
            c = content.contacts[mid]
            assert c["source"].startswith("http") and c["seen"]  # kept in the YAML for editors
            for lang in content.languages:
                month = ContactBook.format_month(c["seen"], lang)
                assert month in book.render(mid, lang), (mid, lang)
    # healing119 is a website, not a phone number
    r = book.render("healing119", "en")
    assert "healing119.id" in r and not r.startswith("📞") and "Number from" not in r


# -- length on a phone ------------------------------------------------------------------------
def test_every_rendered_node_fits_a_phone_screen(content):
    """No node renders over SOFT_LIMIT characters in any language, with any country's contacts
    (there is no `long: true` node flag: no lesson screen needs one)."""
    for mid, nid, lang, country, messages in node_renders(content):
        for m in messages:
            assert len(m) <= SOFT_LIMIT, (mid, nid, lang, country, len(m))


def test_a_long_rendered_node_is_a_warning_with_file_and_node(content_copy):
    f = content_copy / "modules" / "recruiter.yaml"

    def mutate(m):
        m["nodes"]["intro"]["contacts"] = ["kp2mi", "sapa129", "polri_110"]

    lines = _rw(f, mutate)
    problems = full_check(content_copy)
    warns = [p for p in problems if p.file == "modules/recruiter.yaml" and p.severity == "warning" and "renders" in p.message]
    assert warns and "'intro'" in warns[0].message and "600" in warns[0].message
    assert warns[0].line == _line_of(lines, "  intro:")
    assert not _errors(problems, "modules/recruiter.yaml")


# -- content that must be there ---------------------------------------------------------------
def test_men_are_named_among_the_victims(content):
    for mid in ("fake_offer", "help"):
        texts = [content.t(n.get("text", {}), lang) for n in content.modules[mid]["nodes"].values() for lang in ("id", "en")]
        assert any("1.838" in t for t in texts) and any("1,838" in t for t in texts), mid


def test_other_routes_and_help_after_rescue_are_reachable_lessons(content):
    fo = content.modules["fake_offer"]["nodes"]
    assert "other_routes" in fo
    routes = " ".join(content.t(fo[b["goto"]]["text"], "id") for b in fo["other_routes"]["buttons"] if "goto" in b)
    for word in ("rumah tangga", "Magang", "kapal ikan", "visa kunjungan", "Eksploitasi seksual"):
        assert word in routes, word
    help_nodes = content.modules["help"]["nodes"]
    assert any(b.get("goto") == "after_rescue" for n in help_nodes.values() for b in n.get("buttons", []))
    assert "healing119" in {c for n in help_nodes.values() for c in n.get("contacts", [])}
    assert "healing119" in content.contacts and content.contacts["healing119"]["seen"]
    rec = content.modules["recruiter"]["nodes"]
    assert "village_data" in rec and "KTP" in content.t(rec["village_data"]["text"], "id")


ASKS_FOR_EVIDENCE = re.compile(r"(?i)\bscreenshots?\b|tangkapan layar|\bmap location\b|titik lokasi")


def test_where_photos_or_a_location_are_asked_the_phone_check_line_follows(content):
    """The node itself or the one its first button leads to says the phone may be checked and how
    to delete this chat (/hapus only clears what the bot keeps)."""
    found = 0
    for mid, m in content.modules.items():
        for nid, node in m["nodes"].items():
            if "text" not in node or not ASKS_FOR_EVIDENCE.search(content.t(node["text"], "en")):
                continue
            found += 1
            nxt = [m["nodes"][b["goto"]] for b in node.get("buttons", [])[:1] if "goto" in b]
            for lang in content.languages:
                texts = [content.t(n["text"], lang) for n in [node] + nxt if "text" in n]
                assert any("/hapus" in t and re.search(r"Telegram", t) for t in texts), (mid, nid, lang)
    assert found


def test_sources_name_studies_by_title_and_author(content):
    for lang in content.languages:
        text = render_sources(content, lang)
        for author in ("Putri", "Dermawan", "Elen Anedya Frahma", "Nurul Aida Amalia"):
            assert author in text
        assert "Dinamika Kerja Sama Indonesia dan IOM" in text
        for module in content.modules.values():
            assert content.t(module["title"], lang) in text
        assert not re.search(r"\d{3}_[0-9a-f]{6}|\.txt", text)
