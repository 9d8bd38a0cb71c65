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
    assert "Question 1 of 7" in texts(out)
    for qi, ai in enumerate([1, 0, 0, 0, 1, 0, 1]):  # person, pays, keeps documents, ..., Cambodia, no visa
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
    for answer in ["perusahaan", "tidak", "tidak", "ya", "ya", "tidak"]:
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
