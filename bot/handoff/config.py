"""HANDOFF_* settings from the environment. Without HANDOFF_CHAT_ID there is no handoff."""
from __future__ import annotations

import os
from dataclasses import dataclass


class HandoffConfigError(ValueError):
    """A setting the operator must fix, worded for them."""


@dataclass(frozen=True)
class HandoffConfig:
    chat_id: int  # the caseworkers' supergroup (with topics)
    org_name: str  # as people read it: "👤 Petugas (<org_name>):"
    hours: dict[str, str]  # office hours in plain words, per language ("" when not given)
    wait_minutes: float = 30.0  # a person waiting this long with no answer gets the hotlines again
    unlink_hours: float = 24.0  # a closed case forgets whose it was after this long (0: at once)

    @property
    def wait_seconds(self) -> float:
        return self.wait_minutes * 60

    @property
    def unlink_seconds(self) -> float:
        return self.unlink_hours * 3600

    def hours_in(self, lang: str) -> str:
        return self.hours.get(lang) or next((h for h in self.hours.values() if h), "")


def load(env: dict[str, str] | None = None, languages: tuple[str, ...] = ("id", "en")) -> HandoffConfig | None:
    """The settings, or None when HANDOFF_CHAT_ID is not set (no handoff is offered).

    HANDOFF_HOURS is one text for every language, or one per language separated by "|" in the
    order of content/settings.yaml ("Senin-Jumat 09.00-17.00 WIB | Monday-Friday 9am-5pm WIB")."""
    env = os.environ if env is None else env
    raw = (env.get("HANDOFF_CHAT_ID") or "").strip()
    if not raw:
        return None
    if not raw.lstrip("-").isdigit():
        raise HandoffConfigError(f"HANDOFF_CHAT_ID must be the caseworkers' group id (a number like -1001234567890), not {raw!r}")
    org = " ".join((env.get("HANDOFF_ORG_NAME") or "").split())
    if not org:
        raise HandoffConfigError("HANDOFF_ORG_NAME must name the organisation as people will read it (e.g. 'SBMI Jawa Barat')")
    parts = [p.strip() for p in (env.get("HANDOFF_HOURS") or "").split("|")]
    hours = {lang: (parts[i] if i < len(parts) else parts[0]) for i, lang in enumerate(languages)}

    def number(name: str, default: float) -> float:
        value = (env.get(name) or "").strip()
        try:
            n = float(value) if value else default
        except ValueError:
            raise HandoffConfigError(f"{name} must be a number, not {value!r}") from None
        if n < 0:
            raise HandoffConfigError(f"{name} must not be negative")
        return n

    return HandoffConfig(
        chat_id=int(raw), org_name=org[:64], hours=hours,
        wait_minutes=number("HANDOFF_WAIT_MINUTES", 30.0) or 30.0,
        unlink_hours=number("HANDOFF_UNLINK_HOURS", 24.0),
    )
