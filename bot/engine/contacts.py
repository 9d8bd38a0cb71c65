"""Help contacts as a person reads them: name, numbers, note, and where the number comes from
with the date it was confirmed. Contacts live in content/contacts.yaml; nothing here invents one.
"""
from __future__ import annotations

import datetime as _dt
from typing import Any
from urllib.parse import urlparse

from babel.dates import format_date as _babel_date

from bot.i18n import translator

EMBASSY = "embassy"  # in a node's contact list: the missions of the person's country


class ContactBook:
    def __init__(self, content: Any) -> None:
        self.content = content

    def render(self, cid: str, lang: str) -> str:
        _ = translator(lang)
        t = self.content.t
        c = self.content.contacts[cid]
        lines = ["📞 " + t(c["name"], lang)]
        lines += [f"• {t(ln['label'], lang)}: {ln['value']}" for ln in c["lines"]]
        if c.get("note"):
            lines.append(t(c["note"], lang))
        domain = urlparse(c["source"]).netloc.removeprefix("www.") or c["source"]
        lines.append(_("Source: {source}, confirmed {date}").format(source=domain, date=self.format_date(c["seen"], lang)))
        return "\n".join(lines)

    @staticmethod
    def format_date(iso: str, lang: str) -> str:
        try:
            return _babel_date(_dt.date.fromisoformat(iso), format="medium", locale=lang)
        except Exception:
            return iso

    def missions(self, country: str | None) -> list[str]:
        if not country or country not in self.content.countries:
            return []
        return [m for m in self.content.countries[country].get("missions", []) if m in self.content.contacts]

    def blocks(self, ids: list[str], lang: str, country: str | None) -> list[str]:
        """Rendered contacts for a node's list, each once; "embassy" expands to the country's."""
        out: list[str] = []
        shown: set[str] = set()
        for cid in ids:
            if cid == EMBASSY:
                out.extend(self._embassy(lang, country, shown))
            elif cid not in shown:
                shown.add(cid)
                out.append(self.render(cid, lang))
        return out

    def _embassy(self, lang: str, country: str | None, shown: set[str]) -> list[str]:
        _ = translator(lang)
        if not country or country not in self.content.countries:
            return [_("You have not told me the country. The Kemlu 24-hour hotline below is for Indonesians anywhere in the world.")]
        c = self.content.countries[country]
        out = []
        if c.get("note"):
            out.append(self.content.t(c["note"], lang))
        elif not c.get("missions"):  # the note says it otherwise
            out.append(_(
                "We have no verified number for the Indonesian embassy or consulate in {country}. "
                "Call or WhatsApp the Kemlu 24-hour hotline, for Indonesians anywhere in the world."
            ).format(country=self.content.t(c["name"], lang)))
        for mid in self.missions(country):
            if mid not in shown:
                shown.add(mid)
                out.append(self.render(mid, lang))
        return out
