"""`python -m bot check-offer`: one offer -> one JSON object; --jsonl: one result per line, in order."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(args, stdin):
    p = subprocess.run([sys.executable, "-m", "bot", "check-offer", *args], input=stdin, capture_output=True,
                       text=True, cwd=ROOT, timeout=60)
    return p.returncode, p.stdout, p.stderr


def test_one_offer():
    code, out, err = run([], "LOKER KAMBOJA gaji 15jt tanpa pengalaman, tiket gratis\nWA 0812xxxx\n")
    assert code == 0, err
    obj = json.loads(out)
    assert set(obj) == {"risk", "score", "flags", "positives"}
    assert obj["risk"] == "high" and isinstance(obj["score"], (int, float))
    assert {"id": "no_legal_placement", "snippet": "KAMBOJA"} in obj["flags"]


def test_jsonl_in_order_with_bad_lines():
    lines = [
        json.dumps({"text": "Kerja di Sihanoukville, CS, gaji $1200, tiket gratis"}),
        "not json",
        json.dumps({"txt": "x"}),
        json.dumps({"text": "Dibutuhkan admin gudang di Surabaya, gaji 4jt"}),
    ]
    code, out, err = run(["--jsonl", "--content", str(ROOT / "content")], "\n".join(lines) + "\n")
    assert code == 0, err
    rows = [json.loads(x) for x in out.splitlines()]
    assert len(rows) == 4
    assert rows[0]["risk"] == "high" and "error" in rows[1] and "error" in rows[2] and rows[3]["risk"] == "low"


def test_broken_content_exits_1(tmp_path):
    (tmp_path / "redflags.yaml").write_text("levels: [unclosed\n", encoding="utf-8")
    code, out, err = run(["--content", str(tmp_path)], "x")
    assert code == 1 and "redflags.yaml" in err
