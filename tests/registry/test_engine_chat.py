"""Both tools through the real engine and content, as a person would use them."""
import pytest

from bot.engine import Event
from fictional_list import fictional_csv


def texts(replies):
    return "\n\n".join(r.text for r in replies)


def datas(replies):
    return [b.data for r in replies for b in r.all_buttons()]


@pytest.fixture
def chat(engine):
    from bot.registry.parse import parse_csv

    reg = engine.tools["registry_lookup"].lookup.registry
    reg.replace(parse_csv(fictional_csv(2000)).companies)  # retrieved today: fresh
    return engine


def test_a_typed_name_check_is_claimed_from_anywhere(chat):
    out = chat.handle("u1", Event.message("cek PT Maju Jaya Sentosa"))
    assert "ada di daftar perusahaan penempatan berizin" in texts(out)
    out = chat.handle("u1", Event.message("PT Cahaya Bintang Samudra resmi gak?"))
    assert "tidak ada di daftar kami" in texts(out)
    assert "ilegal" not in texts(out).lower()


def test_a_general_question_is_not_claimed(chat):
    out = chat.handle("u2", Event.message("gmn cek agen resmi"))
    assert "daftar kami" not in texts(out) and "Ketik nama perusahaannya" not in texts(out)


def test_guided_check_then_name_check_in_english(chat):
    chat.handle("u3", Event.start("menu-en"))
    out = chat.handle("u3", Event.button("t:recruiter_check:"))
    assert "Question 1 of 8" in texts(out)
    # person, CS work, Cambodia, pays, keeps documents, Disnaker yes, no job order, no visa
    for qi, ai in enumerate(["1", "0", "cKH", "0", "0", "0", "1", "1"]):
        out = chat.handle("u3", Event.button(f"t:recruiter_check:a:{qi}:{ai}"))
    assert "serious warning signs" in texts(out) and "What raised concern" in texts(out)
    assert "t:registry_lookup:" in datas(out)
    out = chat.handle("u3", Event.button("t:registry_lookup:"))
    assert "Type the company's name" in texts(out)
    out = chat.handle("u3", Event.message("karya mandiri lestari"))
    assert "its licence ran out on" in texts(out)


def test_guided_check_in_indonesian_with_typed_answers(chat):
    chat.handle("u4", Event.start("menu-id"))
    chat.handle("u4", Event.button("t:recruiter_check:"))
    for answer in ["perusahaan", "pabrik", "hong kong", "tidak", "tidak", "ya", "ya"]:
        out = chat.handle("u4", Event.message(answer))
    out = chat.handle("u4", Event.message("ya"))
    assert "kami tidak melihat tanda bahaya" in texts(out) and "belum berarti" in texts(out)
    out = chat.handle("u4", Event.button("t:recruiter_check:a:2:0"))  # an old button
    assert "Ketik" not in texts(out) and out


def test_old_lookup_button_starts_afresh(chat):
    out = chat.handle("u5", Event.button("t:registry_lookup:"))
    assert "Ketik nama perusahaannya" in texts(out)
    out = chat.handle("u5", Event.message("PT Berkah Insani Perkasa"))
    assert "izinnya sudah dicabut" in texts(out)


def test_a_company_offering_cs_work_in_laos_is_never_no_warning_signs(chat):
    chat.handle("u6", Event.start("menu-id"))
    chat.handle("u6", Event.button("t:recruiter_check:"))
    for answer in ["perusahaan", "customer service", "laos", "tidak", "tidak", "ya", "ya", "ya"]:
        out = chat.handle("u6", Event.message(answer))
    text = texts(out)
    assert "kami tidak melihat tanda bahaya" not in text
    assert "Ada tanda bahaya serius" in text and "Laos termasuk negara" in text


def test_the_destination_question_lists_every_country(chat, content):
    chat.handle("u7", Event.start("menu-en"))
    chat.handle("u7", Event.button("t:recruiter_check:"))
    chat.handle("u7", Event.button("t:recruiter_check:a:0:0"))
    out = chat.handle("u7", Event.button("t:recruiter_check:a:1:0"))
    assert "Question 3 of 8" in texts(out)
    data = datas(out)
    for code in content.countries:
        assert f"t:recruiter_check:a:2:c{code}" in data, code
    assert all(len(d.encode()) <= 64 for d in data)


def test_no_list_button_answers_with_the_official_ways_at_once(engine):
    # the project ships no list: the button says so first, in one line, and how to check
    out = engine.handle("u8", Event.button("m:recruiter"))
    out = engine.handle("u8", Event.button("b:recruiter:intro:2"))  # "Cek nama PT"
    text = texts(out)
    assert "tidak memuat daftar resmi" in text and "Ketik nama" not in text
    assert "siskop2mi.bp2mi.go.id" in text and "+62 811-8080-141" in text and "0800-1000" in text
    assert text.index("tidak memuat daftar resmi") < text.index("siskop2mi")
    assert "t:registry_lookup:why" in datas(out)
    why = texts(engine.handle("u8", Event.button("t:registry_lookup:why")))
    assert "438" in why and "111" in why
    typed = texts(engine.handle("u8", Event.message("cek PT Maju Jaya resmi gak?")))
    assert typed.startswith("Bot ini tidak memuat daftar resmi") and "\"PT Maju Jaya\"" in typed
