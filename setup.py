"""Packaging hook: ship content/ and locales/ (with compiled catalogs) inside the package.

They stay at the top of the repository for editors and translators; a build copies them into
`bot/_data/` so that an installed `migrasi-aman` finds them through importlib.resources
(bot/resources.py). Everything else about the package is in pyproject.toml.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
SKIP = shutil.ignore_patterns("*.mo", "__pycache__", "*.pyc", "*~", ".*")


class BuildWithData(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads the checkout's folders directly
            return
        target = Path(self.build_lib) / "bot" / "_data"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(HERE / "content", target / "content", ignore=SKIP)
        shutil.copytree(HERE / "locales", target / "locales", ignore=SKIP)
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po in (target / "locales").glob("*/LC_MESSAGES/*.po"):
            with po.open("rb") as f:
                catalog = read_po(f, locale=po.parent.parent.name)
            with po.with_suffix(".mo").open("wb") as f:
                write_mo(f, catalog, use_fuzzy=True)  # as `make catalogs` (--use-fuzzy)


setup(cmdclass={"build_py": BuildWithData})
