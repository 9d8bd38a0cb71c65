"""Cek lowongan / Check an offer: the Tool the engine plugs in as "offer_check".

Reached from a content node (`tool: offer_check`), from the tool's own button, or by claiming a
pasted or forwarded job ad whatever the conversation was doing. It stays active after an answer
so the person can paste another ad; a short message that is clearly not an ad goes back to the
engine (None), which routes it as usual.
"""
from __future__ import annotations

from typing import Any

from bot.engine.events import Button, Reply
from bot.engine.tools import Tool, ToolContext
from bot.offers.checker import OfferChecker, Result
from bot.offers.render import render
from bot.offers.rules import REL, validate_redflags

NAME = "offer_check"
MAX_TEXT = 8000


class OfferTool(Tool):
    name = NAME

    def __init__(self, rules: dict[str, Any] | None, languages: list[str] | None = None, modules: Any = ()) -> None:
        self.rules = rules or {}
        self.checker = OfferChecker(self.rules)
        self.languages = list(languages or ["id", "en"])
        self.modules = set(modules or ())
        self._last: tuple[str, Result] | None = None  # claims() then on_text() on the same text

    # -- checking -----------------------------------------------------------------------------
    def check(self, text: str) -> Result:
        text = (text or "")[:MAX_TEXT]
        if self._last is not None and self._last[0] == text:
            return self._last[1]
        result = self.checker.check(text)
        self._last = (text, result)
        return result

    # -- Tool hooks ---------------------------------------------------------------------------
    def claims(self, text: str, ctx: ToolContext) -> bool:
        return bool(self.rules) and self.checker.looks_like_offer((text or "")[:MAX_TEXT])

    def start(self, ctx: ToolContext) -> list[Reply]:
        _ = ctx._
        return [Reply(
            _("Paste or forward the job offer here: the whole ad or message, as you received it. "
              "I will look for the warning signs of the trafficking pattern and explain each one."),
            [[Button(_("Menu"), "a:menu")]],
        )]

    def on_text(self, ctx: ToolContext, text: str) -> list[Reply] | None:
        text = (text or "")[:MAX_TEXT]
        if not self.checker.looks_like_offer(text):
            result = self.check(text)
            if not result.flags:
                return None  # "menu", "gmn cek agen resmi", "cek PT ..." -> let the engine route it
        result = self.check(text)
        ctx.state["checked"] = int(ctx.state.get("checked", 0)) + 1
        default = self.languages[0] if self.languages else ctx.lang
        texts = render(result, self.rules, ctx.lang, default, ctx._)
        replies = [Reply(t) for t in texts]
        replies[-1].buttons = self._buttons(ctx)
        return replies

    def on_button(self, ctx: ToolContext, payload: str) -> list[Reply] | None:
        if payload in ("", "again"):
            _ = ctx._
            return [Reply(_("Paste or forward the next offer to check."), [[Button(_("Menu"), "a:menu")]])]
        return None

    def _buttons(self, ctx: ToolContext) -> list[list[Button]]:
        _ = ctx._
        row = []
        if "recruiter" in self.modules or not self.modules:
            row.append(Button(_("Check a recruiter"), "m:recruiter"))
        row.append(Button(_("Get help"), "m:help" if ("help" in self.modules or not self.modules) else "a:help"))
        return [[ctx.button(_("Check another offer"), "again")], row, [Button(_("Menu"), "a:menu")]]

    # -- content ------------------------------------------------------------------------------
    def validate_content(self, content: Any) -> list[Any]:
        from bot.content_loader.problems import Problem

        files = getattr(content, "files", {}) or {}
        if REL not in files:
            return [Problem(REL, 0, "missing: the offer checker (Cek lowongan) needs it")]
        languages = list(getattr(content, "languages", None) or self.languages)
        line = getattr(content, "line", None)
        return validate_redflags(files[REL], languages, (lambda *k: line(REL, *k)) if line else (lambda *k: 0))


def make_tool(content: Any, store: Any) -> OfferTool:
    files = getattr(content, "files", {}) or {}
    modules = getattr(content, "modules", None) or {}
    return OfferTool(files.get(REL), getattr(content, "languages", None), modules.keys())
