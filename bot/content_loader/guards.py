"""Guards against silent harm (content/guards.yaml), run by `content check` and at start-up.

Editors keep three small lists:
- `stay_low`: ads that must be rated low (official announcements, real legal offers, domestic
  jobs). A keyword made too broad that rates one of them medium fails the check, naming the ad
  and the red flag that fired, with the words it fired on and where the flag is written.
- `stay_high`: scam ads that must stay high (or at least `level`), so that deleting or weakening
  a red flag cannot quietly let them through.
- `reach`: messages that must reach a given `answer` (answers.yaml id), `module`, or `intent`
  (the label `python -m bot classify` prints).
"""
from __future__ import annotations

from typing import Any

from bot.content_loader.problems import Problem

REL = "guards.yaml"
LEVELS = ("low", "medium", "high")


def _short(text: str, n: int = 70) -> str:
    one = " ".join(text.split())
    return one if len(one) <= n else one[: n - 1] + "…"


def _flag_lines(content: Any) -> dict[str, int]:
    flags = (content.files.get("redflags.yaml") or {}).get("flags") or []
    return {f.get("id"): content.line("redflags.yaml", "flags", i) for i, f in enumerate(flags) if isinstance(f, dict)}


def guard_problems(content: Any, tools: list[Any], engine_factory) -> list[Problem]:
    data = content.files.get(REL)
    if not data:
        return []
    out: list[Problem] = []
    offer = next((t for t in tools if getattr(t, "name", "") == "offer_check" and hasattr(t, "check")), None)
    flag_line = _flag_lines(content)

    def fired(result) -> str:
        parts = []
        for f in result.flags:
            where = f" (redflags.yaml:{flag_line[f.id]})" if f.id in flag_line else ""
            parts.append(f"'{f.id}'{where} on \"{f.snippet}\"" if f.snippet else f"'{f.id}'{where}")
        return "; ".join(parts) or "no red flag"

    for key, want_low in (("stay_low", True), ("stay_high", False)):
        for i, g in enumerate(data.get(key) or []):
            where = content.line(REL, key, i)
            name = g.get("name") or _short(g["text"], 50)
            if offer is None:
                out.append(Problem(REL, where, "the offer checker is not loaded: the ad guards cannot run"))
                break
            result = offer.check(g["text"])
            if want_low and result.level != "low":
                out.append(Problem(REL, where, f"the ad {name!r} must stay low but is now rated {result.level} "
                                   f"(score {result.score:g}): red flag {fired(result)}. Make that keyword narrower (a longer "
                                   f"phrase), or limit the red flag with `context: abroad` or `negatable: true`"))
            if not want_low:
                need = g.get("level", "high")
                if LEVELS.index(result.level) < LEVELS.index(need):
                    out.append(Problem(REL, where, f"the scam ad {name!r} must be rated at least {need} but is now "
                                       f"{result.level} (score {result.score:g}; fired: {fired(result)})"))
    reach = data.get("reach") or []
    if reach:
        engine = engine_factory()
        for i, g in enumerate(reach):
            where = content.line(REL, "reach", i)
            text = g["text"]
            if "intent" in g:
                intent, score = engine.matcher.classify(text)
                if intent != g["intent"]:
                    m = engine.matcher.analyse(text) if hasattr(engine.matcher, "analyse") else None
                    hits = ", ".join(f"{k}: {v}" for k, v in (getattr(m, "hits", {}) or {}).items() if v) if m else ""
                    out.append(Problem(REL, where, f"the message {_short(text)!r} must reach the intent {g['intent']!r} "
                                       f"but reaches {intent!r} (score {score:.0f}{'; keywords ' + hits if hits else ''})"))
                continue
            from bot.engine.events import Event

            replies = engine.handle(f"guard:{i}", Event.message(text))
            sources = [r.source for r in replies]
            want = f"answer:{g['answer']}" if "answer" in g else f"node:{g['module']}:"
            if not any(s == want or (want.endswith(":") and s.startswith(want)) for s in sources):
                out.append(Problem(REL, where, f"the message {_short(text)!r} must reach {want.rstrip(':')!r} but the bot "
                                   f"answers with {', '.join(s for s in sources if s) or 'nothing'}"))
    return out
