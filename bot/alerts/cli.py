"""`python -m bot alert send NAME` and `python -m bot alert status NAME`."""
from __future__ import annotations

import sys


def add_parser(sub) -> None:
    p = sub.add_parser("alert", help="opt-in alerts: send one (content/alerts/NAME.yaml) or see its progress")
    asub = p.add_subparsers(dest="alert_command", metavar="SUBCOMMAND")
    s = asub.add_parser("send", help="send an alert to every subscriber (resumes an interrupted run)")
    s.add_argument("name")
    s.add_argument("--content", help="content folder")
    s.add_argument("--db", help="SQLite file or postgresql:// URL (default: BOT_DB or data/bot.sqlite3)")
    s.set_defaults(func=_send)
    s = asub.add_parser("status", help="how far an alert has gone")
    s.add_argument("name")
    s.add_argument("--db", help="SQLite file or postgresql:// URL (default: BOT_DB or data/bot.sqlite3)")
    s.set_defaults(func=_status)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


def _send(args) -> int:
    import logging
    import os

    from bot.adapters.telegram.config import ConfigError, load_config
    from bot.alerts.sender import HttpApi, alert_names, send_alert
    from bot.alerts.store import AlertStore
    from bot.app import content_dir
    from bot.content_loader import ContentError, load_content
    from bot.store import open_store

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        cfg = load_config(dict(os.environ))
    except ConfigError as e:
        print(str(e), file=sys.stderr)
        return 2
    try:
        content = load_content(content_dir(args.content))
    except ContentError as e:
        print(e.report(), file=sys.stderr)
        return 1
    if args.name not in alert_names(content):
        print(f"no alert {args.name!r}: known {', '.join(alert_names(content)) or 'none'} (content/alerts/NAME.yaml)", file=sys.stderr)
        return 2
    store = open_store(args.db)
    alerts = AlertStore.for_store(store)
    api = HttpApi(cfg.token, cfg.api_url)
    rate = float(os.environ.get("ALERT_RATE") or 25)
    from bot.alerts.sender import AlreadySending

    try:
        summary = send_alert(alerts, content, args.name, api.send, rate=min(rate, 25.0),
                             progress=lambda s: print(f"  ... {s.sent + s.failed + s.unsubscribed} done", flush=True))
    except AlreadySending as e:
        print(str(e), file=sys.stderr)
        return 1
    finally:
        api.close()
    print(summary.line())
    return 0


def _status(args) -> int:
    from bot.alerts.store import AlertStore
    from bot.store import open_store

    alerts = AlertStore.for_store(open_store(args.db))
    st = alerts.status(args.name)
    if not st["total"]:
        print(f"alert {args.name}: not sent yet ({alerts.subscribers()} subscriber(s) now)")
        return 0
    left = st["pending"] + st["sending"]
    print(f"alert {args.name}: {st['sent']} sent, {st['failed']} failed, {st['blocked']} unsubscribed (blocked the bot), "
          f"{left} still to send, of {st['total']}" + (" -> run `alert send` again to finish" if left else " (done)"))
    return 0
