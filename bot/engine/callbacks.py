"""Button data: typed objects in, the short string Telegram carries out, validated on the way back.

Telegram gives a button at most 64 bytes of `callback_data`, and whatever comes back may be old
(a button from last week's message) or forged. Every button the bot makes is one of the types
below, encoded here and nowhere else; `decode()` turns a string back into one of them, or None
when it is not something the bot could have made. The engine never splits a data string itself.

Wire format (kept stable so that buttons in people's chats keep working across releases):

| type          | data                       | example                 |
|---------------|----------------------------|-------------------------|
| Action        | `a:<name>[:<arg>]`         | `a:menu`, `a:lang:en`   |
| OpenModule    | `m:<module>`               | `m:help`                |
| NodeButton    | `b:<module>:<node>:<i>`    | `b:help:where:0`        |
| CountryPick   | `b:<module>:<node>:c<XX>`  | `b:help:country:cKH`    |
| ToolButton    | `t:<tool>:<payload>`       | `t:offer_check:again`   |
| AnswerButton  | `q:<answer>:<i>`           | `q:passport_held:0`     |
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Union

from bot.engine.events import CALLBACK_DATA_MAX_BYTES

_NAME = re.compile(r"^[A-Za-z0-9_-]{1,40}$")  # module, node, tool, action and answer names
_COUNTRY = re.compile(r"^[A-Z]{2}$|^--$")
NO_COUNTRY = "--"  # "another country" at a country question


@dataclass(frozen=True)
class Action:
    """A global action: menu, language picker or choice, about, help, emergency, delete yes/no..."""

    name: str
    arg: str = ""


@dataclass(frozen=True)
class OpenModule:
    module: str


@dataclass(frozen=True)
class NodeButton:
    """The index-th button (or quiz option) of a content node."""

    module: str
    node: str
    index: int


@dataclass(frozen=True)
class CountryPick:
    """A country chosen at a node that asks for one (`choose_country`); NO_COUNTRY for "another"."""

    module: str
    node: str
    country: str


@dataclass(frozen=True)
class ToolButton:
    """A tool's own button; an empty payload means "start this tool"."""

    tool: str
    payload: str = ""


@dataclass(frozen=True)
class AnswerButton:
    """The index-th button under a direct answer (content/answers.yaml)."""

    answer: str
    index: int


CallbackData = Union[Action, OpenModule, NodeButton, CountryPick, ToolButton, AnswerButton]


def encode(obj: CallbackData) -> str:
    """The data string for a button. Raises ValueError for a name the format cannot carry or
    data over Telegram's 64 bytes: that is a bug in the content or the code, never user input."""
    if isinstance(obj, Action):
        data = f"a:{_name(obj.name)}" + (f":{_name(obj.arg)}" if obj.arg else "")
    elif isinstance(obj, OpenModule):
        data = f"m:{_name(obj.module)}"
    elif isinstance(obj, NodeButton):
        data = f"b:{_name(obj.module)}:{_name(obj.node)}:{int(obj.index)}"
    elif isinstance(obj, CountryPick):
        if not _COUNTRY.match(obj.country):
            raise ValueError(f"not a country code: {obj.country!r}")
        data = f"b:{_name(obj.module)}:{_name(obj.node)}:c{obj.country}"
    elif isinstance(obj, ToolButton):
        if ":" in obj.tool or len(obj.payload) > CALLBACK_DATA_MAX_BYTES:
            raise ValueError(f"bad tool button: {obj!r}")
        data = f"t:{_name(obj.tool)}:{obj.payload}"
    elif isinstance(obj, AnswerButton):
        data = f"q:{_name(obj.answer)}:{int(obj.index)}"
    else:
        raise TypeError(f"not button data: {obj!r}")
    if len(data.encode("utf-8")) > CALLBACK_DATA_MAX_BYTES:
        raise ValueError(f"button data over {CALLBACK_DATA_MAX_BYTES} bytes: {data!r}")
    return data


def decode(data: object) -> CallbackData | None:
    """The typed object a data string stands for, or None when the bot could not have made it."""
    if not isinstance(data, str) or not data or len(data.encode("utf-8", "replace")) > CALLBACK_DATA_MAX_BYTES:
        return None
    kind, _, rest = data.partition(":")
    if kind == "t":  # a tool's payload is the tool's to validate, colons included
        tool, sep, payload = rest.partition(":")
        return ToolButton(tool, payload) if sep and _NAME.match(tool) else None
    parts = rest.split(":")
    if not all(_NAME.match(p) for p in parts):
        return None
    if kind == "a" and 1 <= len(parts) <= 2:
        return Action(parts[0], parts[1] if len(parts) == 2 else "")
    if kind == "m" and len(parts) == 1:
        return OpenModule(parts[0])
    if kind == "b" and len(parts) == 3:
        module, node, idx = parts
        if idx.startswith("c") and _COUNTRY.match(idx[1:]):
            return CountryPick(module, node, idx[1:])
        if idx.isdigit() and len(idx) <= 3:
            return NodeButton(module, node, int(idx))
        return None
    if kind == "q" and len(parts) == 2 and parts[1].isdigit() and len(parts[1]) <= 3:
        return AnswerButton(parts[0], int(parts[1]))
    return None


def _name(s: str) -> str:
    if not _NAME.match(s or ""):
        raise ValueError(f"a name in button data must be 1-40 of A-Za-z0-9_-: {s!r}")
    return s


# The data strings the code uses most, made once (content buttons are made from their objects).
MENU = encode(Action("menu"))
ABOUT = encode(Action("about"))
HELP = encode(Action("help"))
EMERGENCY = encode(Action("emergency"))
LANGUAGES = encode(Action("lang"))
CLEAR = encode(Action("clear"))  # delete the bot's messages in this chat: asks first
CLEAR_YES = encode(Action("clear", "yes"))
CLEAR_NO = encode(Action("clear", "no"))


def language(code: str) -> str:
    return encode(Action("lang", code))


def module(mid: str) -> str:
    return encode(OpenModule(mid))


def tool(name: str, payload: str = "") -> str:
    return encode(ToolButton(name, payload))
