"""Property-based tests of the engine (issue 12): random event sequences never break it.

Any unicode (emoji, right-to-left, zero-width, 10,000 characters, empty), forged and stale
button data, junk command arguments, language switches mid-quiz, every /start payload shape.
No exception escapes; every event gets at least one reply, with text under 4,096 characters,
button labels under 64 characters and data of at most 64 bytes; the session stays valid JSON.
"""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import build_engine
from bot.engine.events import Event
from bot.store import MemoryStore

ENGINE = None


def engine():
    global ENGINE
    if ENGINE is None:
        ENGINE = build_engine(store=MemoryStore())
    return ENGINE


MODULES = ["fake_offer", "recruiter", "help", "menu", "nope"]
LANGS = ["id", "en", "jv", "", "xx-YY"]
COMMANDS = ["start", "menu", "bahasa", "language", "bantuan", "help", "tentang", "about", "hapus", "delete",
            "privasi", "privacy", "bagikan", "admin", "x" * 40]
WEIRD = ["", " ", "\u200b", "\u200f\u0627\u0644\u0633\u0644\u0627\u0645", "🆘🙏🏽👨‍👩‍👧", "\u202e disekap",
         "a" * 10_000, "paspor ditahan " * 700, "\x00\x01", "ｇｍｎ ｃｅｋ", "loker kamboja gaji 15jt"]

texts = st.one_of(st.sampled_from(WEIRD), st.text(max_size=300),
                  st.text(alphabet=st.characters(codec="utf-8"), min_size=3000, max_size=10_000))


@st.composite
def button_data(draw):
    kind = draw(st.sampled_from(["a:menu", "a:about", "a:help", "a:del:yes", "a:del:no", "a:emergency", "m:", "b:", "t:", "a:lang:"]))
    if kind in ("m:", "a:lang:"):
        return kind + draw(st.sampled_from(MODULES + LANGS))
    if kind == "b:":
        return f"b:{draw(st.sampled_from(MODULES))}:{draw(st.text(max_size=12))}:{draw(st.integers(-2, 30))}"
    if kind == "t:":
        return f"t:{draw(st.sampled_from(['offer_check', 'recruiter_check', 'registry', 'x']))}:{draw(st.text(max_size=20))}"
    return draw(st.one_of(st.just(kind), st.text(max_size=80)))


payloads = st.one_of(
    st.builds(lambda m, l, r: "-".join(p for p in (m, l, r) if p), st.sampled_from(MODULES), st.sampled_from(LANGS),
              st.from_regex(r"[A-Za-z0-9_]{0,45}", fullmatch=True)),
    st.text(max_size=80),
    st.from_regex(r"[A-Za-z0-9_-]{0,70}", fullmatch=True),
)

events = st.one_of(
    st.builds(lambda t, l: Event.message(t, lang_hint=l), texts, st.sampled_from(LANGS + [None])),
    st.builds(lambda d, l: Event.button(d, lang_hint=l), button_data(), st.sampled_from(LANGS + [None])),
    st.builds(lambda c, a, l: Event.cmd(c, a, lang_hint=l), st.sampled_from(COMMANDS), st.text(max_size=200),
              st.sampled_from(LANGS + [None])),
    st.builds(lambda p, l: Event.start(p, lang_hint=l), payloads, st.sampled_from(LANGS + [None])),
    st.builds(lambda w: Event.other(w), st.sampled_from(["sticker", "voice", "photo", "unknown", ""])),
)


def check(replies) -> None:
    assert replies, "no reply"
    for r in replies:
        assert isinstance(r.text, str) and r.text.strip() and len(r.text) < 4096
        for row in r.buttons:
            for b in row:
                assert 0 < len(b.label) < 64, b.label
                if b.url:
                    assert b.url.startswith(("https://", "tg://"))
                else:
                    assert 0 < len(b.data.encode("utf-8")) <= 64, b.data


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(events, min_size=1, max_size=12), st.integers(1, 10**9))
def test_random_event_sequences_never_break_the_engine(seq, uid):
    e = engine()
    user = f"tg:{uid}"
    for ev in seq:
        replies = e.handle(user, ev)
        check(replies)
        # a button the engine just made is pressed sometimes: it must work too
        made = [b.data for r in replies for row in r.buttons for b in row if not b.url]
        if made and uid % 2:
            check(e.handle(user, Event.button(made[uid % len(made)])))
        session = e.store.load_session(user)
        assert session is None or json.loads(json.dumps(session)) == session


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(["fake_offer", "recruiter", "help"]), st.lists(st.integers(0, 5), max_size=8),
       st.sampled_from(["id", "en"]))
def test_language_switches_mid_quiz(module, picks, lang):
    e = engine()
    user = f"tg:quiz-{module}-{lang}-{len(picks)}"
    replies = e.handle(user, Event.start(module, lang_hint=lang))
    check(replies)
    for i, pick in enumerate(picks):
        if i % 3 == 1:
            replies = e.handle(user, Event.button(f"a:lang:{'en' if i % 2 else 'id'}"))
            check(replies)
        made = [b.data for r in replies for row in r.buttons for b in row if not b.url]
        if not made:
            break
        replies = e.handle(user, Event.button(made[pick % len(made)]))
        check(replies)


@pytest.mark.parametrize("payload", ["", "-", "--", "menu", "menu-en", "help-id-desa_sukamaju", "fake_offer-xx",
                                     "recruiter-en-" + "x" * 41, "x" * 64, "x" * 65, "a b", "💥", "m-" * 32])
def test_every_start_payload_shape(payload):
    check(engine().handle(f"tg:start-{hash(payload)}", Event.start(payload, lang_hint="en")))
