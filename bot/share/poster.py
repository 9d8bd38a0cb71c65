"""The printable poster: one A4 page, black on white, readable from two metres.

Bilingual headline about fake job offers abroad, a large QR code with the link in text under it,
three short lines on what the bot does, the KP2MI and Kemlu hotlines (taken from
content/contacts.yaml, never typed here), the bot's name, and the referral code small in a corner.
Drawn with fpdf2's core Helvetica/Courier (no font files; Latin-1 is enough for id and en). The QR
modules are drawn as filled squares, so the code stays sharp at any print size.
"""
from __future__ import annotations

import datetime as _dt
from typing import Any

from fpdf import FPDF

from bot.share.qr import qr_matrix

A4 = (210.0, 297.0)  # mm
MARGIN = 14.0

# Poster words, in both languages, the first in the poster's language (printed, not chat UI:
# the chat's Babel catalogue is for messages; a poster carries both languages at once).
TEXT = {
    "headline": {"id": "Ditawari kerja ke luar negeri?", "en": "Offered a job abroad?"},
    "sub": {"id": "Cek dulu sebelum berangkat. Gratis.", "en": "Check it first, before you go. Free."},
    "scan": {"id": "Pindai kode ini dengan kamera HP", "en": "Scan this code with your phone camera"},
    "lines": [
        {"id": "Cek lowongan dan agen perekrut", "en": "Check a job offer and a recruiter"},
        {"id": "Kenali tanda penipuan & perdagangan orang", "en": "Spot the signs of scams and trafficking"},
        {"id": "Cari bantuan jika Anda atau keluarga dalam bahaya", "en": "Find help if you or family are in danger"},
    ],
    "kp2mi": {"id": "KP2MI (gratis)", "en": "KP2MI (free)"},
    "kemlu": {"id": "Kemlu 24 jam", "en": "Kemlu 24 hours"},
    "code": {"id": "kode", "en": "code"},
}


def _first_number(content: Any, cid: str) -> str:
    c = (getattr(content, "contacts", None) or {}).get(cid) or {}
    for line in c.get("lines", []):
        if any(ch.isdigit() for ch in str(line.get("value", ""))):
            return str(line["value"])
    raise ValueError(f"content/contacts.yaml has no number for {cid!r}: the poster needs it")


def hotlines(content: Any) -> dict[str, str]:
    return {"kp2mi": _first_number(content, "kp2mi"), "kemlu": _first_number(content, "kemlu_pwni")}


def _fit(pdf: FPDF, text: str, family: str, style: str, size: float, width: float, minimum: float = 7) -> float:
    while size > minimum:
        pdf.set_font(family, style, size)
        if pdf.get_string_width(text) <= width:
            break
        size -= 0.5
    pdf.set_font(family, style, size)
    return size


def poster_pdf(link: str, bot_username: str, content: Any, ref: str | None = None, lang: str = "id") -> bytes:
    """The poster as PDF bytes (one A4 page)."""
    first = "en" if lang == "en" else "id"
    second = "id" if first == "en" else "en"
    numbers = hotlines(content)
    w, h = A4
    inner = w - 2 * MARGIN
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_creation_date(_dt.datetime(2025, 1, 1, tzinfo=_dt.timezone.utc))  # same input, same file
    pdf.set_title(TEXT["headline"][first])
    pdf.set_author("Migrasi Aman")
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.add_page()
    pdf.set_text_color(0, 0, 0)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_fill_color(0, 0, 0)

    # frame, so the sheet reads as one notice on a crowded board
    pdf.set_line_width(1.2)
    pdf.rect(MARGIN - 6, MARGIN - 6, w - 2 * (MARGIN - 6), h - 2 * (MARGIN - 6))

    y = MARGIN + 2
    _fit(pdf, TEXT["headline"][first], "Helvetica", "B", 38, inner)
    pdf.set_xy(MARGIN, y)
    pdf.cell(inner, 16, TEXT["headline"][first], align="C")
    y += 16
    _fit(pdf, TEXT["headline"][second], "Helvetica", "B", 24, inner)
    pdf.set_xy(MARGIN, y)
    pdf.cell(inner, 11, TEXT["headline"][second], align="C")
    y += 12
    _fit(pdf, TEXT["sub"][first], "Helvetica", "B", 22, inner)
    pdf.set_xy(MARGIN, y)
    pdf.cell(inner, 10, TEXT["sub"][first], align="C")
    y += 9
    _fit(pdf, TEXT["sub"][second], "Helvetica", "", 15, inner)
    pdf.set_xy(MARGIN, y)
    pdf.cell(inner, 8, TEXT["sub"][second], align="C")
    y += 11

    # the QR code: large, with its quiet zone left white
    matrix = qr_matrix(link)
    n = len(matrix)
    size = 106.0
    module = size / n
    x0 = (w - size) / 2
    y0 = y + 4
    for r, row in enumerate(matrix):
        c = 0
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                pdf.rect(x0 + start * module, y0 + r * module, (c - start) * module, module, style="F")
            else:
                c += 1
    y = y0 + size + 3
    _fit(pdf, link, "Courier", "B", 15, inner)
    pdf.set_xy(MARGIN, y)
    pdf.cell(inner, 7, link, align="C")
    y += 7
    pdf.set_font("Helvetica", "", 12)
    pdf.set_xy(MARGIN, y)
    pdf.cell(inner, 6, f"{TEXT['scan'][first]}  /  {TEXT['scan'][second]}", align="C")
    y += 10

    # three short lines
    for line in TEXT["lines"]:
        pdf.rect(MARGIN + 4, y + 2.2, 4.5, 4.5, style="F")
        _fit(pdf, line[first], "Helvetica", "B", 19, inner - 14)
        pdf.set_xy(MARGIN + 12, y)
        pdf.cell(inner - 14, 9, line[first])
        y += 8
        _fit(pdf, line[second], "Helvetica", "", 12, inner - 14)
        pdf.set_xy(MARGIN + 12, y)
        pdf.cell(inner - 14, 6, line[second])
        y += 8

    # hotlines, in a box
    y += 2
    box_h = 27.0
    pdf.set_line_width(0.8)
    pdf.rect(MARGIN, y, inner, box_h)
    half = inner / 2
    for i, key in enumerate(("kp2mi", "kemlu")):
        x = MARGIN + i * half
        pdf.set_font("Helvetica", "B", 13)
        pdf.set_xy(x, y + 3)
        pdf.cell(half, 6, f"{TEXT[key][first]} / {TEXT[key][second]}", align="C")
        _fit(pdf, numbers[key], "Helvetica", "B", 26, half - 4)
        pdf.set_xy(x, y + 12)
        pdf.cell(half, 11, numbers[key], align="C")
    pdf.line(MARGIN + half, y + 3, MARGIN + half, y + box_h - 3)
    y += box_h + 4

    # the bot's name
    name = "@" + bot_username.lstrip("@")
    _fit(pdf, f"Telegram: {name}", "Helvetica", "B", 20, inner)
    pdf.set_xy(MARGIN, y)
    pdf.cell(inner, 9, f"Telegram: {name}", align="C")

    # the referral code, small, bottom right corner
    if ref:
        pdf.set_font("Helvetica", "", 8)
        label = f"{TEXT['code'][first]}: {ref}"
        pdf.set_xy(w - MARGIN - 80, h - MARGIN - 1)
        pdf.cell(80, 4, label, align="R")
    return bytes(pdf.output())
