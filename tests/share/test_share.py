"""Sharing: links and payloads, the one share reply, the poster (its QR decodes to the link), QR
photos, admin-only commands, attachments on Telegram (journaled as recipes) and in the terminal."""
from __future__ import annotations

import io
import json
import subprocess
import sys
from urllib.parse import parse_qs, unquote, urlparse

import pytest

from bot.adapters.telegram.service import file_bytes, reply_ops
from bot.app import make_commands, make_tools
from bot.engine import Engine, Event
from bot.share.links import LinkError, build_payload, make_link, normalise_code
from bot.store import MemoryStore

BOT = "MigrasiAmanTestBot"
ADMIN = "tg:42"


def new_engine(content, store=None):
    store = store or MemoryStore()
    e = Engine(content, store, tools=make_tools(content, store), commands=make_commands(content, store), admins={ADMIN})
    e.bot_username = BOT
    return e


def decode_qr(image) -> list[str]:
    zxingcpp = pytest.importorskip("zxingcpp")
    return [r.text for r in zxingcpp.read_barcodes(image)]


def render_pdf(data: bytes):
    pdfium = pytest.importorskip("pypdfium2")
    doc = pdfium.PdfDocument(data)
    return doc, [doc[i].render(scale=2).to_pil() for i in range(len(doc))]


# -- links --------------------------------------------------------------------------------------
@pytest.mark.parametrize("raw,code", [
    ("Desa Suka Maju", "desa_suka_maju"), ("SMK 2 Wonosobo!", "smk_2_wonosobo"),
    ("Puskesmas Kec. Cilacap-Selatan", "puskesmas_kec_cilacap_selatan"), ("Désa Ñusa", "desa_nusa"),
    ("  __ ", None), ("", None), ("../../etc/passwd", "etc_passwd"),
])
def test_codes_are_normalised_to_the_payload_alphabet(raw, code):
    assert normalise_code(raw) == code


def test_an_over_long_code_or_payload_is_refused_not_cut():
    with pytest.raises(LinkError):
        normalise_code("x" * 41)
    with pytest.raises(LinkError):
        build_payload("m" * 30, "en", "c" * 40)
    with pytest.raises(LinkError):
        build_payload("help", "id", "bad-code")


def test_every_module_language_and_referral_round_trips_through_the_engine(content):
    e = new_engine(content)
    for mid in list(content.modules) + [None]:
        for lang in list(content.languages) + [None]:
            for ref in (None, "desa_suka_maju", "r" * 40):
                payload = build_payload(mid, lang, ref)
                assert len(payload) <= 64
                assert e.parse_payload(payload) == (mid, lang, ref), payload
                link = make_link(BOT, mid, lang, ref)
                assert link == f"https://t.me/{BOT}?start={payload}"


# -- the share reply --------------------------------------------------------------------------------
def shape(replies):
    return [(r.text, [[(b.label, b.data or b.url) for b in row] for row in r.buttons]) for r in replies]


def test_bagikan_share_and_typed_requests_give_the_same_reply_with_the_persons_code(content):
    e = new_engine(content)
    e.handle("tg:1", Event.start("menu-id-desa_suka_maju"))
    by_command = e.handle("tg:1", Event.cmd("bagikan"))
    assert shape(e.handle("tg:1", Event.cmd("share"))) == shape(by_command)
    for text in ("cara share bot ini", "minta link", "bisa dimasukin grup wa?", "caranya share bot ini ke grup wa desa"):
        assert shape(e.handle("tg:1", Event.message(text))) == shape(by_command), text
    reply = by_command[0]
    link = f"https://t.me/{BOT}?start=menu-id-desa_suka_maju"
    assert link in reply.text
    urls = {b.label: b.url for b in reply.all_buttons() if b.url}
    wa = urls["Kirim ke WhatsApp"]
    assert wa.startswith("https://wa.me/?text=") and link in unquote(wa)
    tg = urlparse(urls["Bagikan di Telegram"])
    assert tg.netloc == "t.me" and tg.path == "/share/url" and parse_qs(tg.query)["url"] == [link]
    assert any(b.label == "Poster untuk dicetak" and b.data for b in reply.all_buttons())


def test_someone_without_a_code_shares_the_plain_link_in_their_language(content):
    e = new_engine(content)
    e.handle("tg:2", Event.start("", lang_hint="en"))
    reply = e.handle("tg:2", Event.cmd("share"))[0]
    assert f"https://t.me/{BOT}?start=menu-en\n" in reply.text + "\n"
    assert "Send on WhatsApp" in [b.label for b in reply.all_buttons()]


def test_the_share_button_beside_content_that_says_tell_your_family(content):
    e = new_engine(content)
    e.handle("tg:3", Event.start(""))
    ends = [(mid, m["nodes"]["end"]) for mid, m in content.modules.items() if "end" in m["nodes"]]
    assert ends and all(any(b.get("action") == "share" for b in node["buttons"]) for _, node in ends)
    from bot.engine import callbacks as cb
    from bot.engine.callbacks import NodeButton

    mid, node = ends[0]
    i = next(i for i, b in enumerate(node["buttons"]) if b.get("action") == "share")
    e.handle("tg:3", Event.button(cb.module(mid)))
    s = e.store.load_session("tg:3")
    s["module"], s["node"] = mid, "end"
    e.store.save_session("tg:3", s)
    got = e.handle("tg:3", Event.button(cb.encode(NodeButton(mid, "end", i))))
    assert got[0].source == "small:share"


