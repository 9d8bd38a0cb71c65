"""What the person and the caseworkers read, and the decisions that need no channel.

UI strings go through the gettext catalogs (locales/); the organisation's name and office
hours come from the configuration (config.py), the hotlines from content/contacts.yaml (the
same ones the "are you a human?" answer gives: conversation.yaml smalltalk.human_contacts).
Texts for the caseworkers' group are in the content's default language.
"""
from __future__ import annotations

from typing import Any

from bot.engine import callbacks as cb
from bot.engine.contacts import ContactBook
from bot.engine.events import Button, Reply
from bot.i18n import translator

from .cases import Case, CaseBook
from .config import HandoffConfig

TOOL = "handoff"
START = cb.tool(TOOL)  # "Talk to a person": the consent step
YES, YES_NAME, NO, END = "yes", "name", "no", "end"
END_DATA = cb.tool(TOOL, END)
# Reply.source values the Telegram side acts on (the engine and other adapters ignore them)
CONSENT, CONSENT_NAME, DECLINED, ENDED, NOT_CONNECTED = (
    "handoff:consent", "handoff:consent:name", "handoff:declined", "handoff:end", "handoff:none")


def N_(s: str) -> str:
    return s


class Desk:
    def __init__(self, cfg: HandoffConfig | None, content: Any, cases: CaseBook) -> None:
        self.cfg = cfg
        self.content = content
        self.cases = cases
        self.contacts = ContactBook(content)
        small = (getattr(content, "conversation", None) or {}).get("smalltalk", {})
        self.hotline_ids = [c for c in small.get("human_contacts", ["kemlu_pwni", "kp2mi"]) if c in content.contacts]

    @property
    def available(self) -> bool:
        return self.cfg is not None

    @property
    def group_lang(self) -> str:
        return self.content.default_language

    # -- for the person -------------------------------------------------------------------------
    @staticmethod
    def button(_) -> Button:
        return Button("👤 " + _("Talk to a person"), START)

    def hotlines(self, lang: str, country: str | None = None) -> str:
        return "\n\n".join(self.contacts.blocks(self.hotline_ids, lang, country))

    def mark(self, lang: str) -> str:
        """The line in front of every caseworker reply the person receives."""
        _ = translator(lang)
        return _("👤 Caseworker ({org}):").format(org=self.cfg.org_name if self.cfg else "")

    def hours(self, lang: str) -> str:
        _ = translator(lang)
        given = self.cfg.hours_in(lang) if self.cfg else ""
        if given:
            return _("Caseworkers are usually there: {hours}.").format(hours=given.rstrip("."))
        return _("Caseworkers answer when they can; it may take some hours.")

    def unavailable(self, lang: str, country: str | None = None) -> list[Reply]:
        _ = translator(lang)
        text = _("No person can be reached through this bot. To talk to an officer, call one of these numbers:")
        return [Reply(text + "\n\n" + self.hotlines(lang, country), [[Button(_("Menu"), cb.MENU)]], "handoff:unavailable")]

    def consent(self, lang: str) -> list[Reply]:
        _ = translator(lang)
        text = _(
            "A caseworker of {org} can write with you here. If you agree:\n"
            "• they read the messages you send here from now on (text, photos, voice notes, files, locations) "
            "and answer in this chat;\n"
            "• this bot itself keeps none of what you write;\n"
            "• your Telegram name stays hidden from them, unless you choose to show it;\n"
            "• /selesai ends it at any time.\n\n"
            "Anyone who checks your phone can read this chat: delete it in Telegram when you are done."
        ).format(org=self.cfg.org_name)
        text += "\n\n" + self.hours(lang) + "\n\n" + _("Do you agree?")
        rows = [
            [Button(_("Yes, connect me"), cb.tool(TOOL, YES))],
            [Button(_("Yes, and show my name"), cb.tool(TOOL, YES_NAME))],
            [Button(_("No"), cb.tool(TOOL, NO))],
        ]
        return [Reply(text, rows, "handoff:ask")]

    def connected(self, lang: str, show_name: bool) -> list[Reply]:
        _ = translator(lang)
        text = _(
            "You are connected. Write here what happened, in your own words: a caseworker of {org} "
            "reads it and answers in this chat, marked 👤. You may also send photos, voice notes and your location."
        ).format(org=self.cfg.org_name)
        text += "\n\n" + self.hours(lang) + "\n" + _("In danger now? Call the Kemlu 24-hour hotline {number} at once; do not wait for an answer here.").format(
            number=self.contacts_number("kemlu_pwni"))
        rows = [[Button(_("End the conversation"), END_DATA)]]
        return [Reply(text, rows, CONSENT_NAME if show_name else CONSENT)]

    def still_connected(self, lang: str) -> Reply:
        _ = translator(lang)
        text = _("You are still connected to a caseworker of {org}: what you write here goes to them. /selesai ends it.")
        return Reply(text.format(org=self.cfg.org_name), [[Button(_("End the conversation"), END_DATA)]], "handoff:connected")

    def declined(self, lang: str) -> list[Reply]:
        _ = translator(lang)
        text = _("All right: nothing was passed on to anyone. If you change your mind, tap the button again. You can also call:")
        return [Reply(text + "\n\n" + self.hotlines(lang), [[Button(_("Menu"), cb.MENU)]], DECLINED)]

    def contacts_number(self, cid: str) -> str:
        c = self.content.contacts.get(cid) or {}
        return next((ln["value"] for ln in c.get("lines", []) if any(ch.isdigit() for ch in ln["value"])), "")

    def end_by_person(self, user_id: str, lang: str) -> tuple[list[Reply], Case | None]:
        """/selesai or the end button: close the person's open case."""
        _ = translator(lang)
        case = self.cases.open_for(user_id) if self.available else None
        if case is None:
            return [Reply(_("You are not connected to a caseworker now."), [[Button(_("Menu"), cb.MENU)]], NOT_CONNECTED)], None
        self.cases.close(case.no, unlink=self.cfg.unlink_hours == 0)
        text = _("The conversation with the caseworker has ended. You are talking with the bot again. "
                 "Remember to delete this chat in Telegram if someone may check your phone.")
        return [Reply(text, [[Button(_("Menu"), cb.MENU)]], f"{ENDED}:{case.no}")], case

    def ended_by_caseworker(self, lang: str) -> str:
        _ = translator(lang)
        return _(
            "The caseworker has ended the conversation. You are talking with the bot again: type /menu for the topics. "
            "Remember to delete this chat in Telegram if someone may check your phone."
        )

    def ended_by_deletion(self, lang: str) -> str:
        _ = translator(lang)
        return _("The conversation with the caseworker has ended, and the bot no longer knows it was yours.")

    def still_waiting(self, lang: str) -> str:
        _ = translator(lang)
        return _("No caseworker has answered yet: your message is still waiting for them. "
                 "If you are in danger now, do not wait: call one of these numbers.") + "\n\n" + self.hotlines(lang)

    def not_passed_on(self, lang: str) -> str:
        _ = translator(lang)
        return _("Sorry, your message could not be passed on to the caseworkers just now. "
                 "If you are in danger now, call one of these numbers.") + "\n\n" + self.hotlines(lang)

    def cannot_open(self, lang: str) -> str:
        _ = translator(lang)
        return _("Sorry, the caseworkers cannot be reached through the bot just now: nothing was passed on. "
                 "To talk to an officer, call one of these numbers.") + "\n\n" + self.hotlines(lang)

    # -- for the caseworkers ---------------------------------------------------------------------
    def topic_name(self, case: Case | int) -> str:
        no = case.no if isinstance(case, Case) else int(case)
        _ = translator(self.group_lang)
        return _("Case {number}").format(number=f"{no:04d}")

    def intro(self, case: Case, session: dict[str, Any] | None) -> str:
        """What the person chose in the bot before asking: so nobody starts from zero. Choices
        made with buttons only (language, where, country, for whom, the topic); never text."""
        _ = translator(self.group_lang)
        s = session or {}
        c = self.content
        lines = ["🆕 " + self.topic_name(case)]
        lang = s.get("lang")
        if lang in c.languages:
            lines.append(_("Language: {value}").format(value=c.lang_name(lang)))
        where = {"indonesia": N_("in Indonesia"), "transit": N_("on the way"), "abroad": N_("abroad")}.get(s.get("location") or "")
        lines.append(_("Where: {value}").format(value=_(where) if where else _("not said")))
        country = s.get("country")
        if country in c.countries:
            lines.append(_("Country: {value}").format(value=c.t(c.countries[country]["name"], self.group_lang)))
        who = {"self": N_("themself"), "family": N_("family or a friend")}.get(s.get("reporter") or "")
        lines.append(_("For: {value}").format(value=_(who) if who else _("not said")))
        came = []
        if s.get("module") in c.modules:
            came.append(c.t(c.modules[s["module"]]["title"], self.group_lang))
        ctx = (s.get("context") or {}).get("kind") if isinstance(s.get("context"), dict) else None
        if s.get("emergency_at") or ctx == "emergency":
            came.append(_("the emergency reply"))
        lines.append(_("Came from: {value}").format(value=", ".join(came) if came else _("the conversation")))
        lines.append("")
        lines.append(_("Reply in this topic: your messages go to the person, marked \"{mark}\". "
                       "/tutup closes the case. /catatan <text> stays in this topic only.").format(
                           mark=self.mark(lang if lang in c.languages else self.group_lang)))
        return "\n".join(lines)

    def name_line(self, shown: bool, name: str = "") -> str:
        _ = translator(self.group_lang)
        if not shown:
            return _("Telegram name: hidden (the person did not choose to show it).")
        return _("Telegram name (shown with the person's consent): {name}").format(name=name or "?")

    def group_text(self, key: str, **kw: Any) -> str:
        _ = translator(self.group_lang)
        texts = {
            "ended_person": N_("The person ended the conversation (/selesai). The case is closed: messages here no longer reach them."),
            "ended_deleted": N_("The person used /hapus: the case is closed and the bot no longer knows whose it was."),
            "closed": N_("Case closed. Messages here no longer reach the person."),
            "closed_already": N_("This case is closed: messages here no longer reach the person."),
            "not_member": N_("Not sent: only members of this group can write to people through the bot."),
            "blocked": N_("Not delivered: the person has blocked the bot or deleted the chat. Close the case with /tutup."),
            "failed": N_("Not delivered ({error}). Please try again; if it keeps failing, check that the bot is an admin of this group."),
            "failed_in": N_("A message from the person in case {number} could not be copied here ({error}); they were told and given the hotlines. Check that the bot is an admin of this group with the right to manage topics."),
            "waiting": N_("The person has waited {minutes} minutes without an answer and was given the hotlines; their message is still here."),
            "commands": N_("Commands here: /tutup closes the case; /catatan <text> is a note that stays in this topic. Everything else you write goes to the person."),
        }
        return _(texts[key]).format(**kw)
