"""Where the bot's data files are: in a checkout, or shipped inside the installed package.

`pip install .` copies content/ and locales/ (with compiled .mo catalogs) into the package as
`bot/_data/content` and `bot/_data/locales` (see setup.py). A checkout (and an editable install)
has no `bot/_data`, and uses the folders at the top of the repository. BOT_CONTENT_DIR still
overrides the content folder; the UI catalogs always come from the package or the checkout,
so pointing BOT_CONTENT_DIR elsewhere never loses the Indonesian interface.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent


def _packaged(name: str) -> Path | None:
    try:
        p = resources.files("bot") / "_data" / name
    except (ModuleNotFoundError, TypeError):  # pragma: no cover
        return None
    # The package is installed as files (a wheel into site-packages), so this is a real path.
    return Path(str(p)) if p.is_dir() else None


def data_dir(name: str) -> Path:
    """`content` or `locales`: the packaged copy if there is one, else the checkout's folder."""
    return _packaged(name) or REPO_DIR / name


def content_dir() -> Path:
    return data_dir("content")


def locales_dir() -> Path:
    return data_dir("locales")
