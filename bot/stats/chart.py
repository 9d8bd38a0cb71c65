"""The reach chart as a PNG (Pillow, which fpdf2 already brings): people who started per day, and
people per topic. Hidden cells ("<5", "*") are drawn as an outlined stub with their mark, never as a
bar of their true height. Drawn from a recipe (report.chart_recipe) that holds only shown values."""
from __future__ import annotations

import io
from typing import Any

from PIL import Image, ImageDraw, ImageFont

W, H = 1000, 760


def _font(size: int):
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow without FreeType sizes
        return ImageFont.load_default()


def _bars(d: ImageDraw.ImageDraw, box: tuple[int, int, int, int], items: list[list[Any]], title: str, vertical: bool) -> None:
    x0, y0, x1, y1 = box
    d.text((x0, y0), title, fill="black", font=_font(22))
    y0 += 34
    if not items:
        d.text((x0, y0 + 10), "-", fill="black", font=_font(18))
        return
    top = max([v for _, v, _s in items if v is not None] + [5])
    small = _font(14)
    if vertical:  # days along x
        n = len(items)
        bw = max(2, (x1 - x0) // max(n, 1))
        base = y1 - 24
        for i, (label, v, shown) in enumerate(items):
            x = x0 + i * bw
            if v is None:
                hgt = 12  # a stub: its true height is not shown
                d.rectangle([x + 1, base - hgt, x + bw - 2, base], outline="black")
                if bw >= 18:
                    d.text((x + 2, base - hgt - 16), shown, fill="black", font=small)
            else:
                hgt = int((base - y0 - 18) * v / top)
                d.rectangle([x + 1, base - hgt, x + bw - 2, base], fill="black")
                if bw >= 18:
                    d.text((x + 2, base - hgt - 16), shown, fill="black", font=small)
        d.line([x0, base, x1, base], fill="black")
        d.text((x0, base + 4), str(items[0][0]), fill="black", font=small)
        d.text((max(x0, x1 - 90), base + 4), str(items[-1][0]), fill="black", font=small)
    else:  # topics down y
        rh = min(40, (y1 - y0) // max(len(items), 1))
        lw = 220
        for i, (label, v, shown) in enumerate(items):
            y = y0 + i * rh
            d.text((x0, y + 4), str(label)[:24], fill="black", font=_font(16))
            span = x1 - x0 - lw - 60
            if v is None:
                d.rectangle([x0 + lw, y + 4, x0 + lw + 14, y + rh - 6], outline="black")
            else:
                d.rectangle([x0 + lw, y + 4, x0 + lw + int(span * v / top), y + rh - 6], fill="black")
            length = span * v / top if v is not None else 14
            d.text((x0 + lw + int(length) + 8, y + 6), shown, fill="black", font=_font(16))


def chart_png(recipe: dict[str, Any]) -> bytes:
    img = Image.new("L", (W, H), 255)
    d = ImageDraw.Draw(img)
    d.text((30, 20), str(recipe.get("title", ""))[:80], fill=0, font=_font(26))
    _bars(d, (30, 80, W - 30, 420), recipe.get("days") or [], str(recipe.get("days_title", "")), vertical=True)
    _bars(d, (30, 450, W - 30, 710), recipe.get("modules") or [], str(recipe.get("modules_title", "")), vertical=False)
    d.text((30, H - 34), str(recipe.get("note", ""))[:110], fill=0, font=_font(15))
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return buf.getvalue()
