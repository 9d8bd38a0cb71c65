"""`python -m bot check-offer [--content DIR] [--jsonl]`: check job offers from standard input.

One offer (all of stdin) -> one JSON object {"risk", "score", "flags": [{"id", "snippet"}],
"positives": [{"id", "snippet"}]}. With --jsonl each input line is {"text": ...} and each output
line is its result, in order; a line that is not such an object gets {"error": ...} instead.
Only content/redflags.yaml (and schema.json, settings.yaml) is read, so this works while other
content is being edited.
"""
from __future__ import annotations

import json
import sys

MAX_TEXT = 8000  # as the bot (bot/offers/tool.py)


def add_parser(sub) -> None:
    p = sub.add_parser("check-offer", help="check job offers from standard input for red flags (JSON out)")
    p.add_argument("--content", help="content folder (default: BOT_CONTENT_DIR or ./content)")
    p.add_argument("--jsonl", action="store_true", help="one JSON object {\"text\": ...} per input line")
    p.add_argument("--text", action="store_true", help="print the reply a person would read, then the red flags with their words")
    p.add_argument("--lang", help="with --text: the reader's language (default: the content's first)")
    p.set_defaults(func=run)


def run(args) -> int:
    from bot.app import content_dir
    from bot.offers.checker import OfferChecker
    from bot.offers.rules import load_rules

    rules, _langs, problems = load_rules(content_dir(args.content))
    errors = [p for p in problems if p.severity == "error"]
    if rules is None or errors:
        print("check-offer: content/redflags.yaml has problems:", file=sys.stderr)
        for p in problems:
            print(f"  {p}", file=sys.stderr)
        return 1
    checker = OfferChecker(rules)
    out = sys.stdout
    if getattr(args, "text", False):
        from bot.offers.readable import readable

        out.write(readable(checker, rules, _langs, sys.stdin.read()[:8000], args.lang) + "\n")
        return 0
    if not args.jsonl:
        text = sys.stdin.read()
        if not text.strip():
            print("check-offer: the input is empty: pipe the text of a job offer in", file=sys.stderr)
            return 1
        if len(text) > MAX_TEXT:
            print(f"check-offer: the offer is {len(text):,} characters; only the first {MAX_TEXT:,} were checked "
                  "(as in the bot)", file=sys.stderr)
        out.write(json.dumps(checker.check(text[:MAX_TEXT]).as_json(), ensure_ascii=False) + "\n")
        return 0
    for n, line in enumerate(sys.stdin, 1):
        line = line.strip()
        try:
            obj = json.loads(line)
            text = obj.get("text") if isinstance(obj, dict) else None
            if not isinstance(text, str):
                raise ValueError('expected an object with a "text" string')
        except (ValueError, json.JSONDecodeError) as e:
            out.write(json.dumps({"error": f"line {n}: {e}"}, ensure_ascii=False) + "\n")
            continue
        if len(text) > MAX_TEXT:
            print(f"check-offer: line {n}: only the first {MAX_TEXT:,} of {len(text):,} characters were checked",
                  file=sys.stderr)
        out.write(json.dumps(checker.check(text[:MAX_TEXT]).as_json(), ensure_ascii=False) + "\n")
        out.flush()
    return 0