# -- the poster -------------------------------------------------------------------------------------
def test_the_poster_is_one_a4_page_and_its_qr_code_decodes_to_the_link(content):
    e = new_engine(content)
    e.handle("tg:4", Event.start("help-id-desa_suka_maju"))
    replies = e.handle("tg:4", Event.button("a:share:poster"))
    att = replies[0].attachment
    assert att.kind == "document" and att.mime == "application/pdf" and att.filename.endswith(".pdf")
    doc, pages = render_pdf(att.data)
    assert len(doc) == 1
    w, h = doc[0].get_size()
    assert abs(w - 595.28) < 1 and abs(h - 841.89) < 1  # A4 in points
    assert decode_qr(pages[0]) == [f"https://t.me/{BOT}?start=menu-id-desa_suka_maju"]
    text = doc[0].get_textpage().get_text_range()
    for needed in ("0800-1000", "+62 812-9007-0027", "@" + BOT, "desa_suka_maju", f"t.me/{BOT}?start=menu-id-desa_suka_maju",
                   "Ditawari kerja ke luar negeri?", "Offered a job abroad?"):
        assert needed in text, needed


def test_the_poster_numbers_come_from_the_contacts_file(content):
    from bot.share.poster import hotlines

    assert hotlines(content) == {"kp2mi": "0800-1000", "kemlu": "+62 812-9007-0027"}


# -- admin commands ----------------------------------------------------------------------------------
@pytest.mark.parametrize("command", ["poster", "link", "stats"])
def test_admin_commands_answer_admins_only(content, command):
    e = new_engine(content)
    unknown = shape(e.handle("tg:5", Event.cmd("nosuchcommand", "desa x")))
    assert shape(e.handle("tg:5", Event.cmd(command, "desa x"))) == unknown
    got = e.handle(ADMIN, Event.cmd(command, "desa x"))
    assert shape(got) != shape(e.handle(ADMIN, Event.cmd("nosuchcommand", "desa x")))


def test_admin_poster_and_link_for_a_typed_code_module_and_language(content):
    e = new_engine(content)
    poster = e.handle(ADMIN, Event.cmd("poster", "Desa Suka Maju help en"))[0].attachment
    _doc, pages = render_pdf(poster.data)
    assert decode_qr(pages[0]) == [f"https://t.me/{BOT}?start=help-en-desa_suka_maju"]
    link = e.handle(ADMIN, Event.cmd("link", "SMK 2 Wonosobo"))[0]
    assert f"https://t.me/{BOT}?start=menu-id-smk_2_wonosobo" in link.text
    assert link.attachment.kind == "photo"
    from PIL import Image

    assert decode_qr(Image.open(io.BytesIO(link.attachment.data))) == [f"https://t.me/{BOT}?start=menu-id-smk_2_wonosobo"]
    for bad in ("", "x" * 60, "!!!"):
        r = e.handle(ADMIN, Event.cmd("poster", bad))[0]
        assert r.attachment is None and "/poster" in r.text


# -- channels ----------------------------------------------------------------------------------------
def test_telegram_journals_a_recipe_not_the_file_and_makes_the_same_file_again(content):
    e = new_engine(content)
    e.handle("tg:6", Event.start("menu-id-desa_x"))
    replies = e.handle("tg:6", Event.button("a:share:poster"))
    ops = reply_ops(99, replies)
    assert [op["op"] for op in ops] == ["send_file"]
    op = ops[0]
    assert "recipe" in op and "b64" not in op and len(json.dumps(op)) < 1500
    assert op["caption"] == replies[0].text and op["kb"]
    assert file_bytes(json.loads(json.dumps(op)), content) == replies[0].attachment.data


def test_a_long_text_with_a_file_goes_first_and_the_file_carries_the_buttons():
    from bot.engine.events import Attachment, Button, Reply

    r = Reply("x " * 700, [[Button("Menu", "a:menu")]], attachment=Attachment("a.png", b"\x89PNG", "photo", "image/png"))
    ops = reply_ops(1, [r])
    assert [op["op"] for op in ops] == ["send", "send_file"]
    assert "kb" not in ops[0] and ops[1]["kb"] and "caption" not in ops[1] and ops[1]["b64"]


def test_the_terminal_writes_an_attachment_and_shows_its_path(content):
    from bot.adapters.terminal import render

    e = new_engine(content)
    out = io.StringIO()
    render(e.handle(ADMIN, Event.cmd("poster", "desa x")), out)
    line = next(ln for ln in out.getvalue().splitlines() if "[document: " in ln)
    path = line.split("[document: ", 1)[1].rstrip("]")
    with open(path, "rb") as f:
        assert f.read(5) == b"%PDF-"


def test_link_command_line(tmp_path):
    run = lambda *a: subprocess.run([sys.executable, "-m", "bot", "link", *a], capture_output=True, text=True, timeout=60)
    r = run("--bot-username", BOT, "--module", "help", "--lang", "en", "--ref", "Desa Suka Maju",
            "--qr", str(tmp_path / "q.png"), "--poster", str(tmp_path / "p.pdf"))
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == f"https://t.me/{BOT}?start=help-en-desa_suka_maju"
    assert (tmp_path / "p.pdf").read_bytes()[:5] == b"%PDF-"
    from PIL import Image

    assert decode_qr(Image.open(tmp_path / "q.png")) == [r.stdout.strip()]
    r = run("--bot-username", BOT, "--ref", "y" * 45)
    assert r.returncode == 2 and "at most 40" in r.stderr and not r.stdout
    r = run("--bot-username", BOT, "--module", "nosuch")
    assert r.returncode == 2 and "no module" in r.stderr
