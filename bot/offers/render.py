"""The answer a person reads, one phone screen per message (at most MAX_CHARS characters):

1. the verdict in one line (level and how many signs), then the three most serious red flags,
   each with the ad's own words and why it matters;
2. what the level means and what to do next (for a low level: what was checked and what still
   needs checking; never "safe": a low level only means none of the known signs was found).

The other signs (red flags after the third, good signs) are behind the button "Lihat semua tanda
(N)" (render_more). Texts of flags and levels come from content/redflags.yaml; the few headings
are UI strings (gettext, English msgids).
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

from bot.i18n import N_
from bot.offers.checker import OfferAnalysis

MAX_CHARS = 600  # every message fits a phone screen (content-style.md: "under about 600 characters")
TOP_FLAGS = 3  # red flags in the answer itself; the rest behind the "see all" button
ICONS = {"high": "🔴", "medium": "🟠", "low": "🔎"}

# UI strings (extracted by `make extract`; Indonesian in locales/id/LC_MESSAGES/messages.po)
RISK_LINE = N_("Risk: {level}")
SIGNS_FOUND = N_("Warning signs found: {n}.")
MINOR_FOUND = N_("Minor signs found: {n}. Not enough for a higher risk, but check them.")
CHECKED = N_("What I looked at: the country, the kind of work, the pay, the visa, fees, the passport, "
             "the contract and how they want to be contacted.")
SEE_ALL = N_("See all signs ({n})")
MORE_HEAD = N_("The other warning signs ({n}):")
GOOD_HEAD = N_("Good signs ({n}), still to be checked:")
STALE = N_("That list was for an earlier offer, which I do not keep. Paste the offer again and I will "
           "check it.")

def ui(msgid: str, lang: str, _: Callable[[str], str]) -> str:
    """A UI string from the gettext catalogs (locales/), like every other UI string."""
    return _(msgid)


def _t(text: Any, lang: str, default: str) -> str:
    if isinstance(text, dict):
        return str(text.get(lang) or text.get(default) or next(iter(text.values()), ""))
    return str(text or "")


def pack(parts: Iterable[str], limit: int = MAX_CHARS) -> list[str]:
    """Join parts into as few messages as possible, none over `limit` characters. A part is never
    split between messages; one that is too long on its own (content check warns about it) is cut."""
    out: list[str] = []
    cur = ""
    for p in parts:
        if not p:
            continue
        if len(p) > limit:
            p = p[: limit - 1].rstrip() + "…"
        if cur and len(cur) + 2 + len(p) > limit:
            out.append(cur)
            cur = p
        else:
            cur = f"{cur}\n\n{p}" if cur else p
    if cur:
        out.append(cur)
    return out


def _signs(rules: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["id"]: s for s in (rules.get("flags") or []) + (rules.get("positives") or [])}


def verdict(result: OfferAnalysis, rules: dict[str, Any], lang: str, default: str, _: Callable[[str], str]) -> str:
    """The verdict in one line. It says "no warning signs" (the content's low meaning) only when
    the list is empty, and counts the signs otherwise: the words never contradict the list."""
    level = ((rules.get("messages") or {}).get("levels") or {}).get(result.level) or {}
    head = f"{ICONS.get(result.level, '')} " + _(RISK_LINE).format(level=_t(level.get("label"), lang, default) or result.level)
    if result.found_no_flags:
        return f"{head}. {_t(level.get('meaning'), lang, default)}"
    n = len(result.flags)
    if result.level == "low":  # only flags of severity low can leave the level low
        return f"{head}. " + ui(MINOR_FOUND, lang, _).format(n=n)
    return f"{head}. " + ui(SIGNS_FOUND, lang, _).format(n=n)


def render(result: OfferAnalysis, rules: dict[str, Any], lang: str, default_lang: str, _: Callable[[str], str]) -> list[str]:
    """The messages of one answer (the caller adds the buttons to the last)."""
    signs = _signs(rules)
    msgs = rules.get("messages") or {}

    first = [verdict(result, rules, lang, default_lang, _)]
    for h in result.flags[:TOP_FLAGS]:
        s = signs.get(h.id, {})
        quote = f": “{h.snippet}”" if h.snippet else ""
        first.append(f"🚩 {_t(s.get('title'), lang, default_lang)}{quote}\n{_t(s.get('why'), lang, default_lang)}")

    closing: list[str] = []
    if result.level == "low":
        closing.append(ui(CHECKED, lang, _))
        closing.append(_t(msgs.get("low_checks" if result.abroad else "domestic"), lang, default_lang))
    else:
        level = (msgs.get("levels") or {}).get(result.level) or {}
        closing.append(_t(level.get("meaning"), lang, default_lang))
    closing.append(_t(msgs.get("next_steps"), lang, default_lang))
    return pack(first + closing)


def hidden_count(result: OfferAnalysis) -> int:
    """How many signs the answer leaves for the "see all" button."""
    return max(0, len(result.flags) - TOP_FLAGS) + len(result.positives)


def see_all_label(n: int, lang: str, _: Callable[[str], str]) -> str:
    return ui(SEE_ALL, lang, _).format(n=n)


def render_more(flag_ids: list[str], good_ids: list[str], rules: dict[str, Any], lang: str, default_lang: str,
                _: Callable[[str], str]) -> list[str]:
    """The signs behind the "see all" button: red flags after the third, then the good signs with
    what to check. Only ids are kept between the two turns (no message text is stored), so the ad's
    own words are not quoted again."""
    signs = _signs(rules)
    parts: list[str] = []
    items = []
    for fid in flag_ids:
        s = signs.get(fid)
        if s:
            items.append(f"🚩 {_t(s.get('title'), lang, default_lang)}\n{_t(s.get('why'), lang, default_lang)}")
    if items:
        parts.append(ui(MORE_HEAD, lang, _).format(n=len(items)) + "\n\n" + items[0])
        parts += items[1:]
    good = []
    for gid in good_ids:
        s = signs.get(gid)
        if s:
            good.append(f"✅ {_t(s.get('title'), lang, default_lang)}: {_t(s.get('why'), lang, default_lang)}")
    if good:
        parts.append(_(GOOD_HEAD).format(n=len(good)) + "\n" + good[0])
        parts += good[1:]
    return pack(parts)


def stale(lang: str, _: Callable[[str], str]) -> str:
    return ui(STALE, lang, _)
