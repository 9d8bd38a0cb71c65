"""Reach figures that cannot single anyone out.

Every figure counts people (distinct keyed hashes) except deletions (events: the person is gone).
- A cell with fewer than MIN_CELL (5) people shows "<5" (SMALL).
- In a group of cells that add up to a figure shown elsewhere (languages, days, codes, modules,
  levels...), one small cell alone could be worked out by subtraction: the next smallest cell is
  then hidden too and shows "*" (HIDDEN).
- A code (or the whole period) with fewer than 5 people in total shows only "<5".
Figures hold strings ready to print; the numbers under them never leave this module.
"""
from __future__ import annotations

import csv
import datetime as _dt
import io
from dataclasses import dataclass, field
from typing import Any, Callable

from bot.stats.recorder import CHECKED, HELPED
from bot.stats.store import ReachStore

MIN_CELL = 5
SMALL = "<5"
HIDDEN = "*"
STAGES = ("started", "opened", "finished", "checked", "helped")
NO_CODE = "-"


def cell(v: int) -> str:
    return str(v) if v >= MIN_CELL else SMALL


def protect(values: dict[Any, int]) -> dict[Any, str]:
    """Each value as a printable cell; one lone small cell takes the next smallest with it."""
    out = {k: cell(v) for k, v in values.items()}
    small = [k for k, v in values.items() if v < MIN_CELL]
    if len(small) == 1 and len(values) > 1:
        rest = sorted((v, str(k)) for k, v in values.items() if v >= MIN_CELL)
        if rest:
            key = next(k for k in values if str(k) == rest[0][1])
            out[key] = HIDDEN
    return out


@dataclass
class Figures:
    since: str
    until: str
    ref: str | None  # None: all codes together
    total: str
    too_few: bool
    rows: list[tuple[str, str, str]] = field(default_factory=list)  # (section, label, value)
    codes: list[tuple[str, dict[str, str]]] = field(default_factory=list)  # all codes: per code, the funnel
    days: list[tuple[str, str]] = field(default_factory=list)  # (day, people who started)
    modules: list[tuple[str, str]] = field(default_factory=list)  # (module, people who opened it)

    def section(self, name: str) -> list[tuple[str, str]]:
        return [(label, value) for s, label, value in self.rows if s == name]


def _funnel(reach: ReachStore, since: str, until: str, ref: str | None) -> dict[str, int]:
    return {
        "started": reach.people(since, until, ref, ("started",)).get((), 0),
        "opened": reach.people(since, until, ref, ("opened",)).get((), 0),
        "finished": reach.people(since, until, ref, ("finished",)).get((), 0),
        "checked": reach.people(since, until, ref, CHECKED).get((), 0),
        "helped": reach.people(since, until, ref, HELPED).get((), 0),
    }


def figures(reach: ReachStore, since: str, until: str, ref: str | None = None, content: Any = None) -> Figures:
    """The figures for one code (ref; "" for people who came with none) or all codes (None)."""
    total = reach.people(since, until, ref).get((), 0)
    f = Figures(since, until, ref, cell(total), total < MIN_CELL)
    if f.too_few:
        return f
    rows = f.rows
    for stage, v in _funnel(reach, since, until, ref).items():
        rows.append(("funnel", stage, cell(v)))

    def group(section: str, kinds: tuple[str, ...], by: tuple[str, ...] = ("label",)) -> dict[Any, str]:
        values = {k[0] if len(k) == 1 else k: v for k, v in reach.people(since, until, ref, kinds, by).items()}
        shown = protect(values)
        for k in sorted(shown, key=str):
            rows.append((section, str(k) if k != "" else NO_CODE, shown[k]))
        return shown

    opened = group("opened", ("opened",))
    group("finished", ("finished",))
    group("language", ("started",), ("lang",))
    quiz = reach.people(since, until, ref, ("quiz",), ("label",))
    for question in sorted({k[0].rsplit(":", 1)[0] for k in quiz}):
        pair = {side: quiz.get((f"{question}:{side}",), 0) for side in ("right", "wrong")}
        pair = {k: v for k, v in pair.items() if v}
        for side, value in protect(pair).items():
            rows.append(("quiz", f"{question}:{side}", value))
    group("offer", ("offer",))
    group("recruiter", ("recruiter",))
    group("recruiter_check", ("recruiter_check",))
    rows.append(("emergency", "", cell(reach.people(since, until, ref, ("emergency",)).get((), 0))))
    group("help", ("help",))
    group("share", ("share",))
    deleted = reach.counts(since, until, ref, "deleted").get((), 0)
    rows.append(("deleted", "", cell(deleted)))
    days = protect({k[0]: v for k, v in reach.people(since, until, ref, ("started",), ("day",)).items()})
    f.days = sorted(days.items())
    f.modules = sorted(opened.items())
    if ref is None:
        by_code = {stage: {} for stage in STAGES}
        for code in reach.refs(since, until):
            for stage, v in _funnel(reach, since, until, code).items():
                by_code[stage][code] = v
        shown = {stage: protect(values) for stage, values in by_code.items()}
        for code in reach.refs(since, until):
            code_total = reach.people(since, until, code).get((), 0)
            if code_total < MIN_CELL:
                f.codes.append((code or NO_CODE, {}))
            else:
                f.codes.append((code or NO_CODE, {stage: shown[stage][code] for stage in STAGES}))
    return f


