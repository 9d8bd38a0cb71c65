"""Tools: interactive features that are more than a graph of lesson messages.

A Tool is plugged into the engine by name (`Engine(..., tools=[...])`) and reached from a content
node (`tool: offer_check`), from a button, or by claiming free text that is clearly for it (a
pasted job offer). The engine keeps the tool's state in the user's session; the tool never
touches the store's sessions itself.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from bot.engine import callbacks
from bot.engine.events import Button, Reply


@dataclass
class ToolContext:
    """What a tool sees of one user's turn."""

    tool: str
    lang: str
    translate: Callable[[str], str]
    state: dict[str, Any] = field(default_factory=dict)  # private, JSON-serialisable, persisted
    content: Any = None  # the loaded Content
    country: str | None = None  # ISO code chosen in the help module, if any
    finished: bool = False
    from_node: bool = False  # start() called right after a content node's text was shown
    outcome: dict[str, Any] | None = None  # what the tool found, for follow-up questions (no message text)

    def _(self, msgid: str) -> str:
        return self.translate(msgid)

    def button(self, label: str, payload: str = "") -> Button:
        return Button(label, callbacks.tool(self.tool, payload))

    def finish(self) -> None:
        """Leave the tool: the next free text goes to the normal matcher again."""
        self.finished = True


class Tool:
    """Base class; override what the tool needs."""

    name: str = ""
    # A tool whose claims() is broad (any text that looks like a job ad) lets a question with its
    # own direct answer go to that answer first ("kerja CS di kamboja itu kerja apa sih?").
    defers_to_answers: bool = False
    # A tool that checks the whole text it is given (a pasted offer): when the message was longer
    # than the bot reads (bot/engine/said.py MAX_TEXT), its answer says only the first part was read.
    reads_text: bool = False

    def claims(self, text: str, ctx: ToolContext) -> bool:
        """May this tool take free text even when it is not active?"""
        return False

    def start(self, ctx: ToolContext) -> list[Reply]:
        raise NotImplementedError

    def on_text(self, ctx: ToolContext, text: str) -> list[Reply] | None:
        return None

    def on_button(self, ctx: ToolContext, payload: str) -> list[Reply] | None:
        return None

    def validate_content(self, content: Any) -> list[Any]:
        """Problems (bot.content_loader.problems.Problem) with the content this tool needs,
        beyond what content/schema.json checks; listed by `content check`, and any error stops
        the bot from starting."""
        return []
