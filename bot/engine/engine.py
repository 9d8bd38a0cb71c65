"""The conversation engine: a user and an event in, replies out. No channel code here.

Order of a text turn, so that the most important thing always wins:
1. words about ending one's life -> counselling first (and the emergency help too when the
   message also speaks of danger from others);
2. an emergency ("disekap", "paspor ditahan", "trapped") -> the short emergency reply, from
   anywhere; within minutes of one, later messages are answered for what they ask, with the 🆘
   button on top, instead of the same message again;
3. "menu" or a language change typed out;
4. a short answer to the bot's own question ("iya", "untuk anak saya", "di kamboja");
5. a question about the last result ("amankah?", "trus gimana?") while it is fresh; right after
   a direct answer (or the stop card), a short message that goes on from it ("tapi katanya buat
   jaminan", "dia masih trauma") gets that answer's point (or the paragraph of it that fits)
   unless another answer fits well;
6. the active tool (waiting for a company name, an ad to check), then a tool that claims the
   text (a pasted job offer, even a one-line one);
7. about to leave ("udah di bandara") -> the stop card;
8. a direct answer to a specific question (content/answers.yaml);
9. the topic (module) the text is about, or a country named on its own;
10. things that are not topics: thanks, greetings, "kamu bot?", privacy, deleting, sharing;
11. otherwise a kind "I did not understand" (in a different wording each time) and the topics.
The bot never goes silent.
"""
from __future__ import annotations

import dataclasses
import datetime as _dt
import logging
import re
import time
import traceback
from typing import Any, Callable

from bot.engine import callbacks as cb
from bot.engine.about import render_sources
from bot.engine.answers import ON_ITS_OWN, QUESTION_FILLER, AnswerIndex
from bot.engine.callbacks import Action, AnswerButton, CountryPick, NodeButton, OpenModule, ToolButton
from bot.engine.commands import Command
from bot.engine.contacts import EMBASSY, HOTLINE_ABROAD, ContactBook
from bot.engine.conversation import Conversation
from bot.engine.emergency import EmergencyDesk, has_phrase
from bot.engine.events import DELETE_SENT, Button, Event, Reply, pack
from bot.engine.intents import CONFIDENT, EMERGENCY, EXACT_EARLY_BONUS, GENERIC_INTENTS, HOW_CUES, SELF_HARM, THRESHOLD, UNKNOWN, IntentMatcher, Match
from bot.engine.language import written_in
from bot.engine.said import MAX_TEXT, Said
from bot.engine.session import SETTABLE, Context, Session
from bot.engine.short_answers import ShortAnswers
from bot.engine.tools import Tool, ToolContext
from bot.engine.turn import Turn
from bot.i18n import translator

log = logging.getLogger(__name__)

PAYLOAD_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
REF_RE = re.compile(r"^[A-Za-z0-9_]{1,40}$")
MAX_REPLY = 4000  # a little under Telegram's 4096
PACK_LIMIT = 1000  # contact blocks are grouped into messages of about this size
NO_COUNTRY = cb.NO_COUNTRY


def log_error(what: str, e: BaseException) -> None:
    """Log an error with its type and stack frames, not its message: an exception's message
    could quote what the person wrote, and logs never hold message text."""
    log.error("%s: %s\n%s", what, type(e).__name__, "".join(traceback.format_tb(e.__traceback__)).rstrip())


