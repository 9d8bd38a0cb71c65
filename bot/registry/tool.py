"""Cek perekrut: two tools.

- `recruiter_check`: the guided check. Questions with one button per answer (content/
  recruiter_check.yaml), then a verdict with the reason for every answer that raised concern,
  the next steps and the official channels.
- `registry_lookup`: looks a company name up in the list of licensed placement companies (P3MI)
  an NGO imported (`python -m bot registry import`). It claims free text that is clearly a
  name check ("cek PT Sumber Rejeki Abadi", "PT Maju Jaya resmi gak?").

What the lookup says is fixed by issue 5 and tested (tests/registry/test_tool.py): a name that is
not found is "not on our list from <date>", never "illegal"; a list older than STALE_DAYS (or
none at all) is not answered from; a licence is never presented as proof that a job is real.
While no list is imported (the project ships none: there is no public, dated list it may use),
the button and a typed name both get that said first, in one line, and the official ways to
check a company as the answer; the bot does not ask for a name it cannot look up.

Both tools tell the engine what they found, without text, in `ctx.outcome`:
- after a lookup: {"kind": "registry", "result": "found" | "not_found" | "no_list" | "stale"}
  (a typo or look-alike of a listed name is "not_found": it is never said to be on the list);
- after the guided check: {"kind": "recruiter_check", "level": "high" | "medium" | "low",
  "flags": ["question:answer", ...] (answers that raised concern), "country": code or None}.
"""
from __future__ import annotations

import datetime as _dt
import logging
from typing import Any

from bot.engine.events import Button, Reply
from bot.engine.text import fold
from bot.engine.tools import Tool, ToolContext
from bot.i18n import N_
from bot.registry.matcher import Match
from bot.registry.parse import Company
from bot.registry.query import name_in, strip_fillers
from bot.registry.store import STALE_DAYS, Registry
from bot.engine import callbacks as cb

log = logging.getLogger(__name__)

CHECK_FILE = "recruiter_check.yaml"
MAX_SHOWN = 5
REASONS_CHUNK = 600  # characters per message of reasons: a phone screen
COUNTRY_ROW = 3  # country buttons per row

STATUS_WORDS = {
    "expired": N_("expired"),
    "revoked": N_("revoked"),
    "suspended": N_("suspended"),
}


# =============================================================================================
# helpers
# =============================================================================================
def _t(content: Any, text: Any, lang: str) -> str:
    if content is not None and hasattr(content, "t"):
        return content.t(text, lang)
    if isinstance(text, dict):
        return text.get(lang) or next(iter(text.values()), "")
    return str(text or "")


def format_date(iso: str, lang: str) -> str:
    """'2026-12-31' -> '31 Desember 2026' / 'December 31, 2026' (the ISO date if anything fails)."""
    try:
        from babel.dates import format_date as _fd

        return _fd(_dt.date.fromisoformat(iso), format="long", locale=lang)
    except Exception:
        return iso


def _check_spec(content: Any) -> dict[str, Any] | None:
    files = getattr(content, "files", None)
    if isinstance(files, dict) and isinstance(files.get(CHECK_FILE), dict):
        return files[CHECK_FILE]
    return None


def _help_button(ctx: ToolContext) -> Button:
    modules = getattr(ctx.content, "modules", None) or {}
    return Button(ctx._("Get help"), cb.module("help") if "help" in modules else cb.HELP)


def _channels(ctx: ToolContext) -> str:
    spec = _check_spec(ctx.content)
    if spec and spec.get("official_channels"):
        return _t(ctx.content, spec["official_channels"], ctx.lang)
    # Only if the content file is missing (validate_content reports that as an error).
    return ctx._("Official channels: siskop2mi.bp2mi.go.id, the KP2MI hotline, or Disnaker in your district.")


