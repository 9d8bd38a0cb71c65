"""`python -m bot run` (issue 3)."""


def add_parser(sub) -> None:
    p = sub.add_parser("run", help="run the bot on Telegram (needs TELEGRAM_BOT_TOKEN)")
    p.set_defaults(func=lambda args: _todo())


def _todo() -> int:
    print("run: not built yet")
    return 2