class Engine:
    def __init__(
        self, content, store, tools: list[Tool] | None = None, clock: Callable[[], float] = time.time,
        commands: list[Command] | None = None, admins: set[str] | None = None,
    ) -> None:
        self.content = content
        self.store = store
        self.tools: dict[str, Tool] = {t.name: t for t in (tools or [])}
        self.commands: dict[str, Command] = {n: c for c in (commands or []) for n in c.names}
        for c in self.commands.values():
            c.engine = self
        self.admins: set[str] = set(admins or ())  # user ids as the adapter writes them ("tg:123")
        self.matcher = IntentMatcher.for_content(content)
        self.intent_modules = {m["intent"]: mid for mid, m in content.modules.items()}
        self.written_markers = self.matcher.written_markers(content.languages)
        self.clock = clock
        self.contacts = ContactBook(content, today=lambda: _dt.date.fromtimestamp(self.clock()))
        # built once per loaded content, like the matcher (content does not change once loaded)
        self.answers = _per_content(content, "_answer_index", lambda: AnswerIndex(content, self.matcher))
        self.short_answers = _per_content(content, "_short_answers", lambda: ShortAnswers(
            content.files.get("intents.yaml", {}).get("short_answers", {}), self.matcher.table))
        self.desk = EmergencyDesk(content, self.contacts, self.matcher.table)
        self.conversation = Conversation(content, self.contacts)
        human = self.tools.get("handoff")  # a person to talk to (bot/handoff), while a desk is configured
        self.desk.human = self.conversation.human = human if getattr(human, "available", False) else None
        self.bot_username: str | None = None  # set by an adapter that knows it (share links)
        # called after each turn as observer(turn, event, replies, deleted, counted), where
        # counted is the (kind, label) counts of the turn (bot/stats records reach from them)
        self.observers: list[Callable[..., None]] = []
        self._counted: list[tuple[str, str]] = []

    # =========================================================================================
    # entry point
    # =========================================================================================
    def handle(self, user_id: str, event: Event) -> list[Reply]:
        """Replies to one event. Never raises on user input; saves the session."""
        t = self._turn(user_id, event.lang_hint)
        t.session.turn += 1
        deleted = False
        self._counted = []
        try:
            replies, deleted = self._dispatch(t, event)
        except Exception as e:  # a bug must not silence the bot: apologise and show the menu
            log_error(f"engine error on {event.kind} event", e)
            replies = [self._menu(t, t._("Sorry, something went wrong on our side. Please try again."))]
        if not replies:
            replies = [self._menu(t)]
        if not replies[-1].buttons:  # never leave a person without a way on
            replies[-1] = dataclasses.replace(replies[-1], buttons=[[Button(t._("Menu"), cb.MENU)]])
        if not deleted and t.keep:
            t.session.options = self._options(replies[-1])
            self._save(user_id, t.session)
        for observe in self.observers:
            try:
                observe(t, event, replies, deleted, self._counted)
            except Exception as e:
                log_error("an observer failed", e)
        return replies

    def open_at(self, user_id: str, module: str, node: str | None = None) -> list[Reply]:
        """The screen `module:node` (its start when node is None), as if the person had got there
        (`python -m bot chat --at MODULE[:NODE]`, for editors). Raises KeyError if it does not exist."""
        m = self.content.modules[module]
        node = node or m["start"]
        if node not in m["nodes"]:
            raise KeyError(node)
        t = self._turn(user_id, None)
        replies = self._show_node(t, module, node)
        t.session.options = self._options(replies[-1])
        self._save(user_id, t.session)
        return replies

    def language_of(self, user_id: str, lang_hint: str | None = None) -> str:
        """The language this person reads (their choice, else the hint, else the default)."""
        return self._load(user_id, lang_hint).lang

    def resume(self, user_id: str) -> list[Reply]:
        """Where a returning user left off (the current lesson message, or the menu)."""
        t = self._turn(user_id, None)
        s = t.session
        if self._current_node(s) is not None and not s.tool:
            replies = self._render_node(t, s.module, s.node)
            replies[0] = _prefixed(replies[0], t._("Welcome back. Here is where you were:"))
            return replies
        return [self._menu(t, t._("Welcome back."))]

    def _dispatch(self, t: Turn, ev: Event) -> tuple[list[Reply], bool]:
        """The replies, and whether everything about the person was just deleted."""
        if ev.kind == "start":
            return self._start(t, ev.args), False
        if ev.kind == "command":
            return self._command(t, ev.command, ev.args), False
        if ev.kind == "button":
            return self._button(t, ev.data)
        if ev.kind == "text":
            t.said = Said.of(ev.text, self.matcher.table)
            return self._cut_note(t, self._text(t)), False
        return self._other(t, ev.text), False

    # =========================================================================================
    # sessions
    # =========================================================================================
    def _turn(self, user_id: str, lang_hint: str | None) -> Turn:
        found: list[bool] = []
        s = self._load(user_id, lang_hint, found)
        now = self.clock()
        s.arrived(now)
        return Turn(user_id, s, self.content, translator(s.lang), now, stored=bool(found))

    def _load(self, user_id: str, lang_hint: str | None, found: list[bool] | None = None) -> Session:
        stored = None
        try:
            stored = self.store.load_session(user_id)
        except Exception as e:
            log_error("could not load a session; starting a new one", e)
        default = self._lang_from_hint(lang_hint)
        if stored and found is not None:
            found.append(True)
        s = Session.from_dict(stored, default) if stored else Session.new(default)
        # content may have changed since the session was saved
        if s.lang not in self.content.languages:
            s.lang = self.content.default_language
        if s.module and s.module not in self.content.modules:
            s.leave_module()
        if s.module and s.node not in self.content.modules[s.module]["nodes"]:
            s.node = None
        if s.tool and s.tool not in self.tools:
            s.tool, s.tool_state = None, {}
        if s.country and s.country not in self.content.countries:
            s.country = None
        return s

    def _save(self, user_id: str, s: Session) -> None:
        try:
            self.store.save_session(user_id, s.to_dict())
        except Exception as e:
            log_error("could not save a session", e)

    def _lang_from_hint(self, hint: str | None) -> str:
        if hint:
            code = hint.lower().replace("_", "-").split("-")[0]
            if code in self.content.languages:
                return code
        return self.content.default_language

    def _set_lang(self, t: Turn, lang: str) -> None:
        t.session.lang = lang
        t._ = translator(lang)

    # =========================================================================================
    # events
    # =========================================================================================
    def _start(self, t: Turn, payload: str) -> list[Reply]:
        s = t.session
        module, lang, ref = self.parse_payload(payload)
        if lang:
            self._set_lang(t, lang)
        if ref:
            s.ref = ref
            self._count("referral", ref)
        if payload:
            self._count("deeplink", module or ("menu" if payload.split("-")[0] == "menu" else "invalid"))
        s.leave_tool()
        welcome = Reply(t._(
            "Welcome to Migrasi Aman. I help you check a job offer abroad, check a recruiter, "
            "and find help. It is free. I do not keep what you write.\n"
            "Type your question or tap a button. Type /hapus any time to delete what I keep about you."
        ), source="start")
        if module:  # a shared link opens its topic as the menu does (docs/sharing.md): the
            # recruiter link starts the guided check, with the lesson one tap away
            return [welcome] + self._open_topic(t, module)
        s.leave_module()
        return [welcome, self._menu(t)]

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

    def _command(self, t: Turn, name: str, args: str) -> list[Reply]:
        s = t.session
        if name == "start":
            return self._start(t, args)
        s.leave_tool()
        if name in ("menu", "home"):
            s.leave_module()
            return [self._menu(t)]
        if name in ("bahasa", "language", "lang"):
            return [self._language_picker(t)]
        if name in ("bantuan", "help", "tolong"):
            return self._help(t)
        if name in ("tentang", "about", "sumber", "sources"):
            return self._about(t)
        if name in ("hapus", "delete", "forget"):
            return [self._ask_delete(t)]
        plugged = self.commands.get(name)
        if plugged is not None and (not plugged.admin_only or t.user_id in self.admins):
            return plugged.run(t, args)
        return [self._menu(t, t._("I do not know that command. Here is the menu."))]

    def _other(self, t: Turn, what: str) -> list[Reply]:
        return [self._menu(t, t._(
            "I can only read text messages. Please type your question, or tap a button below."
        ))]

    # -- text ---------------------------------------------------------------------------------
    def _text(self, t: Turn) -> list[Reply]:
        s, said = t.session, t.said
        assert said is not None
        if not said.has_words:
            return self._no_words(t)
        if said.text.strip(" .!").lower() in STOP_WORDS and "berhenti" in self.commands:
            return self.commands["berhenti"].run(t, "")  # "stop": end alerts (bot/alerts)
        if not s.lang_chosen:  # written in the other language than the session's: answer in it
            written = written_in(said.words, self.written_markers)
            if written is not None and written != s.lang:
                self._set_lang(t, written)
        m = self.matcher.analyse(said.text, said.words)
        said.notes["match"] = m
        if m.country and m.intent != EMERGENCY:
            pass  # remembered below where it is about a person, not a job ad's destination
        # words of ending one's own life come before any topic ("i want to kill myself, i cant pay
        # the debt to the agent"): counselling first; "mati aja" alone only when no topic wins
        # ("hp ku mati aja pas lagi cek lowongan" is a phone)
        if m.scores.get(SELF_HARM, 0.0) >= THRESHOLD and (
                m.intent in (SELF_HARM, EMERGENCY) or any(set(h.split()) & OWN_LIFE for h in m.hits.get(SELF_HARM, []))):
            return self._self_harm(t, m)
        if m.intent == EMERGENCY and m.hits.get(EMERGENCY) == ["(examples)"] and s.fresh_context((SELF_HARM,)):
            return self._self_harm(t, self.matcher.without_emergency(m))  # "ga ada yg peduli sama aku"
        if (s.fresh_context((SELF_HARM,)) and TALK_WORDS & set(said.words) and m.intent != EMERGENCY
                and (m.intent in ("help", "human", "privacy", "followup", UNKNOWN) or m.guessed())
                and not self.matcher.opens_with("thanks", said.words)):  # "makasih, nanti aku coba hubungi": thanks
            # "nomor konselingnya apa?", "how do i talk to someone?", "gak tau harus cerita ke siapa"
            # right after the counselling reply: that reply again, not the help module or the bot's data
            return self._self_harm(t, m)
        if m.intent == EMERGENCY and not self.desk.recent(t):
            asked = self._asked_rule(t, m)
            if asked is not None:
                return asked
            return self._emergency(t, m)
        danger_again = m.intent == EMERGENCY
        if danger_again:
            m = self.matcher.without_emergency(m)  # answered for what it asks, 🆘 on top (below)
        if self.desk.recent(t):
            return self._after_emergency(t, m, danger_again)
        replies = self._route(t, m)
        if m.distress and replies and replies[0].source not in ("emergency",):
            # "tolong ..." that was not an emergency: keep the way open
            replies[-1].buttons.append(self.desk.sos_row(t))
            replies[0] = _prefixed(replies[0], t._("If you or someone close is in danger now, tap the 🆘 button."))
        return replies

    def _route(self, t: Turn, m: Match) -> list[Reply]:
        """Everything that is not an emergency, in the order of the module docstring."""
        s, said = t.session, t.said
        if m.intent == "language":
            if not LANGUAGE_NAMED & set(said.words):  # "still in indonesia" at "where are you now?"
                answered = self._short_answer(t, m)
                if answered is not None:
                    return answered
            # "Translator needed in Laos, Indonesian + English, 1500 USD ...": an ad that names
            # languages is checked, not taken as a request to switch
            claimed = self._claimed_by_tool(t) if len(said.words) > LANGUAGE_REQUEST_WORDS else None
            return claimed or self._change_language(t, m.language)
        named = self._named_contacts(said.words) if m.intent == "menu" else []
        if named:  # "kbri bisa bantu apa aja?" asks about the embassy, not about this bot
            return self._contacts_reply(t, named)
        if m.intent == "menu" and (s.tool or (m.score >= 90 and len(said.words) <= 5)):
            s.leave_tool()
            s.leave_module()
            return [self._menu(t)]

        answered = self._short_answer(t, m)
        if answered is not None:
            return answered
        if (s.tool and (self.short_answers.kind_of(said.words) or "").startswith("reporter:")
                and any(kind in ("yes", "no", "unknown") for _, kind, _ in s.options)):
            # "untuk anak saya" at "who offered you this job?" (its answers include "Tidak tahu"):
            # who it is for, not an answer; after a result's buttons it goes on as before
            return self._choose_again(t)
        if (s.tool and s.options and m.intent == "thanks" and set(m.hits.get("thanks", ())) <= ACK_WORDS
                and self.short_answers.kind_of(said.words) in ("yes", "no", "unknown")):
            # "oh ok, no" to "who offered you this job?": ask again, keep the place (the "ok" in
            # it is not thanks; "wes, makasih" is)
            return self._choose_again(t)

        ctx = s.fresh_context()
        if ctx is not None and self._asks_about_contacts(t, ctx, m):
            return self._contact_details(t, ctx)
        if ctx is not None and self._is_followup(m, ctx):
            return self._followup(t, ctx)
        if (ctx is not None and ctx.kind == "help" and s.country and NUMBER_ASKS & set(said.words)
                and len(said.words) <= COUNTRY_CARD_WORDS and _asks(said.words, said.text) and not m.country
                and not (self._named_contacts(said.words) or MISSION_WORDS & set(said.words))
                and not ({"indonesia"} & set(said.words) or self.desk.in_indonesia(said.words))):  # "and from indonesia, what number?": the free line
            return self._country_card(t, s.country)  # "nomor yg bs dihubungi?" after "malaysia": its numbers
        if m.country and MISSION_WORDS & set(said.words) and NUMBER_ASKS & set(said.words):
            s.country = m.country  # "kbri di laos ada nomornya gak? sodara sy kerja di sana": its numbers, not the answer on jobs there
            return self._country_card(t, m.country)
        best = self.answers.best(m, country=s.country)
        if ctx is None and self._asks_about_last(m) and m.intent != "followup" and not (
                best is not None and best.score >= ON_ITS_OWN):  # "paspor asli boleh dipegang majikan ga sih?" has its answer
            return self._nothing_to_follow(t)  # "is it safe then?" with nothing checked yet
        if ctx is None and self._asks_for_verdict(t, m):
            return self._nothing_to_follow(t)  # "jadi agennya resmi ga?" at the guided check's third question
        if ctx is None and s.tool and s.options and self._adds_to_check(m):  # "tapi dia bilang gratis" at its second
            return self._choose_again(t)

        claimed = self._claimed_by_tool(t, deferring=False)  # "cek PT Maju Jaya": that tool
        if claimed:
            return claimed
        goes_on = ctx is not None and self._continues_answer(m, ctx, best, bool(s.country))  # from the last answer
        if best is not None and ctx is not None and ctx.kind == "answer" and best.answer == ctx.ref and self._over_small_talk(best, m):
            return self._followup(t, ctx, m)  # the same answer asked about again: its part that fits, not all of it twice
        if best is not None and best.score >= ASKED and _asks(said.words, said.text) and self._over_small_talk(best, m) and not (
                m.intent in self.tools and best.score < (OVER_A_REQUEST if self._opens_with_tool(m) else ON_ITS_OWN)) and not goes_on and not (
                self._leaving_now(m)):  # "I fly to Phnom Penh tonight, recruiter says tourist visa is fine": the stop card
            # not "i want to check the agent who is sending me to Saudi", nor "trus lapornya kemana?" right after an answer
            # "kerja CS di kamboja itu sebenernya kerja apa sih": a question with its own answer,
            # even when it names a country and a job like an ad would
            if m.country:
                s.country = m.country
            return self._answer(t, best.answer)

        # a pasted job ad goes to the offer check whatever the conversation was doing; someone
        # about to leave with the ad in hand gets the stop card first
        claimed = self._claimed_by_tool(t, deferring=True)
        if claimed:
            if m.scores.get("departing", 0.0) >= THRESHOLD:
                return self._with_sos(t, self.conversation.departing(t)) + claimed
            return claimed

        if s.tool:
            out = self._tool_call(t, s.tool, lambda tool, c: tool.on_text(c, said.text))
            if out is not None:
                return out

        guessed = m.hits.get("departing") == ["(examples)"]  # no words of leaving, only a likeness
        if (m.intent == "departing" or m.scores.get("departing", 0.0) >= THRESHOLD + 10) and not (
                guessed and best is not None and best.score >= ON_ITS_OWN) and not (  # "agen bilang visa kerjanya nyusul": that answer
                guessed and goes_on):
            if m.country:
                s.country = m.country
            self._count("intent", "departing")
            s.leave_tool()
            s.remember(Context("departing", s.turn))  # "emang masih bisa batal?" is about this card
            return self._with_sos(t, self.conversation.departing(t))

        if best is not None and self._over_small_talk(best, m) and self._answer_fits(best, m) and not goes_on:
            if m.country:
                s.country = m.country
            return self._answer(t, best.answer)

        if m.intent == "quiz":
            quiz = self._first_quiz(s.module)
            if quiz is not None:
                self._count("intent", "quiz")
                s.leave_tool()
                return self._show_node(t, *quiz)
        if m.intent in self.tools:  # an intent named after a tool ("cek agen yg rekrut aku"): that tool
            self._count("intent", m.intent)
            if m.country:
                s.country = m.country
            return self._enter_tool(t, m.intent)
        if goes_on:
            if m.country:
                s.country = m.country
            return self._followup(t, ctx, m)  # "tapi katanya uangnya buat tiket" after the answer on fees: its part that fits
        # a contact named in a short help question, or in a longer one that asks for its number
        named = (self._named_contacts(said.words) if m.intent == "help" and (
            len(said.words) <= 10 or (len(said.words) <= 16 and NUMBER_WORDS & set(said.words))) else [])
        # "nomor kemlu yg asli brp?": that number, at once; with a country too when it is not the
        # hotline the country's card gives anyway ("sy lg di hongkong, mau telpon KP2MI dari sini")
        if named and (not m.country or set(named) - {HOTLINE_ABROAD}):
            if m.country:
                s.country = m.country
            return self._contacts_reply(t, named)
        if m.intent in self.intent_modules:
            self._count("intent", m.intent)
            mid = self.intent_modules[m.intent]
            if m.country:
                s.country = m.country
                if m.intent == "help" and self.matcher.asks_about_mission(said.words):
                    return self._country_card(t, m.country)  # "ada kbri di laos?": that country's mission, or that none is verified
            # "nomor kbri malaysia", or "nomor kbri nya?" once the country is known
            if m.intent == "help" and not m.country and self._asks_from_indonesia(said.words):
                jump = self._location_shortcut(t, mid, "indonesia")
                if jump is not None:  # "kalo nelpon dari indonesia kemana?" (after "myanmar" too): KP2MI,
                    return jump       # not "where are you now?" nor the mission abroad
            if m.intent == "help" and not m.country and not s.country and has_phrase(said.words, ABROAD_NOW):
                jump = self._location_shortcut(t, mid, "abroad")
                if jump is not None:
                    return jump  # "I'm an Indonesian abroad, which number do I call?": the Kemlu hotline first
            if m.country or (s.country and m.intent == "help"):
                jump = self._country_shortcut(t, mid)
                if jump is not None:
                    return jump
            s.leave_tool()
            if s.module == mid and s.node == self.content.modules[mid]["start"]:
                return self._topic_questions(t, mid, m)  # never the same screen twice in a row
            return self._open_module(t, mid)
        if m.intent == "menu":
            s.leave_tool()
            s.leave_module()
            return [self._menu(t)]
        if m.intent == "followup" and (ctx is not None or not self._about_something_else(m)):
            if ctx is not None and not (m.country and m.country != s.country):  # "jepang gimana?" after Korea: Japan
                return self._followup(t, ctx)
            if m.country and (len(said.words) <= COUNTRY_FOLLOWUP_WORDS or self.matcher.asks_about_mission(said.words)):
                # "jepang gimana?", "trus kalau di vietnam?", "di hanoi ada kbri ga?": that country
                s.country = m.country
                return self._country_card(t, m.country)
            if m.country and "help" in self.intent_modules:  # "adik saya di kamboja, harus gimana?"
                s.country = m.country
                jump = self._country_shortcut(t, self.intent_modules["help"])
                if jump is not None:
                    return jump
            return self._nothing_to_follow(t)
        if m.intent == "delete":
            s.leave_tool()
            intro = self.conversation.small_talk(t, "delete_intro")[0].text if self.conversation.has("delete_intro") else ""
            ask = self._ask_delete(t)
            return [Reply((intro + "\n\n" + ask.text).strip(), ask.buttons, ask.source)]
        if m.intent == "language_other":
            return self.conversation.small_talk(t, "language_unsupported")
        if m.intent == "share":
            return self._share(t)
        if m.intent in ("thanks", "greeting", "human", "privacy", "insult") and self.conversation.has(m.intent):
            self._count("intent", m.intent)
            if m.intent == "thanks" and s.emergency_at is not None and self.conversation.has("thanks_after_emergency"):
                return self.conversation.small_talk(t, "thanks_after_emergency")
            if m.intent == "thanks" and s.fresh_context((SELF_HARM,)) and self.conversation.has("thanks_after_self_harm"):
                return self.conversation.small_talk(t, "thanks_after_self_harm")
            return self.conversation.small_talk(t, m.intent)
        if m.country and self.matcher.off_topic_about_place(said.words):
            return self._not_understood(t)  # "cuaca di riyadh panas gak?": not about help there
        if m.country:  # a country named on its own ("myanmar", "di kamboja")
            s.country = m.country
            if len(said.words) > COUNTRY_CARD_WORDS:  # a sentence about someone there: its questions first
                suggested = self._suggestions(t, m)
                if suggested:
                    return suggested
            return self._country_card(t, m.country)
        if ctx is not None and _asks(said.words, said.text) and len(said.words) <= 10:
            return self._followup(t, ctx)  # "who pays for it?" right after an answer
        if self.short_answers.kind_of(said.words) in ("yes", "no", "unknown"):
            if s.tool and s.options:  # "ohh iya" to "who offered you this job?": ask again, keep the place
                return self._choose_again(t)
            node = self._current_node(s)
            if node is not None and "quiz" in node and s.options:  # "iya" to a quiz question with no yes or no
                return self._choose_again(t)
            # "iya", "ga tau" with no question pending: no "I did not understand"
            return [Reply(t._("All right. Tell me a little more, or choose a topic below."),
                          self.conversation.topic_rows(t), "small:short")]
        if m.intent not in (UNKNOWN, "followup") and m.intent in self.content.intents:  # a content-only intent
            return [self._menu(t)]  # ("resep seblak gimana", a follow-up word about something else, is not understood)
        suggested = self._suggestions(t, m) if m.intent == UNKNOWN else None
        if suggested:
            return suggested
        return self._not_understood(t)

    def _not_understood(self, t: Turn) -> list[Reply]:
        """A kind line for nonsense; otherwise "I did not understand" with examples of what to ask."""
        self._count("intent", UNKNOWN)
        if t.said is not None and _looks_like_nonsense(t.said.words) and self.conversation.has("nonsense"):
            return self.conversation.small_talk(t, "nonsense")
        if self.conversation.has("fallback"):
            return self.conversation.small_talk(t, "fallback")
        return [self._menu(t, t._(
            "Sorry, I did not understand that. Tap a topic below, or write it another way, "
            "for example: \"cek agen resmi\", \"loker kamboja\", \"nomor KBRI Malaysia\"."
        ), source="fallback")]

    def _cut_note(self, t: Turn, replies: list[Reply]) -> list[Reply]:
        """A message longer than the bot reads (said.MAX_TEXT) that a tool checked as a whole
        (a pasted offer): its answer says that only the first part was read."""
        if t.said is None or not t.said.truncated:
            return replies
        for i, r in enumerate(replies):
            tool = self.tools.get(r.source.partition(":")[2]) if r.source.startswith("tool:") else None
            if tool is not None and getattr(tool, "reads_text", False):
                note = t._("Your message was long: I checked only its first {n} characters.")
                replies[i] = _prefixed(r, note.format(n=_thousands(MAX_TEXT, t.lang)))
                break
        return replies

    def _no_words(self, t: Turn) -> list[Reply]:
        """Only emoji or symbols: 🆘 is a cry for help, tears get a gentle question."""
        text = t.said.text if t.said else ""
        if any(ch in text for ch in SOS_EMOJI):
            return self._emergency(t, None)
        if any(ch in text for ch in SAD_EMOJI) and self.conversation.has("crying"):
            return self.conversation.small_talk(t, "crying")
        if any(ch in text for ch in THANKS_EMOJI) and self.conversation.has("thanks"):
            return self.conversation.small_talk(t, "thanks")
        return [self._menu(t, t._("I could not read words in that. Please type your question, or tap a button below."), "small:emoji")]

    def _short_answer(self, t: Turn, m: Match) -> list[Reply] | None:
        """A typed answer to the question the bot just asked, as if its button were tapped."""
        s, said = t.session, t.said
        node = self._current_node(s)
        if node is not None and node.get("choose_country") and not s.tool:
            code = m.country or self.matcher.detect_country(said.folded)
            if code and len(said.words) <= 8:
                return self._choose_country(t, code)
        if (node is not None and "quiz" in node and s.options and self.short_answers.kind_of(said.words) == "unknown"
                and not s.tool):  # "ga tau", "no idea" at a quiz: the right answer, then on
            right = next((o for o in node["quiz"]["options"] if o.get("correct")), None)
            if right is not None:
                return self._answer_quiz(t, s.module, s.node, node, right, unsure=True)
        data = self.short_answers.pick(said.words, s.options, m.country)
        if data is None and s.tool and s.options:
            # "iya dia minta duit 20jt dulu", "gk ada, dia bilang kontrak nanti di sana" at the
            # guided check's question: the answer first, then why
            data = self.short_answers.leading(said.words, s.options, said.text)
        if data is None and s.module and s.options and not s.tool:
            return self._answered_ahead(t, m)
        if data is None:
            return None
        if m.country:
            s.country = m.country
        replies, _ = self._button(t, data)
        return replies

    def _answered_ahead(self, t: Turn, m: Match) -> list[Reply] | None:
        """"untuk anak saya" at "where are you now?": the answer to the topic's next question (who
        the help is for). The screen the topic's first button with that answer leads to comes
        next (for family: which country they are in), as if both had been tapped."""
        s = t.session
        kind = self.short_answers.kind_of(t.said.words)
        if not kind or ":" not in kind or any(k == kind for _, k, _ in s.options):
            return None
        key, _, value = kind.partition(":")
        if key not in SETTABLE:
            return None
        for node in self.content.modules[s.module]["nodes"].values():
            for b in node.get("buttons", []):
                if (b.get("set") or {}).get(key) == value and b.get("goto"):
                    setattr(s, key, value)
                    if m.country:
                        s.country = m.country
                    return self._show_node(t, s.module, b["goto"])
        return None

    def _options(self, reply: Reply) -> list[list[str]]:
        """The last reply's buttons as options for a typed answer: [data, kind, label]."""
        out = []
        for b in reply.all_buttons():
            d = cb.decode(b.data)
            kind = ""
            if isinstance(d, NodeButton):
                node = self.content.modules.get(d.module, {}).get("nodes", {}).get(d.node, {})
                if "quiz" in node:
                    kind = f"quiz:{d.index}"
                else:
                    btns = node.get("buttons", [])
                    sets = btns[d.index].get("set", {}) if d.index < len(btns) else {}
                    if "location" in sets:
                        kind = f"location:{sets['location']}"
                    elif "reporter" in sets:
                        kind = f"reporter:{sets['reporter']}"
            elif isinstance(d, Action) and d.name == "del":
                kind = "yes" if d.arg == "yes" else "no"
            elif isinstance(d, Action) and d.name in ("menu", "about", "lang", "emergency"):
                continue  # typed "menu", "english" and "tolong" have their own ways in
            if not kind and isinstance(d, (ToolButton, NodeButton, AnswerButton, Action)):
                kind = self.short_answers.label_kind(b.label) or ""
            if d is not None:
                out.append([b.data, kind, b.label])
        return out[:12]

    def _after_emergency(self, t: Turn, m: Match, danger_again: bool) -> list[Reply]:
        """Minutes after the emergency reply: what the person asks is answered ("di kamboja", "apa
        nanti anak saya dihukum?"), with the 🆘 button on top; a message that asks nothing else
        gets what to do next (for a family member, what family can do), not the same message."""
        s = t.session
        if self._says_where(t, m, danger_again):
            # "di kamboja", "cambodia, in a building near the casino": where, told after the
            # danger; that country's help (its mission, Kemlu first), the 🆘 button on top
            s.country = m.country
            if s.reporter != "family":
                s.location = "abroad"
            return self._sos_on_top(t, self._country_card(t, m.country))
        if danger_again and m.country and m.country != s.country:
            # "aku di kamboja, dikunci di lantai 5": more danger and, for the first time, where:
            # the short emergency reply again, now with that country's mission
            return self._emergency(t, m)
        if (s.reporter != "family" and s.location not in ("indonesia", "abroad") and self.desk.in_indonesia(t.said.words)
                and not m.country and not HOME_FOLKS & set(t.said.words)):  # "my family is in cirebon": where they are
            # "alamatnya di bekasi": the police (110) are the ones to call; not after a danger
            # abroad ("disekap di kamboja", then "my family is in cirebon": where the family is)
            s.location = "indonesia"
            return self.desk.first(t, family=False)
        if (self.desk.reports_for_someone(t.said.words) and not m.country
                and (m.intent in ("help", "followup", UNKNOWN) or m.guessed())):
            return self._sos_on_top(t, self.desk.for_family(t))  # "saya di rumah, melapor untuk kakak saya"
        if _asks_for_numbers(t.said.words) and not m.country:
            return self._sos_on_top(t, self.desk.more(t))  # "nomor lain ada gk? yg tadi gk diangkat", "give me all the contacts"
        short_question = self._short_question_answer(t, m)
        if short_question is not None:  # "apa nanti aku dihukum?"
            return self._sos_on_top(t, self._answer_after_emergency(t, short_question) or self._answer(t, short_question))
        if m.guessed() and not danger_again and self.matcher.opens_with("thanks", t.said.words):
            m = dataclasses.replace(m, intent="thanks")  # "makasih, udh sy telpon nomornya": thanks, not a guess at help
        elif m.guessed() and not (m.intent == "thanks" and not danger_again):
            # a topic only the examples saw ("kak cepet mereka udah dateng" is not about recruiters):
            # in the minutes after danger, what to do next comes first; thanks stay thanks
            # ("makasih, udh aku terusin ke keluarganya"), the 🆘 button on top
            m = dataclasses.replace(m, intent=UNKNOWN)
        replies = self._route(t, m)
        if replies and replies[0].source.startswith("answer:"):  # "apa yg harus aku siapin buat lapor?"
            replies = self._answer_after_emergency(t, replies[0].source.removeprefix("answer:")) or replies
        # "mereka mukulin temen sy lg": more danger, nothing asked; a topic's answer would be a
        # guess at a question nobody asked, so what to do next comes instead
        told = danger_again and not _asks(t.said.words, t.said.text) and replies and replies[0].source.startswith(
            ("answer:", "node:", "questions:"))
        if told or replies and replies[0].source in ("fallback", "menu", "small:fallback", "small:nonsense", "prompt:what_to_check"):
            if s.reporter == "family":
                replies = self.desk.for_family(t)
            else:
                replies = self.conversation.followup(t, Context("emergency", s.turn))
        added = self.desk.again(t, "\n".join(r.text for r in replies)) if danger_again else ""
        if added:  # a new danger phrase: the number again (and the mission), a line each
            replies[0] = Reply(added + "\n\n" + replies[0].text, replies[0].buttons, replies[0].source)
        return self._sos_on_top(t, replies)

    def _answer_after_emergency(self, t: Turn, asked: str) -> list[Reply] | None:
        """What a direct answer asked in the minutes after the emergency becomes: another answer
        ("mereka minta transfer 50 juta" is a ransom, not a placement fee), or the emergency's own
        screen ("what do I prepare?"); None when it stays as it is."""
        aid = self.desk.answer_instead(asked)
        return self.desk.screen_for_answer(t, aid) or (self._answer(t, aid) if aid != asked else None)

    def _says_where(self, t: Turn, m: Match, danger_again: bool) -> bool:
        """After the emergency reply, a short message that names a country and asks nothing says
        where. One the example model alone reads as danger ("cambodia, in a building near the
        casino") says where too; a danger phrase with a new country is more danger (the caller
        gives the emergency reply again)."""
        words = t.said.words
        if not m.country or _asks(words, t.said.text):
            return False
        if danger_again:
            return m.hits.get(EMERGENCY) == ["(examples)"] and len(words) <= SAYS_WHERE_WORDS + 2
        return len(words) <= SAYS_WHERE_WORDS and m.intent not in SMALL_TALK | {"help", "followup"}

    def _short_question_answer(self, t: Turn, m: Match) -> str | None:
        """In the minutes after danger, a question of one telling word ("apa nanti aku dihukum?",
        "will i be jailed?") asks the answer that word is about, as a longer question would."""
        if m.intent not in ("help", "followup", UNKNOWN) and not m.guessed():
            return None
        if m.country or not _asks(m.words, t.said.text):
            return None
        ranked = self.answers.ranked(m, min_shared=1)
        if ranked and ranked[0].score >= ON_ITS_OWN and (len(ranked) == 1 or ranked[1].score <= ranked[0].score - CLEAR_LEAD):
            return ranked[0].answer
        return None

    def _sos_on_top(self, t: Turn, replies: list[Reply]) -> list[Reply]:
        """The 🆘 button first under the first reply (once)."""
        top = replies[0]
        sos = self.desk.sos_row(t)
        replies[0] = Reply(top.text, [sos] + [row for row in top.buttons if row != sos], top.source)
        return replies

    def _asked_rule(self, t: Turn, m: Match) -> list[Reply] | None:
        """"boleh agen pegang paspor saya?", "can my employer keep my passport": a question about
        a rule, whose only danger evidence is a combination of words or the example model (no
        danger phrase such as "paspor ditahan"), gets its direct answer, with the 🆘 button on top
        in case. A statement that it is happening gets the emergency reply."""
        hits = m.hits.get(EMERGENCY, [])
        if not hits or not all(h.startswith("(") for h in hits) or not _asks(m.words, t.said.text):
            return None
        if m.distress and "?" not in t.said.text:
            return None  # "we are indonesians held in a scam center ..., please send help": a cry, not a question
        best = self.answers.best(m)
        if best is None or best.score < ASKED:
            return None
        replies = self._answer(t, best.answer)
        top = replies[0]
        replies[0] = Reply(top.text, [self.desk.sos_row(t)] + top.buttons, top.source)
        return replies

    def _over_small_talk(self, best, m: Match) -> bool:
        """A direct answer over thanks, a request to delete or to share, ...: only when it agrees
        well, and very well when a phrase of that request matched ("hapusin semua chat aku" is a
        request to delete, whatever the answer on hiding this chat says)."""
        if m.intent not in SMALL_TALK:
            return True
        request = m.scores.get(m.intent, 0.0) > CONFIDENT and not HOW_CUES & set(m.words)  # not "cara hapus chat nya gmn"
        return best.score >= (OVER_A_REQUEST if request else ON_ITS_OWN)

    def _answer_fits(self, best, m: Match) -> bool:
        """A direct answer rather than a module's start: when it agrees well with the message, or
        fairly well and on the topic the keywords found (or none)."""
        if self._opens_with_tool(m):
            return best.score >= OVER_A_REQUEST  # "mau ngecek sponsor saya resmi atau bukan": the check itself
        if best.score >= ON_ITS_OWN:
            return True
        topic = self.content.modules.get(best.module, {}).get("intent")
        return m.intent in (UNKNOWN, "followup", topic)  # best() gives none under MIN_SCORE

    def _opens_with_tool(self, m: Match) -> bool:
        """The message opens with a tool's phrase and does not ask how ("mau ngecek sponsor saya
        resmi atau bukan"): the person asks for the check itself, not how checking is done."""
        return m.intent in self.tools and m.score >= CONFIDENT + EXACT_EARLY_BONUS and not HOW_CUES & set(m.words)

    def _about_something_else(self, m: Match) -> bool:
        """"resep seblak gimana" with nothing to follow: one word of a follow-up among words the bot
        knows nothing of asks about something else. (Right after a result, the follow-up is the
        kinder guess: "kumaha atuh?" is one.)"""
        said = {w for h in m.hits.get("followup", []) for w in h.split()}
        if len(said - QUESTION_FILLER) > 1:
            return False  # a follow-up phrase ("kalo agennya ngotot bilang resmi?"), not one word of it
        return any(len(w) >= 4 and w not in said and not w.isdigit() and not self.matcher.knows(w) for w in m.words)

    def _adds_to_check(self, m: Match) -> bool:
        """A short message that goes on from a check with a detail of the same offer or agent ("tapi
        dia bilang semuanya gratis kok", "but the agent says it's free, they cut it from my salary
        later"), with no question that has an answer of its own."""
        if (not _refers_back(m.words) or m.country or len(m.words) > DETAIL_WORDS
                or not (m.intent in ("fake_offer", "recruiter", UNKNOWN) or m.guessed())):
            return False
        best = self.answers.best(m)
        return best is None or best.score < ON_ITS_OWN

    def _asks_for_verdict(self, t: Turn, m: Match) -> bool:
        """In the middle of a tool's questions, a short question about what it is deciding ("jadi
        agennya resmi ga?", "amankah agen ini?", "so is it legit?"): its answer is the verdict,
        which comes once the questions are answered, not an answer that shares the words."""
        s = t.session
        if not (s.tool and s.options) or m.country or len(m.words) > FOLLOWUP_WORDS:
            return False
        if m.intent in SMALL_TALK - {"thanks", "greeting"}:
            return False  # "can I talk to a real person instead?": a person, not the verdict
        verdict = any(w.removesuffix("nya").removesuffix("kah") in VERDICT_WORDS for w in m.words)
        return verdict and (m.scores.get("followup", 0.0) >= THRESHOLD or _refers_back(m.words) or _asks(m.words, t.said.text))

    @staticmethod
    def _leaving_now(m: Match) -> bool:
        """Words of leaving ("i fly to ... tonight", "udah di bandara"), not only a likeness to them."""
        return m.scores.get("departing", 0.0) >= THRESHOLD and m.hits.get("departing") != ["(examples)"]

    def _asks_about_last(self, m: Match) -> bool:
        """A follow-up phrase that says more than any topic word in a short message: "is it safe
        then?" ("safe" is also an offer word), "kalau agennya bilang resmi?"; not one word
        ("kontraknya gimana" asks about contracts)."""
        said = m.scores.get("followup", 0.0)
        if said < THRESHOLD or m.country or len(m.words) > FOLLOWUP_WORDS:
            return False
        if m.intent == "followup":
            return True
        # only over a topic: leaving, thanks or a request keep their own answers
        if m.intent not in self.intent_modules or said <= CONFIDENT:
            return False
        # the topic found only the follow-up's own words ("is it safe?" is also an offer phrase)
        return said > m.scores.get(m.intent, 0.0) or set(m.hits.get(m.intent, ())) <= set(m.hits.get("followup", ()))

    def _is_followup(self, m: Match, ctx: Context) -> bool:
        """A question about the last result: follow-up words, and no new topic of its own. Right
        after a check, a short question about the agent or the offer ("kalau agennya bilang
        resmi?") is about that result too."""
        checked = ctx.kind in ("offer", "recruiter_check", "registry")
        if checked and self._adds_to_check(m):
            return True  # "tapi dia bilang semuanya gratis kok", "he says he has a big office in jakarta"
        if m.scores.get("followup", 0.0) < THRESHOLD or len(m.words) > 12:
            return False
        if m.country and not (checked and any(len(h.split()) >= 2 for h in m.hits.get("followup", ()))):
            return False  # "di kamboja?" asks for its contacts; "dijemput di bangkok berarti aman dong?" asks about the offer
        if m.intent in SMALL_TALK and m.intent != "followup":  # "thank you so much": thanks, not "so?"
            return m.scores["followup"] > m.scores.get(m.intent, 0.0)
        if m.intent in ("followup", UNKNOWN) or m.intent in GENERIC_INTENTS or self._asks_about_last(m):
            return True
        if not (checked and m.intent in ("fake_offer", "recruiter") and len(m.words) <= 10):
            return False
        if m.scores["followup"] >= m.scores.get(m.intent, 0.0):
            return True  # "kalau agennya bilang resmi?": the follow-up words say the most
        best = self.answers.best(m)  # "gmn cek agen resmi" is a question of its own
        return best is None or best.score < ON_ITS_OWN

    def _continues_answer(self, m: Match, ctx: Context, best, country_known: bool = False) -> bool:
        """Right after a direct answer (or the card for someone about to leave), a short message
        with no question of its own goes on from that answer ("tapi sponsornya bilang udah biasa", "what if I already paid half?", "I don't
        have payslips"): the answer's point again and its ways on, not the start of the topic's
        lesson or "I did not understand". A place, another answer that fits well, a tool's
        phrase or any request of its own (thanks, delete, ...) is not a continuation."""
        if ctx.kind not in ("answer", "departing") or len(m.words) > CONTINUATION_WORDS:
            return False
        if m.country and not (ctx.kind == "answer" and m.words and m.words[0] in GOES_ON and len(m.words) <= FOLLOWUP_WORDS
                              and self.conversation.answer_module_intent(ctx.ref) != "help"):
            return False  # a place is its contacts; but "and in laos?" after the answer on CS jobs abroad asks it there
        guessed = m.hits.get(m.intent) == ["(examples)"]  # only a likeness: "should i keep a copy of it?" read as leaving
        if m.intent not in (UNKNOWN, "followup") and not guessed and (ctx.kind == "departing" or m.intent not in self.intent_modules):
            return False  # "cek perekrut" (a tool's intent), thanks, a request: their own answers
        back = _refers_back(m.words)
        if self._named_contacts(m.words) or (m.intent == "help" and country_known and not back and CONTACT_ASKS & set(m.words)):
            return False  # "nomor kbri nya ada?", "kemana saya harus lapor?" with the country known: its contacts
        if best is None:
            return True
        if best.score >= (OVER_A_REQUEST if back else ON_ITS_OWN):
            return False  # one that fits well is given, even the same again; very well after "tapi", "dia", "-nya"
        # a weaker other answer wins only when the message neither refers back nor says anything
        # of the last one ("saya harus siapin data apa aja?" after the answer on punishment)
        return back or best.answer == ctx.ref or self._touches(ctx, m)

    def _touches(self, ctx: Context, m: Match) -> bool:
        """Does the message share a meaningful word with the last answer (or card)?"""
        if ctx.kind == "answer" and ctx.ref in self.content.answers:
            text = self.content.answers[ctx.ref]["text"]
        elif ctx.kind == "departing":
            text = (self.conversation.conv.get("departing") or {}).get("text", {})
        else:
            return True
        return self.answers.shares_words([v for v in text.values() if isinstance(v, str)], m)

    def _followup(self, t: Turn, ctx: Context, m: Match | None = None) -> list[Reply]:
        self._count("intent", "followup")
        ctx.turn = t.session.turn  # a conversation about it keeps it fresh
        part = None
        if m is not None and ctx.kind == "answer" and ctx.ref in self.content.answers:
            part = self.answers.closest_part(t.txt(self.content.answers[ctx.ref]["text"]).split("\n\n"), m)
        return self.conversation.followup(t, ctx, part)

    def _ask_again(self, t: Turn, text: str, source: str) -> list[Reply]:
        """The bot's last question again: its answers (the last buttons), with 🆘 beside them."""
        rows = [[Button(label, data)] for data, _kind, label in t.session.options] + [self.desk.sos_row(t)]
        return [Reply(text, rows, source)]

    def _choose_again(self, t: Turn) -> list[Reply]:
        """Something typed at a question that is not one of its answers ("ohh iya" to "who offered
        you this job?"): the same question's answers again, at the guided check or a quiz."""
        s = t.session
        source = f"tool:{s.tool}" if s.tool else f"node:{s.module}:{s.node}"
        return self._ask_again(t, t._("Please choose one of the answers below."), source)

    def _nothing_to_follow(self, t: Turn) -> list[Reply]:
        """"amankah?" with nothing checked yet: ask for the offer or the name. At a question of
        the bot's ("Anda sekarang di mana?"), "trus gimana?" gets that question again."""
        s = t.session
        if s.options and s.tool and EXPLAIN_ASKS & set(t.said.words):  # "maksudnya gimana?", "what do you mean?"
            return self._ask_again(t, t._("Tap the answer closest to what you know. Not sure? Tap the answer that says you do not know: that is fine too."),
                                   f"tool:{s.tool}")
        if s.options and s.tool:  # "jadi agen ku aman gak?" before the guided check's last question
            return self._ask_again(t, t._("I can tell you once you have answered these few questions. Choose one of the answers below."),
                                   f"tool:{s.tool}")
        if s.options and s.module:
            return self._ask_again(t, t._("Choose one of the answers below, and I will show you what to do next."),
                                   "followup:question")
        return [Reply(
            t._("What should I check? Paste the job offer here, or tap a topic below."),
            self.conversation.topic_rows(t, ("fake_offer", "recruiter")),
            "prompt:what_to_check",
        )]

    def _self_harm(self, t: Turn, m: Match) -> list[Reply]:
        """Counselling; before it, the emergency help when the message also speaks of danger from
        others (the matcher then says EMERGENCY rather than SELF_HARM)."""
        self._count("intent", SELF_HARM)
        t.session.remember(Context(SELF_HARM, t.session.turn))
        replies = self.conversation.self_harm(t)
        # only a danger phrase of its own ("disiksa", "dikurung") puts the emergency help first
        # ("kalo ga bisa pulang mending aku gantung diri": not being able to go home is the despair;
        # "ga boleh pulang", not allowed, is someone holding them);
        # a combination of words or the example model is the despair itself speaking ("lebih
        # baik aku mati di sini daripada terus disiksa" is also a phrase; "mending nyilet
        # tangan aja" is not danger from others)
        if m.intent == EMERGENCY and any(not h.startswith("(") and not set(h.split()) <= CANNOT_GO_HOME
                                         for h in m.hits.get(EMERGENCY, [])):
            return self._emergency(t, m) + replies
        return replies

    def _emergency(self, t: Turn, m: Match | None) -> list[Reply]:
        s = t.session
        self._count("intent", EMERGENCY)
        family = s.reporter == "family" or (t.said is not None and self.desk.about_family(t.said.words))
        if family:
            s.reporter = "family"  # later questions get words for a family member
        held_at_home = (m is not None and m.country and t.said is not None and self.desk.in_indonesia(t.said.words, family=family)
                        and self.matcher.country_only_as_destination(t.said.words))
        if m is not None and m.country and not held_at_home:
            s.country = m.country
            if not family:
                s.location = "abroad"  # "tolong aku disekap di myawaddy": abroad, whatever was said before
        elif t.said is not None and self.desk.in_indonesia(t.said.words, family=family):
            # "dikurung calo di batam, mau dikirim ke malaysia": still inside Indonesia
            s.location = "indonesia"  # "dikurung di penampungan PT di bekasi", "adik sy disekap di batam"
        ctx = s.fresh_context()
        if s.country is None and s.location != "indonesia" and ctx is not None and ctx.kind == "offer" and ctx.country:
            # "aku udh disini, ternyata disekap" right after a Myanmar ad: the ad's destination
            # (not where a person asking how to report is: that stays their own answer)
            s.country = ctx.country
        if s.country and s.location is None:
            s.location = "abroad"
        s.leave_tool()
        s.emergency_at = t.now
        s.remember(Context("emergency", s.turn))
        replies = self.desk.first(t, family)
        # a job ad a tool recognises ("... paspor nanti ditahan kantor") gets that tool's answer
        # too, after help; a few lines about oneself or family ("my brother went to cambodia for a
        # CS job and cannot leave") get the help alone
        words = t.said.words if t.said is not None else []
        ad = len(words) >= EMERGENCY_TOOL_WORDS or not self.matcher.speaks_of_someone(words)
        claimed = self._claimed_by_tool(t) if words and ad else None
        return replies + claimed if claimed else replies

    def _named_contacts(self, words: list[str]) -> list[str]:
        """Contacts the message names (content/contacts.yaml `keywords`: "kemlu", "kp2mi", "sapa")."""
        ws = set(words)
        return [cid for cid, c in self.content.contacts.items() if ws & {w.lower() for w in c.get("keywords", [])}]

    def _contacts_reply(self, t: Turn, ids: list[str]) -> list[Reply]:
        lines = self.contacts.brief_lines(ids, t.lang, t.session.country)
        t.session.remember(Context("help", t.session.turn, ref=CONTACTS_REF + ",".join(ids)))
        return pack(lines[0], lines[1:], self.conversation.topic_rows(t, ("help",)), "contact:" + ",".join(ids))

    def _asks_about_contacts(self, t: Turn, ctx: Context, m: Match) -> bool:
        """"gratis ga nelponnya?", "bisa lewat wa?", "jam berapa bisa dihubungi?" right after the
        numbers of a contact: a short question about how to reach it."""
        return (ctx.kind == "help" and (ctx.ref or "").startswith(CONTACTS_REF) and len(m.words) <= FOLLOWUP_WORDS
                and bool(CONTACT_DETAILS & set(m.words)) and _asks(m.words, t.said.text) and not m.country)

    def _contact_ids(self, ctx: Context) -> list[str]:
        return [cid for cid in (ctx.ref or "").removeprefix(CONTACTS_REF).split(",") if cid]

    def _takes_messages(self, cid: str) -> bool:
        """Does the reference sheet give this contact a WhatsApp line (contacts.yaml lines)?"""
        lines = (self.content.contacts.get(cid) or {}).get("lines") or []
        return any("whatsapp" in str(v).lower() for line in lines for v in (line.get("label") or {}).values())

    def _contact_details(self, t: Turn, ctx: Context) -> list[Reply]:
        """The contacts just named in full: each line with its label (free from Indonesia, phone
        from abroad, WhatsApp only where the reference sheet says so), its note, source and date."""
        ids = self._contact_ids(ctx)
        answer = (self.conversation.conv.get("followups") or {}).get("contact_messages_answer")
        if (MESSAGING & set(t.said.words) and answer in self.content.answers
                and not any(self._takes_messages(cid) for cid in ids)):
            # "bisa lewat wa?" about the Kemlu hotline (a phone line): where to write instead
            return self._answer(t, answer)
        blocks = self.contacts.blocks(ids, t.lang, t.session.country)
        t.session.remember(Context("help", t.session.turn, ref=ctx.ref))
        return pack(blocks[0], blocks[1:], self.conversation.topic_rows(t, ("help",)), "followup:contact")

    def _topic_questions(self, t: Turn, mid: str, m: Match) -> list[Reply]:
        """A question on the topic the person is already at the start of, with no answer that
        agrees enough: rather than the same screen again, the questions of this topic that are
        closest to what they wrote (or the first ones), each a button to its answer."""
        ranked = [a.answer for a in self.answers.ranked(m, min_shared=1) if a.module == mid]
        listed = [aid for aid, e in (getattr(self.content, "answers", None) or {}).items() if e.get("module") == mid]
        picks = list(dict.fromkeys(ranked + listed))[:TOPIC_QUESTIONS]
        rows = self._question_rows(t, picks)
        rows.append([Button(t._("From the start: {topic}").format(topic=t.txt(self.content.modules[mid]["title"])),
                            cb.module(mid))])
        rows.append([Button(t._("Menu"), cb.MENU)])
        text = (t._("I have no exact answer to that yet. Questions people often ask on this topic:") if picks else
                t._("I have no exact answer to that yet. Write it another way, or start the topic from the beginning."))
        return [Reply(text, rows, f"questions:{mid}")]

    def _suggestions(self, t: Turn, m: Match) -> list[Reply] | None:
        """"paspor?", "and the contract?": too little to be sure of one answer, close enough to
        some to offer them as buttons rather than "I did not understand"."""
        picks = [a.answer for a in self.answers.ranked(m, min_shared=1) if a.score >= SUGGEST_FROM][:TOPIC_QUESTIONS]
        if not picks:
            return None
        self._count("intent", "suggested")
        rows = self._question_rows(t, picks) + [[Button(t._("Menu"), cb.MENU)]]
        return [Reply(t._("Did you mean one of these questions? Tap one for its answer, or write it another way."),
                      rows, "suggested")]

    def _question_rows(self, t: Turn, aids: list[str]) -> list[list[Button]]:
        return [[Button(_label(self._questions_in(t, aid)), cb.encode(Action("ans", aid)))] for aid in aids]

    def _questions_in(self, t: Turn, aid: str) -> list[str]:
        """An answer's questions in the person's language (the default language's if none)."""
        qs = self.content.answers[aid].get("questions") or {}
        return list(qs.get(t.lang) or qs.get(self.content.default_language) or [])

    def _answer(self, t: Turn, aid: str) -> list[Reply]:
        """A direct answer from content/answers.yaml, with its contacts and the way on."""
        s = t.session
        entry = self.content.answers[aid]
        self._count("answer", aid)
        s.leave_tool()
        rows = self.conversation.answer_rows(t, aid)
        ids = list(entry.get("contacts", []))
        if s.country and entry.get("module") == self.intent_modules.get("help"):
            ids.append(EMBASSY)  # the country's mission, after the Kemlu hotline (ContactBook.order)
        lines = self.contacts.brief_lines(ids, t.lang, s.country)
        s.remember(Context("answer", s.turn, ref=aid))
        replies = pack(t.txt(entry["text"]), lines, rows, f"answer:{aid}")
        if entry.get("module") == self.intent_modules.get("help"):
            replies = self._with_sos(t, replies)  # unpaid wages, lost contact, ...: trouble that can turn to danger
        return replies

    def _with_sos(self, t: Turn, replies: list[Reply]) -> list[Reply]:
        """The 🆘 button last under a reply to someone near danger (a help answer, the stop card
        of someone about to leave): one tap to the emergency reply if things turn worse."""
        sos = self.desk.sos_row(t)
        last = replies[-1]
        if not any(row == sos for r in replies for row in r.buttons):
            replies[-1] = dataclasses.replace(last, buttons=last.buttons + [sos])
        return replies

    def _country_card(self, t: Turn, code: str) -> list[Reply]:
        """A country named on its own: what the bot knows of it and where help is."""
        c = self.content.countries[code]
        lines = [f"📍 {t.txt(c['name'])}"]
        if c.get("legal_placement") is False and not self.desk.recent(t):  # not to someone in danger there
            lines.append(t._("There is no legal placement of Indonesian migrant workers to this country: a job offer there is a warning sign."))
        lines.append(t._("If someone there needs help, call the Kemlu 24-hour hotline first: {number}.").format(number=self.desk.number("kemlu_pwni")))
        mission = self.desk.mission_lines(t)
        if mission:
            lines.append(mission)
        rows = []
        help_mid = self.intent_modules.get("help")
        if help_mid:
            rows.append([Button(t._("Help in this country"), cb.encode(Action("country_help")))])
        rows += self.conversation.topic_rows(t, ("fake_offer",))
        t.session.remember(Context("help", t.session.turn))  # "trus harus ngapain?" is about help there
        return [Reply("\n\n".join(lines), rows, f"country:{code}")]

    def _share(self, t: Turn, arg: str = "") -> list[Reply]:
        """The share message and its buttons, or the poster (arg "poster"): bot/share/message.py."""
        from bot.share.message import on_action

        self._count("intent", "share")
        return on_action(self, t, arg)

    def share_link(self, s: Session) -> str:
        """The person's link (their language and referral code); needs bot_username."""
        from bot.share.links import make_link

        return make_link(self.bot_username, None, s.lang, s.ref)

    # -- buttons ------------------------------------------------------------------------------
    def _button(self, t: Turn, data: str) -> tuple[list[Reply], bool]:
        s = t.session
        b = cb.decode(data)
        if isinstance(b, Action):
            return self._action(t, b)
        if isinstance(b, OpenModule) and b.module in self.content.modules:
            s.leave_tool()
            return self._open_topic(t, b.module), False
        if isinstance(b, ToolButton) and b.tool in self.tools:
            if s.tool != b.tool:
                # a tool's old button: start the tool afresh if the payload is its entry point
                return (self._enter_tool(t, b.tool) if b.payload == "" else self._stale(t)), False
            out = self._tool_call(t, b.tool, lambda tool, ctx: tool.on_button(ctx, b.payload))
            return (out if out is not None else self._stale(t)), False
        if isinstance(b, (NodeButton, CountryPick)):
            return self._node_button(t, b), False
        if isinstance(b, AnswerButton):
            entry = (getattr(self.content, "answers", None) or {}).get(b.answer)
            buttons = entry.get("buttons", []) if entry else []
            if b.index < len(buttons):
                return self._follow(t, buttons[b.index], None, None), False
        return self._stale(t), False

    def _action(self, t: Turn, a: Action) -> tuple[list[Reply], bool]:
        s = t.session
        if a.name == "menu":
            s.leave_tool()
            s.leave_module()
            return [self._menu(t)], False
        if a.name == "lang" and a.arg in self.content.languages:
            return [self._set_language(t, a.arg)], False
        if a.name in ("lang", "language") and not a.arg:
            return [self._language_picker(t)], False
        if a.name == "about":
            return self._about(t), False
        if a.name == "lesson" and a.arg in self.content.modules:  # "📖 Learn first" under a topic's tool
            s.leave_tool()
            return self._open_module(t, a.arg), False
        if a.name == "help":
            s.leave_tool()
            return self._help(t), False
        if a.name == "emergency":
            return self._emergency(t, None), False
        if a.name == "share" and a.arg in ("", "poster"):
            return self._share(t, a.arg), False
        if a.name == "ans" and a.arg in (getattr(self.content, "answers", None) or {}):
            return self._answer(t, a.arg), False
        if a.name == "em" and a.arg == "more":
            return self.desk.more(t), False
        if a.name == "em" and a.arg == "ready":
            return self.desk.ready(t), False
        if a.name == "em" and a.arg == "family":
            return self.desk.for_family(t), False
        if a.name == "country" and a.arg == "change":
            chooser = next(((mid, nid) for mid, m in self.content.modules.items() for nid, n in m["nodes"].items()
                            if n.get("choose_country") and mid == (s.module or mid)), None)
            if chooser:
                return self._show_node(t, chooser[0], chooser[1], ask_country=True), False
        if a.name == "country_help" and s.country:
            help_mid = self.intent_modules.get("help")
            jump = self._country_shortcut(t, help_mid) if help_mid else None
            if jump is not None:
                return jump, False
        if a.name == "cmd" and a.arg in self.commands and not self.commands[a.arg].admin_only:
            return self.commands[a.arg].run(t, ""), False  # a plugged-in command's button
        if a.name == "clear" and a.arg in ("", "yes", "no"):
            return self._clear(t, a.arg), False
        if a.name == "del" and a.arg in ("yes", "no") and s.confirm_delete:
            if a.arg == "yes":
                return self._delete(t), True
            s.confirm_delete = False
            return [self._menu(t, t._("Nothing was deleted."))], False
        return self._stale(t), False

    def _node_button(self, t: Turn, b: NodeButton | CountryPick) -> list[Reply]:
        s = t.session
        module = self.content.modules.get(b.module)
        node = module["nodes"].get(b.node) if module else None
        if node is None:  # the content was updated (/reload) and that screen is gone
            t.session.leave_module()
            return [self._menu(t, t._("That screen was changed in an update of the lessons. Here is the menu; the lessons go on from there."))]
        if isinstance(b, CountryPick):
            if not node.get("choose_country") or (b.country != NO_COUNTRY and b.country not in self.content.countries):
                return self._stale(t)
            s.go_to(b.module, b.node)
            return self._choose_country(t, b.country)
        here = s.module == b.module and s.node == b.node
        if "quiz" in node:
            options = node["quiz"]["options"]
            if not here or b.index >= len(options):
                return self._stale(t)
            return self._answer_quiz(t, b.module, b.node, node, options[b.index])
        buttons = node.get("buttons", [])
        if b.index >= len(buttons):
            return self._stale(t)
        return self._follow(t, buttons[b.index], b.module, b.node)

    def _follow(self, t: Turn, b: dict[str, Any], mid: str | None, nid: str | None) -> list[Reply]:
        """Where a content button leads: a node, a module, a tool or an action."""
        s = t.session
        s.leave_tool()
        for key, value in (b.get("set") or {}).items():
            if key in SETTABLE:
                setattr(s, key, value)
        if "goto" in b:
            return self._show_node(t, mid, b["goto"])
        if "node" in b:  # "module:node", from a direct answer
            target_mid, _, target_nid = b["node"].partition(":")
            if target_nid in self.content.modules.get(target_mid, {}).get("nodes", {}):
                return self._show_node(t, target_mid, target_nid)
            return [self._menu(t)]
        if "module" in b:
            return self._open_module(t, b["module"])
        if "tool" in b:
            if mid and nid:
                s.go_to(mid, nid)
            else:
                s.leave_module()
            return self._enter_tool(t, b["tool"])
        replies, _ = self._action(t, Action(b["action"]))  # content actions never delete
        return replies

    def _stale(self, t: Turn) -> list[Reply]:
        s = t.session
        note = t._("That button is from an earlier message and no longer fits. Here is where you are now.")
        if self._current_node(s) is not None and not s.tool:
            replies = self._render_node(t, s.module, s.node)
            replies[0] = _prefixed(replies[0], note)
            return replies
        return [self._menu(t, note)]

    # =========================================================================================
    # modules and nodes
    # =========================================================================================
    def _open_topic(self, t: Turn, mid: str) -> list[Reply]:
        """A topic chosen in the menu: its tool when the module opens with one
        (`opens_with`: "Cek perekrut" starts the guided check), with the lesson one tap away."""
        tool = self.content.modules[mid].get("opens_with")
        if tool not in self.tools:
            return self._open_module(t, mid)
        self._count("module", mid)
        replies = self._enter_tool(t, tool)
        last = replies[-1]
        lesson = [Button("📖 " + t._("Learn first"), cb.encode(Action("lesson", mid)))]
        replies[-1] = Reply(last.text, last.buttons + [lesson], last.source)
        return replies

    def _open_module(self, t: Turn, mid: str) -> list[Reply]:
        self._count("module", mid)
        return self._show_node(t, mid, self.content.modules[mid]["start"])

    def _first_quiz(self, module: str | None) -> tuple[str, str] | None:
        """(module, node) of the first quiz question of this module, else of the first module
        that has a quiz."""
        mids = ([module] if module in self.content.modules else []) + list(self.content.modules)
        for mid in mids:
            for nid, node in self.content.modules[mid]["nodes"].items():
                if "quiz" in node:
                    return mid, nid
        return None

    def _show_node(self, t: Turn, mid: str, nid: str, ask_country: bool = False) -> list[Reply]:
        t.session.go_to(mid, nid)
        node = self.content.modules[mid]["nodes"][nid]
        if node.get("choose_country") and t.session.country and not ask_country:
            # the person already named the country ("di kamboja"): do not ask again
            replies = self._choose_country(t, t.session.country)
            change = [Button("🌍 " + t._("Another country"), cb.encode(Action("country", "change")))]
            replies[-1] = Reply(replies[-1].text, [change] + replies[-1].buttons, replies[-1].source)
            return replies
        if self.content.modules[mid]["intent"] == "help" and node.get("contacts"):
            t.session.remember(Context("help", t.session.turn, ref=f"{mid}:{nid}"))
        replies = self._render_node(t, mid, nid)
        if node.get("tool"):
            return replies + self._enter_tool(t, node["tool"], from_node=True)
        return replies

    def _current_node(self, s: Session) -> dict[str, Any] | None:
        if not s.module or not s.node:
            return None
        return self.content.modules[s.module]["nodes"].get(s.node)

    def _render_node(self, t: Turn, mid: str, nid: str) -> list[Reply]:
        node = self.content.modules[mid]["nodes"][nid]
        source = f"node:{mid}:{nid}"
        rows: list[list[Button]] = []
        if "quiz" in node:
            q = node["quiz"]
            head = t.txt(node["text"]) + "\n\n" if node.get("text") else ""
            for i, opt in enumerate(q["options"]):
                rows.append([Button(t.txt(opt["label"]), cb.encode(NodeButton(mid, nid, i)))])
            return [Reply(head + t.txt(q["question"]), rows, source)]
        text = t.txt(node["text"])
        if node.get("choose_country"):
            buttons = [
                Button(t.txt(c["name"]), cb.encode(CountryPick(mid, nid, code))) for code, c in self.content.countries.items()
            ]
            rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
            rows.append([Button(t._("Another country"), cb.encode(CountryPick(mid, nid, NO_COUNTRY)))])
            rows.append([Button(t._("Menu"), cb.MENU)])
            return [Reply(text + "\n\n" + t._("Tap a country, or type its name."), rows, source)]
        has_menu = False
        for i, b in enumerate(node.get("buttons", [])):
            if "tool" in b and not getattr(self.tools.get(b["tool"]), "available", True):
                continue  # a tool that is switched off here (no caseworker desk configured)
            rows.append([Button(t.txt(b["label"]), cb.encode(NodeButton(mid, nid, i)))])
            has_menu = has_menu or b.get("action") == "menu"
        if not has_menu and not node.get("tool"):
            rows.append([Button(t._("Menu"), cb.MENU)])
        blocks = self.contacts.blocks(node.get("contacts", []), t.lang, t.session.country)
        return pack(text, blocks, rows, source, limit=PACK_LIMIT)

    def _answer_quiz(self, t: Turn, mid: str, nid: str, node: dict[str, Any], option: dict[str, Any],
                     unsure: bool = False) -> list[Reply]:
        """The feedback on the option chosen, then the next node. `unsure`: the person said they do
        not know; they are shown the right option (not counted as right)."""
        s = t.session
        progress = s.progress(mid)
        progress.asked += 1
        if option.get("correct") and not unsure:
            progress.right += 1
        self._count("quiz", f"{mid}:{nid}:{'right' if option.get('correct') and not unsure else 'wrong'}")
        feedback = (t._("No problem. The right answer: \u201c{answer}\u201d.").format(answer=t.txt(option["label"])) if unsure
                    else t.txt(option["feedback"]))
        nxt = node["next"]
        if "quiz" not in self.content.modules[mid]["nodes"][nxt]:
            feedback += "\n\n" + t._("Quiz score: {right} of {asked}.").format(right=progress.right, asked=progress.asked)
            s.quiz.pop(mid, None)
            self._count("quiz_done", mid)
            done = self._show_node(t, mid, nxt)
            offers = self._offers(t, "module_done")  # the module is finished: alerts, if wanted
            if offers:
                done[-1] = Reply(done[-1].text, offers + done[-1].buttons, done[-1].source)
            return [Reply(feedback, source=f"node:{mid}:{nid}")] + done
        return [Reply(feedback, source=f"node:{mid}:{nid}")] + self._show_node(t, mid, nxt)

    # -- countries ----------------------------------------------------------------------------
    def _choose_country(self, t: Turn, code: str) -> list[Reply]:
        s = t.session
        node = self.content.modules[s.module]["nodes"][s.node]
        s.country = None if code == NO_COUNTRY else code
        return self._show_node(t, s.module, node["next"])

    def _country_shortcut(self, t: Turn, mid: str) -> list[Reply] | None:
        """"nomor kbri malaysia": go straight to the module's contacts for that country."""
        s = t.session
        words = t.said.words if t.said else []
        reporter = s.reporter or ("family" if self.matcher.speaks_of_family(words) else "self")
        nid = self._country_node(mid, reporter)
        if nid is None:
            return None
        s.go_to(mid, nid)
        if s.location not in ("abroad", "transit"):
            s.location = "abroad"
        return self._choose_country(t, s.country)

    def _asks_from_indonesia(self, words: list[str]) -> bool:
        """The writer is in Indonesia, or asks whom to call from there ("dari indonesia", "in
        indonesia", "alamatnya di bekasi")."""
        return self.desk.in_indonesia(words) or any(
            a in FROM_WORDS and b in INDONESIA_WORDS for a, b in zip(words, words[1:]))

    def _location_shortcut(self, t: Turn, mid: str, location: str) -> list[Reply] | None:
        """The screen the module's own "where are you?" button for this location leads to."""
        nodes = self.content.modules[mid]["nodes"]
        start = nodes.get(self.content.modules[mid]["start"], {})
        target = next((b.get("goto") for b in start.get("buttons", [])
                       if (b.get("set") or {}).get("location") == location and b.get("goto") in nodes), None)
        if target is None:
            return None
        t.session.leave_tool()
        t.session.location = location
        return self._show_node(t, mid, target)

    def _country_node(self, mid: str, reporter: str) -> str | None:
        """The node asking for the country on this reporter's path (the one a button setting
        `reporter` leads to: the contacts come next, not "for whom?"), else the module's first."""
        nodes = self.content.modules[mid]["nodes"]
        for node in nodes.values():
            for b in node.get("buttons", []):
                if (b.get("set") or {}).get("reporter") == reporter and nodes.get(b.get("goto"), {}).get("choose_country"):
                    return b["goto"]
        return next((nid for nid, n in nodes.items() if n.get("choose_country")), None)

    # =========================================================================================
    # menu, language, about, help, delete
    # =========================================================================================
    def _menu(self, t: Turn, prefix: str | None = None, source: str = "menu") -> Reply:
        text = t._("Main menu: choose a topic, or type your question.")
        if prefix:
            text = prefix + "\n\n" + text
        rows = [[Button(t.txt(m["title"]), cb.module(mid))] for mid, m in self.content.modules.items()]
        rows.append([Button(t._("About & sources"), cb.ABOUT), self._language_button(t)])
        return Reply(text, rows, source)

    def _language_button(self, t: Turn) -> Button:
        others = [lang for lang in self.content.languages if lang != t.lang]
        if len(others) == 1:
            return Button("🌐 " + self.content.lang_name(others[0]), cb.language(others[0]))
        return Button("🌐 " + t._("Language"), cb.LANGUAGES)

    def _language_picker(self, t: Turn) -> Reply:
        rows = [[Button(self.content.lang_name(lang), cb.language(lang))] for lang in self.content.languages]
        return Reply(t._("Choose your language:"), rows, "small:language")

    def _change_language(self, t: Turn, target: str | None) -> list[Reply]:
        if target not in self.content.languages:
            others = [lang for lang in self.content.languages if lang != t.lang]
            if len(others) != 1:
                return [self._language_picker(t)]
            target = others[0]
        return [self._set_language(t, target)]

    def _set_language(self, t: Turn, lang: str) -> Reply:
        self._set_lang(t, lang)
        t.session.lang_chosen = True
        return self._menu(t, t._("OK, I will write in {language} from now on.").format(language=self.content.lang_name(lang)), "small:language")

    def _about(self, t: Turn) -> list[Reply]:
        return [
            Reply(t.txt(self.content.about["text"]), source="about"),
            Reply(render_sources(self.content, t.lang), self._offers(t, "about") + [[Button(t._("Menu"), cb.MENU)]], "about"),
        ]

    def _help(self, t: Turn) -> list[Reply]:
        target = self.intent_modules.get("help")
        return self._open_module(t, target) if target else self._emergency(t, None)

    def _ask_delete(self, t: Turn) -> Reply:
        t.session.confirm_delete = True
        return Reply(
            t._("Delete everything this bot keeps about you (your language, where you are in the lessons, "
                "your quiz answers, the country you chose)? This cannot be undone."),
            [[Button(t._("Yes, delete"), cb.encode(Action("del", "yes"))), Button(t._("No, keep"), cb.encode(Action("del", "no")))]],
            "small:delete",
        )

    def _delete(self, t: Turn) -> list[Reply]:
        self.store.delete_user(t.user_id)
        for c in set(self.commands.values()):  # what plugged-in commands keep (alert subscriptions)
            try:
                getattr(c, "forget", lambda uid: None)(t.user_id)
            except Exception as e:
                log_error("a command could not forget a user", e)
        self._count("deleted", "user")
        return [Reply(
            t._("Done: everything this bot kept about you is deleted. If you write again, you start fresh.")
            + "\n\n" + t._("I can also delete the messages I sent in this chat."),
            [[Button("🧹 " + t._("Delete the bot's messages here"), cb.CLEAR_YES)], [Button(t._("Menu"), cb.MENU)]],
            "deleted",
        )]

    def _clear(self, t: Turn, arg: str) -> list[Reply]:
        """Deleting the messages the bot sent in this chat (the adapter does it: Reply.action):
        asked first (the emergency reply's and /privasi's button), done at once after /hapus,
        whose "Done" already follows a confirmation. Nothing is saved for someone who has no
        session (after /hapus): this turn leaves nothing behind."""
        if arg == "no":
            return [self._menu(t, t._("Nothing was deleted."))]
        if arg == "":
            return [Reply(
                t._("Delete the messages I sent you in this chat? Telegram lets me delete those from the last "
                    "48 hours. Write down any number you still need first."),
                [[Button(t._("Yes, delete them"), cb.CLEAR_YES), Button(t._("No, keep them"), cb.CLEAR_NO)]],
                "clear:ask",
            )]
        t.keep = t.stored
        self._count("deleted", "messages")
        return [Reply(
            t._("I am deleting the messages I sent in this chat (those from the last 48 hours).") + "\n\n"
            + t._("Your own messages stay on your phone. To delete the whole chat: in your chat list, press and "
                  "hold this chat, then tap Delete chat. On iPhone: swipe left on the chat, then tap Delete."),
            [[Button(t._("Menu"), cb.MENU)]],
            "clear",
            action=DELETE_SENT,
        )]

    # =========================================================================================
    # tools
    # =========================================================================================
    def _ctx(self, t: Turn, name: str, fresh: bool = False) -> ToolContext:
        s = t.session
        return ToolContext(
            tool=name, lang=t.lang, translate=t._, state={} if fresh else s.tool_state,
            content=self.content, country=s.country,
        )

    def _claimed_by_tool(self, t: Turn, deferring: bool | None = None) -> list[Reply] | None:
        """The answer of the first tool that claims this free text, which becomes active.
        deferring: only the tools that do (True) or do not (False) defer to direct answers."""
        s, text = t.session, t.said.text
        for name, tool in self.tools.items():
            if deferring is not None and tool.defers_to_answers != deferring:
                continue
            ctx = self._ctx(t, name, fresh=(name != s.tool))
            try:
                claimed = tool.claims(text, ctx)
            except Exception as e:
                log_error(f"tool {name} failed in claims()", e)
                claimed = False
            if claimed:
                previous = (s.tool, s.tool_state)
                s.tool, s.tool_state = name, {}
                out = self._tool_call(t, name, lambda tl, c: tl.on_text(c, text))
                if out is not None:
                    self._count("tool", name)
                    return out
                s.tool, s.tool_state = previous  # it claimed but did not answer
        return None

    def _enter_tool(self, t: Turn, name: str, from_node: bool = False) -> list[Reply]:
        s = t.session
        if name not in self.tools:
            return [self._menu(t)]
        s.tool, s.tool_state = name, {}
        out = self._tool_call(t, name, lambda tool, c: tool.start(c), from_node=from_node)
        self._count("tool", name)
        return out if out is not None else [self._menu(t)]

    def _tool_call(self, t: Turn, name: str, call, from_node: bool = False) -> list[Reply] | None:
        s = t.session
        ctx = self._ctx(t, name)
        ctx.from_node = from_node
        try:
            out = call(self.tools[name], ctx)
        except Exception as e:
            log_error(f"tool {name} failed", e)
            s.leave_tool()
            return [self._menu(t, t._("Sorry, something went wrong on our side. Please try again."))]
        if ctx.finished:
            s.leave_tool()
        else:
            s.tool_state = ctx.state
        if ctx.outcome and isinstance(ctx.outcome.get("kind"), str):
            o = ctx.outcome
            flags = [f for f in o.get("flags", []) if isinstance(f, str)] if isinstance(o.get("flags"), list) else []
            country = o.get("country") if o.get("country") in self.content.countries else None
            s.remember(Context(o["kind"], s.turn, level=o.get("level"), result=o.get("result"), flags=flags, country=country))
        if out:
            out = [r if r.source else Reply(r.text, r.buttons, f"tool:{name}") for r in out]
        return out

    def _offers(self, t: Turn, where: str) -> list[list[Button]]:
        """Buttons plugged-in commands offer at a place ("about", "module_done"): one row each."""
        rows = []
        for c in dict.fromkeys(self.commands.values()):
            try:
                rows += [[b] for b in (getattr(c, "offer", lambda turn, w: [])(t, where) or [])]
            except Exception as e:
                log_error("a command's offer failed", e)
        return rows

    # =========================================================================================
    def _count(self, kind: str, label: str) -> None:
        self._counted.append((kind, label))
        try:
            self.store.count(kind, label)
        except Exception as e:
            log_error("could not count", e)


