"""`python -m bot registry import|find|info` (issue 5)."""


def add_parser(sub) -> None:
    p = sub.add_parser("registry", help="import and search the list of licensed placement companies")
    p.set_defaults(func=lambda args: _todo())


def _todo() -> int:
    print("registry: not built yet")
    return 2
