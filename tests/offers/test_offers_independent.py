"""Offers written by someone who never saw the checker's rules (tests/offers/independent.jsonl):
the issue's floors hold. First reading: 48/50 scam-pattern offers medium or high, no legitimate
offer high, 3/40 legitimate offers medium; the misses led to content words (tourist entry stamps,
documents 'bisa dibikinkan', 'tanpa PT', advertisers' own warnings)."""
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent


def test_independent_offers_meet_the_floors(checker):
    rows = [json.loads(line) for line in (HERE / "independent.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    scam = [checker.check(r["text"]).level for r in rows if r["label"] == "scam"]
    legit = [checker.check(r["text"]).level for r in rows if r["label"] == "legit"]
    assert len(scam) >= 40 and len(legit) >= 30
    assert sum(r != "low" for r in scam) / len(scam) >= 0.95
    assert "high" not in legit
    assert sum(r == "medium" for r in legit) / len(legit) <= 0.20