def _per_content(content: Any, attr: str, make: Callable[[], Any]) -> Any:
    got = getattr(content, attr, None)
    if got is None:
        got = make()
        setattr(content, attr, got)
    return got


TOPIC_QUESTIONS = 4  # question buttons under "questions people often ask on this topic"
ASKED = 0.45  # a question agreeing this well with an answer gets it before a tool or a topic claims it
SUGGEST_FROM = 0.45  # agreement (0..1) from which a question is offered as "did you mean"
OVER_A_REQUEST = 0.75  # agreement a direct answer needs over a small-talk phrase (above)
LANGUAGE_NAMED = frozenset("bahasa language basa boso english inggris".split())  # a request for a language, not a place
FOLLOWUP_WORDS = 8  # a follow-up question is short; longer ones ask something of their own
# words that ask whom to reach: with the country known, its contacts rather than the last answer again
CONTACT_ASKS = frozenset("kemana mana siapa hubungi kontak lapor melapor lapornya nomor nomer telepon telpon "
                         "where who contact report number call phone embassy kbri kjri kedutaan".split())
MISSION_WORDS = frozenset("kbri kjri kedutaan konsulat embassy consulate".split())  # "nomor kbri nya?": the help node on missions
ACK_WORDS = frozenset("ok oke okay okey sip".split())  # taking in what was said, not thanks
EXPLAIN_ASKS = frozenset("maksud maksudnya maksude ngerti mengerti paham mean meant understand wdym".split())  # the question itself is unclear
NUMBER_ASKS = frozenset("nomor nomer nomernya nomornya kontak kontaknya telepon telpon number numbers contact phone".split())
# what a check decides: asked in the middle of its questions, the question waits for its verdict
VERDICT_WORDS = frozenset("aman resmi legal ilegal bodong penipu penipuan bahaya terdaftar berizin "
                          "safe legit official licensed legal registered real scam fake".split())
