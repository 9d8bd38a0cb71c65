"""QR codes with segno: PNG (to send as a photo, or print) and SVG (for designers)."""
from __future__ import annotations

import io

import segno


def qr(link: str) -> "segno.QRCode":
    # error level M: survives a crease or a smudge on a printed sheet, still few modules
    return segno.make(link, error="m", micro=False, boost_error=False)


def qr_png(link: str, scale: int = 10, border: int = 4) -> bytes:
    buf = io.BytesIO()
    qr(link).save(buf, kind="png", scale=scale, border=border, dark="#000000", light="#ffffff")
    return buf.getvalue()


def qr_svg(link: str, scale: int = 10, border: int = 4) -> bytes:
    buf = io.BytesIO()
    qr(link).save(buf, kind="svg", scale=scale, border=border, dark="#000000", light="#ffffff")
    return buf.getvalue()


def qr_matrix(link: str) -> list[list[bool]]:
    """The modules (True = dark), without the quiet zone: the poster draws them as squares."""
    return [[bool(m) for m in row] for row in qr(link).matrix]
