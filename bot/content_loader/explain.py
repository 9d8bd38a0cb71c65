"""`python -m bot classify --explain`: why a message gets the label it gets, in plain lines."""
from __future__ import annotations

from typing import Any


def explain(content: Any, text: str) -> str:
    from bot.engine.answers import MIN_SCORE, ON_ITS_OWN, AnswerIndex
    from bot.engine.intents import IntentMatcher, THRESHOLD

    matcher = IntentMatcher.for_content(content)
    m = matcher.analyse(text)
    score = m.scores.get(m.intent, m.score)
    lines = [f"message: {text}", f"intent: {m.intent} (score {score:.0f}; a topic needs {THRESHOLD:.0f})"]
    top = sorted(((v, k) for k, v in m.scores.items() if v > 0), reverse=True)[:5]
    if top:
        lines.append("scores: " + ", ".join(f"{k} {v:.0f}" for v, k in top))
    decided = False
    for intent, hits in sorted(m.hits.items(), key=lambda kv: -m.scores.get(kv[0], 0)):
        if hits:
            decided = True
            where = "intents.yaml" if intent in content.intents else next(
                (content.module_files[mid] for mid, mod in content.modules.items() if mod["intent"] == intent),
                "emergency.yaml" if intent == "emergency" else "conversation/intents")
            shown = ", ".join(f'"{h}"' if not h.startswith("(") else h for h in hits)
            lines.append(f"  {intent}: keywords {shown} ({where})")
    if not decided:
        lines.append("  no keyword matched: add one to the module's `keywords`, or an example to examples.yaml")
    if m.country:
        lines.append(f"country: {m.country} (contacts.yaml countries)")
    if m.hits.get("emergency") and m.intent not in ("emergency", "self_harm"):
        lines.append("danger words, but not danger now: a film, the news, a question about the law, "
                     "something over or only feared (emergency.yaml not_now); the 🆘 button stays beside the answer")
    elif m.distress:
        lines.append("a distress word was there (emergency.yaml weak_keywords)")
    best = AnswerIndex(content, matcher).best(m)
    if best is None:
        lines.append(f"direct answer: none agrees enough (needs {MIN_SCORE:.2f})")
    else:
        how = "given on its own" if best.score >= ON_ITS_OWN else "given when the topic agrees"
        lines.append(f"direct answer: {best.answer} (agreement {best.score:.2f}; {how}; answers.yaml)")
    return "\n".join(lines)
