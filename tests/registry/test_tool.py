"""The two tools: what they claim, and the exact honesty of what they say, in both languages."""
import re

import pytest

from bot.engine.tools import ToolContext
from bot.i18n import translator
from bot.registry.parse import parse_csv
from bot.registry.query import name_in, strip_fillers
from bot.registry.store import Registry
from bot.registry.tool import Lookup, RecruiterCheckTool, RegistryLookupTool, make_tools
from bot.store import MemoryStore
from conftest import TODAY
from fictional_list import SOURCE_URL, fictional_csv

NEVER = re.compile(r"\b(ilegal|illegal|tidak resmi|bodong|penipu|scam|aman|safe|guarantee|dijamin|pasti resmi)\b", re.I)


def ctx_for(tool, lang, content, state=None):
    return ToolContext(tool=tool, lang=lang, translate=translator(lang), state=state if state is not None else {}, content=content)


def text_of(replies):
    return "\n\n".join(r.text for r in replies)


def data_of(replies):
    return [b.data for r in replies for b in r.all_buttons()]


# -- claims ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, name",
    [
        ("cek PT Sumber Rejeki Abadi", "PT Sumber Rejeki Abadi"),
        ("PT Maju Jaya resmi gak?", "PT Maju Jaya"),
        ("is PT X licensed", "PT X"),
        ("is PT Karya Mandiri licensed?", "PT Karya Mandiri"),
        ("P.T. maju jaya sentosa", "PT Maju Jaya Sentosa"),
        ("apakah PT. Sumber Rejeki itu resmi", "PT Sumber Rejeki"),
        ("tolong cek perusahaan PT Citra Abadi ya kak", "PT Citra Abadi"),
        ("cv tunggal sakti terdaftar ga", "CV Tunggal Sakti"),
        ("Check PT Maju Jaya Sentosa please", "PT Maju Jaya Sentosa"),
    ],
)
def test_claims_clear_name_checks(text, name):
    assert name_in(text) == name
    assert RegistryLookupTool(None).claims(text, None)


@pytest.mark.parametrize(
    "text",
    [
        "gmn cek agen resmi",
        "cek agen resmi",
        "is my recruiter licensed?",
        "pt resmi gak",
        "cek pt",
        "saya ditawari kerja oleh PT Maju Jaya ke Malaysia gaji 10 juta",
        "Dibutuhkan segera! PT Maju Jaya membuka lowongan admin ke Kamboja, gaji USD 1.200, tiket dan mess "
        "gratis, tanpa pengalaman, hubungi WA sekarang juga, kuota terbatas untuk 20 orang saja ya",
        "loker kamboja",
        "",
    ],
)
def test_does_not_claim_general_questions_or_ads(text):
    assert name_in(text) is None
    assert not RegistryLookupTool(None).claims(text, None)


def test_strip_fillers_after_the_prompt():
    assert strip_fillers("tolong cek sumber rejeki ya") == "Sumber Rejeki"
    assert strip_fillers("PT Maju Jaya") == "PT Maju Jaya"
    assert strip_fillers("cek") is None and strip_fillers("???") is None


# -- the lookup's wording ------------------------------------------------------------------------
@pytest.fixture
def lookup(loaded):
    return Lookup(loaded)


def ask(lookup, lang, content, query):
    return lookup.answer(ctx_for("registry_lookup", lang, content), query)


def test_found_and_valid(lookup, stub_content):
    for lang, words in {
        "id": ["ada di daftar perusahaan penempatan berizin", "Izin saja belum membuat tawaran kerja itu benar",
               "job order", "siskop2mi.bp2mi.go.id", "hotline KP2MI", "22 November 2026", "31 Desember 2027", "FIKTIF-0003/2025"],
        "en": ["is on the list of licensed placement companies", "A licence alone does not make a job offer real",
               "job order", "siskop2mi.bp2mi.go.id", "KP2MI hotline", "November 22, 2026", "FIKTIF-0003/2025"],
    }.items():
        out = text_of(ask(lookup, lang, stub_content, "PT Maju Jaya Sentosa"))
        assert SOURCE_URL in out and "DKI Jakarta" in out
        for w in words:
            assert w in out, (lang, w, out)
        assert not NEVER.search(out), out


