"""Cek lowongan / Check an offer: the Tool the engine plugs in as "offer_check".

Reached from a content node (`tool: offer_check`), from the tool's own button, or by claiming a
job ad (pasted, forwarded, one line long, or asked about with its details) whatever the
conversation was doing. It stays active after an answer so the person can paste another ad; a
message that is not an ad (a question, a story, "menu") goes back to the engine (None), which
routes it as usual.

What the session keeps between turns is ids only (the check's number, the flag and good-sign ids
behind the "see all" button), never the ad's words.
"""
from __future__ import annotations

import secrets
from typing import Any

from bot.engine.events import Button, Reply
from bot.engine.tools import Tool, ToolContext
from bot.offers.checker import OfferAnalysis, OfferChecker
from bot.offers.render import TOP_FLAGS, hidden_count, render, render_more, see_all_label, stale
from bot.offers.rules import REL, validate_against_contacts, validate_redflags
from bot.engine import callbacks as cb
from bot.engine.said import MAX_TEXT  # the engine hands tools at most this much

NAME = "offer_check"


class OfferTool(Tool):
    name = NAME
    defers_to_answers = True  # "operator online di myanmar gaji 20jt itu kerjaan apa?" is a question
    reads_text = True  # a cut ad is said to be cut (the engine adds the note)

    def __init__(self, rules: dict[str, Any] | None, languages: list[str] | None = None, modules: Any = ()) -> None:
        self.rules = rules or {}
        self.checker = OfferChecker(self.rules)
        self.languages = list(languages or ["id", "en"])
        self.modules = set(modules or ())

    # -- checking -----------------------------------------------------------------------------
    def check(self, text: str) -> OfferAnalysis:
        # (the checker keeps the last text it read, so claims() then on_text() read it once)
        return self.checker.check((text or "")[:MAX_TEXT])

    # -- Tool hooks ---------------------------------------------------------------------------
    def claims(self, text: str, ctx: ToolContext) -> bool:
        return bool(self.rules) and self.checker.looks_like_offer((text or "")[:MAX_TEXT])

    def start(self, ctx: ToolContext) -> list[Reply]:
        _ = ctx._
        return [Reply(
            _("Paste or forward the job offer here: the whole ad or message, as you received it. "
              "I will look for the warning signs of the trafficking pattern and explain each one."),
            [[Button(_("Menu"), cb.MENU)]],
        )]

    def on_text(self, ctx: ToolContext, text: str) -> list[Reply] | None:
        text = (text or "")[:MAX_TEXT]
        if not self.rules or not self.checker.looks_like_offer(text):
            return None  # "menu", "amankah?", a story, "cek PT ...": the engine routes it
        result = self.check(text)
        ctx.state["checked"] = int(ctx.state.get("checked", 0)) + 1
        # for the "see all" button: ids only, never the ad's words. The button names this answer by
        # a random token, so a button of an earlier answer (or an earlier visit, whose state the
        # engine has since replaced) never shows another offer's signs.
        n = secrets.token_hex(3)
        ctx.state["more"] = {
            "n": n,
            "flags": [f.id for f in result.flags[TOP_FLAGS:]],
            "good": [g.id for g in result.positives],
        }
        # for follow-up questions ("amankah?", "trus gimana?"): what was found, no message text
        ctx.outcome = {
            "kind": "offer",
            "level": result.level,
            "flags": [f.id for f in result.flags],
            "country": result.country,
        }
        texts = render(result, self.rules, ctx.lang, self._default(ctx), ctx._)
        replies = [Reply(t) for t in texts]
        # "Lihat semua tanda (N)": N counts every sign found; the button shows those not shown yet
        total = len(result.flags) + len(result.positives) if hidden_count(result) else 0
        replies[-1].buttons = self._buttons(ctx, total, n)
        return replies

    def on_button(self, ctx: ToolContext, payload: str) -> list[Reply] | None:
        _ = ctx._
        if payload in ("", "again"):
            return [Reply(_("Paste or forward the next offer to check."), [[Button(_("Menu"), cb.MENU)]])]
        more = ctx.state.get("more")
        kind, _sep, token = payload.partition(":")
        if kind == "all" and isinstance(more, dict) and token and str(more.get("n")) == token:
            texts = render_more(
                [str(x) for x in more.get("flags") or []], [str(x) for x in more.get("good") or []],
                self.rules, ctx.lang, self._default(ctx), _,
            )
            if texts:
                replies = [Reply(t) for t in texts]
                replies[-1].buttons = self._buttons(ctx, 0, "")
                return replies
        # an old "see all" button (an earlier offer, or a session that was cleared) or a payload
        # this version does not know: a kind word and the way on, never a crash
        return [Reply(stale(ctx.lang, _), self._buttons(ctx, 0, ""))]

    def _default(self, ctx: ToolContext) -> str:
        return self.languages[0] if self.languages else ctx.lang

    def _buttons(self, ctx: ToolContext, total: int, token: str) -> list[list[Button]]:
        _ = ctx._
        rows: list[list[Button]] = []
        if total and token:
            rows.append([ctx.button(see_all_label(total, ctx.lang, _), f"all:{token}")])
        row = []
        if "recruiter" in self.modules or not self.modules:
            row.append(Button(_("Check a recruiter"), cb.module("recruiter")))
        row.append(Button(_("Get help"), cb.module("help") if ("help" in self.modules or not self.modules) else cb.HELP))
        return rows + [[ctx.button(_("Check another offer"), "again")], row, [Button(_("Menu"), cb.MENU)]]

    # -- content ------------------------------------------------------------------------------
    def validate_content(self, content: Any) -> list[Any]:
        from bot.content_loader.problems import Problem

        files = getattr(content, "files", {}) or {}
        if REL not in files:
            return [Problem(REL, 0, "missing: the offer checker (Cek lowongan) needs it")]
        languages = list(getattr(content, "languages", None) or self.languages)
        line = getattr(content, "line", None)
        where = (lambda *k: line(REL, *k)) if line else (lambda *k: 0)
        return validate_redflags(files[REL], languages, where) + validate_against_contacts(
            files[REL], getattr(content, "countries", None), where)


def make_tool(content: Any, store: Any) -> OfferTool:
    files = getattr(content, "files", {}) or {}
    modules = getattr(content, "modules", None) or {}
    return OfferTool(files.get(REL), getattr(content, "languages", None), modules.keys())