GOES_ON = frozenset("tapi tp tpi but kalau kalo klo kl if even terus trus lalu then emang memang jadi so and dan lha lho".split())
BACK_PRONOUNS = frozenset("dia doi beliau he she they her his him them itu tersebut".split())
DETAIL_WORDS = 15  # "but the agent says it's free, they cut it from my salary later" adds to the check just made
CONTINUATION_WORDS = 12  # "tapi katanya uangnya buat tiket sama medical" goes on from the last answer
COUNTRY_CARD_WORDS = 5  # longer, a message naming a country is about something there, not the country
COUNTRY_FOLLOWUP_WORDS = 4  # "trus kalau di vietnam?" after a result: the country; longer, a question about someone there
EMERGENCY_TOOL_WORDS = 30  # words from which an emergency message may also be a pasted ad to check
CONTACTS_REF = "contacts:"  # a help context that named contacts: "contacts:kp2mi,kemlu_pwni"
# a question about how to reach a contact just named: its cost, hours, WhatsApp, the number
# from abroad or at night
CONTACT_DETAILS = frozenset("gratis free bayar berbayar biaya pulsa charge cost jam hours buka open wa whatsapp sms chat "
                            "email kapan when nelpon nelponnya telepon telponnya luar abroad overseas malam malem night".split())
