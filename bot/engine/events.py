"""What goes into the engine (Event) and what comes out (Reply, Button).

Plain dataclasses: adapters translate their channel's updates into Events and Replies into
their channel's messages. Nothing here knows about Telegram or terminals.
"""
from __future__ import annotations

from dataclasses import dataclass, field

CALLBACK_DATA_MAX_BYTES = 64


@dataclass(frozen=True)
class Button:
    """A button: `data` comes back to the engine when tapped (bot/engine/callbacks.py makes it);
    a button with a `url` opens that link instead (a share link, wa.me) and carries no data."""

    label: str
    data: str = ""
    url: str = ""

    def __post_init__(self) -> None:
        if len(self.data.encode("utf-8")) > CALLBACK_DATA_MAX_BYTES:
            raise ValueError(f"button data over {CALLBACK_DATA_MAX_BYTES} bytes: {self.data!r}")
        if bool(self.data) == bool(self.url):
            raise ValueError(f"a button has either data or a url: {self.label!r}")


@dataclass(frozen=True)
class Attachment:
    """A file sent with a reply: a PDF poster ("document") or a QR code or chart ("photo")."""

    filename: str
    data: bytes = field(repr=False)
    kind: str = "document"  # document | photo
    mime: str = "application/octet-stream"
    # how to make the file again (bot/share/files.py): adapters that journal replies store this
    # small dict instead of the bytes
    recipe: dict | None = field(default=None, compare=False)


# Reply.action: something the channel does before it shows the reply's text. The engine asks;
# the adapter that can do it does it (Telegram), and one that cannot says so (the terminal).
DELETE_SENT = "delete_sent_messages"  # delete the messages the bot sent in this chat (48 hours)
ACTIONS = frozenset({DELETE_SENT})


@dataclass
class Reply:
    """One message to the person. `source` says what answered ("emergency", "node:help:start",
    "answer:passport_held", "tool:offer_check", "followup:offer", "small:thanks", "menu",
    "fallback"): adapters ignore it; tests, the dialog suite and the logs of decisions read it.
    `action` (one of ACTIONS, or empty) asks the adapter to do something first (DELETE_SENT)."""

    text: str
    buttons: list[list[Button]] = field(default_factory=list)
    source: str = ""
    attachment: Attachment | None = None  # sent with the text as its caption
    action: str = ""

    def __post_init__(self) -> None:
        if self.action and self.action not in ACTIONS:
            raise ValueError(f"unknown reply action: {self.action!r}")

    def all_buttons(self) -> list[Button]:
        return [b for row in self.buttons for b in row]


@dataclass(frozen=True)
class Event:
    """One thing a person did.

    kind: "text" (typed or caption), "button" (data), "command" (name + args),
    "start" (payload, from a deep link or a first /start), "other" (a sticker, voice note...:
    `text` names the kind).
    lang_hint: the channel's idea of the person's language (Telegram's language_code), used
    only for a new session.
    """

    kind: str
    text: str = ""
    data: str = ""
    command: str = ""
    args: str = ""
    lang_hint: str | None = None

    @classmethod
    def message(cls, text: str, lang_hint: str | None = None) -> "Event":
        return cls("text", text=text, lang_hint=lang_hint)

    @classmethod
    def button(cls, data: str, lang_hint: str | None = None) -> "Event":
        return cls("button", data=data, lang_hint=lang_hint)

    @classmethod
    def cmd(cls, name: str, args: str = "", lang_hint: str | None = None) -> "Event":
        return cls("command", command=name.lower().lstrip("/"), args=args, lang_hint=lang_hint)

    @classmethod
    def start(cls, payload: str = "", lang_hint: str | None = None) -> "Event":
        return cls("start", args=payload, lang_hint=lang_hint)

    @classmethod
    def other(cls, what: str, lang_hint: str | None = None) -> "Event":
        return cls("other", text=what, lang_hint=lang_hint)


SCREEN = 600  # characters: about one phone screen


def pack(text: str, blocks: list[str], rows: list[list[Button]], source: str = "", limit: int = SCREEN) -> list[Reply]:
    """A text and contact blocks in as few messages as fit `limit` each, the buttons on the last:
    an answer stays one screen, its contacts follow as the next message when they do not fit."""
    replies: list[Reply] = []
    current = text
    for block in blocks:
        if current and len(current) + 2 + len(block) > limit:
            replies.append(Reply(current, source=source))
            current = block
        else:
            current = (current + "\n\n" + block) if current else block
    replies.append(Reply(current, rows, source))
    return replies
