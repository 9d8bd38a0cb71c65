"""Command line: `python -m bot <command>` (also installed as `migrasi-aman`)."""
from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

# Feature packages that add their own sub-commands: module with add_parser(subparsers).
FEATURE_CLIS = [
    "bot.adapters.telegram.cli",
    "bot.offers.cli",
    "bot.registry.cli",
    "bot.share.cli",
    "bot.stats.cli",
    "bot.alerts.cli",
]


def prog_name(argv0: str | None = None) -> str:
    """The command as it was run, for usage lines: `migrasi-aman`, or `python -m bot`."""
    name = Path(argv0 if argv0 is not None else (sys.argv[0] if sys.argv else "")).name
    return "python -m bot" if name in ("", "-c", "__main__.py", "-m") else name


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as _version

    try:
        return _version("migrasi-aman")
    except PackageNotFoundError:  # a checkout that was never installed
        return "unknown (not installed)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog_name(), description="Migrasi Aman chatbot")
    parser.add_argument("--version", action="version", version=f"%(prog)s {version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("chat", help="chat with the bot in this terminal (no Telegram needed)")
    p.add_argument("--lang", help="language to start in (default: the content's first)")
    p.add_argument("--content", help="content folder (default: BOT_CONTENT_DIR or ./content)")
    p.add_argument("--db", help="SQLite file or postgresql:// URL (default: BOT_DB or data/bot.sqlite3)")
    p.add_argument("--user", default="term:local", help=argparse.SUPPRESS)
    p.add_argument("--at", metavar="MODULE[:NODE]", help="open the chat at this screen (e.g. fake_offer:intro)")
    p.set_defaults(func=_chat)

    p = sub.add_parser("content", help="content tools")
    csub = p.add_subparsers(dest="content_command", metavar="SUBCOMMAND")
    c = csub.add_parser("check", help="validate the content; exit 1 listing every problem")
    c.add_argument("--content", help="content folder")
    c.add_argument("--strict", action="store_true", help="every text in every language (a missing translation is an error)")
    c.set_defaults(func=_content_check)
    from bot.content_loader.editor_cli import add_content_commands

    add_content_commands(csub)
    p.set_defaults(func=lambda args: (p.print_help(sys.stderr), 2)[1])

    p = sub.add_parser("classify", help="label messages from standard input, one JSON per line")
    p.add_argument("--content", help="content folder")
    p.add_argument("--explain", action="store_true", help="say which keywords, example words or answers decided, in plain lines")
    p.set_defaults(func=_classify)

    for name in FEATURE_CLIS:
        importlib.import_module(name).add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


def _chat(args) -> int:
    from bot.adapters.terminal import run_terminal_chat

    return run_terminal_chat(content=args.content, lang=args.lang, db=args.db, user=args.user, at=args.at)


def _content_check(args) -> int:
    from bot.content_loader.check import run_check

    return run_check(args.content, strict=True if args.strict else None)


def _classify(args) -> int:
    import json

    from bot.app import content_dir
    from bot.content_loader import ContentError, load_content
    from bot.engine.intents import IntentMatcher

    try:
        content = load_content(content_dir(args.content))
    except ContentError as e:
        print(e.report(), file=sys.stderr)
        return 1
    from bot.engine.said import MAX_TEXT

    matcher = IntentMatcher.for_content(content)
    out = sys.stdout
    if args.explain:
        from bot.content_loader.explain import explain

        for line in sys.stdin:
            if line.strip():
                out.write(explain(content, line.rstrip("\r\n")[:MAX_TEXT]) + "\n\n")
        return 0
    for n, line in enumerate(sys.stdin, 1):
        text = line.rstrip("\r\n")
        if not text.strip():
            continue
        if len(text) > MAX_TEXT:  # the bot reads this much of a message; so does classify
            print(f"classify: line {n}: only the first {MAX_TEXT:,} of {len(text):,} characters were read",
                  file=sys.stderr)
            text = text[:MAX_TEXT]
        intent, score = matcher.classify(text)
        out.write(json.dumps({"text": text, "intent": intent, "score": round(score, 1)}, ensure_ascii=False) + "\n")
        out.flush()
    return 0