LANGUAGE_REQUEST_WORDS = 10  # longer, a message that names a language may be an ad asking for it
MESSAGING = frozenset("wa whatsapp sms chat pesan message messages text".split())
SAYS_WHERE_WORDS = 6  # after an emergency, "sy di kamboja, dekat perbatasan" says where; longer, it tells more


def _label(questions: list[str]) -> str:
    """A question as a button label: the first way it is asked, capitalised, within Telegram's
    64 characters."""
    first = (questions[0] if questions else "").strip()
    first = first[:1].upper() + first[1:]
    return first if len(first) <= 60 else first[:59].rstrip() + "…"


def _thousands(n: int, lang: str) -> str:
    """8,000 in English, 8.000 in Indonesian."""
    return f"{n:,}".replace(",", "." if lang == "id" else ",")


def _prefixed(reply: Reply, line: str) -> Reply:
    """The same reply with one line in front of its text."""
    return dataclasses.replace(reply, text=line + "\n\n" + reply.text)


# the writer's family at home: a town named about them is where they are, not the one in danger
HOME_FOLKS = frozenset("family keluarga keluargaku parents ortu orangtua".split())

# Direct answers (bot/engine/answers.py scores agreement 0..1)
# asking for someone to talk to, right after the counselling reply
TALK_WORDS = frozenset("cerita curhat ngomong bicara ngobrol talk someone anyone konseling konselingnya counselling "
                       "counseling counselor psikolog nomor number hubungi call "
                       # "teu gaduh pulsa kanggo nelepon": healing119.id is reached online
                       "nelpon nelepon telpon telepon pulsa credit "
                       # "nobody understands", "ga ada yang ngerti aku", "aku sendirian": still the
                       # feeling the counselling reply is for
                       "understands understand ngerti mengerti peduli cares alone sendirian lonely kesepian".split())
