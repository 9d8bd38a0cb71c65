"""Help contacts as a person reads them: name, numbers, note, and where the number was found and
when, in plain words ("Nomor dari berita Februari 2021 (tribunnews.com)"). Contacts live in
content/contacts.yaml; nothing here invents one.

Two rules hold wherever contacts for a country are shown (help lists, family lists):
- the Kemlu 24-hour hotline (HOTLINE_ABROAD) comes before any mission number: several mission
  numbers were quoted in news reports years ago and may have changed, the hotline serves
  Indonesians anywhere;
- every number says where it comes from and the month it was seen, never the reference sheet's
  notes for editors ("dikonfirmasi", "re-checked before launch", file names). The source URL
  and the exact `seen` date stay in the YAML for editors.
"""
from __future__ import annotations

import datetime as _dt
import re
from typing import Any, Callable
from urllib.parse import urlparse

from babel.dates import format_date as _babel_date

from bot.i18n import translator

EMBASSY = "embassy"  # in a node's contact list: the missions of the person's country
HOTLINE_ABROAD = "kemlu_pwni"  # Kemlu's 24-hour line for Indonesians anywhere: first for anyone abroad
OLD_MISSION_DAYS = 2 * 365  # a mission number seen longer ago than this "may have changed"

# A value that is a phone number (and nothing else): "+62 812-9007-0027", "0800-1000", "110".
PHONE_VALUE_RE = re.compile(r"^\+?\d[\d\s().-]*\d$|^\d{3}$")
# Second-level labels under a country code: viva.co.id, kemkes.go.id, sbmi.or.id.
_SECOND_LEVEL = {"co", "go", "or", "ac", "web", "my", "net", "sch", "mil", "com", "gov", "org"}


def short_domain(url: str) -> str:
    """'https://m.tribunnews.com/amp/...' -> 'tribunnews.com'; 'https://siap.viva.co.id/...' -> 'viva.co.id'."""
    host = (urlparse(url).netloc or url).lower().split("@")[-1].split(":")[0].removeprefix("www.")
    parts = [p for p in host.split(".") if p]
    if len(parts) >= 3 and len(parts[-1]) == 2 and parts[-2] in _SECOND_LEVEL:
        return ".".join(parts[-3:])
    return ".".join(parts[-2:]) or url


def is_official(url: str) -> bool:
    """An agency's own page (a government or intergovernmental site), not a news report."""
    host = (urlparse(url).netloc or "").lower().split(":")[0]
    return host.endswith((".go.id", ".int", ".gov")) or host in ("go.id",)


def is_phone(value: str) -> bool:
    return bool(PHONE_VALUE_RE.match(value.strip()))


