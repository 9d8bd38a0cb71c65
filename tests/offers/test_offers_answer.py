"""The answer a person reads, for every ad of every labelled set, in both languages: no message
over 600 characters, the verdict never contradicts the list of signs, never "aman"/"safe" about
an offer; the "see all signs" button, old buttons, and what the tool tells the engine."""
import json
import re
from pathlib import Path

import pytest

from bot.engine import Event
from bot.engine.tools import ToolContext
from bot.i18n import translator
from bot.offers.render import MAX_CHARS, TOP_FLAGS, verdict
from bot.offers.tool import OfferTool

HERE = Path(__file__).resolve().parent


def _ads():
    out = []
    for name in ("offers.jsonl", "heldout.jsonl", "independent.jsonl", "claims.jsonl"):
        for i, line in enumerate((HERE / name).read_text(encoding="utf-8").splitlines()):
            if line.strip():
                row = json.loads(line)
                if row.get("label") != "not_ad":
                    out.append((f"{name}:{i + 1}", row["text"]))
    return out


ADS = _ads()
LANGS = ("id", "en")


@pytest.fixture(scope="module")
def tool(offers_rules):
    return OfferTool(offers_rules, ["id", "en"])


def ctx_for(lang, state=None):
    return ToolContext(tool="offer_check", lang=lang, translate=translator(lang), state=state if state is not None else {})


def answer(tool, text, lang):
    """The answer and, if there is one, what the "see all" button shows."""
    ctx = ctx_for(lang)
    replies = tool.on_text(ctx, text)
    assert replies, text[:60]
    more = [b.data.split(":", 2)[2] for r in replies for b in r.all_buttons() if b.data.startswith("t:offer_check:all:")]
    extra = tool.on_button(ctx, more[0]) if more else []
    return ctx, replies, extra


def test_every_ad_is_answered(tool):
    assert len(ADS) > 250
    for where, text in ADS:
        assert tool.claims(text, ctx_for("id")), where


@pytest.mark.parametrize("lang", LANGS)
def test_no_message_over_600_characters(tool, lang):
    too_long = []
    for where, text in ADS:
        _ctx, replies, extra = answer(tool, text, lang)
        too_long += [(where, len(r.text)) for r in replies + extra if len(r.text) > MAX_CHARS]
    assert not too_long


# "aman"/"safe" may only appear negated ("belum tentu aman", "not safe"); the ad's own words,
# quoted between “ ”, are the advertiser's, not the bot's
NEGATED = re.compile(r"(belum tentu|tidak|bukan|belum|not|never|no longer|isn't)\s+(\w+\s+){0,2}$", re.I)


def positive_safety_words(text):
    text = re.sub(r"“[^”]*”", "", text)
    return [m.group() for m in re.finditer(r"\b(aman|safe|safely)\b", text, re.I)
            if not NEGATED.search(text[: m.start()])]


@pytest.mark.parametrize("lang", LANGS)
def test_never_says_an_offer_is_safe(tool, lang):
    said = []
    for where, text in ADS:
        _ctx, replies, extra = answer(tool, text, lang)
        for r in replies + extra:
            said += [(where, w) for w in positive_safety_words(r.text)]
    assert not said


def test_the_safety_word_check_itself():
    assert positive_safety_words("Lowongan ini aman.") == ["aman"]
    assert positive_safety_words("This offer is safe") == ["safe"]
    assert positive_safety_words("Lowongan ini belum tentu aman.") == []
    assert positive_safety_words("Kutipan: “dijamin aman”") == []


@pytest.mark.parametrize("lang", LANGS)
def test_the_verdict_never_contradicts_the_list(tool, offers_rules, lang):
    """'No warning signs' (the content's low meaning) only when the list is empty, for every ad."""
    none_found = offers_rules["messages"]["levels"]["low"]["meaning"][lang]
    wrong = []
    for where, text in ADS:
        result = tool.check(text)
        _ctx, replies, extra = answer(tool, text, lang)
        said_none = any(none_found in r.text for r in replies + extra)
        if said_none != (not result.flags):
            wrong.append((where, result.level, [f.id for f in result.flags]))
        line = verdict(result, offers_rules, lang, "id", translator(lang))
        assert "\n" not in line and replies[0].text.startswith(line)
        if result.flags:
            assert str(len(result.flags)) in line
    assert not wrong


@pytest.mark.parametrize("lang", LANGS)
def test_a_low_answer_says_what_was_checked_and_what_remains(tool, offers_rules, lang):
    text = ("PT Fiktif Karya Utama (P3MI), SIP3MI No. 001/FIKTIF/2024. Lowongan Taiwan operator pabrik, "
            "gaji NT$ 27.000/bulan. Job order terdaftar di siskop2mi. Pelatihan BLK, OPP, BPJS Ketenagakerjaan.")
    assert tool.check(text).level == "low"
    _ctx, replies, _extra = answer(tool, text, lang)
    out = "\n".join(r.text for r in replies)
    assert offers_rules["messages"]["low_checks"][lang] in out  # licence, siskop2mi, contract, work visa
    assert ("Yang saya periksa" if lang == "id" else "What I looked at") in out