# the writer is abroad now (not "kerja ke luar negeri", which is going)
ABROAD_NOW = [tuple(p.split()) for p in (
    "i am abroad", "i m abroad", "im abroad", "indonesian abroad", "indonesians abroad", "from abroad",
    "calling from abroad", "living abroad", "working abroad now", "i am overseas", "i m overseas", "im overseas",
    "sudah di luar negeri", "udah di luar negeri", "lagi di luar negeri", "sedang di luar negeri",
    "dari luar negeri", "di luar negeri sekarang", "sekarang di luar negeri")]
# "nelpon dari indonesia", "who do i call in indonesia": where the writer calls from
FROM_WORDS = frozenset("di dari dr in from inside within".split())
INDONESIA_WORDS = frozenset("indonesia indo".split())
# "tidak bisa pulang", "can't go home": stuck, which beside words of ending one's life is despair
CANNOT_GO_HOME = frozenset("tidak bisa pulang can t cant cannot go home".split())
SMALL_TALK = frozenset({"delete", "share", "human", "privacy", "language_other", "language", "thanks", "greeting", "self_harm", "departing"})
QUESTION_WORDS = frozenset(
    "apa apakah gimana bagaimana kenapa mengapa boleh bisakah bolehkah wajar legal bener benar asli beneran "
    "kah berapa dimana kemana kapan siapa what why how can could should is are does do will which where when".split()
)


