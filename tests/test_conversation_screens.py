"""Every conversational screen fits a phone: direct answers, small talk, the self-harm and
departure cards, follow-ups and the emergency replies, in both languages, for every country."""
import pytest

from bot.engine.session import Context, Session
from bot.engine.turn import Turn
from bot.i18n import translator
from tests.test_dialogs import fresh_engine

SCREEN = 600
COUNTRIES = [None, "KH", "MM", "LA", "PH", "MY", "SA", "VN"]


def turn(content, lang, country=None, **kw):
    return Turn("screens", Session(lang=lang, country=country, **kw), content, translator(lang), 0.0)


def longest(replies):
    return max(len(r.text) for r in replies)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_answers_and_cards_fit_one_screen(content, lang):
    engine, _ = fresh_engine(content)
    for country in COUNTRIES:
        for aid in content.answers:
            assert longest(engine._answer(turn(content, lang, country), aid)) <= SCREEN, (aid, country)
        t = turn(content, lang, country)
        for kind in content.conversation["smalltalk"]:
            if kind != "human_contacts":
                assert longest(engine.conversation.small_talk(t, kind)) <= SCREEN, kind
        assert longest(engine.conversation.self_harm(t)) <= SCREEN
        assert longest(engine.conversation.departing(t)) <= SCREEN
        for kind, levels in [("offer", "hml"), ("recruiter_check", "hml")]:
            for lv in ("high", "medium", "low"):
                assert longest(engine.conversation.followup(t, Context(kind, 0, level=lv))) <= SCREEN
        for result in ("found", "not_found", "no_list"):
            assert longest(engine.conversation.followup(t, Context("registry", 0, result=result))) <= SCREEN
        for kind in ("help", "emergency", "answer"):
            assert longest(engine.conversation.followup(t, Context(kind, 0))) <= SCREEN


@pytest.mark.parametrize("lang", ["id", "en"])
def test_emergency_first_reply_is_one_screen_with_the_number_first(content, lang):
    engine, _ = fresh_engine(content)
    hotline = content.contacts["kemlu_pwni"]["lines"][0]["value"]
    for country in COUNTRIES:
        for family in (False, True):
            for location in (None, "abroad", "indonesia"):
                t = turn(content, lang, country, location=location)
                text = engine.desk.first(t, family)[0].text
                assert len(text) <= SCREEN, (country, family, location)
                # in Indonesia the police come first, also for a family member when no country
                # abroad was named; anywhere else the Kemlu hotline does
                police = location == "indonesia" and (not family or country is None)
                if not police:
                    assert text.index(hotline) < 120, "the number to call comes first"
                else:
                    assert "110" in text.splitlines()[0]
                # the country's first mission is on the screen; all of them are behind "Other contacts"
                # (a country with several missions would not fit one screen once their notes grow)
                missions = engine.contacts.missions(country)
                more = "\n".join(r.text for r in engine.desk.more(t))
                for i, mid in enumerate(missions):
                    number = next(ln["value"] for ln in content.contacts[mid]["lines"] if any(ch.isdigit() for ch in ln["value"]))
                    assert number in more, (country, mid)
                    if i == 0:
                        assert number in text, (country, mid)
                        if not police:
                            assert text.index(hotline) < text.index(number), "Kemlu before the mission"


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_family_member_in_danger_inside_indonesia_gets_the_police_first(content, lang):
    engine, _ = fresh_engine(content)
    t = turn(content, lang, None, location="indonesia")
    text = engine.desk.first(t, True)[0].text
    assert "110" in text.splitlines()[0] and "0800-1000" in text
    assert len(text) <= SCREEN


@pytest.mark.parametrize("lang", ["id", "en"])
def test_help_answers_name_the_mission_after_the_kemlu_hotline(content, lang):
    engine, _ = fresh_engine(content)
    hotline = content.contacts["kemlu_pwni"]["lines"][0]["value"]
    t = turn(content, lang, "KH")
    text = "\n".join(r.text for r in engine._answer(t, "lost_contact"))
    mission = content.t(content.contacts["kbri_phnom_penh"]["name"], lang)
    assert mission in text
    assert text.index(hotline) < text.index(mission)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_first_emergency_reply_fits_one_screen_in_every_country(content, lang):
    """A country with several missions (the UAE: Dubai and Abu Dhabi) still gets a first
    emergency reply of one screen, for the person and for a parent writing for them."""
    from bot.engine import Event

    too_long = []
    for code, country in content.countries.items():
        name = country["name"][lang].lower()
        said_by = {"id": (f"aku disekap di {name}", f"anak saya disekap di {name}"),
                   "en": (f"i am locked in a room in {name}", f"my daughter is locked in a room in {name}")}
        for said in said_by[lang]:
            engine, _ = fresh_engine(content)
            first = engine.handle("u", Event.message(said, lang_hint=lang))[0]
            assert first.source == "emergency", said
            if len(first.text) > 600:
                too_long.append((said, len(first.text)))
    assert too_long == []
