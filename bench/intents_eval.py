"""How well free text is understood, per labelled set, and how well the example model
generalises to messages it has not seen. Run: `.venv/bin/python -m bench.intents_eval`.

1. The whole matcher (keywords + examples) on each set in tests/data.
2. Leave one set out: the example model trained on content/examples.yaml minus that set's
   messages, then asked about that set alone: a fair estimate for new phrasings.
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.content_loader import load_content  # noqa: E402
from bot.engine.examples import ExampleModel  # noqa: E402
from bot.engine.intents import COARSE_LABELS, EMERGENCY, IntentMatcher  # noqa: E402

DATA = ROOT / "tests" / "data"
CONVERSATION_SETS = ("intents_conversation",)  # intents_conversation*.tsv


def load_sets() -> dict[str, list[tuple[str, str]]]:
    out = {}
    # the sets labelled with the first seven intents; intents_conversation.tsv (conversational
    # intents and answer topics) is read by bench/conversation_eval.py
    for f in sorted(DATA.glob("intents*.tsv")):
        if f.name.startswith(CONVERSATION_SETS):
            continue
        with f.open(encoding="utf-8", newline="") as fh:
            out[f.name] = [(r["text"], r["intent"]) for r in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)]
    return out


def leave_one_out(content, sets) -> dict[str, tuple[float, float]]:
    """(accuracy, emergency recall) of the example model alone on each set it did not see."""
    out = {}
    for name, rows in sets.items():
        held = {t.strip().lower() for t, _ in rows}
        examples = {k: [t for t in v if t.strip().lower() not in held] for k, v in content.examples.items()}
        model = ExampleModel(examples, content.normalize)
        # these sets name the later intents by coarser labels (despair was an emergency, thanks
        # "unknown"); the examples now hold those intents, so their answers are read the same way
        got = {t: COARSE_LABELS.get(model.best(t)[0], model.best(t)[0]) for t, _ in rows}
        right = sum(1 for t, want in rows if got[t] == want)
        em = [t for t, want in rows if want == EMERGENCY]
        caught = sum(1 for t in em if got[t] == EMERGENCY)
        out[name] = (right / len(rows), caught / len(em) if em else 1.0)
    return out


def main() -> None:
    content = load_content(ROOT / "content")
    matcher = IntentMatcher.for_content(content)
    sets = load_sets()
    print("whole matcher (keywords + examples):")
    for name, rows in sets.items():
        got = [matcher.classify(t)[0] for t, _ in rows]
        acc = sum(g == w for g, (_, w) in zip(got, rows)) / len(rows)
        em = [(g, w) for g, (_, w) in zip(got, rows) if w == EMERGENCY]
        missed = sum(1 for g, _ in em if g != EMERGENCY)
        alarms = sum(1 for g, (_, w) in zip(got, rows) if g == EMERGENCY and w != EMERGENCY)
        print(f"  {name:24} {len(rows):4} messages  top-1 {acc:6.1%}  emergencies missed {missed}/{len(em)}  false alarms {alarms}")
    print("example model alone, each set left out of its training:")
    for name, (acc, rec) in leave_one_out(content, sets).items():
        print(f"  {name:24} top-1 {acc:6.1%}  emergency recall {rec:6.1%}")


if __name__ == "__main__":
    main()