def _asks(words: list[str], text: str = "") -> bool:
    """Does a message read as a question (not a pasted ad)? Short, and with a question mark, a
    question word, or the spoken "..., ga?" / "kirim gak ya" at its end."""
    if len(words) > 25:
        return False
    tail = words[-2:]
    return "?" in text or bool(QUESTION_WORDS & set(words)) or (bool(tail) and "tidak" in tail and tail[-1] in ("tidak", "ya", "sih", "kah"))


OWN_LIFE = frozenset("diri myself hidup hidupku life bunuh kill killing suicide suicidal bundir nyawa".split())
CLEAR_LEAD = 0.25  # agreement by which one answer must lead the next for a one-word question to get it
STOP_WORDS = frozenset({"stop", "berhenti", "stop langganan", "berhenti langganan", "unsubscribe"})
SOS_EMOJI = ("🆘", "🚨", "🚔", "🚓")
SAD_EMOJI = ("😭", "😢", "😥", "😰", "😱", "🥺", "😿", "💔", "😨", "😓")
THANKS_EMOJI = ("🙏", "👍", "👌", "❤", "🥰", "😊")
_VOWELS = set("aeiou")


def _refers_back(words: list[str]) -> bool:
    """"tapi katanya buat jaminan", "kalo kontraknya baru dikasih...", "dia masih trauma", "even if
    they got paid?", "I only have her old number": a message that opens with "but", "if", "then"
    or speaks of someone or something already named goes on from what was just said."""
    if not words:
        return False
    head = words[:2]
    return (words[0] in GOES_ON or any(w in BACK_PRONOUNS for w in words)
            or any(len(w) > 5 and w.endswith("nya") for w in head))


