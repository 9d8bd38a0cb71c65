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
        # named without "PT", set off by quotes or a colon
        ("check agency: Asia Pacific Manpower Solutions", "Asia Pacific Manpower Solutions"),
        ("tolong cek agensi 'Golden Dragon Recruitment' yg ngerekrut ke kamboja", "Golden Dragon Recruitment"),
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
        "agen: dia bilang gratis",  # a colon, but nothing asked about a name
        "kumaha carana terang PT anu ngirim TKI teh resmi?",  # Sundanese: how to tell a PT that sends workers
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


OFFICIAL_WAYS = ["siskop2mi.bp2mi.go.id", "+62 811-8080-141", "0800-1000", "+62 21 2924 4800", "Disnaker"]


def test_no_list_says_so_first_and_gives_the_official_ways(registry, stub_content):
    first = {"id": "Bot ini tidak memuat daftar resmi perusahaan penempatan berizin (P3MI)",
             "en": "This bot has no official list of licensed placement companies (P3MI)"}
    for lang in ("id", "en"):
        for query in ("PT Maju Jaya", None):
            ctx = ctx_for("registry_lookup", lang, stub_content)
            lookup = Lookup(registry)
            replies = lookup.answer(ctx, query) if query else lookup.prompt(ctx)
            out = text_of(replies)
            assert out.startswith(first[lang]), out  # said first, in one line...
            assert "\n" not in out.split("\n\n")[0]
            for w in OFFICIAL_WAYS:  # ...then the official ways, as the answer
                assert w in out, (lang, w)
            assert not NEVER.search(out)
            assert "tidak ada di daftar" not in out and "not on our list" not in out  # no failed search
            assert "Ketik nama" not in out and "Type the company" not in out  # no name asked for
            assert ("\"PT Maju Jaya\"" in out) == bool(query)
            assert ctx.outcome == {"kind": "registry", "result": "no_list"}
            data = data_of(replies)
            assert "t:registry_lookup:why" in data and "a:menu" in data and "m:help" in data


def test_why_there_is_no_list(registry, stub_content):
    tool = RegistryLookupTool(Lookup(registry))
    out = text_of(tool.on_button(ctx_for("registry_lookup", "id", stub_content), "why"))
    assert "438" in out and "111" in out and "SBMI" in out and "Jendela PMI" in out


def test_a_list_older_than_90_days_is_not_answered_from(stub_content):
    reg = Registry.for_store(MemoryStore(), today=lambda: TODAY)
    reg.replace(parse_csv(fictional_csv(200, retrieved_on="2026-08-01")).companies)
    ctx = ctx_for("registry_lookup", "id", stub_content)
    out = text_of(Lookup(reg).answer(ctx, "PT Maju Jaya Sentosa"))
    assert "lebih dari 90 hari" in out and "1 Agustus 2026" in out and "0800-1000" in out
    assert "ada di daftar" not in out
    assert ctx.outcome == {"kind": "registry", "result": "stale"}
    out = text_of(Lookup(reg).answer(ctx_for("registry_lookup", "en", stub_content), "PT Maju Jaya Sentosa"))
    assert "more than 90 days ago" in out and "is on the list" not in out
    out = text_of(Lookup(reg).prompt(ctx_for("registry_lookup", "en", stub_content)))
    assert "more than 90 days ago" in out and "Type the company" not in out


@pytest.mark.parametrize(
    "query, result",
    [
        ("PT Maju Jaya Sentosa", "found"),
        ("PT Karya Mandiri Lestari", "found"),  # on the list, licence expired: still found
        ("PT Maju Jaya Sentossa", "not_found"),  # a typo is never "on the list"
        ("PT Cahaya Bintang Samudra", "not_found"),
    ],
)
def test_each_lookup_reports_its_outcome(lookup, stub_content, query, result):
    ctx = ctx_for("registry_lookup", "en", stub_content)
    lookup.answer(ctx, query)
    assert ctx.outcome == {"kind": "registry", "result": result}


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
def run_check(stub_content, lang, picks, ctx_out=None):
    """Answer with buttons: an answer id, or a country code (two capital letters)."""
    tool = RecruiterCheckTool()
    state: dict = {}
    c = ctx_for("recruiter_check", lang, stub_content, state)
    out = tool.start(c)
    for qi, answer_id in enumerate(picks):
        q = stub_content.files["recruiter_check.yaml"]["questions"][qi]
        if re.fullmatch(r"[A-Z]{2}", answer_id):
            out = tool.on_button(c, f"a:{qi}:c{answer_id}")
        else:
            ai = [a["id"] for a in q["answers"]].index(answer_id)
            out = tool.on_button(c, f"a:{qi}:{ai}")
    if ctx_out is not None:
        ctx_out.append(c)
    return out, state


