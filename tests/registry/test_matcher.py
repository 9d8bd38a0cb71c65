"""Name matching over a fictional list of 3,000 companies."""
import pytest

from bot.registry.matcher import NameMatcher, normalise_name
from fictional_list import ABSENT_WORDS


@pytest.mark.parametrize(
    "raw, norm",
    [
        ("PT Sumber Rejeki Abadi", "sumber rejeki abadi"),
        ("P.T. SUMBER-REJEKI ABADI", "sumber rejeki abadi"),
        ("p. t. sumber rejeki, abadi.", "sumber rejeki abadi"),
        ("PT. Sumber Rejeki Abadi (Persero) Tbk.", "sumber rejeki abadi"),
        ("CV Tunggal Sakti", "tunggal sakti"),
        ("C.V. Tunggal  Sakti", "tunggal sakti"),
        ("Perseroan Terbatas Maju Jaya", "maju jaya"),
        ("PT Karya Mandiri & Putra", "karya mandiri dan putra"),
        ("PT Ciptà Prima", "cipta prima"),
    ],
)
def test_normalise(raw, norm):
    assert normalise_name(raw) == norm


def names(matches):
    return [m.item.name for m in matches]


@pytest.mark.parametrize(
    "query",
    [
        "PT Maju Jaya Sentosa",
        "maju jaya sentosa",  # missing "PT"
        "P.T. MAJU JAYA SENTOSA",
        "pt. maju-jaya sentosa",  # punctuation
        "Sentosa Maju Jaya",  # reordered
        "Jaya Sentosa Maju",
        "majujaya sentosa",  # words glued
    ],
)
def test_the_same_name_written_differently_is_an_exact_hit(loaded, query):
    top = loaded.find(query)[0]
    assert top.item.name == "PT Maju Jaya Sentosa" and top.exact and top.score == 100


@pytest.mark.parametrize("query", ["PT Maju Jaya Sentossa", "PT Maju Jya Sentosa", "Mju Jaya Sentosa", "maju jaya sentos"])
def test_typos_find_the_name_as_same_name_not_exact(loaded, query):
    top = loaded.find(query)[0]
    assert top.item.name == "PT Maju Jaya Sentosa"
    assert top.same_name and not top.exact and top.score >= 85


def test_missing_words_still_find_the_name(loaded):
    assert "PT Maju Jaya Sentosa" in names(loaded.find("Maju Jaya"))
    assert "PT Karya Mandiri Lestari" in names(loaded.find("PT Karya Mandiri", limit=10))
    assert "PT Harapan Mulia Gemilang" in names(loaded.find("Harapan Mulia Gemilan"))
    # but it is not presented as the same name
    assert not next(m for m in loaded.find("Maju Jaya") if m.item.name == "PT Maju Jaya Sentosa").same_name


def test_near_duplicates_are_both_shown(loaded):
    found = loaded.find("Sumber Rejeki")
    assert found[0].item.name == "PT Sumber Rejeki" and found[0].exact
    assert "PT Sumber Rezeki Abadi" in names(found)
    found = loaded.find("Sumber Rezeki Abadi")
    assert found[0].item.name == "PT Sumber Rezeki Abadi"
    assert "PT Sumber Rejeki" in names(found)


def test_a_one_letter_different_name_is_never_an_exact_hit(loaded):
    # "Sumber Rejeki Abadi" is not on the list; "Sumber Rezeki Abadi" is: show it, never as exact
    found = loaded.find("PT Sumber Rejeki Abadi")
    assert "PT Sumber Rezeki Abadi" in names(found)
    assert not any(m.exact for m in found)


@pytest.mark.parametrize("query", [" ".join(ABSENT_WORDS[:3]), "PT " + " ".join(ABSENT_WORDS[3:6]), "Teratai Merapi", "xyz qwerty"])
def test_an_absent_name_comes_back_empty(loaded, query):
    assert loaded.find(query) == []


@pytest.mark.parametrize("query", ["PT Rejeki Sentosa Gemilang Utama", "Cahaya Sumber Abadi", "Bintang Maju Jaya"])
def test_an_absent_name_made_of_common_words_is_low_scored(loaded, query):
    names_on_list = {normalise_name(m.item.name) for m in loaded.find(query, limit=50)}
    assert normalise_name(query) not in names_on_list
    assert all(not m.same_name and not m.exact and m.score < 95 for m in loaded.find(query))


def test_results_are_sorted_best_first_and_limited(loaded):
    found = loaded.find("Karya Mandiri", limit=3)
    assert len(found) == 3
    assert [m.score for m in found if not m.exact] == sorted((m.score for m in found if not m.exact), reverse=True)


def test_empty_queries_and_lists():
    m = NameMatcher([], [])
    assert m.search("PT Apa Saja") == []
    m = NameMatcher(["a"], ["PT Sumber"])
    assert m.search("PT") == [] and m.search("   ") == []


@pytest.mark.parametrize("query, first", [
    ("PT Abadi Sumber Rejeki", "PT Abadi Sumber Rejeki"),
    ("sumber rejeki abadi", "PT Sumber Rejeki Abadi"),
    ("P.T. SUMBER-REJEKI ABADI", "PT Sumber Rejeki Abadi"),
    ("abadisumberrejeki", "PT Abadi Sumber Rejeki"),  # glued: only the same order is exact
])
def test_a_name_typed_exactly_comes_before_its_reordered_twin(query, first):
    # two companies whose names have the same words in another order: both are exact, but the
    # one typed in its own order is first, whichever comes first in the list
    for order in (["PT Sumber Rejeki Abadi", "PT Abadi Sumber Rejeki"], ["PT Abadi Sumber Rejeki", "PT Sumber Rejeki Abadi"]):
        found = NameMatcher(order, order).search(query)
        assert [m.item for m in found[:1]] == [first] and found[0].exact, (order, found)
        if " " in query.strip():
            assert len(found) >= 2 and found[1].exact  # the twin is exact too, only second
