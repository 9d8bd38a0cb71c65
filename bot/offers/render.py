"""The answer a person reads: level, each red flag with the ad's own words and why, good signs,
what to do next. Texts of flags and levels come from content/redflags.yaml; the few headings are
UI strings (gettext, English msgids)."""
from __future__ import annotations

from typing import Any, Callable

from bot.i18n import N_
from bot.offers.checker import Result

SOFT = 600  # characters per message where possible
HARD = 3800  # stay well under Telegram's 4096
ICONS = {"high": "🔴", "medium": "🟠", "low": "🔎"}

# UI strings (extracted by `make extract`; Indonesian in locales/id/LC_MESSAGES/messages.po)
RISK_LINE = N_("Risk: {level}")
FLAGS_HEAD = N_("Warning signs I found ({n}):")
GOOD_HEAD = N_("Good signs ({n}), still to be checked:")


def _t(text: Any, lang: str, default: str) -> str:
    if isinstance(text, dict):
        return str(text.get(lang) or text.get(default) or next(iter(text.values()), ""))
    return str(text or "")


def _pack(parts: list[str], soft: int = SOFT, hard: int = HARD, max_messages: int = 2) -> list[str]:
    """Join parts into at most max_messages messages of about `soft` characters (never over `hard`)."""
    out: list[str] = []
    cur = ""
    for p in parts:
        if cur and len(cur) + 2 + len(p) > soft and len(out) < max_messages - 1:
            out.append(cur)
            cur = p
        else:
            cur = f"{cur}\n\n{p}" if cur else p
    if cur:
        out.append(cur)
    return [m if len(m) <= hard else m[: hard - 1] + "…" for m in out]


def render(result: Result, rules: dict[str, Any], lang: str, default_lang: str, _: Callable[[str], str]) -> list[str]:
    """The messages of one answer (2 or 3; the caller adds buttons to the last)."""
    signs = {s["id"]: s for s in (rules.get("flags") or []) + (rules.get("positives") or [])}
    msgs = rules.get("messages") or {}
    level = (msgs.get("levels") or {}).get(result.risk) or {}
    head = f"{ICONS.get(result.risk, '')} " + _(RISK_LINE).format(level=_t(level.get("label"), lang, default_lang) or result.risk)
    head += "\n" + _t(level.get("meaning"), lang, default_lang)

    items = []
    for h in result.flags:
        s = signs.get(h.id, {})
        title = _t(s.get("title"), lang, default_lang)
        quote = f": “{h.snippet}”" if h.snippet else ""
        items.append(f"🚩 {title}{quote}\n{_t(s.get('why'), lang, default_lang)}")

    first: list[str] = [head]
    if items:
        first.append(_(FLAGS_HEAD).format(n=len(items)) + "\n\n" + items[0])
        rest = items[1:]
    else:
        rest = []
        if not result.abroad:
            first.append(_t(msgs.get("domestic"), lang, default_lang))
    messages = _pack(first + rest, max_messages=2)

    tail: list[str] = []
    if result.positives:
        lines = []
        for h in result.positives:
            s = signs.get(h.id, {})
            lines.append(f"✅ {_t(s.get('title'), lang, default_lang)}: {_t(s.get('why'), lang, default_lang)}")
        tail.append(_(GOOD_HEAD).format(n=len(lines)) + "\n" + "\n".join(lines))
    if result.risk == "low" and result.abroad:
        tail.append(_t(msgs.get("low_checks"), lang, default_lang))
    tail.append(_t(msgs.get("next_steps"), lang, default_lang))
    messages += _pack(tail, soft=SOFT, max_messages=1)
    return messages