class ContactBook:
    def __init__(self, content: Any, today: Callable[[], _dt.date] = _dt.date.today) -> None:
        self.content = content
        # whose "today" decides that a mission number is old: the engine's clock, so a test at a
        # fixed time reads the same text on any day; the content check passes the far future
        # (every mission old, the longest text) so a screen that fits today fits next year too
        self.today = today

    # -- one contact -----------------------------------------------------------------------
    def render(self, cid: str, lang: str) -> str:
        t = self.content.t
        c = self.content.contacts[cid]
        lines = [self.icon(cid) + " " + t(c["name"], lang)]
        lines += [f"• {t(ln['label'], lang)}: {ln['value']}" for ln in c["lines"]]
        if c.get("note"):
            lines.append(t(c["note"], lang))
        lines.append(self.provenance(cid, lang))
        return "\n".join(lines)

    def brief(self, cid: str, lang: str, country: str | None = None) -> str:
        """One line for a contact under an answer: "📞 KP2MI: 0800-1000 · WhatsApp +62 811-8080-141.
        Number from a news report, April 2025 (mediamasakini.id)." The full card (every line and
        note) is in the help module; this keeps an answer on one phone screen."""
        t = self.content.t
        c = self.content.contacts[cid]
        name = t(c["name"], lang).split(" (")[0].strip()  # "KP2MI (dulu BP2MI), Kementerian ..." -> "KP2MI"
        if len(name) > 45:
            name = name.split(",")[0].strip()
        if country in self.content.countries:  # "KBRI Phnom Penh (Kamboja)": which country it serves
            name += f" ({t(self.content.countries[country]['name'], lang)})"
        phones = [ln for ln in c["lines"] if is_phone(str(ln.get("value", "")))]
        shown = []
        for ln in phones or c["lines"][:1]:
            label = t(ln["label"], lang)
            value = str(ln["value"])
            shown.append(f"WhatsApp {value}" if "whatsapp" in label.lower() and "telepon" not in label.lower() else value)
        return f"{self.icon(cid)} {name}: {' · '.join(shown)}. {self.provenance(cid, lang)}"

    def brief_lines(self, ids: list[str], lang: str, country: str | None) -> list[str]:
        """Contacts as one line each, in the order blocks() gives; "embassy" is the country's
        missions (after the Kemlu hotline), or a line saying none is verified."""
        out: list[str] = []
        shown: set[str] = set()
        for cid in self.order(ids):
            if cid == EMBASSY:
                if country in self.content.countries and not self.missions(country):
                    out.extend(self._embassy(lang, country, shown))
                for mid in self.missions(country):
                    if mid not in shown:
                        shown.add(mid)
                        out.append(self.brief(mid, lang, country))
            elif cid not in shown and cid in self.content.contacts:
                shown.add(cid)
                out.append(self.brief(cid, lang))
        return out

    def icon(self, cid: str) -> str:
        """📞 for a contact with a phone number; a website (healing119.id), an email or an app is
        not something to call."""
        values = [str(ln.get("value", "")) for ln in self.content.contacts[cid]["lines"]]
        if any(is_phone(v) for v in values):
            return "📞"
        if any("@" in v for v in values):
            return "✉️"
        if any(re.search(r"\w\.[a-z]{2,}\b", v) for v in values):
            return "🌐"
        return "📱"

    def provenance(self, cid: str, lang: str) -> str:
        """Where this contact was found and when, for a person: "Nomor dari berita Februari 2021
        (tribunnews.com)." / "Number from a news report, February 2021 (tribunnews.com)."."""
        _ = translator(lang)
        c = self.content.contacts[cid]
        fmt = dict(source=short_domain(c["source"]), month=self.format_month(c["seen"], lang))
        number = any(is_phone(str(ln.get("value", ""))) for ln in c["lines"])
        if is_official(c["source"]):
            msg = _("Number from an official page ({source}), {month}.") if number else _("From an official page ({source}), {month}.")
        else:
            msg = _("Number from a news report, {month} ({source}).") if number else _("From a news report, {month} ({source}).")
        msg = msg.format(**fmt)
        if number and self.is_mission(cid) and self._age_days(c["seen"]) > OLD_MISSION_DAYS:
            msg += " " + _("It may have changed.")
        return msg

    def is_mission(self, cid: str) -> bool:
        return any(cid in (c.get("missions") or []) for c in self.content.countries.values())

    def _age_days(self, iso: str) -> int:
        try:
            return (self.today() - _dt.date.fromisoformat(iso)).days
        except Exception:
            return 0

    @staticmethod
    def format_date(iso: str, lang: str) -> str:
        try:
            return _babel_date(_dt.date.fromisoformat(iso), format="medium", locale=lang)
        except Exception:
            return iso

    @staticmethod
    def format_month(iso: str, lang: str) -> str:
        """'2021-02-01' -> 'Februari 2021' / 'February 2021'."""
        try:
            return _babel_date(_dt.date.fromisoformat(iso), format="LLLL y", locale=lang)
        except Exception:
            return iso

    # -- a country's contacts ----------------------------------------------------------------
    def missions(self, country: str | None) -> list[str]:
        if not country or country not in self.content.countries:
            return []
        return [m for m in self.content.countries[country].get("missions", []) if m in self.content.contacts]

    def order(self, ids: list[str]) -> list[str]:
        """A node's contact list with the Kemlu hotline before the country's missions: moved (or
        added) just before "embassy" unless it is already listed before it."""
        ids = list(ids)
        if EMBASSY not in ids or HOTLINE_ABROAD not in self.content.contacts:
            return ids
        if HOTLINE_ABROAD in ids and ids.index(HOTLINE_ABROAD) < ids.index(EMBASSY):
            return ids
        ids = [c for c in ids if c != HOTLINE_ABROAD]
        ids.insert(ids.index(EMBASSY), HOTLINE_ABROAD)
        return ids

    def blocks(self, ids: list[str], lang: str, country: str | None) -> list[str]:
        """Rendered contacts for a node's list, each once; "embassy" expands to the country's
        missions, always after the Kemlu 24-hour hotline."""
        out: list[str] = []
        shown: set[str] = set()
        for cid in self.order(ids):
            if cid == EMBASSY:
                out.extend(self._embassy(lang, country, shown))
            elif cid not in shown and cid in self.content.contacts:
                shown.add(cid)
                out.append(self.render(cid, lang))
        return out

    def _embassy(self, lang: str, country: str | None, shown: set[str]) -> list[str]:
        _ = translator(lang)
        if not country or country not in self.content.countries:
            return [_("You have not told me the country, so no embassy number is shown. The Kemlu 24-hour hotline is for Indonesians anywhere in the world.")]
        c = self.content.countries[country]
        out = []
        name = "📍 " + self.content.t(c["name"], lang)  # say which country these numbers are for
        if c.get("note"):
            out.append(name + ": " + self.content.t(c["note"], lang))
        elif not self.missions(country):  # the note says it otherwise
            out.append(_(
                "We have no verified number for the Indonesian embassy or consulate in {country}. "
                "Call the Kemlu 24-hour hotline, for Indonesians anywhere in the world."
            ).format(country=self.content.t(c["name"], lang)))

        for mid in self.missions(country):
            if mid not in shown:
                shown.add(mid)
                out.append(self.render(mid, lang))
        return out
