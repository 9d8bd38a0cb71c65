import datetime as _dt
import sys
from pathlib import Path

import pytest
import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))

from fictional_list import fictional_csv  # noqa: E402

TODAY = _dt.date(2026, 11, 22)


class StubContent:
    """Just what the tools read: content/recruiter_check.yaml and the countries of
    content/contacts.yaml (independent of the rest of the content, which other features own)."""

    def __init__(self) -> None:
        self.dir = ROOT / "content"
        self.languages = ["id", "en"]
        self.files = {"recruiter_check.yaml": yaml.safe_load((self.dir / "recruiter_check.yaml").read_text("utf-8"))}
        self.modules = {"help": {}}
        # the destination question has one button per country of contacts.yaml
        self.countries = yaml.safe_load((self.dir / "contacts.yaml").read_text("utf-8"))["countries"]

    def t(self, text, lang):
        if isinstance(text, dict):
            return text.get(lang) or text.get("id") or next(iter(text.values()), "")
        return str(text or "")

    def line(self, relpath, *keys):
        return 0


@pytest.fixture
def stub_content():
    return StubContent()


@pytest.fixture
def registry():
    from bot.registry.store import Registry
    from bot.store import MemoryStore

    return Registry.for_store(MemoryStore(), today=lambda: TODAY)


@pytest.fixture(scope="session")
def fictional_text():
    return fictional_csv(3000, retrieved_on=TODAY.isoformat())


@pytest.fixture
def loaded(registry, fictional_text):
    from bot.registry.parse import parse_csv

    result = parse_csv(fictional_text, today=TODAY)
    assert result.ok, result.errors[:3]
    registry.replace(result.companies)
    return registry
