"""The offer_check Tool inside the engine: claiming a pasted ad, answering in the person's
language with quotes and reasons, buttons, staying active, content validation."""
import copy
from types import SimpleNamespace

import pytest

from bot.engine import Event
from bot.offers.rules import validate_redflags
from bot.offers.tool import OfferTool, make_tool

AD_ID = ("LOWONGAN KERJA KAMBOJA 🇰🇭\nPosisi: Customer Service\nGaji: Rp 15.000.000/bulan\n"
         "Tanpa pengalaman, tiket + mess GRATIS. Berangkat minggu depan! Hubungi WA 0812xxxxxxx")
AD_EN = ("Hiring now! Customer service agents in Phnom Penh, Cambodia. Salary $1,200 per month. "
         "No experience needed. Free flight and accommodation. Telegram @cs_fiktif")
LEGIT = ("PT Fiktif Karya Utama (P3MI), SIP3MI No. 001/FIKTIF/2024. Lowongan Taiwan operator pabrik, "
         "gaji NT$ 27.000/bulan. Job order terdaftar di siskop2mi. Pelatihan BLK, OPP, BPJS Ketenagakerjaan.")


def all_text(replies):
    return "\n".join(r.text for r in replies)


def test_pasted_offer_is_claimed_and_explained(engine):
    replies = engine.handle("t:1", Event.message(AD_ID, lang_hint="id"))
    text = all_text(replies)
    assert "TINGGI" in text
    assert "“KAMBOJA”" in text and "“Customer Service”" in text and "“Rp 15.000.000”" in text
    assert "0800-1000" in text and "siskop2mi.bp2mi.go.id" in text
    assert all(len(r.text) <= 4096 for r in replies)
    assert 2 <= len(replies) <= 3
    datas = [b.data for r in replies for b in r.all_buttons()]
    assert "t:offer_check:again" in datas and "m:recruiter" in datas and "a:menu" in datas
    assert any(d in ("m:help", "a:help") for d in datas)


def test_answer_in_the_persons_language_whatever_the_ad(engine):
    engine.handle("t:2", Event.button("a:lang:en"))
    text = all_text(engine.handle("t:2", Event.message(AD_ID)))
    assert "HIGH" in text and "Country with no legal placement" in text and "“KAMBOJA”" in text
    engine.handle("t:3", Event.cmd("start", lang_hint="id"))
    text = all_text(engine.handle("t:3", Event.message(AD_EN)))
    assert "TINGGI" in text and "“Phnom Penh”" in text


def test_low_risk_never_says_safe_and_lists_remaining_checks(engine):
    text = all_text(engine.handle("t:4", Event.message(LEGIT, lang_hint="id")))
    assert "RENDAH" in text and "Yang masih perlu dicek" in text
    assert " aman" not in text.lower() and "safe" not in text.lower()


def test_stays_active_for_another_paste_and_lets_short_text_through(engine):
    engine.handle("t:5", Event.message(AD_ID))
    again = engine.handle("t:5", Event.button("t:offer_check:again"))
    assert again and again[0].text
    short = engine.handle("t:5", Event.message("LOKER MYAWADDY admin 20jt tanpa pengalaman wa 08xx"))
    assert "“MYAWADDY”" in all_text(short)
    menu = engine.handle("t:5", Event.message("menu"))
    assert "offer_check" not in all_text(menu)


def test_questions_go_to_the_lessons_not_the_checker(engine):
    for q in ("loker kamboja aman ga?", "gmn cek agen resmi"):
        text = all_text(engine.handle("t:6", Event.message(q, lang_hint="id")))
        assert "Risiko" not in text and "Risk:" not in text


def test_entered_from_the_fake_offer_module(engine, content):
    nodes = [(mid, nid) for mid, m in content.modules.items() for nid, n in m["nodes"].items() if n.get("tool") == "offer_check"]
    if not nodes:
        pytest.skip("no content node with tool: offer_check yet")
    tool = make_tool(content, None)
    from bot.engine.tools import ToolContext

    ctx = ToolContext(tool="offer_check", lang="id", translate=lambda s: s)
    assert tool.start(ctx)[0].text


def test_tool_validates_its_content(content):
    tool = make_tool(content, None)
    assert [p for p in tool.validate_content(content) if p.severity == "error"] == []
    assert tool.validate_content(SimpleNamespace(files={}, languages=["id", "en"]))[0].file == "redflags.yaml"


def test_broken_content_is_reported_with_lines(offers_rules):
    bad = copy.deepcopy(offers_rules)
    bad["flags"][0]["patterns"] = {"id": ["(unclosed"]}
    bad["flags"][1]["why"] = {"id": "hanya id"}
    bad["flags"][2]["id"] = bad["flags"][3]["id"]
    bad["places"][0]["flag"] = "nope"
    problems = validate_redflags(bad, ["id", "en"])
    msgs = "\n".join(p.message for p in problems)
    assert "does not compile" in msgs and "'en' text" in msgs and "used twice" in msgs and "'nope'" in msgs
    OfferTool(bad)  # a broken pattern does not stop the tool from starting
