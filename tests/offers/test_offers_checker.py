"""The offer checker on the labelled sets, and the reading details (typos, pay, negation)."""
import pytest


def _rates(checker, items):
    scam = [checker.check(o["text"]).level for o in items if o["label"] == "scam"]
    legit = [checker.check(o["text"]).level for o in items if o["label"] == "legit"]
    return scam, legit


@pytest.mark.parametrize("which", ["training_set", "heldout_set"])
def test_floors(checker, which, request):
    items = request.getfixturevalue(which)
    scam, legit = _rates(checker, items)
    assert sum(r != "low" for r in scam) / len(scam) >= 0.95
    assert "high" not in legit
    assert sum(r == "medium" for r in legit) / len(legit) <= 0.20


def test_training_set_shape(training_set, heldout_set):
    assert len(training_set) >= 80 and len(heldout_set) == 40
    for items in (training_set, heldout_set):
        assert {o["label"] for o in items} == {"scam", "legit"}
    langs = {o.get("lang") for o in training_set}
    assert {"id", "en"} <= langs


def test_every_labelled_offer_at_its_level(checker, training_set):
    wrong = []
    for o in training_set:
        r = checker.check(o["text"])
        ok = r.level != "low" if o["label"] == "scam" else r.level == "low"
        if not ok:
            wrong.append((o["id"], r.level, o["text"][:60]))
    assert not wrong


def test_snippets_quote_the_offer(checker, training_set, heldout_set):
    for o in training_set + heldout_set:
        r = checker.check(o["text"])
        for h in r.flags + r.positives:
            assert h.snippet == "" or h.snippet.rstrip("…") in " ".join(o["text"].split()), (o["id"], h)


def ids(result):
    return {h.id: h.snippet for h in result.flags}


def test_cambodia_pattern_explained(checker):
    r = checker.check("LOKER KAMBOJA 🇰🇭 Customer Service gaji 15jt/bln, tanpa pengalaman, tiket + mess gratis. WA 0812xxxx")
    f = ids(r)
    assert r.level == "high"
    assert f["no_legal_placement"] == "KAMBOJA"
    assert f["compound_job"] == "Customer Service"
    assert f["high_pay"] == "15jt"
    assert f["no_experience"] == "tanpa pengalaman"


@pytest.mark.parametrize("text,place", [
    ("kerja di kambodja gaji 1000 dolar jadi admin", "kambodja"),
    ("lowongan cs di sihanoukvile gaji 18jt", "sihanoukvile"),
    ("kerjadikamboja admin gaji 15jt", "kerjadikamboja"),
    ("Dibutuhkan operator di 𝗞𝗔𝗠𝗕𝗢𝗝𝗔 gaji 15 juta", "𝗞𝗔𝗠𝗕𝗢𝗝𝗔"),
    ("job in Myawaddy, customer support, $1200", "Myawaddy"),
    ("Golden Triangle casino dealer 30,000 THB", "Golden Triangle"),
])
def test_places_with_typos_glued_and_styled(checker, text, place):
    r = checker.check(text)
    f = ids(r)
    assert (f.get("no_legal_placement") or f.get("scam_region")) and place.lower() in (f.get("no_legal_placement") or f.get("scam_region")).lower()
    assert r.level != "low"


@pytest.mark.parametrize("text,snippet", [
    ("Kamboja admin gaji Rp 15 juta", "Rp 15 juta"),
    ("Kamboja admin gaji 15jt", "15jt"),
    ("Kamboja admin gaji 15.000.000", "15.000.000"),
    ("Cambodia admin salary USD 1,200", "USD 1,200"),
    ("Cambodia admin salary $1000", "$1000"),
    ("Kamboja admin gaji 1000 dolar", "1000 dolar"),
    ("Thailand admin salary 25,000 THB", "25,000 THB"),
    ("Kamboja CS gaji 12-15jt", "12-15jt"),
])
def test_pay_in_any_written_form(checker, text, snippet):
    assert ids(checker.check(text)).get("high_pay") == snippet


