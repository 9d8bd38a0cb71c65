"""What the bot remembers about one person between messages: navigation state, never text.

A Session is saved as JSON under a keyed hash of the person's id (bot/store). It holds where
the person is (module, node, tool), what they told the bot by tapping or typing a short answer
(language, where they are, who it is for, the country), and a few turn counters that let the
conversation refer back ("is it safe then?") and fade. It never holds what anyone wrote.

VERSION goes up when the stored shape changes; `from_dict` migrates older shapes, so a person
in the middle of a lesson keeps their place across a release.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

VERSION = 2
# Content buttons may set these by `set:` (content/schema.json lists their values)
SETTABLE = ("location", "reporter", "country")
CONTEXT_TURNS = 3  # a result is what "is it safe then?" refers to for this many turns
CONTEXT_SECONDS = 30 * 60  # ... and only while the conversation goes on: after half an hour of
#                            silence "trus?" starts afresh rather than answering for an old result


@dataclass
class QuizProgress:
    right: int = 0
    asked: int = 0


@dataclass
class Context:
    """The last result the person saw, for follow-up questions: what kind of result and its
    verdict, never the text that was checked. `turn` is the session turn it was given at."""

    kind: str  # offer, recruiter_check, registry, help, answer, emergency
    turn: int
    level: str | None = None  # high / medium / low (offer, recruiter check)
    result: str | None = None  # found / not_found / no_list / stale (registry)
    flags: list[str] = field(default_factory=list)  # red-flag ids, most serious first
    ref: str | None = None  # the answer id or module a help answer came from
    country: str | None = None  # the destination an offer named (offer): where help may be needed

    @classmethod
    def from_dict(cls, d: Any) -> "Context | None":
        if not isinstance(d, dict) or not isinstance(d.get("kind"), str):
            return None
        flags = d.get("flags") if isinstance(d.get("flags"), list) else []
        return cls(
            kind=d["kind"],
            turn=_int(d.get("turn")),
            level=_str(d.get("level")),
            result=_str(d.get("result")),
            flags=[f for f in flags if isinstance(f, str)][:20],
            ref=_str(d.get("ref")),
            country=_str(d.get("country")),
        )


@dataclass
class Session:
    lang: str
    module: str | None = None
    node: str | None = None
    tool: str | None = None
    tool_state: dict[str, Any] = field(default_factory=dict)  # the active tool's own, JSON-safe
    country: str | None = None  # ISO code, from a country question or named anywhere
    location: str | None = None  # indonesia / transit / abroad
    reporter: str | None = None  # self / family
    quiz: dict[str, QuizProgress] = field(default_factory=dict)
    confirm_delete: bool = False  # /hapus asked; waiting for yes or no
    turn: int = 0  # events handled, for fading context
    context: Context | None = None
    emergency_at: float | None = None  # when it was given (seconds since the epoch)
    ref: str | None = None  # the referral code the person came with (shared links carry it)
    lang_chosen: bool = False  # picked by the person (button, command, "english please"): never guessed over
    seen_at: float | None = None  # the last message's time, to the minute (context fades with silence)
    nudges: int = 0  # rotates the wording of repeated short replies (insults, "did not understand")
    # the buttons of the bot's last message, as [data, kind, label]: a typed "iya", "untuk anak
    # saya" or "2" is read as a tap on the one it names (labels are the bot's words, not the person's)
    options: list[list[str]] = field(default_factory=list)

    # -- the one place each kind of state is reset --------------------------------------------
    def leave_module(self) -> None:
        self.module, self.node = None, None

    def leave_tool(self) -> None:
        """Leave the active tool; a pending deletion is cancelled by anything else the person does."""
        self.tool, self.tool_state = None, {}
        self.confirm_delete = False

    def go_to(self, module: str, node: str) -> None:
        self.module, self.node = module, node

    def remember(self, ctx: Context) -> None:
        self.context = ctx

    def fresh_context(self, kinds: tuple[str, ...] | None = None) -> Context | None:
        """The last result if it was given in the last few turns (and is of one of `kinds`)."""
        c = self.context
        if c is None or self.turn - c.turn > CONTEXT_TURNS:
            return None
        if kinds is not None and c.kind not in kinds:
            return None
        return c

    def arrived(self, now: float) -> None:
        """A new message: a result or a question left for half an hour is no longer what "trus?"
        or "ya" is about."""
        if self.seen_at is not None and now - self.seen_at > CONTEXT_SECONDS:
            self.context = None
            self.options = []  # nor is "ya" an answer to a question asked that long ago
        self.seen_at = float(int(now // 60) * 60)

    def progress(self, module: str) -> QuizProgress:
        return self.quiz.setdefault(module, QuizProgress())

    # -- storage --------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The stored form (JSON-safe). Written out by hand: dataclasses.asdict deep-copies every
        value and cost more than the rest of a turn's bookkeeping."""
        c = self.context
        return {
            "v": VERSION, "lang": self.lang, "module": self.module, "node": self.node, "tool": self.tool,
            "tool_state": self.tool_state, "country": self.country, "location": self.location,
            "reporter": self.reporter, "quiz": {m: {"right": p.right, "asked": p.asked} for m, p in self.quiz.items()},
            "confirm_delete": self.confirm_delete, "turn": self.turn,
            "context": None if c is None else {"kind": c.kind, "turn": c.turn, "level": c.level, "result": c.result, "flags": list(c.flags), "ref": c.ref,
                                          "country": c.country},
            "emergency_at": self.emergency_at, "seen_at": self.seen_at, "lang_chosen": self.lang_chosen,
            "ref": self.ref, "nudges": self.nudges, "options": self.options,
        }

    @classmethod
    def new(cls, lang: str) -> "Session":
        return cls(lang=lang)

    @classmethod
    def from_dict(cls, d: Any, default_lang: str) -> "Session":
        """A session from its stored form, any version; a shape it cannot read starts afresh."""
        if not isinstance(d, dict) or d.get("v") not in (1, VERSION):
            return cls.new(default_lang)
        quiz = {}
        for mid, p in (d.get("quiz") or {}).items() if isinstance(d.get("quiz"), dict) else ():
            if isinstance(p, dict):
                quiz[str(mid)] = QuizProgress(_int(p.get("right")), _int(p.get("asked")))
        state = d.get("tool_state")
        return cls(
            lang=_str(d.get("lang")) or default_lang,
            module=_str(d.get("module")),
            node=_str(d.get("node")),
            tool=_str(d.get("tool")),
            tool_state=state if isinstance(state, dict) else {},
            country=_str(d.get("country")),
            location=_str(d.get("location")),
            reporter=_str(d.get("reporter")),
            quiz=quiz,
            confirm_delete=bool(d.get("confirm_delete")),
            # version 1 had none of these: they start empty
            turn=_int(d.get("turn")),
            context=Context.from_dict(d.get("context")),
            emergency_at=_float_or_none(d.get("emergency_at")),
            seen_at=_float_or_none(d.get("seen_at")),
            lang_chosen=bool(d.get("lang_chosen")),
            ref=_str(d.get("ref")),
            nudges=_int(d.get("nudges")),
            options=[o for o in (d.get("options") or []) if isinstance(o, list) and len(o) == 3 and all(isinstance(x, str) for x in o)][:12]
            if isinstance(d.get("options"), list) else [],
        )


def _str(v: Any) -> str | None:
    return v if isinstance(v, str) and v else None


def _int(v: Any) -> int:
    return v if isinstance(v, int) and not isinstance(v, bool) and v >= 0 else 0


def _int_or_none(v: Any) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def _float_or_none(v: Any) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None