def test_a_typo_or_look_alike_is_never_said_to_be_on_the_list(lookup, stub_content):
    for query in ("PT Maju Jaya Sentossa", "PT Sumber Rejeki Abadi"):  # a typo; a one-letter look-alike
        out = text_of(ask(lookup, "id", stub_content, query))
        assert f"\"{query}\" tidak ada di daftar kami dari 22 November 2026" in out and "persis seperti yang Anda tulis" in out
        assert "Nama yang paling dekat adalah" in out and "nomor izin yang persis sama" in out
        assert "ada di daftar perusahaan penempatan berizin" not in out
        out = text_of(ask(lookup, "en", stub_content, query))
        assert "exactly as you typed it" in out and "look-alike name can be a different company" in out
        assert "is on the list of licensed" not in out
    out = text_of(ask(lookup, "id", stub_content, "PT Maju Jaya Sentossa"))
    assert "\"PT Maju Jaya Sentosa\"" in out and "FIKTIF-0003/2025" in out


def test_expired_revoked_and_suspended_are_said_plainly(lookup, stub_content):
    out = text_of(ask(lookup, "id", stub_content, "PT Karya Mandiri Lestari"))
    assert "masa berlaku izinnya habis pada 31 Januari 2024" in out and "KEDALUWARSA" in out
    out = text_of(ask(lookup, "en", stub_content, "PT Karya Mandiri Lestari"))
    assert "its licence ran out on January 31, 2024" in out and "EXPIRED" in out
    out = text_of(ask(lookup, "id", stub_content, "PT Berkah Insani Perkasa"))
    assert "izinnya sudah dicabut" in out and "Jangan membayar" in out
    out = text_of(ask(lookup, "en", stub_content, "PT Berkah Insani Perkasa"))
    assert "its licence has been revoked" in out
    out = text_of(ask(lookup, "id", stub_content, "PT Harapan Mulia Gemilang"))
    assert "izinnya sedang dibekukan" in out
    out = text_of(ask(lookup, "en", stub_content, "PT Harapan Mulia Gemilang"))
    assert "its licence is suspended" in out


@pytest.mark.parametrize("query", ["PT Cahaya Bintang Samudra", "PT Sumber Rejeki Abadi", "PT Bintang Maju Jaya"])
def test_not_found_is_never_called_illegal(lookup, stub_content, query):
    out = text_of(ask(lookup, "id", stub_content, query))
    assert f"\"{query}\" tidak ada di daftar kami dari 22 November 2026" in out
    assert "siskop2mi.bp2mi.go.id" in out and "hotline KP2MI" in out
    assert "sebelum Anda membayar atau menyerahkan dokumen" in out
    assert not NEVER.search(out), out
    out = text_of(ask(lookup, "en", stub_content, query))
    assert f"\"{query}\" is not on our list from November 22, 2026" in out
    assert "before you pay or hand over documents" in out
    assert not NEVER.search(out), out


def test_not_found_shows_look_alikes_as_such(lookup, stub_content):
    out = text_of(ask(lookup, "id", stub_content, "PT Bintang Maju Jaya"))
    assert "Nama yang mirip di daftar (bukan nama yang sama" in out and "PT Maju Jaya" in out


def test_no_list_says_so_and_gives_the_official_channels(registry, stub_content):
    for lang, words in {"id": ["belum punya daftar", "0800-1000", "Disnaker"], "en": ["no list of licensed", "0800-1000", "Disnaker"]}.items():
        replies = Lookup(registry).answer(ctx_for("registry_lookup", lang, stub_content), "PT Maju Jaya")
        out = text_of(replies)
        for w in words:
            assert w in out
        assert not NEVER.search(out)
        assert "t:registry_lookup:" in data_of(replies) and "a:menu" in data_of(replies) and "m:help" in data_of(replies)


