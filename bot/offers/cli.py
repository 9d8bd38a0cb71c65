"""`python -m bot check-offer` (issue 4)."""


def add_parser(sub) -> None:
    p = sub.add_parser("check-offer", help="check one job offer from standard input (JSON out)")
    p.add_argument("--content", help="content folder")
    p.add_argument("--jsonl", action="store_true", help="one JSON object {text} per input line")
    p.set_defaults(func=lambda args: _todo())


def _todo() -> int:
    print("check-offer: not built yet")
    return 2
