import json
from pathlib import Path

import pytest

from bot.offers.checker import OfferChecker
from bot.offers.rules import load_rules

HERE = Path(__file__).resolve().parent
CONTENT = HERE.parent.parent / "content"


def _read(name: str) -> list[dict]:
    return [json.loads(line) for line in (HERE / name).read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def offers_rules():
    data, _langs, problems = load_rules(CONTENT)
    assert data is not None, "\n".join(map(str, problems))
    return data


@pytest.fixture(scope="session")
def checker(offers_rules):
    return OfferChecker(offers_rules)


@pytest.fixture(scope="session")
def training_set():
    return _read("offers.jsonl")


@pytest.fixture(scope="session")
def heldout_set():
    return _read("heldout.jsonl")
