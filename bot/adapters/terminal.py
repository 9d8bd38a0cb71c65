"""The terminal chat: plays the engine in a terminal, no Telegram needed.

Buttons are numbered; type the number to tap one. Commands start with "/" (/menu, /bahasa,
/bantuan, /tentang, /hapus, /start PAYLOAD). Piped input works too: one line per turn, the chat
ends at end of input, and each line is echoed so a transcript reads like a conversation.
"""
from __future__ import annotations

import os
import sys
import tempfile
from typing import TextIO

from bot.engine import Button, Event, Reply
from bot.engine import callbacks as cb
from bot.engine.events import DELETE_SENT
from bot.i18n import translator

QUIT = {"/quit", "/exit", "/keluar", "/q"}


def N_(s: str) -> str:
    return s


# Reply.action asks the channel to do something it cannot do here: say so instead.
NOT_HERE = {DELETE_SENT: N_("(In the terminal there are no sent messages to delete: this applies to Telegram.)")}


def render(replies: list[Reply], out: TextIO, lang: str | None = None) -> list[Button]:
    """Print replies; return the buttons in the order they are numbered."""
    numbered: list[Button] = []
    for r in replies:
        if r.action in NOT_HERE:
            out.write("\n" + translator(lang or "id")(NOT_HERE[r.action]) + "\n")
        out.write("\n" + r.text.rstrip() + "\n")
        if r.attachment is not None:  # a poster, a QR code, a chart: written out, its path shown
            out.write(f"   [{r.attachment.kind}: {save_attachment(r.attachment)}]\n")
        for row in r.buttons:
            cells = []
            for b in row:
                if b.url:  # a link opens in the phone's browser or app; here it is shown
                    cells.append(f"[{b.label}: {b.url}]")
                    continue
                numbered.append(b)
                cells.append(f"[{len(numbered)}] {b.label}")
            out.write("   " + "   ".join(cells) + "\n")
    out.flush()
    return numbered


def save_attachment(att) -> str:
    """Write an attachment to this chat's temporary folder; its path."""
    global _FILES_DIR
    if _FILES_DIR is None:
        _FILES_DIR = tempfile.mkdtemp(prefix="migrasi-aman-")
    name = os.path.basename(att.filename) or "file"
    path = os.path.join(_FILES_DIR, name)
    with open(path, "wb") as f:
        f.write(att.data)
    return path


_FILES_DIR: str | None = None


def to_event(line: str, buttons: list[Button]) -> Event | None:
    text = line.strip()
    if not text:
        return None
    if text.isdigit() and buttons:
        n = int(text)
        if 1 <= n <= len(buttons):
            return Event.button(buttons[n - 1].data)
    if text.startswith("/") and len(text) > 1 and not text[1].isspace():
        name, _, args = text[1:].partition(" ")
        if name.lower() == "start":
            return Event.start(args.strip())
        return Event.cmd(name, args.strip())
    return Event.message(text)


def run_terminal_chat(content=None, lang=None, db=None, user="term:local", stdin: TextIO | None = None, out: TextIO | None = None,
                      at: str | None = None) -> int:
    from bot.app import build_engine
    from bot.content_loader import ContentError

    stdin = stdin or sys.stdin
    out = out or sys.stdout
    try:
        engine = build_engine(content, db_path=db)
    except ContentError as e:
        print(e.report(), file=sys.stderr)
        print("Fix the content (see content/README.md), then try again.", file=sys.stderr)
        return 1
    interactive = stdin.isatty()
    if interactive:
        out.write("Migrasi Aman — terminal chat. Type a number to tap a button, /quit to leave.\n")
    if engine.store.load_session(user) is None:
        replies = engine.handle(user, Event.start("", lang_hint=lang))
    else:
        replies = engine.resume(user)
    if lang:
        replies = engine.handle(user, Event.button(cb.language(lang)))
    if at:  # `chat --at MODULE[:NODE]`: straight to that screen
        mid, _, nid = at.partition(":")
        try:
            replies = engine.open_at(user, mid, nid or None)
        except KeyError:
            known = ", ".join(f"{m}:{n}" for m, mod in engine.content.modules.items() for n in mod["nodes"])
            print(f"no screen {at!r}. Screens: {known}", file=sys.stderr)
            return 2
    buttons = render(replies, out)
    while True:
        if interactive:
            try:
                line = input("\n> ")
            except EOFError:
                break
        else:
            line = stdin.readline()
            if not line:
                break
            line = line.rstrip("\r\n")
            out.write(f"\n> {line}\n")
        if line.strip().lower() in QUIT:
            break
        event = to_event(line, buttons)
        if event is None:
            continue
        buttons = render(engine.handle(user, event), out, engine.language_of(user))
    engine.store.close()
    return 0
