"""The conversation engine: a user and an event in, replies out. No channel code here.

Order of a text turn, so that the most important thing always wins:
1. an emergency ("disekap", "paspor ditahan", "trapped") -> the emergency message, from anywhere;
2. "menu" or a language change typed out;
3. the active tool (waiting for a company name, an ad to check) or the country being asked;
4. a tool that claims the text (a pasted job offer);
5. the intent matcher: open the module the text is about;
6. otherwise a kind "I did not understand" and the menu. The bot never goes silent.
"""
from __future__ import annotations

import logging
import re
import traceback
from typing import Any, Callable
from urllib.parse import urlparse


from bot.engine.contacts import ContactBook
from bot.engine.events import Button, Event, Reply
from bot.engine.intents import EMERGENCY, UNKNOWN, IntentMatcher
from bot.engine.text import has_words
from bot.engine.tools import Tool, ToolContext
from bot.i18n import translator

log = logging.getLogger(__name__)

SESSION_VERSION = 1
PAYLOAD_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
REF_RE = re.compile(r"^[A-Za-z0-9_]{1,40}$")
MAX_REPLY = 4000  # a little under Telegram's 4096
PACK_LIMIT = 1000  # contact blocks are grouped into messages of about this size
NO_COUNTRY = "--"


def log_error(what: str, e: BaseException) -> None:
    """Log an error with its type and stack frames, not its message: an exception's message
    could quote what the person wrote, and logs never hold message text."""
    log.error("%s: %s\n%s", what, type(e).__name__, "".join(traceback.format_tb(e.__traceback__)).rstrip())


def new_session(lang: str) -> dict[str, Any]:
    return {
        "v": SESSION_VERSION,
        "lang": lang,
        "module": None,
        "node": None,
        "tool": None,
        "tool_state": {},
        "country": None,
        "location": None,
        "reporter": None,
        "quiz": {},
        "confirm_delete": False,
    }