# =============================================================================================
# the lookup (shared by both tools)
# =============================================================================================
class Lookup:
    def __init__(self, registry: Registry, store: Any = None) -> None:
        self.registry = registry
        self.store = store

    def _count(self, outcome: str) -> None:
        try:
            if self.store is not None:
                self.store.count("registry", outcome)
        except Exception:
            log.exception("could not count")

    def prompt(self, ctx: ToolContext) -> list[Reply]:
        info = self.registry.info()
        if info.empty or info.stale:  # nothing to look a name up in: say so, and how to check
            return self.unavailable(ctx, info, None)
        ctx.state["await"] = True
        return [Reply(ctx._(
            "Type the company's name as it is written on the recruiter's papers. \"PT\", capital letters "
            "and small typos do not matter."
        ))]

    def buttons(self, ctx: ToolContext) -> list[list[Button]]:
        return [
            [Button(ctx._("Check another name"), cb.tool("registry_lookup"))],
            [_help_button(ctx), Button(ctx._("Menu"), cb.MENU)],
        ]

    def unavailable(self, ctx: ToolContext, info: Any, query: str | None) -> list[Reply]:
        """No list, or one too old to answer from: that first, in one line, then the official
        ways to check a company as the answer (not as an apology after a failed search)."""
        _ = ctx._
        ctx.state["await"] = False  # a later "PT ..." is still answered; other text goes back
        if info.empty:
            self._count("no_list")
            ctx.outcome = {"kind": "registry", "result": "no_list"}
            if query:
                first = _("This bot has no official list of licensed placement companies (P3MI), so it does not "
                          "search for \"{query}\" here.").format(query=query)
            else:
                first = _("This bot has no official list of licensed placement companies (P3MI), so it does not "
                          "search company names here.")
        else:
            self._count("stale")
            ctx.outcome = {"kind": "registry", "result": "stale"}
            fmt = dict(date=format_date(info.date, ctx.lang), days=STALE_DAYS, query=query or "")
            if query:
                first = _("Our list of licensed placement companies (P3MI) is from {date}, more than {days} days "
                          "ago: licences change, so we do not answer for \"{query}\" from it.").format(**fmt)
            else:
                first = _("Our list of licensed placement companies (P3MI) is from {date}, more than {days} days "
                          "ago: licences change, so we do not answer from it.").format(**fmt)
        after = _("Check the company there before you pay or hand over documents.")
        rows = [[Button(_("Why is there no list?"), cb.tool("registry_lookup", "why"))]] if info.empty else []
        rows.append([_help_button(ctx), Button(_("Menu"), cb.MENU)])
        return [Reply(first + "\n\n" + _channels(ctx) + "\n\n" + after, rows)]

    def why(self, ctx: ToolContext) -> list[Reply]:
        """Why the bot ships no list (research/contacts.md B2, SBMI 27/2/2020)."""
        _ = ctx._
        text = _(
            "There is no public list of licensed placement companies with a date that we could use, and lists "
            "go out of date: in 2020 the Jendela PMI app showed 438 companies, and 111 of them were still shown "
            "although their licence had been revoked (SBMI). So we do not guess: the official channels know "
            "today's licences."
        )
        return [Reply(text, [[_help_button(ctx), Button(_("Menu"), cb.MENU)]])]

    def answer(self, ctx: ToolContext, query: str) -> list[Reply]:
        """The replies for one name: honest about the list, its date and what a hit means."""
        ctx.state["await"] = False
        _ = ctx._
        lang = ctx.lang
        info = self.registry.info()
        if info.empty or info.stale:
            return self.unavailable(ctx, info, query)
        channels = _channels(ctx)
        date = format_date(info.date, lang)

        today = self.registry.today()
        matches = self.registry.find(query, limit=MAX_SHOWN)
        best = matches[0] if matches and matches[0].same_name else None
        parts: list[str] = []
        ctx.outcome = {"kind": "registry", "result": "found" if best is not None and best.exact else "not_found"}
        if best is None:
            self._count("not_found")
            parts.append(_(
                "\"{query}\" is not on our list from {date} ({source}). Check on siskop2mi.bp2mi.go.id "
                "or ask the KP2MI hotline before you pay or hand over documents."
            ).format(query=query, date=date, source=info.source))
            if matches:
                parts.append(
                    _("Similar names on the list (not the same name: a look-alike name can be a different company):")
                    + "\n" + "\n".join(self._line(ctx, m, today) for m in matches)
                )
        elif not best.exact:
            # Same words give or take a typo: maybe the person's typo, maybe a look-alike name.
            # Never "on the list": show the closest name and ask for an exact comparison.
            self._count("close")
            parts.append(_(
                "\"{query}\" is not on our list from {date} ({source}) exactly as you typed it. The closest "
                "name on it is \"{name}\". A look-alike name can be a different company: check that the "
                "recruiter's papers show exactly this name and licence number. Check on siskop2mi.bp2mi.go.id "
                "or ask the KP2MI hotline before you pay or hand over documents."
            ).format(query=query, date=date, source=info.source, name=best.item.name) + "\n" + self._line(ctx, best, today))
            if matches[1:]:
                parts.append(_("Other similar names on the list:") + "\n" + "\n".join(self._line(ctx, m, today) for m in matches[1:]))
        else:
            c = best.item
            status = c.effective_status(today)
            self._count(f"found_{status}")
            fmt = dict(name=c.name, source=info.source, date=date, valid_until=format_date(c.valid_until, lang))
            if status == "active":
                body = _(
                    "\"{name}\" is on the list of licensed placement companies (P3MI) from {source}, {date}.\n\n"
                    "A licence alone does not make a job offer real: check the job order on "
                    "siskop2mi.bp2mi.go.id and ask the KP2MI hotline."
                ).format(**fmt)
            elif status == "revoked":
                body = _(
                    "\"{name}\" is on the list from {source}, {date}, but its licence has been revoked "
                    "(dicabut). Do not pay or hand over documents: ask the KP2MI hotline first."
                ).format(**fmt)
            elif status == "suspended":
                body = _(
                    "\"{name}\" is on the list from {source}, {date}, but its licence is suspended "
                    "(dibekukan). Do not pay or hand over documents: ask the KP2MI hotline first."
                ).format(**fmt)
            else:
                body = _(
                    "\"{name}\" is on the list from {source}, {date}, but its licence ran out on {valid_until}. "
                    "Ask the KP2MI hotline whether it has a valid licence now, before you pay or hand over "
                    "documents."
                ).format(**fmt)
            parts.append(body + "\n" + self._line(ctx, best, today))
            if matches[1:]:
                parts.append(_("Other similar names on the list:") + "\n" + "\n".join(self._line(ctx, m, today) for m in matches[1:]))
        return [Reply("\n\n".join(parts)), Reply(channels, self.buttons(ctx))]

    def _line(self, ctx: ToolContext, m: Match[Company], today: _dt.date) -> str:
        c = m.item
        bits = [ctx._("licence {licence}").format(licence=c.licence)]
        if c.province:
            bits.append(c.province)
        bits.append(ctx._("valid until {date}").format(date=format_date(c.valid_until, ctx.lang)))
        status = c.effective_status(today)
        if status in STATUS_WORDS:
            bits.append(ctx._(STATUS_WORDS[status]).upper())
        return f"• {c.name}\n  " + " · ".join(bits)


