"""`python -m bot run`: the bot on Telegram (long polling, or a webhook when WEBHOOK_URL is set).

Configuration comes from the environment; see docs/telegram.md.
"""
from __future__ import annotations

import sys


def add_parser(sub) -> None:
    p = sub.add_parser(
        "run",
        help="run the bot on Telegram (needs TELEGRAM_BOT_TOKEN; see docs/telegram.md)",
        description=(
            "Run the bot on Telegram. Environment: TELEGRAM_BOT_TOKEN (required), TELEGRAM_API_URL, "
            "BOT_DB, BOT_CONTENT_DIR, ADMIN_IDS, WEBHOOK_URL, WEBHOOK_SECRET, PORT. "
            "With WEBHOOK_URL set it serves a webhook on PORT, otherwise it long-polls."
        ),
    )
    p.add_argument(
        "--mode", choices=["auto", "webhook", "polling"], default="auto",
        help="auto (default): webhook when WEBHOOK_URL is set, else long polling; "
        "webhook: require WEBHOOK_URL (Procfile `web`); polling: long-poll even if WEBHOOK_URL is set (Procfile `worker`)",
    )
    p.set_defaults(func=_run)


def _run(args) -> int:
    import asyncio
    import logging
    import os

    # Opt in to python-telegram-bot's timedelta durations now, instead of a deprecation
    # warning in the log on every flood-control answer.
    os.environ.setdefault("PTB_TIMEDELTA", "1")

    from .config import ConfigError, load_config

    env = dict(os.environ)
    mode = getattr(args, "mode", "auto")
    if mode == "polling":
        env.pop("WEBHOOK_URL", None)
    try:
        cfg = load_config(env)
        if mode == "webhook" and cfg.mode != "webhook":
            raise ConfigError(
                "--mode webhook needs WEBHOOK_URL: the public https:// address Telegram should call "
                "(e.g. https://<your app>/telegram). Without it, run `python -m bot run` to long-poll."
            )
    except ConfigError as e:
        print(str(e), file=sys.stderr)
        return 2

    from .logsafe import setup_logging

    redact = setup_logging(cfg.token)
    logging.captureWarnings(True)
    log = logging.getLogger("bot.telegram")

    from bot.content_loader import ContentError

    from .runner import Fatal, run_bot

    try:
        return asyncio.run(run_bot(cfg))
    except ContentError as e:
        print(redact(e.report() if hasattr(e, "report") else str(e)), file=sys.stderr)
        print("The content has problems (see above); fix them, check with `make check`, then start again.", file=sys.stderr)
        return 1
    except Fatal as e:
        log.error("%s", e)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as e:  # last resort: one redacted line, no traceback with texts
        from .service import describe_error

        log.critical("the bot stopped: %s", describe_error(e))
        return 1