def period(days: int | None, since: str | None, today: str) -> tuple[str, str]:
    if since:
        return since, today
    n = days if days and days > 0 else 30
    return (_dt.date.fromisoformat(today) - _dt.timedelta(days=n - 1)).isoformat(), today


# -- text ------------------------------------------------------------------------------------------
def _labels(_: Callable[[str], str]) -> dict[str, str]:
    return {
        "started": _("started"), "opened": _("opened a topic"), "finished": _("finished one"),
        "checked": _("checked an offer or recruiter"), "helped": _("reached help"),
    }


def render_text(f: Figures, _: Callable[[str], str], content: Any = None, lang: str = "id") -> str:
    code = f.ref if f.ref else (_("no code") if f.ref == "" else _("all codes"))
    lines = [_("Reach: {code}, {since} to {until}").format(code=code, since=f.since, until=f.until)]
    lines.append(_("People: {n}").format(n=f.total))
    if f.too_few:
        lines.append(_("Fewer than 5 people: no details are shown, so that nobody can be recognised."))
        return "\n".join(lines)
    names = _labels(_)
    funnel = dict(f.section("funnel"))
    lines.append(_("Funnel:") + " " + " > ".join(f"{names[s]} {funnel.get(s, SMALL)}" for s in STAGES))

    def title(mid: str) -> str:
        m = getattr(content, "modules", {}).get(mid) if content is not None else None
        return content.t(m["title"], lang) if m else mid

    opened, finished = dict(f.section("opened")), dict(f.section("finished"))
    if opened or finished:
        lines.append(_("Topics (opened / finished):"))
        for mid in sorted(set(opened) | set(finished)):
            lines.append(f"  {title(mid)}: {opened.get(mid, SMALL)} / {finished.get(mid, SMALL)}")
    simple = [
        ("language", _("Languages (started)")), ("offer", _("Offers checked, by risk")),
        ("recruiter", _("Recruiter lookups (found / not found)")), ("recruiter_check", _("Recruiter checks, by risk")),
        ("help", _("Help contacts shown, by country")), ("share", _("Shares")),
    ]
    for section, heading in simple:
        items = f.section(section)
        if items:
            lines.append(heading + ": " + ", ".join(f"{label} {value}" for label, value in items))
    quiz = f.section("quiz")
    if quiz:
        lines.append(_("Quiz answers (right / wrong):"))
        qs: dict[str, dict[str, str]] = {}
        for label, value in quiz:
            q, _sep, side = label.rpartition(":")
            qs.setdefault(q, {})[side] = value
        for q, sides in qs.items():
            lines.append(f"  {q}: {sides.get('right', SMALL)} / {sides.get('wrong', SMALL)}")
    lines.append(_("Emergency replies: {n}").format(n=dict(f.section("emergency")).get("", SMALL)))
    lines.append(_("Deletions: {n}").format(n=dict(f.section("deleted")).get("", SMALL)))
    if f.codes:
        lines.append(_("Per code:"))
        for code, stages in f.codes:
            lines.append(f"  {code}: " + (" > ".join(stages[s] for s in STAGES) if stages else SMALL))
    lines.append(_("<5 = fewer than 5 people; * = hidden so that a small number cannot be worked out."))
    return "\n".join(lines)


def render_csv(f: Figures) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["since", "until", "code", "section", "label", "value"])
    code = NO_CODE if f.ref == "" else (f.ref or "*all*")
    w.writerow([f.since, f.until, code, "people", "", f.total])
    for section, label, value in f.rows:
        w.writerow([f.since, f.until, code, section, label, value])
    for day, value in f.days:
        w.writerow([f.since, f.until, code, "day_started", day, value])
    for c, stages in f.codes:
        if not stages:
            w.writerow([f.since, f.until, c, "code_people", "", SMALL])
        for stage, value in stages.items():
            w.writerow([f.since, f.until, c, "code_funnel", stage, value])
    return buf.getvalue()


def chart_recipe(f: Figures, _: Callable[[str], str], content: Any = None, lang: str = "id") -> dict[str, Any]:
    """What the chart shows, already protected (None where a cell is hidden): small and JSON-safe."""
    def num(v: str) -> int | None:
        return int(v) if v.isdigit() else None

    def title(mid: str) -> str:
        m = getattr(content, "modules", {}).get(mid) if content is not None else None
        return content.t(m["title"], lang) if m else mid
    code = f.ref if f.ref else (_("no code") if f.ref == "" else _("all codes"))
    return {
        "make": "chart",
        "title": _("Reach: {code}, {since} to {until}").format(code=code, since=f.since, until=f.until),
        "days_title": _("People who started, per day"),
        "modules_title": _("People per topic"),
        "note": _("<5 = fewer than 5 people; * = hidden so that a small number cannot be worked out."),
        "days": [[d, num(v), v] for d, v in f.days],
        "modules": [[title(m), num(v), v] for m, v in f.modules],
    }
