"""The checker's structural rules (bot/offers/checker.py, OfferChecker._decide): good signs are
words anyone can paste, so they never take a level below a hard sign; the scam-compound pattern and
a country without legal placement keep an offer at least medium; a work visa "arranged there" next
to a tourist visa is no good sign; the result is typed and frozen."""
import dataclasses
import itertools

import pytest

from bot.offers.checker import (
    COMPOUND_JOB_FLAGS, COMPOUND_PLACE_FLAGS, CONTRADICTED_BY, RISKS, Flag, GoodSign, OfferAnalysis,
)

# every good sign of content/redflags.yaml, in the words a scammer would paste
OFFICIAL_WORDS = ("PT Fiktif Sentosa resmi P3MI (SIP3MI No. 123/2024), terdaftar di BP2MI, job order terdaftar "
                  "di siskop2mi, visa kerja, BPJS Ketenagakerjaan, kontrak kerja sebelum berangkat, program "
                  "G to G, lewat Disnaker, pelatihan BLK, OPP, tes kesehatan, tanpa biaya penempatan.")


def ids(result):
    return [f.id for f in result.flags]


def at_least(level, floor):
    return RISKS.index(level) >= RISKS.index(floor)


def test_the_issue_example_is_no_longer_low(checker):
    # rated LOW before: five good signs (cap 5) cancelled Manila (3) + operator (2) + high pay (2)
    r = checker.check("Operator komputer di Manila, gaji 18 juta. P3MI, BP2MI, job order, visa kerja, BPJS")
    assert r.level == "medium"
    assert {"scam_region", "compound_job"} <= set(ids(r))
    assert r.positives  # the good signs are still listed, as claims to check
    assert r.country == "PH"


@pytest.mark.parametrize("place,job", list(itertools.product(
    ["Kamboja", "Sihanoukville", "Myanmar", "Myawaddy", "Thailand", "Bangkok", "Laos", "Vientiane",
     "Filipina", "Manila", "Cebu", "Vietnam", "Ho Chi Minh"],
    ["operator komputer", "customer service", "CS", "admin", "marketing online", "crypto", "game online",
     "typing", "data entry"],
)))
def test_a_compound_job_in_a_compound_country_stays_at_least_medium(checker, place, job):
    r = checker.check(f"Lowongan {job} di {place}, gaji 15 juta. {OFFICIAL_WORDS}")
    assert at_least(r.level, "medium"), (place, job, r)
    both = [f for f in r.flags if f.id in COMPOUND_PLACE_FLAGS | COMPOUND_JOB_FLAGS]
    assert len(both) >= 2 and all(f.severity != "low" for f in both)


def test_every_country_without_legal_placement_stays_at_least_medium(checker, content):
    """content/contacts.yaml says which countries have no legal placement; every way it writes
    them (except words that are also ordinary words) keeps an offer at least medium, whatever
    good signs it pastes."""
    ambiguous = {"thai", "lao", "clark", "perbatasan myanmar", "perbatasan thailand"}
    codes = [c for c, v in content.countries.items() if v.get("legal_placement") is False]
    assert {"KH", "MM", "TH"} <= set(codes)
    missed = []
    for code in codes:
        for name in content.countries[code]["keywords"]:
            if name in ambiguous:
                continue
            r = checker.check(f"Kerja di {name}, pabrik, gaji 7 juta. {OFFICIAL_WORDS}")
            if not (at_least(r.level, "medium") and "no_legal_placement" in ids(r) and r.country == code):
                missed.append((code, name, r.level, r.country))
    assert not missed


def test_the_redflags_places_follow_contacts_yaml(offers_rules, content):
    places = {p["id"]: p for p in offers_rules["places"]}
    for code, country in content.countries.items():
        if country.get("legal_placement") is False:
            assert places[code].get("flag") == "no_legal_placement", code
    flag = {f["id"]: f for f in offers_rules["flags"]}["no_legal_placement"]
    assert flag["min_risk"] in ("medium", "high")


@pytest.mark.parametrize("text", [
    "Customer service for a hotel in Kuala Lumpur, RM 3,000. Licensed placement company. You travel on a "
    "tourist visa; the work permit will be arranged there. Contract signed before departure.",
    "Kerja restoran di Malaysia gaji RM 2.500, berangkat pakai visa turis, visa kerja nanti diurus di sana. P3MI resmi.",
    "Kerja hotel di Dubai, visa kunjungan dulu, work permit arranged there, job order ada.",
])
def test_a_work_visa_arranged_there_is_no_good_sign_next_to_a_tourist_visa(checker, text):
    r = checker.check(text)
    assert "tourist_visa" in ids(r)
    assert "work_visa" not in {p.id for p in r.positives}
    assert at_least(r.level, "medium")


@pytest.mark.parametrize("text", [
    "Lowongan pabrik di Malaysia gaji RM 2.000, visa kerja nanti diurus agen.",
    "Kerja di Taiwan, izin kerja nanti diurus, berangkat cepat.",
    "Factory job in Poland, EUR 1,200, work permit will be arranged after you arrive.",
])
def test_a_work_visa_later_is_a_warning_sign(checker, text):
    r = checker.check(text)
    assert "tourist_visa" in ids(r) and at_least(r.level, "medium")


def test_a_cs_job_in_laos_with_every_official_word(checker):
    r = checker.check(f"Dibutuhkan customer service di Vientiane, Laos, gaji USD 1.100. {OFFICIAL_WORDS}")
    assert r.level == "medium" and r.country == "LA"
    assert len(r.positives) >= 8


