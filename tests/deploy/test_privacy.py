"""/privasi and /privacy, and the link from "Tentang" (issue 12)."""
from pathlib import Path

from bot.app import build_engine
from bot.engine.events import Event
from bot.store import SQLiteStore

ROOT = Path(__file__).resolve().parent.parent.parent


def test_privasi_and_privacy_answer_in_the_persons_language():
    e = build_engine(store=SQLiteStore(":memory:"))
    (r,) = e.handle("tg:1", Event.cmd("privasi", lang_hint="id"))
    assert r.source == "privacy" and "UU No. 27 Tahun 2022" in r.text and "180 hari" in r.text and "/hapus" in r.text
    (r,) = e.handle("tg:2", Event.cmd("privacy", lang_hint="en"))
    assert "No. 27 of 2022" in r.text and "180 days" in r.text
    assert len(r.text) < 4096 and [b.data for b in r.all_buttons()] == ["a:clear", "a:menu"]  # (delete the bot's messages)


def test_about_points_to_the_privacy_command_and_privacy_md_is_bilingual():
    e = build_engine(store=SQLiteStore(":memory:"))
    about_id = "\n".join(r.text for r in e.handle("tg:3", Event.cmd("tentang", lang_hint="id")))
    about_en = "\n".join(r.text for r in e.handle("tg:4", Event.cmd("about", lang_hint="en")))
    assert "/privasi" in about_id and "/privacy" in about_en
    text = (ROOT / "PRIVACY.md").read_text("utf-8")
    for words in ("UU No. 27 Tahun 2022", "Law No. 27 of 2022", "180 hari", "180 days", "/hapus", "Berapa lama", "How long"):
        assert words in text
