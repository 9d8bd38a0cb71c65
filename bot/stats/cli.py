"""`python -m bot stats [--since YYYY-MM-DD] [--ref CODE] [--csv] [--plot FILE.png] [--db FILE]`:
the reach figures from the bot's database, as a table (or CSV), and the chart.

Without --ref: every code together, with a line per code. `--ref -` is the people who came with
no code. Every cell under 5 people shows "<5" (bot/stats/report.py).
"""
from __future__ import annotations

import datetime as _dt
import os
import sys
import time
from pathlib import Path


def add_parser(sub) -> None:
    p = sub.add_parser("stats", help="reach figures per referral code (small numbers hidden)")
    p.add_argument("--since", help="first day, YYYY-MM-DD (default: everything kept)")
    p.add_argument("--until", help=argparse_suppress())
    p.add_argument("--ref", help="one referral code (free text), or - for people with no code")
    p.add_argument("--csv", action="store_true", help="CSV instead of a table")
    p.add_argument("--plot", help="write the chart here (.png)")
    p.add_argument("--lang", default="en", help="language of the table (id or en; default en)")
    p.add_argument("--db", help="SQLite file or postgresql:// URL (default: BOT_DB or data/bot.sqlite3)")
    p.set_defaults(func=run)


def argparse_suppress():
    import argparse

    return argparse.SUPPRESS


def run(args) -> int:
    from bot.i18n import translator
    from bot.share.files import make
    from bot.share.links import LinkError, normalise_code
    from bot.stats.report import chart_recipe, figures, render_csv, render_text
    from bot.stats.store import ReachStore, day_of
    from bot.store.sqlite import SQLiteStore

    from bot.store import is_postgres_url

    db = args.db or os.environ.get("BOT_DB") or "data/bot.sqlite3"
    if not is_postgres_url(db) and not Path(db).exists():
        print(f"stats: no database at {db}", file=sys.stderr)
        return 1
    for day in (args.since, args.until):
        if day:
            try:
                _dt.date.fromisoformat(day)
            except ValueError:
                print(f"stats: not a date (YYYY-MM-DD): {day!r}", file=sys.stderr)
                return 2
    try:
        ref = "" if args.ref == "-" else normalise_code(args.ref)
    except LinkError as e:
        print(f"stats: {e}", file=sys.stderr)
        return 2
    if is_postgres_url(db):
        from bot.store.postgres import PostgresStore

        store = PostgresStore(db, key=(os.environ.get("BOT_HASH_KEY") or "").strip() or None)
    else:
        store = SQLiteStore(db)
    try:
        reach = ReachStore(store)
        until = args.until or day_of(time.time())
        f = figures(reach, args.since or "0000-01-01", until, ref)
        if not args.since:
            f.since = "-"
        _ = translator(args.lang)
        sys.stdout.write(render_csv(f) if args.csv else render_text(f, _) + "\n")
        if args.plot:
            Path(args.plot).write_bytes(make(chart_recipe(f, _)).data)
            print(f"chart: {args.plot}", file=sys.stderr)
    finally:
        store.close()
    return 0