def test_absurd_pay_and_normal_pay(checker):
    assert "absurd_pay" in ids(checker.check("Kerja di luar negeri gaji 150 juta per bulan, kerja santai"))
    legit = checker.check("PT Fiktif (P3MI) lowongan Taiwan operator pabrik gaji NT$ 27.000, job order di siskop2mi")
    assert legit.level == "low" and not legit.flags


def test_negation_and_warnings(checker):
    r = checker.check("Lowongan Taiwan PT Fiktif (P3MI). Tanpa biaya pendaftaran, tanpa potongan gaji, bukan visa turis. "
                      "Waspada penipuan yang menjanjikan berangkat tanpa tes!")
    assert not {"upfront_fee", "debt_salary_cut", "tourist_visa", "guaranteed_no_test"} & set(ids(r))
    assert r.level == "low"
    r = checker.check("PT Fiktif (P3MI). Kami tidak menempatkan ke Kamboja, Myanmar atau Thailand. Lowongan Taiwan.")
    assert "no_legal_placement" not in ids(r)


def test_domestic_job_is_not_a_migration_risk(checker):
    r = checker.check("Dibutuhkan admin online di Surabaya, tanpa pengalaman, gaji 4jt, hubungi WA 0812xxxx")
    assert r.level == "low" and not r.abroad and not r.flags
    r = checker.check("Guru les bahasa Inggris di Malang, gaji 3,5 juta")
    assert not r.abroad


@pytest.mark.parametrize("text,flag", [
    ("Kerja Dubai pakai visa kunjungan dulu", "tourist_visa"),
    ("Berangkat umroh dulu, nanti kerja di Mekkah, visa umroh", "tourist_visa"),
    ("Kalau ditanya imigrasi bilang mau liburan ya", "dont_tell_immigration"),
    ("Kerja Malaysia lewat Batam naik speedboat", "irregular_route"),
    ("Umur 16 bisa, KTP dibuatkan, kerja Taiwan", "falsified_identity"),
    ("Korea tanpa TOPIK dijamin berangkat", "guaranteed_no_test"),
    ("Kerja Arab Saudi tidak perlu ke Disnaker", "no_disnaker"),
    ("Kerja Hong Kong, paspor dipegang agen", "passport_held"),
    ("Kerja Jepang, kontrak tanda tangan di sana", "no_contract"),
    ("Biaya proses 3jt transfer ke rekening pribadi, kerja Malaysia", "personal_account"),
    ("Kerja Taiwan, biaya ditalangi, potong gaji 6 bulan", "debt_salary_cut"),
])
def test_each_modus(checker, text, flag):
    r = checker.check(text)
    assert flag in ids(r), (text, ids(r))
    assert r.level != "low"


def test_long_text_is_checked(checker, training_set):
    text = "\n\n".join(o["text"] for o in training_set[:40])[:8000]
    r = checker.check(text)
    assert r.level == "high"


@pytest.mark.parametrize("text", [
    "loker kamboja aman ga?",
    "gmn cek agen resmi",
    "tolong lihatin lowongan ini kak",
    "tolong saya disekap di kamboja",
    "banyak yang nawarin kerja luar negeri gaji gede, gimana bedain yang asli sama yang palsu?",
])
def test_questions_without_an_offer_are_not_claimed(checker, text):
    assert not checker.looks_like_offer(text)


@pytest.mark.parametrize("text", [
    "loker kamboja gaji 15jt aman ga?",
    "Saya dapat tawaran kerja di Kamboja sebagai admin dengan gaji 15 juta per bulan, apakah ini aman?",
    "Is this legit? Customer service job in Phnom Penh, $1,500 a month, free accommodation",
])
def test_questions_that_carry_the_offer_are_checked(checker, text):
    assert checker.looks_like_offer(text)


def test_pasted_offers_are_claimed(checker, training_set):
    long = [o for o in training_set if len(o["text"]) >= 120]
    claimed = sum(checker.looks_like_offer(o["text"]) for o in long)
    assert claimed / len(long) >= 0.9