def test_a_list_older_than_90_days_is_not_answered_from(stub_content):
    reg = Registry.for_store(MemoryStore(), today=lambda: TODAY)
    reg.replace(parse_csv(fictional_csv(200, retrieved_on="2026-08-01")).companies)
    out = text_of(Lookup(reg).answer(ctx_for("registry_lookup", "id", stub_content), "PT Maju Jaya Sentosa"))
    assert "lebih dari 90 hari" in out and "1 Agustus 2026" in out and "0800-1000" in out
    assert "ada di daftar" not in out
    out = text_of(Lookup(reg).answer(ctx_for("registry_lookup", "en", stub_content), "PT Maju Jaya Sentosa"))
    assert "more than 90 days ago" in out and "is on the list" not in out


def test_lookup_tool_flow(loaded, stub_content):
    tool = RegistryLookupTool(Lookup(loaded))
    state: dict = {}
    c = ctx_for("registry_lookup", "id", stub_content, state)
    assert "Ketik nama perusahaannya" in text_of(tool.start(c))
    assert "Silakan ketik" in text_of(tool.on_text(c, "cek"))  # nothing left: ask again
    assert "ada di daftar" in text_of(tool.on_text(c, "maju jaya sentosa"))
    assert tool.on_text(c, "terima kasih banyak") is None  # after an answer, other text goes back
    assert "ada di daftar" in text_of(tool.on_text(c, "kalau PT Maju Jaya Sentosa resmi?"))
    assert "Ketik nama" in text_of(tool.on_button(c, ""))
    assert tool.on_button(c, "nonsense") is None


# -- the guided check ------------------------------------------------------------------------
def run_check(stub_content, lang, picks):
    tool = RecruiterCheckTool()
    state: dict = {}
    c = ctx_for("recruiter_check", lang, stub_content, state)
    out = tool.start(c)
    for qi, answer_id in enumerate(picks):
        q = stub_content.files["recruiter_check.yaml"]["questions"][qi]
        ai = [a["id"] for a in q["answers"]].index(answer_id)
        out = tool.on_button(c, f"a:{qi}:{ai}")
    return out, state


SAFE_PICKS = ["company", "no", "no", "yes", "yes", "no", "yes"]


def test_no_warning_signs_still_is_not_a_guarantee(stub_content):
    out, state = run_check(stub_content, "id", SAFE_PICKS)
    text = text_of(out)
    assert state["done"] and "kami tidak melihat tanda bahaya" in text and "belum berarti" in text
    assert "Yang membuat kami khawatir" not in text
    assert not NEVER.search(text), text
    out, _ = run_check(stub_content, "en", SAFE_PICKS)
    text = text_of(out)
    assert "we see no warning signs" in text and "does not mean the offer is surely real" in text
    assert not NEVER.search(text), text


def test_a_destination_without_legal_placement_is_serious_on_its_own(stub_content):
    picks = SAFE_PICKS.copy()
    picks[5] = "yes"
    out, _ = run_check(stub_content, "id", picks)
    text = text_of(out)
    assert "Ada tanda bahaya serius" in text and "Tidak ada penempatan pekerja migran resmi" in text
    assert "Yang membuat kami khawatir" in text
    out, _ = run_check(stub_content, "en", picks)
    text = text_of(out)
    assert "serious warning signs" in text and "no legal placement" in text and "What raised concern" in text


def test_money_and_person_give_check_first_with_each_reason(stub_content):
    picks = ["person", "no", "no", "yes", "yes", "no", "yes"]
    text = text_of(run_check(stub_content, "id", picks)[0])
    assert "beberapa hal yang perlu Anda cek dulu" in text and "P3MI" in text
    picks = ["company", "yes", "no", "yes", "yes", "no", "yes"]
    text = text_of(run_check(stub_content, "en", picks)[0])
    assert "a few things to check" in text
    assert "Placement costs may not be charged to you under UU 18/2017 Pasal 30" in text
    assert "Ask KP2MI for the current rules" in text


def test_all_not_sure_lists_every_question(stub_content):
    out, _ = run_check(stub_content, "id", ["unsure"] * 7)
    text = text_of(out)
    assert "Ada tanda bahaya serius" in text  # 7 unknowns add up
    assert text.count("• Anda belum tahu") == 7