def test_good_signs_contradicted_by_a_red_flag_are_void(checker):
    r = checker.check("Kerja di Taiwan. Tanpa biaya, tapi biaya proses 5jt dan potong gaji 6 bulan. Kontrak di sana. "
                      "Kontrak sebelum berangkat. Dijamin berangkat tanpa tes, seleksi.")
    found = set(ids(r))
    for good, flags in CONTRADICTED_BY.items():
        if flags & found:
            assert good not in {p.id for p in r.positives}, good


def test_the_result_is_typed_and_frozen(checker):
    r = checker.check("LOKER KAMBOJA CS gaji 15jt tanpa pengalaman, tiket gratis, visa turis. P3MI, BPJS. WA 0812xxxx")
    assert isinstance(r, OfferAnalysis)
    assert all(isinstance(f, Flag) for f in r.flags) and all(isinstance(g, GoodSign) for g in r.positives)
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.level = "low"
    # most serious first: by severity, then weight
    keys = [(RISKS.index(f.severity), f.weight) for f in r.flags]
    assert keys == sorted(keys, reverse=True)
    assert r.flags[0].severity == "medium" and r.level == "high"
    assert set(r.as_json()) == {"risk", "score", "flags", "positives"}


def test_no_flags_means_low_and_a_level_never_below_a_flag(checker, training_set, heldout_set):
    import json
    from pathlib import Path

    independent = [json.loads(x) for x in (Path(__file__).parent / "independent.jsonl").read_text().splitlines() if x.strip()]
    for o in training_set + heldout_set + independent:
        r = checker.check(o["text"])
        if not r.flags:
            assert r.level == "low" and r.found_no_flags
        for f in r.flags:
            assert at_least(r.level, f.severity)


@pytest.mark.parametrize("text,code", [
    ("Kerja di Taiwan, pabrik, gaji NT$ 27.000", "TW"),
    ("Kerja di Kamboja, transit Malaysia dulu", "KH"),
    ("LOKER 🇰🇭 CS gaji 15jt", "KH"),
    ("Kerja di Surabaya, admin gudang, gaji 4jt", None),
    ("Lowongan di Eropa, gaji 20jt", None),
])
def test_the_destination_country(checker, text, code):
    assert checker.check(text).country == code


def test_a_fee_is_not_pay(checker):
    r = checker.check("Magang ke Jepang 3 tahun, biaya 60jt bisa dicicil")
    assert "absurd_pay" not in ids(r) and r.pay_idr is None
    assert "internship_fee" in ids(r)
    assert checker.check("Kerja di Jepang, gaji 25jt, DP 15jt").pay_idr == 25_000_000


# each red flag added for the other routes of the findings: an ad it is found in, and the ids of
# legitimate offers of the training set (tests/offers/offers.jsonl) about the same route, which stay low
NEW_FLAGS = {
    "domestic_work": ("Dibutuhkan ART ke Dubai, gaji 8jt, berangkat cepat", ["t105", "t106"]),
    "confinement": ("ART Malaysia, tidak ada hari libur, HP dipegang majikan", ["t105", "t106"]),
    "wages_withheld": ("Kerja kapal ikan Taiwan, gaji dibayar di akhir kontrak", ["t106", "t107", "t112"]),
    "internship_fee": ("Program magang Jepang, biaya program magang Rp 65 juta", ["t103", "t111"]),
    "fishing_boat": ("Dicari ABK kapal ikan asing, gaji USD 450", ["t107", "t112"]),
    "sexual_exploitation": ("Dicari LC karaoke di Malaysia gaji 25jt", ["t110", "t113"]),
    "entertainment_job": ("Terapis spa di Dubai gaji 35jt", ["t108", "t110"]),
}


@pytest.mark.parametrize("flag", sorted(NEW_FLAGS))
def test_each_new_route_flag_is_found_and_its_guards_stay_low(checker, training_set, flag):
    text, guards = NEW_FLAGS[flag]
    assert flag in ids(checker.check(text)), text
    by_id = {o["id"]: o for o in training_set}
    for gid in guards:
        assert by_id[gid]["label"] == "legit"
        assert checker.check(by_id[gid]["text"]).level == "low", gid


@pytest.mark.parametrize("text", [
    "Lowongan ART Malaysia, berangkat pakai visa kunjungan",
    "Kerja di Arab Saudi jadi sopir, berangkat lewat jalur umroh, sampai sana langsung kerja",
    "Umroh sambil kerja di Mekkah, gaji 9jt",
    "Job in Dubai for nannies, visit visa, salary 1,800 AED",
    "Kerja kilang Malaysia, masuk pakai social visit pass",
])
def test_visit_and_umrah_visas_for_work(checker, text):
    r = checker.check(text)
    assert "tourist_visa" in ids(r) and at_least(r.level, "medium")


def test_content_check_guards_these_rules(offers_rules, content):
    import copy

    from bot.offers.rules import validate_against_contacts, validate_redflags

    assert validate_against_contacts(offers_rules, content.countries) == []
    bad = copy.deepcopy(offers_rules)
    bad["places"] = [p for p in bad["places"] if p["id"] != "KH"]
    assert any("KH" in p.message for p in validate_against_contacts(bad, content.countries))
    bad = copy.deepcopy(offers_rules)
    bad["flags"] = [f for f in bad["flags"] if f["id"] != "compound_job"]
    bad["flags"][0]["why"]["id"] = "panjang " * 60
    msgs = [p.message for p in validate_redflags(bad, ["id", "en"]) if p.severity == "error"]
    assert any("'compound_job' is missing" in m for m in msgs)
    assert any("phone screen" in m for m in msgs)