QUESTIONS = ["who", "job", "destination", "money", "documents", "disnaker", "job_order", "visa_contract"]
SAFE_PICKS = ["company", "other", "HK", "no", "no", "yes", "yes", "yes"]
DESTINATION = QUESTIONS.index("destination")


def test_question_order_matches_the_picks(stub_content):
    assert [q["id"] for q in stub_content.files["recruiter_check.yaml"]["questions"]] == QUESTIONS


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
    picks[DESTINATION] = "KH"
    out, _ = run_check(stub_content, "id", picks)
    text = text_of(out)
    assert "Ada tanda bahaya serius" in text and "Kamboja: tidak ada penempatan pekerja migran resmi" in text
    assert "Yang membuat kami khawatir" in text
    out, _ = run_check(stub_content, "en", picks)
    text = text_of(out)
    assert "serious warning signs" in text and "no legal placement" in text and "What raised concern" in text


def test_money_and_person_give_check_first_with_each_reason(stub_content):
    picks = ["person", "other", "HK", "no", "no", "yes", "yes", "yes"]
    text = text_of(run_check(stub_content, "id", picks)[0])
    assert "beberapa hal yang perlu Anda cek dulu" in text and "P3MI" in text
    picks = ["company", "other", "HK", "yes", "no", "yes", "yes", "yes"]
    text = text_of(run_check(stub_content, "en", picks)[0])
    assert "a few things to check" in text
    assert "Placement costs may not be charged to you under UU 18/2017 Pasal 30" in text
    assert "Ask KP2MI for the current rules" in text


def test_all_not_sure_lists_every_question(stub_content):
    out, _ = run_check(stub_content, "id", ["unsure"] * 8)
    text = text_of(out)
    assert "Ada tanda bahaya serius" in text  # 8 unknowns add up
    assert text.count("• Anda belum tahu") == 8


def test_verdict_buttons_lead_to_the_name_check_help_and_menu(stub_content):
    out, _ = run_check(stub_content, "id", SAFE_PICKS)
    data = data_of(out)
    assert "t:registry_lookup:" in data and "m:help" in data and "a:menu" in data and "t:recruiter_check:" in data
    labels = [b.label for r in out for b in r.all_buttons()]
    assert "Cek nama PT" in labels and "Minta bantuan" in labels
    for r in out:
        assert len(r.text) <= 600, r.text  # a phone screen


def test_questions_show_progress_and_buttons(stub_content):
    tool = RecruiterCheckTool()
    c = ctx_for("recruiter_check", "id", stub_content)
    out = tool.start(c)
    assert "Pertanyaan 1 dari 8" in out[0].text and "Tidak tahu" in [b.label for b in out[0].all_buttons()]
    c = ctx_for("recruiter_check", "en", stub_content)
    out = tool.start(c)
    assert "Question 1 of 8" in out[0].text and "Not sure" in [b.label for b in out[0].all_buttons()]


def test_old_and_unknown_buttons(stub_content):
    tool = RecruiterCheckTool()
    state: dict = {}
    c = ctx_for("recruiter_check", "id", stub_content, state)
    tool.start(c)
    tool.on_button(c, "a:0:0")
    again = tool.on_button(c, "a:0:1")  # the first question's button, again
    assert "Tombol itu dari pertanyaan sebelumnya" in again[0].text and "Pertanyaan 2 dari 8" in again[0].text
    assert state["q"] == 1 and state["ans"] == {"who": "company"}
    assert "Tombol itu" in tool.on_button(c, "a:1:9")[0].text  # no such answer
    assert tool.on_button(c, "zzz") is None and tool.on_button(c, "a:x:1") is None
    assert "Tombol itu" in tool.on_button(c, "a:1:cXX")[0].text  # no such country
    for qi in range(1, 8):
        tool.on_button(c, f"a:{qi}:1")
    assert state["done"] and tool.on_button(c, "a:7:0") is None  # finished: the engine says it is old
    assert "Pertanyaan 1 dari 8" in tool.on_button(c, "")[0].text  # start again


def test_typed_answers(stub_content):
    tool = RecruiterCheckTool()
    state: dict = {}
    c = ctx_for("recruiter_check", "id", stub_content, state)
    tool.start(c)
    assert "Pertanyaan 2" in tool.on_text(c, "calo")[0].text
    assert "Pertanyaan 3" in tool.on_text(c, "gak tau")[0].text  # "not sure", not "no"
    assert tool.on_text(c, "berapa gaji di malaysia sekarang untuk pekerja pabrik") is None
    assert "Pertanyaan 4" in tool.on_text(c, "ke kamboja")[0].text  # a country's name or keyword
    assert "Pertanyaan 5" in tool.on_text(c, "iya")[0].text
    assert state["ans"] == {"who": "person", "job": "unsure", "destination": "KH", "money": "yes"}
    for typed, code in [("Uni Emirat Arab", "AE"), ("arab saudi", "SA"), ("sihanoukville", "KH"), ("taiwan", "TW")]:
        q = stub_content.files["recruiter_check.yaml"]["questions"][DESTINATION]
        assert tool._typed_choice(stub_content, q, typed, "id") == code, typed


