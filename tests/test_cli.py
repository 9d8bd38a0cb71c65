"""The command line as NGOs and testers use it: piped chat, classify, environment variables."""
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(args, stdin="", env=None, tmp_path=None):
    e = dict(os.environ)
    if tmp_path is not None:
        e["BOT_DB"] = str(tmp_path / "bot.sqlite3")
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True, cwd=ROOT, env=e, timeout=60)


def test_piped_chat_taps_numbered_buttons_and_ends_at_eof(content, tmp_path):
    fake = content.modules["fake_offer"]
    r = run(["chat"], "1\n", tmp_path=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "[1] " + content.t(fake["title"], "id") in r.stdout
    start_text = content.t(fake["nodes"][fake["start"]]["text"], "id").splitlines()[0]
    assert start_text in r.stdout
    assert "> 1" in r.stdout


def test_piped_chat_in_english_and_state_survives_a_restart(content, tmp_path):
    r = run(["chat", "--lang", "en"], "nomor kbri malaysia\n", tmp_path=tmp_path)
    assert "Main menu" in r.stdout
    assert content.contacts["kbri_kuala_lumpur"]["lines"][0]["value"] in r.stdout
    again = run(["chat"], "", tmp_path=tmp_path)
    assert "Welcome back" in again.stdout


def test_chat_refuses_broken_content(tmp_path, content_copy):
    (content_copy / "about.yaml").write_text("text: [\n", encoding="utf-8")
    r = run(["chat", "--content", str(content_copy)], "halo\n", tmp_path=tmp_path)
    assert r.returncode == 1
    assert "about.yaml:" in r.stderr


def test_content_dir_from_environment(tmp_path, content_copy):
    (content_copy / "about.yaml").write_text("text: [\n", encoding="utf-8")
    r = run(["content", "check"], env={"BOT_CONTENT_DIR": str(content_copy)})
    assert r.returncode == 1 and "about.yaml" in r.stdout


def test_classify_prints_one_json_object_per_line():
    msgs = ["gmn cek agen resmi", "tolong saya disekap", "in english please", "harga cabe berapa", "", "menu"]
    r = run(["classify"], "\n".join(msgs) + "\n")
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert [x["intent"] for x in rows] == ["recruiter", "emergency", "language", "unknown", "menu"]
    assert all(set(x) == {"text", "intent", "score"} and isinstance(x["score"], (int, float)) for x in rows)
    assert rows[0]["text"] == "gmn cek agen resmi"
