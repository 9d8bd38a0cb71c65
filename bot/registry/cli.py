"""`python -m bot registry import|find|info` (issue 5).

    python -m bot registry import daftar-p3mi.csv     # check every row; replace the list or change nothing
    python -m bot registry find "PT Sumber Rejeki"    # JSON: best matches first, [] when nothing is close
    python -m bot registry info [--json]              # size, source and date of the list

All take `--db FILE` (default: BOT_DB or data/bot.sqlite3), before or after the sub-command.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def add_parser(sub) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", dest="sub_db", help="SQLite file or postgresql:// URL (default: BOT_DB or data/bot.sqlite3)")

    p = sub.add_parser("registry", help="import and search the list of licensed placement companies")
    p.add_argument("--db", help="SQLite file or postgresql:// URL (default: BOT_DB or data/bot.sqlite3)")
    rsub = p.add_subparsers(dest="registry_command", metavar="SUBCOMMAND")

    c = rsub.add_parser(
        "import",
        parents=[common],
        help="check a CSV list and replace the current one (nothing changes if any row is bad)",
        description="Columns (any order, English or Indonesian names): name, licence number, address, "
        "province, valid until, status, source URL, retrieved on. See docs/registry.md.",
    )
    c.add_argument("file", help="the CSV file (UTF-8, ';' or ',' between columns); '-' reads standard input")
    c.add_argument("--dry-run", action="store_true", help="only check the file; import nothing")
    c.set_defaults(func=_import)

    c = rsub.add_parser("find", parents=[common], help="look a company name up; JSON out, best first")
    c.add_argument("name", nargs="+", help="the name as the recruiter wrote it")
    c.add_argument("--limit", type=int, default=5, help="at most this many matches (default 5)")
    c.set_defaults(func=_find)

    c = rsub.add_parser("info", parents=[common], help="the list's size, source and date")
    c.add_argument("--json", action="store_true", help="print JSON")
    c.set_defaults(func=_info)

    p.set_defaults(func=lambda args: (p.print_help(sys.stderr), 2)[1])


def _registry(args):
    from bot.registry.store import Registry
    from bot.store import open_store

    store = open_store(getattr(args, "sub_db", None) or getattr(args, "db", None))
    return store, Registry.for_store(store)


def _import(args) -> int:
    from bot.registry.parse import MAX_BAD_ROWS_LISTED, parse_csv, read_text

    def read_stdin() -> str:
        raw = sys.stdin.buffer.read()
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            line = raw[: e.start].count(b"\n") + 1
            raise ValueError(f"line {line}: the input is not UTF-8 text") from None

    path = Path(args.file)
    try:
        text = read_stdin() if args.file == "-" else read_text(path)
    except FileNotFoundError:
        print(f"{path}: no such file", file=sys.stderr)
        return 1
    except (OSError, ValueError) as e:
        print(f"{path}: {e}; nothing imported", file=sys.stderr)
        return 1
    result = parse_csv(text)
    for w in result.warnings[:MAX_BAD_ROWS_LISTED]:
        print(f"{path}: warning: {w}", file=sys.stderr)
    if result.errors:
        n = len(result.errors)
        print(
            f"{path}: {n} problem(s); nothing imported, the current list is kept:",
            file=sys.stderr,
        )
        for e in result.errors[:MAX_BAD_ROWS_LISTED]:
            print(f"  {e}", file=sys.stderr)
        if n > MAX_BAD_ROWS_LISTED:
            print(f"  ... and {n - MAX_BAD_ROWS_LISTED} more", file=sys.stderr)
        return 1
    from bot.registry.parse import list_summary

    source, date = list_summary(result.companies)
    cols = ", ".join(f"{f}={h!r}" for f, h in result.columns.items())
    if args.dry_run:
        print(f"{path}: {len(result.companies)} companies, all rows fine (dry run: nothing imported)")
        print(f"  columns: {cols}\n  source: {source}\n  list date: {date}")
        return 0
    store, reg = _registry(args)
    try:
        old = reg.replace(result.companies, file_name="stdin" if args.file == "-" else path.name)
        info = reg.info()
    finally:
        store.close()
    name = "<stdin>" if args.file == "-" else path.name
    print(f"Imported {info.size} companies from {name} (replacing a list of {old}) into {store.path}")
    print(f"  columns: {cols}\n  source: {info.source}\n  list date: {info.date}")
    if info.stale:
        print(
            f"  warning: the list is {info.age_days} days old (more than {_stale_days()}): "
            "the bot will not answer from it; import a newer one",
            file=sys.stderr,
        )
    return 0


def _stale_days() -> int:
    from bot.registry.store import STALE_DAYS

    return STALE_DAYS


# `registry find` exit codes: a caller must tell "not on the list" ([] and 0) from "no list".
EXIT_NO_LIST = 3
EXIT_STALE_LIST = 4


def _find(args) -> int:
    store, reg = _registry(args)
    try:
        info = reg.info()
        out = reg.find_json(" ".join(args.name), limit=max(1, args.limit))
    finally:
        store.close()
    print(json.dumps(out, ensure_ascii=False, indent=1))
    if info.empty:
        print(f"registry find: no list imported in {store.path}, so no name can be found "
              "(import one: registry import FILE.csv)", file=sys.stderr)
        return EXIT_NO_LIST
    if info.stale:
        print(f"registry find: the list is stale ({info.age_days} days old, more than {_stale_days()}); "
              "the bot does not answer from it", file=sys.stderr)
        return EXIT_STALE_LIST
    return 0


def _info(args) -> int:
    store, reg = _registry(args)
    try:
        info = reg.info()
    finally:
        store.close()
    if args.json:
        print(json.dumps({**info.as_dict(), "db": store.path}, ensure_ascii=False, indent=1))
        return 0
    if info.empty:
        print(f"No list imported in {store.path}. Import one: python -m bot registry import FILE.csv")
        return 0
    print(f"Companies:  {info.size}")
    print(f"Source:     {info.source}")
    print(f"List date:  {info.date} ({info.age_days} days ago)")
    print(f"Imported:   {info.imported_at}")
    if info.stale:
        print(f"Stale:      yes: older than {_stale_days()} days; the bot sends people to the official channels instead")
    else:
        print(f"Stale:      no (the bot stops answering from it after {_stale_days()} days)")
    print(f"Database:   {store.path}")
    return 0
