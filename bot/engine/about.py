"""The "where each topic's facts come from" text of "Tentang & sumber / About & sources".

`render_sources(content, lang)` is a pure function of the loaded content (no engine state, no
import of the engine): for each module, the studies it draws on by their short name and the
sites of its news and agency sources; then every study by its full title and author. Seed file
names live in the content's metadata only (a module's `sources`, about.yaml `studies`): a seed
that about.yaml does not name is shown as "a study (details in the project's sources)", never
by its file name, and `content check` reports it.
"""
from __future__ import annotations

from typing import Any

from bot.engine.contacts import short_domain
from bot.i18n import translator


def _studies(content: Any) -> dict[str, Any]:
    about = getattr(content, "about", None) or {}
    studies = about.get("studies") if isinstance(about, dict) else None
    return studies if isinstance(studies, dict) else {}


def module_sources(content: Any, mid: str, lang: str) -> tuple[list[str], list[str]]:
    """(study short names, source sites) of one module, each once, in the order listed."""
    _ = translator(lang)
    studies = _studies(content)
    names: list[str] = []
    sites: list[str] = []
    for src in content.modules[mid].get("sources", []):
        if "seed" in src:
            study = studies.get(src["seed"])
            name = content.t(study["short"], lang) if study else _("a study (details in the project's sources)")
            if name not in names:
                names.append(name)
        elif src.get("url"):
            site = short_domain(src["url"])
            if site not in sites:
                sites.append(site)
    return names, sites


def render_sources(content: Any, lang: str) -> str:
    """Where each topic's facts come from, then the studies by title and author."""
    _ = translator(lang)
    studies = _studies(content)
    lines = [_("Where each topic's facts come from:")]
    used: list[str] = []  # full titles, in first-use order
    for mid, module in content.modules.items():
        names, sites = module_sources(content, mid, lang)
        parts = []
        if names:
            parts.append(", ".join(names))
        if sites:
            parts.append(_("news reports and official pages: {sites}").format(sites=", ".join(sites)))
        lines.append(f"• {content.t(module['title'], lang)}: {'; '.join(parts)}")
        for src in module.get("sources", []):
            study = studies.get(src.get("seed", ""))
            if study:
                full = content.t(study["full"], lang)
                if full not in used:
                    used.append(full)
    if used:
        lines += ["", _("The studies:")] + [f"• {full}" for full in used]
    return "\n".join(lines)


__all__ = ["render_sources", "module_sources"]
