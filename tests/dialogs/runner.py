"""Plays a dialog scenario (tests/dialogs/*.yaml) against the engine and says what went wrong.

A scenario is a list of turns a person takes (typed text, a tap on a button of the bot's last
replies, a command, a photo or sticker) with expectations on the replies of each turn. The
format is documented in tests/dialogs/README.md; NGOs add scenarios there without Python.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.engine import Engine, Event, Reply

DIALOG_DIR = Path(__file__).resolve().parent
EXPECT_KEYS = {"emergency", "by", "not_by", "number", "no_number", "contains", "any", "not", "max_chars", "lang", "button"}


@dataclass
class Scenario:
    name: str
    turns: list[dict[str, Any]]
    lang: str = "id"
    file: str = ""


@dataclass
class Outcome:
    scenario: Scenario
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


def load(path: Path) -> list[Scenario]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    out = []
    for i, d in enumerate(data):
        if not isinstance(d, dict) or not isinstance(d.get("turns"), list):
            raise ValueError(f"{path.name}: scenario {i + 1} needs a name and a list of turns")
        out.append(Scenario(str(d.get("name", f"#{i + 1}")), d["turns"], str(d.get("lang", "id")), path.name))
    return out


def load_dir(folder: Path) -> list[Scenario]:
    return [s for p in sorted(folder.glob("*.yaml")) for s in load(p)]


def _digits(s: str) -> str:
    return re.sub(r"\D", "", s)


# a number as written in a reply: digits with spaces, dashes, dots or brackets between them
NUMBER_RUN = re.compile(r"\d(?:[\d\-. ()]*\d)?")


def _numbers(text: str) -> set[str]:
    """The numbers in the replies, each as its digits ("+62 812-9007-0027" -> "6281290070027"), so
    that the SAPA line 129 is not found inside the Kemlu hotline's digits."""
    return {_digits(m.group()) for m in NUMBER_RUN.finditer(text)}


def _has_number(numbers: set[str], want: str) -> bool:
    """The number is there as a whole: the same digits, or (for a full phone number) the same
    number with its country code ("812-9007-0027" and "0812-9007-0027" are "+62 812-9007-0027")."""
    if want in numbers:
        return True
    national = want.lstrip("0")
    return len(national) >= 7 and any(n.endswith(national) for n in numbers)


def _as_list(v: Any) -> list[Any]:
    return v if isinstance(v, list) else [v]


def _source_matches(source: str, want: str) -> bool:
    return source == want or source.startswith(want + ":")


def play(engine: Engine, sc: Scenario, user: str = "dlg:1", clock: list[float] | None = None) -> Outcome:
    """Every turn of the scenario, checking each expectation; a failure names the turn."""
    out = Outcome(sc)
    last: list[Reply] = []
    for n, turn in enumerate(sc.turns, 1):
        where = f"turn {n}"
        if clock is not None and "wait_minutes" in turn:
            clock[0] += 60.0 * float(turn["wait_minutes"])
        if "say" in turn:
            ev = Event.message(str(turn["say"]), lang_hint=sc.lang)
            where += f" ({turn['say'][:40]!r})"
        elif "tap" in turn:
            label = str(turn["tap"]).lower()
            button = next((b for r in reversed(last) for b in r.all_buttons() if label in b.label.lower()), None)
            if button is None:
                out.failures.append(f"{where}: no button {turn['tap']!r} in {[b.label for r in last for b in r.all_buttons()]}")
                break
            ev = Event.button(button.data, lang_hint=sc.lang)
            where += f" (tap {turn['tap']!r})"
        elif "cmd" in turn:
            name, _, args = str(turn["cmd"]).lstrip("/").partition(" ")
            ev = Event.start(args, lang_hint=sc.lang) if name == "start" else Event.cmd(name, args, lang_hint=sc.lang)
        elif "event" in turn:
            ev = Event.other(str(turn["event"]), lang_hint=sc.lang)
        elif "wait_minutes" in turn:
            continue
        else:
            out.failures.append(f"{where}: a turn needs say, tap, cmd or event")
            break
        last = engine.handle(user, ev)
        expect = turn.get("expect") or {}
        unknown = set(expect) - EXPECT_KEYS
        if unknown:
            out.failures.append(f"{where}: unknown expectation {sorted(unknown)}")
        out.failures += [f"{where}: {f}" for f in check(engine, user, last, expect, sc.lang)]
    return out


def check(engine: Engine, user: str, replies: list[Reply], expect: dict[str, Any], phone_lang: str | None = None) -> list[str]:
    text = "\n".join(r.text for r in replies)
    low = text.lower()
    sources = [r.source for r in replies]
    bad: list[str] = []
    if "emergency" in expect:
        is_em = bool(replies) and replies[0].source == "emergency"  # the emergency reply itself, not its buttons' screens
        if is_em != bool(expect["emergency"]):
            bad.append(f"emergency should be {expect['emergency']}, sources {sources}")
    if "by" in expect:
        wants = _as_list(expect["by"])
        if not any(_source_matches(s, w) for s in sources for w in wants):
            bad.append(f"by {wants}, got {sources}")
    if "not_by" in expect:
        for w in _as_list(expect["not_by"]):
            if any(_source_matches(s, w) for s in sources):
                bad.append(f"not by {w}, got {sources}")
    numbers = _numbers(text)
    for num in _as_list(expect.get("number", [])):
        if not _has_number(numbers, _digits(str(num))):
            bad.append(f"number {num} missing")
    for num in _as_list(expect.get("no_number", [])):
        if _has_number(numbers, _digits(str(num))):
            bad.append(f"number {num} should not be there")
    for s in _as_list(expect.get("contains", [])):
        if str(s).lower() not in low:
            bad.append(f"missing {s!r}")
    if "any" in expect and not any(str(s).lower() in low for s in _as_list(expect["any"])):
        bad.append(f"none of {expect['any']}")
    for s in _as_list(expect.get("not", [])):
        if _has_words(low, str(s).lower()):
            bad.append(f"should not say {s!r}")
    labels = [b.label.lower() for r in replies for b in r.all_buttons()]
    for want in _as_list(expect.get("button", [])):
        if not any(str(want).lower() in lb for lb in labels):
            bad.append(f"no button {want!r} in {labels}")
    if "max_chars" in expect:
        longest = max((len(r.text) for r in replies), default=0)
        if longest > int(expect["max_chars"]):
            bad.append(f"a reply of {longest} characters (max {expect['max_chars']})")
    # the language the bot writes next to this person: their choice, else their phone's (after
    # /hapus nothing is kept, and an English phone is written to in English again)
    if "lang" in expect and engine.language_of(user, phone_lang) != expect["lang"]:
        bad.append(f"language {engine.language_of(user, phone_lang)}, expected {expect['lang']}")
    if bad:
        bad.append("replies: " + text[:300].replace("\n", " / "))
    return bad


def _has_words(text: str, words: str) -> bool:
    """`words` in `text` as whole words: `not: ["aman"]` (never "safe") is not broken by
    "pengalaman" (experience) or "keamanan"."""
    return re.search(r"(?<!\w)" + re.escape(words) + r"(?!\w)", text) is not None