def test_verdict_buttons_lead_to_the_name_check_help_and_menu(stub_content):
    out, _ = run_check(stub_content, "id", SAFE_PICKS)
    data = data_of(out)
    assert "t:registry_lookup:" in data and "m:help" in data and "a:menu" in data and "t:recruiter_check:" in data
    labels = [b.label for r in out for b in r.all_buttons()]
    assert "Cek nama PT" in labels and "Minta bantuan" in labels
    for r in out:
        assert len(r.text) < 4000


def test_questions_show_progress_and_buttons(stub_content):
    tool = RecruiterCheckTool()
    c = ctx_for("recruiter_check", "id", stub_content)
    out = tool.start(c)
    assert "Pertanyaan 1 dari 7" in out[0].text and "Tidak tahu" in [b.label for b in out[0].all_buttons()]
    c = ctx_for("recruiter_check", "en", stub_content)
    out = tool.start(c)
    assert "Question 1 of 7" in out[0].text and "Not sure" in [b.label for b in out[0].all_buttons()]


def test_old_and_unknown_buttons(stub_content):
    tool = RecruiterCheckTool()
    state: dict = {}
    c = ctx_for("recruiter_check", "id", stub_content, state)
    tool.start(c)
    tool.on_button(c, "a:0:0")
    again = tool.on_button(c, "a:0:1")  # the first question's button, again
    assert "Tombol itu dari pertanyaan sebelumnya" in again[0].text and "Pertanyaan 2 dari 7" in again[0].text
    assert state["q"] == 1 and state["ans"] == {"who": "company"}
    assert "Tombol itu" in tool.on_button(c, "a:1:9")[0].text  # no such answer
    assert tool.on_button(c, "zzz") is None and tool.on_button(c, "a:x:1") is None
    for qi in range(1, 7):
        tool.on_button(c, f"a:{qi}:1")
    assert state["done"] and tool.on_button(c, "a:6:0") is None  # finished: the engine says it is old
    assert "Pertanyaan 1 dari 7" in tool.on_button(c, "")[0].text  # start again


def test_typed_answers(stub_content):
    tool = RecruiterCheckTool()
    state: dict = {}
    c = ctx_for("recruiter_check", "id", stub_content, state)
    tool.start(c)
    assert "Pertanyaan 2" in tool.on_text(c, "calo")[0].text
    assert "Pertanyaan 3" in tool.on_text(c, "gak tau")[0].text  # "not sure", not "no"
    assert "Pertanyaan 4" in tool.on_text(c, "iya")[0].text
    assert tool.on_text(c, "berapa gaji di malaysia sekarang untuk pekerja pabrik") is None
    assert state["ans"] == {"who": "person", "money": "unsure", "documents": "yes"}


def test_validate_content(stub_content):
    tool = RecruiterCheckTool()
    assert tool.validate_content(stub_content) == []
    spec = stub_content.files["recruiter_check.yaml"]
    spec["questions"][1]["answers"][0].pop("reason")
    spec["verdicts"] = [v for v in spec["verdicts"] if v["min_score"] > 0]
    spec["questions"][2]["answers"][1]["keywords"]["id"].append("iya")  # "iya" means yes and no
    problems = [p.message for p in tool.validate_content(stub_content)]
    assert any("needs a reason" in p for p in problems)
    assert any("min_score: 0" in p for p in problems)
    assert any("'iya'" in p for p in problems)
    stub_content.files.clear()
    assert "missing" in tool.validate_content(stub_content)[0].message


def test_make_tools_uses_the_sqlite_store_file(tmp_path):
    from bot.store import SQLiteStore

    store = SQLiteStore(str(tmp_path / "x.sqlite3"))
    tools = make_tools(None, store)
    assert [t.name for t in tools] == ["recruiter_check", "registry_lookup"]
    assert tools[1].lookup.registry.conn is store.conn
    store.close()


def test_content_never_promises_safety():
    from conftest import StubContent

    spec = StubContent().files["recruiter_check.yaml"]
    texts = []

    def walk(v):
        if isinstance(v, dict):
            for k, x in v.items():
                if k != "keywords":
                    walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)
        elif isinstance(v, str):
            texts.append(v)

    walk({k: v for k, v in spec.items() if k != "sources"})
    for t in texts:
        assert not re.search(r"\b(aman|safe|ilegal|illegal|dijamin|guarantee)\b", t, re.I), t
