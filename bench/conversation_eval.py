"""What a person gets for a single message, on the labelled set with conversational intents and
direct-answer topics (tests/data/intents_conversation.tsv: message, intent, answer topic).

Each message is sent to a fresh engine (no earlier context), and the reply's source is read as
the intent the bot understood: an emergency reply is "emergency", a direct answer counts as its
module's intent, a screen of a module as that module's, the offer checker as fake_offer, and so
on. Run: `.venv/bin/python -m bench.conversation_eval [FILE]`.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import make_tools  # noqa: E402
from bot.content_loader import load_content  # noqa: E402
from bot.engine import Engine, Event  # noqa: E402
from bot.store import MemoryStore  # noqa: E402

DEFAULT = ROOT / "tests" / "data" / "intents_conversation.tsv"
# reply source (its first part) -> the label a person would give what they got
SOURCE_LABELS = {
    "emergency": "emergency", "self_harm": "self_harm", "departing": "departing", "menu": "menu",
    "fallback": "unknown", "short": "unknown", "country": "help", "followup": "unknown", "prompt": "unknown", "start": "menu", "deleted": "delete",
    "about": "menu", "contact": "help",
}
SMALL_LABELS = {
    "greeting": "menu", "language": "language", "insult": "unknown", "nonsense": "unknown", "emoji": "unknown",
    "fallback": "unknown", "short": "unknown",
}
TOOL_LABELS = {"offer_check": "fake_offer", "recruiter_check": "recruiter", "registry_lookup": "recruiter"}


def load(path: Path) -> list[tuple[str, str, str]]:
    rows = []
    with path.open(encoding="utf-8", newline="") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 2 and parts[0]:
                rows.append((parts[0], parts[1], parts[2] if len(parts) > 2 else ""))
    return rows


def understood(content, source: str) -> tuple[str, str]:
    """(intent label, answer id or "") for the first reply's source."""
    kind, _, rest = source.partition(":")
    if kind == "answer":
        return content.modules[content.answers[rest]["module"]]["intent"], rest
    if kind == "node":
        return content.modules[rest.split(":")[0]]["intent"], ""
    if kind == "tool":
        return TOOL_LABELS.get(rest, rest), ""
    if kind == "small":
        return SMALL_LABELS.get(rest, rest), ""
    return SOURCE_LABELS.get(kind, kind), ""


def evaluate(content, rows):
    """Each message from a person the engine has not met (a new user id: no earlier context)."""
    results = []
    store = MemoryStore()
    engine = Engine(content, store, tools=make_tools(content, store))
    for i, (text, want, topic) in enumerate(rows):
        replies = engine.handle(f"eval:{i}", Event.message(text))
        got, answer = understood(content, replies[0].source)
        results.append((text, want, topic, got, answer, replies[0].source))
    return results


def report(results) -> dict[str, float]:
    n = len(results)
    right = sum(1 for _, want, _, got, _, _ in results if got == want)
    em = [r for r in results if r[1] == "emergency"]
    missed = [r for r in em if r[3] != "emergency"]
    non_em = [r for r in results if r[1] != "emergency"]
    alarms = [r for r in non_em if r[3] == "emergency"]
    topics = [r for r in results if r[2]]
    topic_right = [r for r in topics if r[4] == r[2]]
    print(f"{n} messages: top-1 {right / n:.1%}; emergencies missed {len(missed)}/{len(em)}; "
          f"false alarms {len(alarms)}/{len(non_em)} ({len(alarms) / max(1, len(non_em)):.1%}); "
          f"direct answer given {len(topic_right)}/{len(topics)}")
    for r in results:
        if r[3] != r[1] or (r[2] and r[4] != r[2]):
            print(f"  want {r[1]}{'/' + r[2] if r[2] else ''}, got {r[5]}: {r[0][:90]!r}")
    return {
        "top1": right / n, "missed": len(missed), "alarm_rate": len(alarms) / max(1, len(non_em)),
        "answers": len(topic_right) / max(1, len(topics)),
    }


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    content = load_content(ROOT / "content")
    report(evaluate(content, load(path)))


if __name__ == "__main__":
    main()
