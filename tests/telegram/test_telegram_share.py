"""Sharing end to end: the real bot process against the Bot API emulator, with an admin.

Deep links for every module and language with a referral, over-long and malformed codes; the
share reply of a referred person; the poster sent as a PDF document (its QR decodes to the link);
admin commands answered for admins only, files included; /stats as a photo with its table.
"""
from __future__ import annotations

import os
from types import SimpleNamespace

import pytest
from emulator import BOT_USERNAME, BotAPIEmulator
from tg_harness import TOKEN, BotProcess, Person, shape

from bot.app import build_engine
from bot.engine.events import Event
from bot.share.links import build_payload
from bot.store.sqlite import SQLiteStore

ADMIN_UID = 7700


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    oracle = build_engine(store=SQLiteStore(":memory:"))
    oracle.bot_username = BOT_USERNAME
    oracle.admins = {f"tg:{ADMIN_UID}"}
    emu = BotAPIEmulator(TOKEN).start()
    db = tmp_path_factory.mktemp("tg-share") / "bot.sqlite3"
    env = {"ADMIN_IDS": str(ADMIN_UID)}
    if os.environ.get("BOT_CONTENT_DIR"):
        env["BOT_CONTENT_DIR"] = os.environ["BOT_CONTENT_DIR"]
    bot = BotProcess(emu, db, **env).start()
    yield SimpleNamespace(emu=emu, bot=bot, oracle=oracle, db=db)
    bot.stop()
    emu.stop()


def person(live, uid: int, lang: str | None = "id") -> Person:
    return Person(live.bot, live.oracle, uid, lang)


def decode_pdf_qr(data: bytes) -> list[str]:
    pdfium = pytest.importorskip("pypdfium2")
    zxingcpp = pytest.importorskip("zxingcpp")
    doc = pdfium.PdfDocument(data)
    assert len(doc) == 1
    return [r.text for r in zxingcpp.read_barcodes(doc[0].render(scale=2).to_pil())]


def test_links_with_every_module_language_and_a_referral_round_trip_through_start(live):
    content = live.oracle.content
    n = 0
    for mid in content.modules:
        for lang in content.languages:
            n += 1
            payload = build_payload(mid, lang, "desa_suka_maju")
            p = person(live, 7100 + n, "id")
            got = p.command(f"/start {payload}", Event.start(payload, lang_hint="id"))
            # the topic opens: its lesson, or its tool with the lesson one tap away (the recruiter check)
            opens = f"a:lesson:{mid}" if content.modules[mid].get("opens_with") else f"b:{mid}:"
            assert any(d and d.startswith(opens) for m in got for row in shape(m)[1] for _, d in row)
            share = p.command("/bagikan", Event.cmd("bagikan", lang_hint="id"))
            assert f"https://t.me/{BOT_USERNAME}?start=menu-{lang}-desa_suka_maju" in share[0]["text"]


def test_over_long_and_malformed_codes_are_not_kept_and_the_bot_starts(live):
    for k, bad in enumerate(["menu-id-" + "x" * 57, "help-id-desa-suka", "help-id-desa%20x", "menu-id-d\u00e9sa"]):
        p = person(live, 7210 + k, "id")
        got = p.command(f"/start {bad}", Event.start(bad, lang_hint="id"))  # as the engine answers it
        assert got
        share = p.command("/bagikan", Event.cmd("bagikan", lang_hint="id"))
        assert share[0]["text"].endswith(f"https://t.me/{BOT_USERNAME}?start=menu-id")


def test_a_referred_person_shares_the_code_and_gets_the_poster(live):
    p = person(live, 7300, "id")
    p.command("/start menu-id-desa_suka_maju", Event.start("menu-id-desa_suka_maju", lang_hint="id"))
    got = p.say("minta link nya")
    link = f"https://t.me/{BOT_USERNAME}?start=menu-id-desa_suka_maju"
    urls = [b.get("url", "") for row in got[0]["reply_markup"]["inline_keyboard"] for b in row]
    assert link in got[0]["text"] and any(u.startswith("https://wa.me/?text=") for u in urls)
    poster = p.press(got[0], "a:share:poster")
    assert poster[0]["document"]["file_name"] == "poster-desa_suka_maju.pdf"
    assert decode_pdf_qr(poster[0]["_file"]["data"]) == [link]


def test_admin_commands_answer_admins_only(live):
    nobody = person(live, 7400, "id")
    nobody.command("/start", Event.start("", lang_hint="id"))
    unknown = nobody.command("/nosuch", Event.cmd("nosuch", lang_hint="id"))
    for cmd, args in (("poster", "desa x"), ("link", "desa x"), ("stats", "")):
        got = nobody.command(f"/{cmd} {args}".strip(), Event.cmd(cmd, args, lang_hint="id"))
        assert [shape(m) for m in got] == [shape(m) for m in unknown]
    admin = person(live, ADMIN_UID, "id")
    admin.command("/start", Event.start("", lang_hint="id"))
    poster = admin.command("/poster Desa X help en", Event.cmd("poster", "Desa X help en", lang_hint="id"))
    assert decode_pdf_qr(poster[0]["_file"]["data"]) == [f"https://t.me/{BOT_USERNAME}?start=help-en-desa_x"]
    link = admin.command("/link Desa X", Event.cmd("link", "Desa X", lang_hint="id"))
    assert "photo" in link[0] and "start=menu-id-desa_x" in link[0]["caption"]
    stats = admin._do(lambda: live.emu.send_text(admin.user, "/stats"))  # figures of the live bot's own database
    assert stats[-1]["_file"]["data"][:4] == b"\x89PNG"
    assert str(ADMIN_UID) not in stats[0].get("caption", stats[0].get("text", ""))