# =============================================================================================
# registry_lookup
# =============================================================================================
class RegistryLookupTool(Tool):
    name = "registry_lookup"

    def __init__(self, lookup: Lookup) -> None:
        self.lookup = lookup

    def claims(self, text: str, ctx: ToolContext) -> bool:
        return name_in(text) is not None

    def start(self, ctx: ToolContext) -> list[Reply]:
        return self.lookup.prompt(ctx)

    def on_text(self, ctx: ToolContext, text: str) -> list[Reply] | None:
        if len(text) > 300:  # a pasted ad, not a name: let the engine route it
            return None
        name = name_in(text)
        if name is None and ctx.state.get("await", True) is not False and len(text.split()) <= 8:
            # asked for a name (or just claimed): take what is left of the text
            name = strip_fillers(text)
            if name is None:
                return [Reply(ctx._("Please type the company's name, for example \"PT ...\"."))]
        if name is None:
            return None  # after an answer, other text goes back to the engine
        return self.lookup.answer(ctx, name)

    def on_button(self, ctx: ToolContext, payload: str) -> list[Reply] | None:
        if payload in ("", "again"):
            return self.lookup.prompt(ctx)
        if payload == "why":
            return self.lookup.why(ctx)
        return None


# =============================================================================================
# recruiter_check
# =============================================================================================
class RecruiterCheckTool(Tool):
    name = "recruiter_check"

    def __init__(self, store: Any = None) -> None:
        self.store = store

    # -- content -------------------------------------------------------------------------------
    def _spec(self, ctx: ToolContext) -> dict[str, Any]:
        spec = _check_spec(ctx.content)
        if spec is None:
            raise RuntimeError(f"{CHECK_FILE} is not loaded")
        return spec

    @staticmethod
    def _countries(content: Any) -> dict[str, Any]:
        countries = getattr(content, "countries", None)
        return countries if isinstance(countries, dict) else {}

    def _codes(self, content: Any, q: dict[str, Any]) -> list[str]:
        """The country buttons of a question: contacts.yaml's order, then any other code."""
        grouped = [c for g in q.get("countries") or [] for c in g["codes"]]
        known = [c for c in self._countries(content) if c in grouped]
        return known + [c for c in grouped if c not in known]

    def _country_name(self, content: Any, code: str, lang: str) -> str:
        c = self._countries(content).get(code)
        return _t(content, c["name"], lang) if c else code

    def _choice(self, content: Any, q: dict[str, Any], choice: str | None, lang: str) -> tuple[int, str | None] | None:
        """(weight, reason) of an answer id or a country code; None if it is neither."""
        for a in q["answers"]:
            if a["id"] == choice:
                return a["weight"], (_t(content, a["reason"], lang) if a.get("reason") else None)
        for g in q.get("countries") or []:
            if choice in g["codes"]:
                reason = _t(content, g["reason"], lang).replace("{country}", self._country_name(content, choice, lang)) if g.get("reason") else None
                return g["weight"], reason
        return None

    def validate_content(self, content: Any) -> list[Any]:
        from bot.content_loader.problems import Problem

        spec = _check_spec(content)
        if spec is None:
            return [Problem(CHECK_FILE, 0, "missing or invalid: the guided recruiter check (tool recruiter_check) needs it")]

        def line(*keys: Any) -> int:
            try:
                return content.line(CHECK_FILE, *keys)
            except Exception:
                return 0

        out: list[Problem] = []
        seen_q: set[str] = set()
        countries = self._countries(content)
        for qi, q in enumerate(spec.get("questions", [])):
            if q["id"] in seen_q:
                out.append(Problem(CHECK_FILE, line("questions", qi, "id"), f"question id {q['id']!r} is used twice"))
            seen_q.add(q["id"])
            seen_a: set[str] = set()
            kw_owner: dict[str, str] = {}
            for ai, a in enumerate(q["answers"]):
                if a["id"] in seen_a:
                    out.append(Problem(CHECK_FILE, line("questions", qi, "answers", ai, "id"), f"answer id {a['id']!r} is used twice in question {q['id']!r}"))
                seen_a.add(a["id"])
                if a["weight"] > 0 and not a.get("reason"):
                    out.append(Problem(CHECK_FILE, line("questions", qi, "answers", ai), "an answer with a weight above 0 needs a reason"))
                for lang, words in (a.get("keywords") or {}).items():
                    for w in words:
                        key = f"{lang}:{' '.join(fold(w).split())}"
                        if key in kw_owner and kw_owner[key] != a["id"]:
                            out.append(Problem(
                                CHECK_FILE, line("questions", qi, "answers", ai, "keywords"),
                                f"keyword {w!r} means both {kw_owner[key]!r} and {a['id']!r} in question {q['id']!r}",
                            ))
                        kw_owner[key] = a["id"]
            if q.get("countries") is not None:
                out += self._validate_countries(q, qi, countries, line)
        mins = [v["min_score"] for v in spec.get("verdicts", [])]
        if 0 not in mins:
            out.append(Problem(CHECK_FILE, line("verdicts"), "one verdict needs min_score: 0 (for answers with no concern)"))
        if len(set(mins)) != len(mins):
            out.append(Problem(CHECK_FILE, line("verdicts"), "two verdicts have the same min_score"))
        return out

    @staticmethod
    def _validate_countries(q: dict[str, Any], qi: int, countries: dict[str, Any], line) -> list[Any]:
        """Every country of contacts.yaml in exactly one group, and no code that is not one."""
        from bot.content_loader.problems import Problem

        out: list[Problem] = []
        where: dict[str, int] = {}
        for gi, g in enumerate(q["countries"]):
            if g["weight"] > 0 and not g.get("reason"):
                out.append(Problem(CHECK_FILE, line("questions", qi, "countries", gi), "a country group with a weight above 0 needs a reason"))
            for code in g["codes"]:
                if code in where:
                    out.append(Problem(CHECK_FILE, line("questions", qi, "countries", gi, "codes"),
                                       f"country {code} is in two groups of question {q['id']!r}"))
                where[code] = gi
                if countries and code not in countries:
                    out.append(Problem(CHECK_FILE, line("questions", qi, "countries", gi, "codes"),
                                       f"country {code} is not in contacts.yaml"))
        missing = [c for c in countries if c not in where]
        if missing:
            out.append(Problem(CHECK_FILE, line("questions", qi, "countries"),
                               f"question {q['id']!r}: countries of contacts.yaml in no group: {', '.join(missing)} "
                               "(put each in the group whose weight and reason fit it)"))
        return out

    # -- flow ----------------------------------------------------------------------------------
    def start(self, ctx: ToolContext) -> list[Reply]:
        spec = self._spec(ctx)
        ctx.state.clear()
        ctx.state.update({"q": 0, "ans": {}, "done": False})
        intro = _t(ctx.content, spec["intro"], ctx.lang)
        return [self._question(ctx, spec, 0, intro)]

    def _question(self, ctx: ToolContext, spec: dict[str, Any], qi: int, head: str = "") -> Reply:
        q = spec["questions"][qi]
        total = len(spec["questions"])
        text = ctx._("Question {n} of {total}").format(n=qi + 1, total=total) + "\n" + _t(ctx.content, q["text"], ctx.lang)
        if head:
            text = head + "\n\n" + text
        rows: list[list[Button]] = []
        codes = self._codes(ctx.content, q)
        if codes:
            buttons = [ctx.button(self._country_name(ctx.content, c, ctx.lang), f"a:{qi}:c{c}") for c in codes]
            rows += [buttons[i : i + COUNTRY_ROW] for i in range(0, len(buttons), COUNTRY_ROW)]
        row = [ctx.button(_t(ctx.content, a["label"], ctx.lang), f"a:{qi}:{ai}") for ai, a in enumerate(q["answers"])]
        rows += [row] if sum(len(b.label) for b in row) <= 40 else [[b] for b in row]
        return Reply(text, rows)

    def on_button(self, ctx: ToolContext, payload: str) -> list[Reply] | None:
        spec = self._spec(ctx)
        if payload in ("", "restart"):
            return self.start(ctx)
        parts = payload.split(":")
        if len(parts) != 3 or parts[0] != "a" or not parts[1].isdigit() or not (parts[2].isdigit() or parts[2][:1] == "c"):
            return None
        if ctx.state.get("done") or "q" not in ctx.state:
            return None  # a button from a finished check: the engine says it is old
        qi = int(parts[1])
        cur = int(ctx.state.get("q", 0))
        questions = spec["questions"]
        if cur >= len(questions):
            return None
        if parts[2].isdigit():
            ai = int(parts[2])
            choice = questions[qi]["answers"][ai]["id"] if qi < len(questions) and ai < len(questions[qi]["answers"]) else None
        else:
            code = parts[2][1:]
            choice = code if qi < len(questions) and code in self._codes(ctx.content, questions[qi]) else None
        if qi != cur or choice is None:
            note = ctx._("That button is from an earlier question. Here is the current one:")
            return [self._question(ctx, spec, cur, note)]
        return self._answer(ctx, spec, qi, choice)

    def on_text(self, ctx: ToolContext, text: str) -> list[Reply] | None:
        if ctx.state.get("done") or "q" not in ctx.state:
            return None
        spec = self._spec(ctx)
        cur = int(ctx.state["q"])
        if cur >= len(spec["questions"]):
            return None
        choice = self._typed_choice(ctx.content, spec["questions"][cur], text, ctx.lang)
        if choice is None:
            return None  # not an answer: the engine handles it (the buttons still work)
        return self._answer(ctx, spec, cur, choice)

    @staticmethod
    def _phrase(text: str) -> str:
        k = " ".join(fold(text).replace("'", "").split())
        return " ".join("".join(ch if ch.isalnum() or ch == " " else " " for ch in k).split())

    def _typed_choice(self, content: Any, question: dict[str, Any], text: str, lang: str) -> str | None:
        """The answer id (or country code) a short typed reply means: the longest phrase it
        contains among the answers' keywords and labels and the countries' names and keywords."""
        said = self._phrase(text)
        if not said or len(said.split()) > 6:
            return None
        best: tuple[int, str] | None = None  # (length of the phrase, choice)
        candidates: list[tuple[str, str]] = []
        for a in question["answers"]:
            kws = a.get("keywords") or {}
            words = list(kws.get(lang, [])) + [w for code, ws in kws.items() if code != lang for w in ws]
            words.append(_t(None, a["label"], lang))
            candidates += [(w, a["id"]) for w in words]
        countries = self._countries(content)
        for code in self._codes(content, question):
            c = countries.get(code) or {}
            names = list((c.get("name") or {}).values()) if isinstance(c.get("name"), dict) else []
            candidates += [(w, code) for w in list(c.get("keywords") or []) + names + [code]]
        for w, choice in candidates:
            k = self._phrase(w)
            if k and (said == k or f" {k} " in f" {said} ") and (best is None or len(k) > best[0]):
                best = (len(k), choice)
        return best[1] if best else None

    @staticmethod
    def _typed_answer(question: dict[str, Any], text: str, lang: str) -> int | None:
        """The index of the answer a typed reply means (answers only; see _typed_choice)."""
        choice = RecruiterCheckTool()._typed_choice(None, {**question, "countries": None}, text, lang)
        ids = [a["id"] for a in question["answers"]]
        return ids.index(choice) if choice in ids else None

    def _answer(self, ctx: ToolContext, spec: dict[str, Any], qi: int, choice: str) -> list[Reply]:
        q = spec["questions"][qi]
        ans = dict(ctx.state.get("ans") or {})
        ans[q["id"]] = choice
        ctx.state["ans"] = ans
        ctx.state["q"] = qi + 1
        if qi + 1 < len(spec["questions"]):
            return [self._question(ctx, spec, qi + 1)]
        ctx.state["done"] = True
        return self.verdict(ctx, spec, ans)

    def verdict(self, ctx: ToolContext, spec: dict[str, Any], ans: dict[str, str]) -> list[Reply]:
        lang = ctx.lang
        score = 0
        reasons: list[str] = []
        flags: list[str] = []
        country: str | None = None
        for q in spec["questions"]:
            choice = ans.get(q["id"])
            if q.get("countries") and choice in self._codes(ctx.content, q):
                country = choice
            picked = self._choice(ctx.content, q, choice, lang)
            if picked is None or picked[0] <= 0:
                continue
            score += picked[0]
            flags.append(f"{q['id']}:{choice}")
            if picked[1]:
                reasons.append("• " + picked[1])
        verdicts = sorted(spec["verdicts"], key=lambda v: v["min_score"])
        chosen = verdicts[0]
        for v in verdicts:
            if v["min_score"] <= score:
                chosen = v
        level = "low" if chosen is verdicts[0] else "high" if chosen is verdicts[-1] else "medium"
        ctx.outcome = {"kind": "recruiter_check", "level": level, "flags": flags, "country": country}
        try:
            if self.store is not None:
                self.store.count("recruiter_check", chosen["id"])
        except Exception:
            log.exception("could not count")
        replies: list[Reply] = []
        text = _t(ctx.content, chosen["text"], lang)
        if reasons:
            # with the lowest verdict ("no warning signs"), answers of weight 1 are things to ask
            heading = ctx._("What still needs checking:") if level == "low" else ctx._("What raised concern:")
            chunk = text + "\n\n" + heading
            for r in reasons:
                if len(chunk) + len(r) + 2 > REASONS_CHUNK:
                    replies.append(Reply(chunk))
                    chunk = r
                else:
                    chunk += "\n\n" + r
            replies.append(Reply(chunk))
        else:
            replies.append(Reply(text))
        steps = _t(ctx.content, spec["next_steps"], lang) + "\n\n" + _channels(ctx)
        buttons = [
            [Button(ctx._("Check a company name"), cb.tool("registry_lookup"))],
            [_help_button(ctx), Button(ctx._("Menu"), cb.MENU)],
            [ctx.button(ctx._("Start the check again"), "")],
        ]
        replies.append(Reply(steps, buttons))
        return replies


def make_tools(content: Any, store: Any) -> list[Tool]:
    registry = Registry.for_store(store)
    return [RecruiterCheckTool(store), RegistryLookupTool(Lookup(registry, store))]


__all__ = ["RecruiterCheckTool", "RegistryLookupTool", "Lookup", "make_tools", "format_date"]