AD = ("LOWONGAN KERJA KAMBOJA 🇰🇭\nPosisi: Customer Service\nGaji: Rp 15.000.000/bulan\nTanpa pengalaman, "
      "tiket + mess GRATIS. Berangkat minggu depan! Visa turis. Biaya proses 5jt. BPJS. Hubungi WA 0812xxxxxxx")


@pytest.mark.parametrize("lang,label", [("id", "Lihat semua tanda"), ("en", "See all signs")])
def test_the_three_most_serious_first_then_see_all(tool, offers_rules, lang, label):
    result = tool.check(AD)
    assert len(result.flags) > TOP_FLAGS
    ctx, replies, extra = answer(tool, AD, lang)
    titles = {f["id"]: f["title"][lang] for f in offers_rules["flags"] + offers_rules["positives"]}
    first = "\n".join(r.text for r in replies)
    shown = [f.id for f in result.flags if titles[f.id] in first]
    assert shown == [f.id for f in result.flags[:TOP_FLAGS]]
    buttons = [b for r in replies for b in r.all_buttons()]
    see_all = [b for b in buttons if b.data.startswith("t:offer_check:all:")]
    assert see_all and see_all[0].label == f"{label} ({len(result.flags) + len(result.positives)})"
    rest = "\n".join(r.text for r in extra)
    for f in result.flags[TOP_FLAGS:]:
        assert titles[f.id] in rest
    for g in result.positives:
        assert titles[g.id] in rest
    assert extra[-1].buttons  # and the way on


@pytest.mark.parametrize("payload", ["all:", "all:zzzzzz", "all:123456:7", "nope", "all"])
def test_an_old_or_unknown_button_gets_a_kind_reply(tool, payload):
    ctx = ctx_for("id")
    tool.on_text(ctx, AD)
    replies = tool.on_button(ctx, payload)
    assert replies and "lowongan" in replies[0].text.lower() and replies[0].buttons
    assert tool.on_button(ctx_for("en"), "all:abc")[0].text  # no state at all


def test_a_button_of_an_earlier_answer_does_not_show_another_offers_signs(tool):
    ctx = ctx_for("id")
    first = tool.on_text(ctx, AD)
    old = next(b.data for r in first for b in r.all_buttons() if b.data.startswith("t:offer_check:all:"))
    tool.on_text(ctx, "Loker Myanmar gaji 20 juta/bln, tanpa pengalaman, paspor ditahan, visa turis, tanpa kontrak. WA 08xx")
    replies = tool.on_button(ctx, old.split(":", 2)[2])
    assert len(replies) == 1 and "🚩" not in replies[0].text


def test_see_all_through_the_engine_and_after_leaving(engine):
    replies = engine.handle("a:1", Event.message(AD, lang_hint="id"))
    data = next(b.data for r in replies for b in r.all_buttons() if b.data.startswith("t:offer_check:all:"))
    more = engine.handle("a:1", Event.button(data))
    assert any("🚩" in r.text for r in more)
    engine.handle("a:1", Event.button("a:menu"))
    stale = engine.handle("a:1", Event.button(data))  # the tool is no longer active
    assert stale and stale[0].text and "🚩" not in stale[0].text


def test_the_outcome_for_follow_up_questions(tool):
    ctx = ctx_for("id")
    tool.on_text(ctx, AD)
    result = tool.check(AD)
    assert ctx.outcome == {"kind": "offer", "level": "high", "flags": [f.id for f in result.flags], "country": "KH"}
    assert ctx.outcome["flags"][0] == result.flags[0].id and result.flags[0].severity == "medium"
    json.dumps(ctx.outcome)
    ctx = ctx_for("id")
    tool.on_text(ctx, "Dicari admin gudang di Surabaya, gaji 4jt, WA 0812xxxx")
    assert ctx.outcome == {"kind": "offer", "level": "low", "flags": [], "country": None}
    ctx = ctx_for("id")
    assert tool.on_text(ctx, "amankah?") is None and ctx.outcome is None


def test_the_session_keeps_ids_not_words(tool):
    ctx = ctx_for("id")
    text = AD + " rahasiakutipan Sukamaju"
    tool.on_text(ctx, text)
    kept = json.dumps(ctx.state) + json.dumps(ctx.outcome)
    assert "rahasiakutipan" not in kept and "Sukamaju" not in kept and "KAMBOJA" not in kept
    for f in tool.check(text).flags:
        assert not f.snippet or f.snippet not in kept