def test_validate_content(stub_content):
    tool = RecruiterCheckTool()
    assert tool.validate_content(stub_content) == []
    spec = stub_content.files["recruiter_check.yaml"]
    spec["questions"][QUESTIONS.index("money")]["answers"][0].pop("reason")
    spec["verdicts"] = [v for v in spec["verdicts"] if v["min_score"] > 0]
    spec["questions"][QUESTIONS.index("documents")]["answers"][1]["keywords"]["id"].append("iya")  # "iya" means yes and no
    problems = [p.message for p in tool.validate_content(stub_content)]
    assert any("needs a reason" in p for p in problems)
    assert any("min_score: 0" in p for p in problems)
    assert any("'iya'" in p for p in problems)
    stub_content.files.clear()
    assert "missing" in tool.validate_content(stub_content)[0].message


def test_every_country_of_contacts_is_in_one_destination_group(stub_content):
    tool = RecruiterCheckTool()
    q = stub_content.files["recruiter_check.yaml"]["questions"][DESTINATION]
    grouped = [c for g in q["countries"] for c in g["codes"]]
    assert sorted(grouped) == sorted(stub_content.countries) and len(set(grouped)) == len(grouped)
    q["countries"][-1]["codes"].remove("JP")  # a country in no group: an error naming it
    stub_content.countries["ZZ"] = {"name": {"id": "Zedland", "en": "Zedland"}, "keywords": [], "missions": []}
    problems = [p.message for p in tool.validate_content(stub_content)]
    assert any("in no group" in p and "JP" in p and "ZZ" in p for p in problems), problems


@pytest.mark.parametrize("code", ["KH", "MM", "LA", "PH", "TH", "VN"])
def test_scam_compound_countries_are_never_no_warning_signs(stub_content, code):
    picks = SAFE_PICKS.copy()
    picks[DESTINATION] = code
    for lang, name_of in (("id", "id"), ("en", "en")):
        ctxs: list = []
        out, _ = run_check(stub_content, lang, picks, ctxs)
        text = text_of(out)
        assert "kami tidak melihat tanda bahaya" not in text and "we see no warning signs" not in text
        assert stub_content.countries[code]["name"][name_of] in text  # the reason names the country
        assert ctxs[0].outcome["level"] in ("medium", "high") and ctxs[0].outcome["country"] == code


def test_a_company_offering_cs_work_in_laos_is_serious(stub_content):
    picks = SAFE_PICKS.copy()
    picks[QUESTIONS.index("job")] = "online"
    picks[DESTINATION] = "LA"
    ctxs: list = []
    out, _ = run_check(stub_content, "en", picks, ctxs)
    text = text_of(out)
    assert "serious warning signs" in text and "Laos is one of the countries" in text and "Customer service" in text
    assert ctxs[0].outcome == {"kind": "recruiter_check", "level": "high", "flags": ["job:online", "destination:LA"], "country": "LA"}


@pytest.mark.parametrize("code", ["MY", "SA", "AE"])
def test_visit_visa_routes_say_what_to_check(stub_content, code):
    picks = SAFE_PICKS.copy()
    picks[DESTINATION] = code
    ctxs: list = []
    text = text_of(run_check(stub_content, "id", picks, ctxs)[0])
    assert "visa kunjungan" in text and "Yang masih perlu dicek" in text and "Yang membuat kami khawatir" not in text
    assert ctxs[0].outcome == {"kind": "recruiter_check", "level": "low", "flags": [f"destination:{code}"], "country": code}


def test_outcome_without_concerns_and_without_a_country(stub_content):
    ctxs: list = []
    run_check(stub_content, "en", SAFE_PICKS, ctxs)
    assert ctxs[0].outcome == {"kind": "recruiter_check", "level": "low", "flags": [], "country": "HK"}
    picks = SAFE_PICKS.copy()
    picks[DESTINATION] = "other"
    ctxs = []
    run_check(stub_content, "en", picks, ctxs)
    assert ctxs[0].outcome["country"] is None


def test_make_tools_uses_the_sqlite_store_file(tmp_path):
    from bot.store import SQLiteStore

    store = SQLiteStore(str(tmp_path / "x.sqlite3"))
    tools = make_tools(None, store)
    assert [t.name for t in tools] == ["recruiter_check", "registry_lookup"]
    assert tools[1].lookup.registry.db is store.db
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
