"""`python -m bot check-offer --text`: the answer as a person reads it, then why, for editors."""
from __future__ import annotations

from typing import Any


def readable(checker: Any, rules: dict[str, Any], languages: list[str], text: str, lang: str | None = None) -> str:
    from bot.i18n import translator
    from bot.offers.render import render

    default = languages[0] if languages else "id"
    lang = lang if lang in languages else default
    result = checker.check(text)
    messages = render(result, rules, lang, default, translator(lang))
    out = []
    for i, msg in enumerate(messages, 1):
        out.append(f"--- message {i} of {len(messages)} ({len(msg)} characters) ---\n{msg}")
    out.append(f"--- for editors: risk {result.level}, score {result.score:g} ---")
    for f in result.flags:
        out.append(f"red flag {f.id} (weight {f.weight:g}, keeps at least {f.severity})" + (f' on "{f.snippet}"' if f.snippet else ""))
    for g in result.positives:
        out.append(f"good sign {g.id} (weight -{g.weight:g})" + (f' on "{g.snippet}"' if g.snippet else ""))
    if not result.flags and not result.positives:
        out.append("no red flag and no good sign fired")
    return "\n".join(out)
