"""The engine's typed core: sessions from older releases keep a person's place, and button data
round-trips through one codec that refuses what the bot could not have made."""
import pytest

from bot.engine import Event
from bot.engine import callbacks as cb
from bot.engine.callbacks import Action, AnswerButton, CountryPick, NodeButton, OpenModule, ToolButton
from bot.engine.session import VERSION, Session
from bot.store import MemoryStore
from tests.test_engine import all_text, new_engine


@pytest.mark.parametrize("obj", [
    Action("menu"), Action("lang", "en"), Action("del", "yes"), OpenModule("help"),
    NodeButton("recruiter", "intro", 0), NodeButton("help", "where", 12), CountryPick("help", "country", "KH"),
    CountryPick("help", "country", "--"), ToolButton("offer_check", "again"), ToolButton("registry", "a:1:2"),
    ToolButton("registry_lookup"), AnswerButton("passport_held", 1),
])
def test_button_data_round_trips(obj):
    data = cb.encode(obj)
    assert len(data.encode()) <= 64
    assert cb.decode(data) == obj


@pytest.mark.parametrize("data", [
    "", "x", "a:", "a:menu:x:y", "m:", "m:help:extra", "b:help:start", "b:help:start:x", "b:help:start:c123",
    "b:help:start:9999", "t::x", "q:x", "q:x:y", "a:men u", "a:ménu", None, 5, "a:" + "x" * 70,
])
def test_forged_or_malformed_data_is_refused(data):
    assert cb.decode(data) is None


def test_names_the_format_cannot_carry_are_a_bug_not_a_button():
    with pytest.raises(ValueError):
        cb.encode(OpenModule("has:colon"))
    with pytest.raises(ValueError):
        cb.encode(NodeButton("m" * 40, "n" * 40, 1))  # over 64 bytes


def test_a_version_1_session_keeps_its_place(content):
    """Someone mid-lesson when the release with typed sessions went out keeps their place."""
    store = MemoryStore()
    store.save_session("tg:1", {
        "v": 1, "lang": "en", "module": "help", "node": "where", "tool": None, "tool_state": {},
        "country": "KH", "location": "abroad", "reporter": "family",
        "quiz": {"fake_offer": {"right": 1, "asked": 2}}, "confirm_delete": False,
    })
    engine = new_engine(content, store)
    replies = engine.resume("tg:1")
    node_text = content.t(content.modules["help"]["nodes"]["where"]["text"], "en").splitlines()[0][:30]
    assert node_text in all_text(replies)
    engine.handle("tg:1", Event.cmd("menu"))
    saved = store.load_session("tg:1")
    assert saved["v"] == VERSION and saved["lang"] == "en" and saved["country"] == "KH"
    assert saved["quiz"]["fake_offer"] == {"right": 1, "asked": 2}


def test_an_unreadable_session_starts_afresh():
    assert Session.from_dict({"v": 99, "lang": "en"}, "id").lang == "id"
    s = Session.from_dict({"v": 2, "lang": "en", "quiz": "junk", "context": {"kind": 3}, "turn": -4}, "id")
    assert s.lang == "en" and s.quiz == {} and s.context is None and s.turn == 0


def test_a_session_survives_its_stored_form():
    from bot.engine.session import Context, QuizProgress

    s = Session(lang="en", module="help", node="where", country="KH", quiz={"help": QuizProgress(2, 3)},
                context=Context("offer", 4, level="high", flags=["tourist_visa"], country="KH"), turn=5, options=[["a:menu", "", "Menu"]])
    assert Session.from_dict(s.to_dict(), "id") == s