class Engine:
    def __init__(self, content, store, tools: list[Tool] | None = None) -> None:
        self.content = content
        self.store = store
        self.tools: dict[str, Tool] = {t.name: t for t in (tools or [])}
        self.matcher = IntentMatcher.for_content(content)
        self.intent_modules = {m["intent"]: mid for mid, m in content.modules.items()}
        self.contacts = ContactBook(content)

    # =========================================================================================
    # entry point
    # =========================================================================================
    def handle(self, user_id: str, event: Event) -> list[Reply]:
        """Replies to one event. Never raises on user input; saves the session."""
        session = self._load(user_id, event.lang_hint)
        try:
            replies = self._dispatch(user_id, session, event)
        except Exception as e:  # a bug must not silence the bot: apologise and show the menu
            log_error(f"engine error on {event.kind} event", e)
            _ = self._t(session)
            replies = [self._menu(session, _("Sorry, something went wrong on our side. Please try again."))]
        if not replies:
            replies = [self._menu(session)]
        if not replies[-1].buttons:  # never leave a person without a way on
            replies[-1] = Reply(replies[-1].text, [[Button(self._t(session)("Menu"), "a:menu")]])
        if session.pop("_deleted", False):
            return replies
        self._save(user_id, session)
        return replies

    def language_of(self, user_id: str, lang_hint: str | None = None) -> str:
        """The language this person reads (their choice, else the hint, else the default)."""
        return self._load(user_id, lang_hint)["lang"]

    def resume(self, user_id: str) -> list[Reply]:
        """Where a returning user left off (the current lesson message, or the menu)."""
        session = self._load(user_id, None)
        _ = self._t(session)
        if self._current_node(session) is not None and not session.get("tool"):
            replies = self._render_node(session, session["module"], session["node"])
            replies[0] = Reply(_("Welcome back. Here is where you were:") + "\n\n" + replies[0].text, replies[0].buttons)
            return replies
        return [self._menu(session, _("Welcome back."))]

    def _dispatch(self, user_id: str, s: dict[str, Any], ev: Event) -> list[Reply]:
        if ev.kind == "start":
            return self._start(s, ev.args)
        if ev.kind == "command":
            return self._command(user_id, s, ev.command, ev.args)
        if ev.kind == "button":
            return self._button(user_id, s, ev.data)
        if ev.kind == "text":
            return self._text(s, ev.text)
        return self._other(s, ev.text)

    # =========================================================================================
    # sessions
    # =========================================================================================
    def _load(self, user_id: str, lang_hint: str | None) -> dict[str, Any]:
        s = None
        try:
            s = self.store.load_session(user_id)
        except Exception as e:
            log_error("could not load a session; starting a new one", e)
        if not s or s.get("v") != SESSION_VERSION:
            s = new_session(self._lang_from_hint(lang_hint))
        if s.get("lang") not in self.content.languages:
            s["lang"] = self.content.default_language
        if s.get("module") and s["module"] not in self.content.modules:  # content changed
            s["module"], s["node"] = None, None
        if s.get("module") and s.get("node") not in self.content.modules[s["module"]]["nodes"]:
            s["node"] = None
        if s.get("tool") and s["tool"] not in self.tools:
            s["tool"], s["tool_state"] = None, {}
        return s

    def _save(self, user_id: str, s: dict[str, Any]) -> None:
        try:
            self.store.save_session(user_id, s)
        except Exception as e:
            log_error("could not save a session", e)

    def _lang_from_hint(self, hint: str | None) -> str:
        if hint:
            code = hint.lower().replace("_", "-").split("-")[0]
            if code in self.content.languages:
                return code
        return self.content.default_language

    def _t(self, s: dict[str, Any]) -> Callable[[str], str]:
        return translator(s["lang"])

    def _txt(self, s: dict[str, Any], text: Any) -> str:
        return self.content.t(text, s["lang"])

    # =========================================================================================
    # events
    # =========================================================================================
    def _start(self, s: dict[str, Any], payload: str) -> list[Reply]:
        _ = self._t(s)
        module, lang, ref = self.parse_payload(payload)
        if lang:
            s["lang"] = lang
            _ = self._t(s)
        if ref:
            self._count("referral", ref)
        if payload:
            self._count("deeplink", module or ("menu" if payload.split("-")[0] == "menu" else "invalid"))
        self._leave_tool(s)
        welcome = Reply(_(
            "Welcome to Migrasi Aman. I help you check a job offer abroad, check a recruiter, "
            "and find help. It is free. I do not keep what you write.\n"
            "Type your question or tap a button. Type /hapus any time to delete what I keep about you."
        ))
        if module:
            return [welcome] + self._open_module(s, module)
        s["module"], s["node"] = None, None
        return [welcome, self._menu(s)]

    def parse_payload(self, payload: str) -> tuple[str | None, str | None, str | None]:
        """Deep-link payload MODULE[-LANG][-REF] -> (module or None, lang or None, ref or None).

        Anything malformed gives (None, None, None): the bot then just starts normally.
        """
        payload = (payload or "").strip()
        if not payload or not PAYLOAD_RE.match(payload):
            return None, None, None
        parts = payload.split("-")
        head = parts[0]
        module = head if head in self.content.modules else None
        if module is None and head != "menu":
            return None, None, None
        rest = parts[1:]
        lang = None
        if rest and rest[0] in self.content.languages:
            lang = rest.pop(0)
        ref = None
        if rest:
            if len(rest) == 1 and REF_RE.match(rest[0]):
                ref = rest[0]
            else:
                return module, lang, None
        return module, lang, ref

    def _command(self, user_id: str, s: dict[str, Any], name: str, args: str) -> list[Reply]:
        _ = self._t(s)
        if name == "start":
            return self._start(s, args)
        self._leave_tool(s)
        if name in ("menu", "home"):
            s["module"], s["node"] = None, None
            return [self._menu(s)]
        if name in ("bahasa", "language", "lang"):
            return [self._language_picker(s)]
        if name in ("bantuan", "help", "tolong"):
            target = self.intent_modules.get("help")
            if target:
                return self._open_module(s, target)
            return self._emergency_replies(s, None)
        if name in ("tentang", "about", "sumber", "sources"):
            return self._about(s)
        if name in ("hapus", "delete", "forget"):
            s["confirm_delete"] = True
            return [Reply(
                _("Delete everything this bot keeps about you (your language, where you are in the lessons, "
                  "your quiz answers, the country you chose)? This cannot be undone."),
                [[Button(_("Yes, delete"), "a:del:yes"), Button(_("No, keep"), "a:del:no")]],
            )]
        return [self._menu(s, _("I do not know that command. Here is the menu."))]

    def _other(self, s: dict[str, Any], what: str) -> list[Reply]:
        _ = self._t(s)
        return [self._menu(s, _(
            "I can only read text messages. Please type your question, or tap a button below."
        ))]

    # -- text ---------------------------------------------------------------------------------
    def _text(self, s: dict[str, Any], text: str) -> list[Reply]:
        _ = self._t(s)
        text = (text or "")[:8000]
        if not has_words(text):
            return [self._menu(s, _("I could not read words in that. Please type your question, or tap a button below."))]
        m = self.matcher.analyse(text)
        if m.intent == EMERGENCY:
            self._count("intent", EMERGENCY)
            if m.country:
                s["country"] = m.country
            self._leave_tool(s)
            replies = self._emergency_replies(s, m.country)
            # a long message a tool recognises (a job ad that says "paspor ditahan", or someone
            # describing the offer that trapped them) gets that tool's answer too, after help
            claimed = self._claimed_by_tool(s, text)
            return replies + claimed if claimed else replies
        if m.intent == "language":
            return self._change_language(s, m.language)
        replies = self._text_route(s, text, m)
        if m.distress and replies:  # "tolong ..." that was not an emergency: keep the way open
            first = replies[0]
            line = _("If you or someone close is in danger now, tap the 🆘 button.")
            replies[-1].buttons.append([Button("🆘 " + _("Emergency help"), "a:emergency")])
            replies[0] = Reply(line + "\n\n" + first.text, first.buttons)
        return replies

    def _text_route(self, s: dict[str, Any], text: str, m) -> list[Reply]:
        _ = self._t(s)
        if m.intent == "menu" and (s.get("tool") or m.score >= 90):
            self._leave_tool(s)
            s["module"], s["node"] = None, None
            return [self._menu(s)]

        node = self._current_node(s)
        if node is not None and node.get("choose_country"):
            code = m.country or self._country_by_name(text)
            if code:
                return self._choose_country(s, code)

        if s.get("tool"):
            out = self._tool_call(s, s["tool"], lambda t, ctx: t.on_text(ctx, text))
            if out is not None:
                return out
        claimed = self._claimed_by_tool(s, text)
        if claimed:
            return claimed

        if m.intent in self.intent_modules:
            self._count("intent", m.intent)
            mid = self.intent_modules[m.intent]
            if m.country:
                s["country"] = m.country
                jump = self._country_shortcut(s, mid)
                if jump is not None:
                    return jump
            self._leave_tool(s)
            return self._open_module(s, mid)
        if m.intent == "menu":
            self._leave_tool(s)
            s["module"], s["node"] = None, None
            return [self._menu(s)]
        if m.intent != UNKNOWN and m.intent in self.content.intents:  # a content-only intent
            return [self._menu(s)]
        self._count("intent", UNKNOWN)
        return [self._menu(s, _(
            "Sorry, I did not understand that. Tap a topic below, or write it another way, "
            "for example: \"cek agen resmi\", \"loker kamboja\", \"nomor KBRI Malaysia\"."
        ))]

    # -- buttons ------------------------------------------------------------------------------
    def _button(self, user_id: str, s: dict[str, Any], data: str) -> list[Reply]:
        _ = self._t(s)
        data = data if isinstance(data, str) else ""
        parts = data.split(":")
        kind = parts[0] if parts else ""
        if kind == "a" and len(parts) >= 2:
            return self._action(user_id, s, parts[1:])
        if kind == "m" and len(parts) == 2 and parts[1] in self.content.modules:
            self._leave_tool(s)
            return self._open_module(s, parts[1])
        if kind == "t" and len(parts) >= 2 and parts[1] in self.tools:
            name, payload = parts[1], ":".join(parts[2:])
            if s.get("tool") != name:
                # a tool's old button: start the tool afresh if the payload is its entry point
                if payload == "":
                    return self._enter_tool(s, name)
                return self._stale(s)
            out = self._tool_call(s, name, lambda t, c: t.on_button(c, payload))
            return out if out is not None else self._stale(s)
        if kind == "b" and len(parts) == 4:
            return self._node_button(s, parts[1], parts[2], parts[3])
        return self._stale(s)

    def _action(self, user_id: str, s: dict[str, Any], parts: list[str]) -> list[Reply]:
        _ = self._t(s)
        what = parts[0]
        if what == "menu":
            self._leave_tool(s)
            s["module"], s["node"] = None, None
            return [self._menu(s)]
        if what == "lang" and len(parts) == 2 and parts[1] in self.content.languages:
            return [self._set_language(s, parts[1])]
        if what in ("lang", "language") and len(parts) == 1:
            return [self._language_picker(s)]
        if what == "about":
            return self._about(s)
        if what == "help":
            target = self.intent_modules.get("help")
            self._leave_tool(s)
            return self._open_module(s, target) if target else self._emergency_replies(s, None)
        if what == "emergency":
            return self._emergency_replies(s, s.get("country"))
        if what == "del" and len(parts) == 2 and s.get("confirm_delete"):
            if parts[1] == "yes":
                self.store.delete_user(user_id)
                self._count("deleted", "user")
                fresh = new_session(s["lang"])
                s.clear()
                s.update(fresh)
                s["_deleted"] = True
                return [Reply(
                    _("Done: everything this bot kept about you is deleted. If you write again, you start fresh."),
                    [[Button(_("Menu"), "a:menu")]],
                )]
            s["confirm_delete"] = False
            return [self._menu(s, _("Nothing was deleted."))]
        return self._stale(s)

    def _node_button(self, s: dict[str, Any], mid: str, nid: str, idx: str) -> list[Reply]:
        module = self.content.modules.get(mid)
        node = module["nodes"].get(nid) if module else None
        if node is None:
            return self._stale(s)
        here = s.get("module") == mid and s.get("node") == nid
        if idx.startswith("c") and node.get("choose_country"):
            code = idx[1:]
            if code != NO_COUNTRY and code not in self.content.countries:
                return self._stale(s)
            s["module"], s["node"] = mid, nid
            return self._choose_country(s, code)
        if not idx.isdigit():
            return self._stale(s)
        i = int(idx)
        if "quiz" in node:
            options = node["quiz"]["options"]
            if not here or i >= len(options):
                return self._stale(s)
            return self._answer_quiz(s, mid, nid, node, options[i])
        buttons = node.get("buttons", [])
        if i >= len(buttons):
            return self._stale(s)
        b = buttons[i]
        self._leave_tool(s)
        for key, value in (b.get("set") or {}).items():
            s[key] = value
        if "goto" in b:
            return self._show_node(s, mid, b["goto"])
        if "module" in b:
            return self._open_module(s, b["module"])
        if "tool" in b:
            s["module"], s["node"] = mid, nid
            return self._enter_tool(s, b["tool"])
        return self._action(user_id="", s=s, parts=[b["action"]])  # content actions never delete

    def _stale(self, s: dict[str, Any]) -> list[Reply]:
        _ = self._t(s)
        note = _("That button is from an earlier message and no longer fits. Here is where you are now.")
        node = self._current_node(s)
        if node is not None and not s.get("tool"):
            replies = self._render_node(s, s["module"], s["node"])
            replies[0] = Reply(note + "\n\n" + replies[0].text, replies[0].buttons)
            return replies
        return [self._menu(s, note)]

    # =========================================================================================
    # modules and nodes
    # =========================================================================================
    def _open_module(self, s: dict[str, Any], mid: str) -> list[Reply]:
        module = self.content.modules[mid]
        self._count("module", mid)
        return self._show_node(s, mid, module["start"])

    def _show_node(self, s: dict[str, Any], mid: str, nid: str) -> list[Reply]:
        s["module"], s["node"] = mid, nid
        node = self.content.modules[mid]["nodes"][nid]
        if node.get("tool"):
            replies = self._render_node(s, mid, nid)
            return replies + self._enter_tool(s, node["tool"], from_node=True)
        return self._render_node(s, mid, nid)

    def _current_node(self, s: dict[str, Any]) -> dict[str, Any] | None:
        if not s.get("module") or not s.get("node"):
            return None
        return self.content.modules[s["module"]]["nodes"].get(s["node"])

    def _render_node(self, s: dict[str, Any], mid: str, nid: str) -> list[Reply]:
        _ = self._t(s)
        node = self.content.modules[mid]["nodes"][nid]
        rows: list[list[Button]] = []
        if "quiz" in node:
            q = node["quiz"]
            head = self._txt(s, node["text"]) + "\n\n" if node.get("text") else ""
            for i, opt in enumerate(q["options"]):
                rows.append([Button(self._txt(s, opt["label"]), f"b:{mid}:{nid}:{i}")])
            return [Reply(head + self._txt(s, q["question"]), rows)]
        text = self._txt(s, node["text"])
        if node.get("choose_country"):
            buttons = [
                Button(self._txt(s, c["name"]), f"b:{mid}:{nid}:c{code}") for code, c in self.content.countries.items()
            ]
            rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
            rows.append([Button(_("Another country"), f"b:{mid}:{nid}:c{NO_COUNTRY}")])
            rows.append([Button(_("Menu"), "a:menu")])
            return [Reply(text + "\n\n" + _("Tap a country, or type its name."), rows)]
        has_menu = False
        for i, b in enumerate(node.get("buttons", [])):
            rows.append([Button(self._txt(s, b["label"]), f"b:{mid}:{nid}:{i}")])
            has_menu = has_menu or b.get("action") == "menu"
        if not has_menu and not node.get("tool"):
            rows.append([Button(_("Menu"), "a:menu")])
        blocks = self.contacts.blocks(node.get("contacts", []), s["lang"], s.get("country"))
        return self._pack(text, blocks, rows)

    def _pack(self, text: str, blocks: list[str], rows: list[list[Button]]) -> list[Reply]:
        """Text and contact blocks into as few replies as fit; buttons on the last one."""
        replies: list[Reply] = []
        current = text
        for block in blocks:
            if len(current) + 2 + len(block) > PACK_LIMIT:
                replies.append(Reply(current))
                current = block
            else:
                current = current + "\n\n" + block
        replies.append(Reply(current, rows))
        return replies

    def _answer_quiz(self, s, mid: str, nid: str, node: dict[str, Any], option: dict[str, Any]) -> list[Reply]:
        _ = self._t(s)
        progress = s.setdefault("quiz", {}).setdefault(mid, {"right": 0, "asked": 0})
        progress["asked"] += 1
        if option.get("correct"):
            progress["right"] += 1
        feedback = self._txt(s, option["feedback"])
        nxt = node["next"]
        next_node = self.content.modules[mid]["nodes"][nxt]
        if "quiz" not in next_node:
            feedback += "\n\n" + _("Quiz score: {right} of {asked}.").format(**progress)
            s["quiz"][mid] = {"right": 0, "asked": 0}
            self._count("quiz_done", mid)
        return [Reply(feedback)] + self._show_node(s, mid, nxt)

    # -- countries ----------------------------------------------------------------------------
    def _choose_country(self, s: dict[str, Any], code: str) -> list[Reply]:
        mid, nid = s["module"], s["node"]
        node = self.content.modules[mid]["nodes"][nid]
        s["country"] = None if code == NO_COUNTRY else code
        return self._show_node(s, mid, node["next"])

    def _country_by_name(self, text: str) -> str | None:
        return self.matcher.detect_country(text)

    def _country_shortcut(self, s: dict[str, Any], mid: str) -> list[Reply] | None:
        """"nomor kbri malaysia": go straight to the module's contacts for that country."""
        for nid, node in self.content.modules[mid]["nodes"].items():
            if node.get("choose_country"):
                s["module"], s["node"] = mid, nid
                if s.get("location") not in ("abroad", "transit"):
                    s["location"] = "abroad"
                return self._choose_country(s, s["country"])
        return None

    # -- emergency ----------------------------------------------------------------------------
    def _emergency_replies(self, s: dict[str, Any], country: str | None) -> list[Reply]:
        """Action first: the 24-hour line and the embassy of the country if known; then the
        other numbers and one line on staying safe."""
        _ = self._t(s)
        em = self.content.emergency
        ids = [c for c in em["contacts"] if c in self.content.contacts]
        missions = [m for m in self.contacts.missions(country or s.get("country")) if m not in ids]
        first, rest = ids[:1] + missions, ids[1:]
        lang = s["lang"]
        top = "\n\n".join(["🆘 " + self._txt(s, em["text"])] + [self.contacts.render(c, lang) for c in first])
        bottom = "\n\n".join([self.contacts.render(c, lang) for c in rest] + ["⚠️ " + self._txt(s, em["safety"])])
        rows = []
        help_mid = self.intent_modules.get("help")
        if help_mid:
            rows.append([Button(self._txt(s, self.content.modules[help_mid]["title"]), f"m:{help_mid}")])
        rows.append([Button(_("Menu"), "a:menu")])
        return [Reply(top[:MAX_REPLY]), Reply(bottom[:MAX_REPLY], rows)]

    # =========================================================================================
    # menu, language, about
    # =========================================================================================
    def _menu(self, s: dict[str, Any], prefix: str | None = None) -> Reply:
        _ = self._t(s)
        text = _("Main menu: choose a topic, or type your question.")
        if prefix:
            text = prefix + "\n\n" + text
        rows = [[Button(self._txt(s, m["title"]), f"m:{mid}")] for mid, m in self.content.modules.items()]
        rows.append([Button(_("About & sources"), "a:about"), self._language_button(s)])
        return Reply(text, rows)

    def _language_button(self, s: dict[str, Any]) -> Button:
        others = [l for l in self.content.languages if l != s["lang"]]
        if len(others) == 1:
            return Button("🌐 " + self.content.lang_name(others[0]), f"a:lang:{others[0]}")
        return Button("🌐 " + self._t(s)("Language"), "a:lang")

    def _language_picker(self, s: dict[str, Any]) -> Reply:
        _ = self._t(s)
        rows = [[Button(self.content.lang_name(l), f"a:lang:{l}")] for l in self.content.languages]
        return Reply(_("Choose your language:"), rows)

    def _change_language(self, s: dict[str, Any], target: str | None) -> list[Reply]:
        if target not in self.content.languages:
            others = [l for l in self.content.languages if l != s["lang"]]
            if len(others) != 1:
                return [self._language_picker(s)]
            target = others[0]
        return [self._set_language(s, target)]

    def _set_language(self, s: dict[str, Any], lang: str) -> Reply:
        s["lang"] = lang
        _ = self._t(s)
        return self._menu(s, _("OK, I will write in {language} from now on.").format(language=self.content.lang_name(lang)))

    def _about(self, s: dict[str, Any]) -> list[Reply]:
        _ = self._t(s)
        lines = [_("Where each topic's facts come from:")]
        for mid, m in self.content.modules.items():
            srcs = []
            for src in m.get("sources", []):
                if "seed" in src:
                    srcs.append(src["seed"])
                else:
                    srcs.append(urlparse(src["url"]).netloc.removeprefix("www.") or src["url"])
            lines.append(f"• {self._txt(s, m['title'])}: {', '.join(dict.fromkeys(srcs))}")
        return [Reply(self._txt(s, self.content.about["text"])), Reply("\n".join(lines), [[Button(_("Menu"), "a:menu")]])]

    # =========================================================================================
    # tools
    # =========================================================================================
    def _ctx(self, s: dict[str, Any], name: str, fresh: bool = False) -> ToolContext:
        state = {} if fresh else s.setdefault("tool_state", {})
        return ToolContext(
            tool=name, lang=s["lang"], translate=self._t(s), state=state, content=self.content, country=s.get("country")
        )

    def _claimed_by_tool(self, s: dict[str, Any], text: str) -> list[Reply] | None:
        """The answer of the first tool that claims this free text, which becomes active."""
        for name, tool in self.tools.items():
            ctx = self._ctx(s, name, fresh=(name != s.get("tool")))
            try:
                claimed = tool.claims(text, ctx)
            except Exception as e:
                log_error(f"tool {name} failed in claims()", e)
                claimed = False
            if claimed:
                previous = (s.get("tool"), s.get("tool_state"))
                s["tool"], s["tool_state"] = name, {}
                out = self._tool_call(s, name, lambda t, c: t.on_text(c, text))
                if out is not None:
                    self._count("tool", name)
                    return out
                s["tool"], s["tool_state"] = previous  # it claimed but did not answer
        return None

    def _enter_tool(self, s: dict[str, Any], name: str, from_node: bool = False) -> list[Reply]:
        if name not in self.tools:
            return [self._menu(s)]
        s["tool"], s["tool_state"] = name, {}
        out = self._tool_call(s, name, lambda t, c: t.start(c), from_node=from_node)
        self._count("tool", name)
        return out if out is not None else [self._menu(s)]

    def _tool_call(self, s: dict[str, Any], name: str, call, from_node: bool = False) -> list[Reply] | None:
        tool = self.tools[name]
        ctx = self._ctx(s, name)
        ctx.from_node = from_node
        try:
            out = call(tool, ctx)
        except Exception as e:
            log_error(f"tool {name} failed", e)
            self._leave_tool(s)
            _ = self._t(s)
            return [self._menu(s, _("Sorry, something went wrong on our side. Please try again."))]
        if ctx.finished:
            self._leave_tool(s)
        else:
            s["tool_state"] = ctx.state
        return out

    def _leave_tool(self, s: dict[str, Any]) -> None:
        s["tool"], s["tool_state"] = None, {}
        s["confirm_delete"] = False

    # =========================================================================================
    def _count(self, kind: str, label: str) -> None:
        try:
            self.store.count(kind, label)
        except Exception as e:
            log_error("could not count", e)
