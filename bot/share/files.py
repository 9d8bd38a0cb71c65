"""Attachments made again from a small recipe.

A poster PDF is tens of kilobytes, a chart a few more: the Telegram adapter journals the replies of
every update before sending, and does not put files in the journal. A reply's Attachment carries a
`recipe` (a small JSON-safe dict: what to make and from what); the adapter journals the recipe
and calls make() when it sends. The same recipe makes the same file (the poster's date is fixed,
a chart's recipe holds its already-protected numbers, not a database query).
"""
from __future__ import annotations

from typing import Any

from bot.engine.events import Attachment


class RecipeError(ValueError):
    pass


def make(recipe: dict[str, Any], content: Any = None) -> Attachment:
    what = recipe.get("make")
    if what == "poster":
        from bot.share.poster import poster_pdf

        if content is None:  # the hotlines come from the content
            from bot.app import content_dir
            from bot.content_loader import load_content

            content = load_content(content_dir())
        data = poster_pdf(recipe["link"], recipe["bot"], content, recipe.get("ref"), recipe.get("lang") or "id")
        name = f"poster-{recipe.get('ref') or 'migrasi-aman'}.pdf"
        return Attachment(name, data, "document", "application/pdf", recipe=recipe)
    if what == "qr":
        from bot.share.qr import qr_png

        return Attachment(f"qr-{recipe.get('ref') or 'migrasi-aman'}.png", qr_png(recipe["link"]), "photo", "image/png", recipe=recipe)
    if what == "chart":
        from bot.stats.chart import chart_png

        return Attachment("reach.png", chart_png(recipe), "photo", "image/png", recipe=recipe)
    raise RecipeError(f"unknown attachment recipe: {what!r}")


def poster(link: str, bot: str, ref: str | None, lang: str, content: Any = None) -> Attachment:
    return make({"make": "poster", "link": link, "bot": bot, "ref": ref, "lang": lang}, content)


def qr(link: str, ref: str | None) -> Attachment:
    return make({"make": "qr", "link": link, "ref": ref})