def _looks_like_nonsense(words: list[str]) -> bool:
    """Keyboard mashing ("asdfgh", "wkwkwk" is a laugh, not this): every word without a vowel or
    with a long run of consonants."""
    def junk(w: str) -> bool:
        if w.isdigit():
            return False
        if len(w) >= 2 and len(set(w)) == 1:
            return True  # "zzzz", "qqq", "aaaa" (they arrive squashed to two letters)
        if not _VOWELS & set(w):
            return len(w) >= 3
        run = best = 0
        for ch in w:
            run = 0 if ch in _VOWELS else run + 1
            best = max(best, run)
        if w in ("blah", "bla", "blabla", "blablabla", "lorem", "ipsum"):
            return True
        return (best >= 4 or ("q" in w and "qu" not in w)
                or any(k in w for k in ("asd", "qwe", "zxc", "hjkl", "jkl", "sdfg", "poiu")))
    return bool(words) and all(junk(w) for w in words)


# words that ask for a number ("nomor lain ada?", "sy lg di hongkong, mau telpon KP2MI, nomornya apa?")
NUMBER_WORDS = frozenset("nomor nomer nomornya nomernya no number numbers kontak contact contacts hotline telepon telpon "
                         "nelpon phone call hubungi".split())
MORE_WORDS = frozenset("lain lainnya semua all other others another more else lagi selain".split())
ASKS_NUMBERS_MAX_WORDS = 10


def _asks_for_numbers(words: list[str]) -> bool:
    """"nomor lain ada gk?", "semua nomor yg bisa dihubungin apa aja?", "give me all the contacts":
    after the emergency reply, the other contacts (a short message asking for more numbers)."""
    ws = set(words)
    return len(words) <= ASKS_NUMBERS_MAX_WORDS and bool(ws & NUMBER_WORDS) and bool(ws & MORE_WORDS)
