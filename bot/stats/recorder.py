"""From the engine's turns to reach events: an Engine observer (Engine.observers).

A turn becomes a few (kind, label) events for the person's referral code, language and day:
started; opened / finished (a module); quiz (module:node:right|wrong); offer (risk level);
recruiter (found / not_found, from the company lookup) and recruiter_check (risk level);
emergency; help (country of the contacts shown, or "-"); share (message / poster); deleted.
What it reads: the counts the engine made this turn, the replies' `source` and the session's
last result (its kind and verdict): never the message text.
"""
from __future__ import annotations

from typing import Any

from bot.stats.store import ReachStore, day_of

CHECKED = ("offer", "recruiter", "recruiter_check")
HELPED = ("help", "emergency")


class Recorder:
    def __init__(self, engine: Any, reach: ReachStore) -> None:
        self.engine = engine
        self.reach = reach
        self.help_modules = {mid for mid, m in engine.content.modules.items() if m.get("intent") == "help"}

    def events(self, t: Any, event: Any, replies: list[Any], counted: list[tuple[str, str]]) -> set[tuple[str, str]]:
        out: set[tuple[str, str]] = set()
        s = t.session
        if event.kind == "start" or (event.kind == "command" and event.command == "start"):
            out.add(("started", ""))
        for kind, label in counted:
            if kind == "module":
                out.add(("opened", label))
            elif kind == "quiz_done":
                out.add(("finished", label))
            elif kind == "quiz":
                out.add(("quiz", label))
            elif kind == "intent" and label == "emergency":
                out.add(("emergency", ""))
            elif kind == "share":
                out.add(("share", label))
        modules = self.engine.content.modules
        tool_replied = False
        for r in replies:
            src = r.source or ""
            if src.startswith("tool:"):
                tool_replied = True
            if src.startswith("country:"):  # a country's card shows the Kemlu hotline and its mission
                out.add(("help", s.country or "-"))
            if not src.startswith("node:"):
                continue
            _, mid, nid = (src.split(":") + ["", ""])[:3]
            if nid == "end" and mid in modules:
                out.add(("finished", mid))
            if mid in self.help_modules and modules[mid]["nodes"].get(nid, {}).get("contacts"):
                out.add(("help", s.country or "-"))
        ctx = s.context
        if tool_replied and ctx is not None and ctx.turn == s.turn:
            if ctx.kind == "offer":
                out.add(("offer", ctx.level or "-"))
            elif ctx.kind == "registry" and ctx.result:  # found, not_found (or no_list, stale: no list to look in)
                out.add(("recruiter", ctx.result))
            elif ctx.kind == "recruiter_check":
                out.add(("recruiter_check", ctx.level or "-"))
        return out

    def observe(self, t: Any, event: Any, replies: list[Any], deleted: bool, counted: list[tuple[str, str]]) -> None:
        day = day_of(t.now)
        person = self.reach.person(t.user_id)
        ref, lang = t.session.ref or "", t.session.lang
        if deleted:  # the person's rows go; the deletion itself is counted with no one in it
            self.reach.forget(person)
            self.reach.record(day, ref, lang, [("deleted", "")], None)
            return
        self.reach.record(day, ref, lang, sorted(self.events(t, event, replies, counted)), person)


def attach(engine: Any, store: Any) -> Recorder:
    reach = ReachStore(store)
    recorder = Recorder(engine, reach)
    engine.reach = reach
    engine.observers.append(recorder.observe)
    return recorder
