"""The emergency reply: one phone screen, the number to call first, then buttons for the rest.

What the first reply says depends on what the bot knows: someone in Indonesia calls the police
(110) and KP2MI; someone abroad, or anyone the bot cannot place, calls the Kemlu 24-hour hotline
(for Indonesians in any country); a family member writing for someone close gets words for
family. The mission of the country, when the bot knows it, follows with the date its number was
published, because mission numbers quoted years ago may have changed. Everything else (other
contacts, what to have ready, what family can do from home) sits behind buttons.

The texts are content (content/emergency.yaml); the numbers come from content/contacts.yaml.
"""
from __future__ import annotations

from typing import Any

from bot.engine import callbacks as cb
from bot.engine.callbacks import Action
from bot.engine.contacts import EMBASSY, ContactBook
from bot.engine.events import Button, Reply, pack
from bot.engine.intents import _all_langs
from bot.engine.text import tokens
from bot.engine.turn import Turn

REPEAT_AFTER = 10 * 60  # seconds: a new danger phrase after this long brings the full reply back
SOURCE = "emergency"
ONE_SCREEN = 600  # characters: the first emergency reply fits one phone screen


class EmergencyDesk:
    human: Any = None  # the handoff tool, when caseworkers can be reached (set by the Engine)

    def __init__(self, content: Any, contacts: ContactBook, table: dict[str, str]) -> None:
        self.content = content
        self.em = content.emergency
        self.contacts = contacts
        self.family_phrases = [tuple(tokens(p, table)) for p in _all_langs(self.em.get("family_words", {}))]
        self.family_phrases = [p for p in self.family_phrases if p]
        self.indonesia_phrases = [p for p in (tuple(tokens(w, table)) for w in self.em.get("in_indonesia", []) or []) if p]

    # -- who and when ------------------------------------------------------------------------
    def about_family(self, words: list[str]) -> bool:
        """Does the message say the person in danger is someone close ("anak saya disekap")?"""
        return has_phrase(words, self.family_phrases)

    def reports_for_someone(self, words: list[str]) -> bool:
        """"saya di rumah, melapor untuk kakak saya", "i'm reporting for him from home": the writer is
        someone close, not the one in danger ("apa nanti anak saya dihukum?" asks something else)."""
        return has_phrase(words, REPORTING_FOR)

    def in_indonesia(self, words: list[str], family: bool = False) -> bool:
        """Does the message place the person in Indonesia ("di penampungan PT di bekasi")? From a
        family member, only a place does ("adik sy disekap di batam"): "kami di kampung" or "di
        indonesia" tells where the writer is, not the one in danger."""
        phrases = self.indonesia_phrases
        if family:
            phrases = [p for p in phrases if p not in WRITER_PLACES]
        return has_phrase(words, phrases)

    @staticmethod
    def recent(t: Turn) -> bool:
        at = t.session.emergency_at
        return at is not None and 0 <= t.now - at < REPEAT_AFTER

    # -- replies ------------------------------------------------------------------------------
    def first(self, t: Turn, family: bool) -> list[Reply]:
        s = t.session
        first = self.em["first"]
        if family and s.location == "indonesia" and not s.country:  # "adik sy disekap di batam"
            head = first.get("family_indonesia") or first["indonesia"]
        elif family:
            head = first["family"]
        elif s.location == "indonesia":
            head = first["indonesia"]
        elif s.location in ("abroad", "transit") or s.country:
            head = first["abroad"]
        else:
            head = first["unknown"]
        safety = t.txt(self.em["family_safety"] if family else self.em["safety"])
        mission = self.mission_lines(t)
        # one phone screen: a country with several missions (Dubai and Abu Dhabi) shows the first
        # here and the others behind "Other contacts"
        if mission and len("\n\n".join((t.txt(head), mission, safety))) > ONE_SCREEN:
            mission = mission.split("\n")[0]
        parts = [t.txt(head)] + ([mission] if mission else []) + [safety]
        return [Reply("\n\n".join(parts), self.buttons(t, family), SOURCE)]

    def buttons(self, t: Turn, family: bool) -> list[list[Button]]:
        _ = t._
        rows = [
            [Button("📞 " + _("Other contacts"), cb.encode(Action("em", "more")))],
            [Button("📋 " + _("What to have ready"), cb.encode(Action("em", "ready")))],
        ]
        if self.human is not None:
            rows.insert(1, [self.human.button(t)])
        if not family:
            rows.append([Button("👪 " + _("I am reporting for someone else"), cb.encode(Action("em", "family")))])
        # someone who may be watched can remove the bot's messages (asked first: the numbers go too)
        rows.append([Button("🧹 " + _("Delete the bot's messages here"), cb.CLEAR)])
        rows.append([Button(_("Menu"), cb.MENU)])
        return rows

    def mission_lines(self, t: Turn) -> str:
        """The embassy or consulate of the person's country, one line each with its date; or, for
        a country without a verified number, a line that says so."""
        code = t.session.country
        if not code or code not in self.content.countries:
            return ""
        missions = self.contacts.missions(code)
        if not missions:
            name = t.txt(self.content.countries[code]["name"])
            return t._("There is no verified number for the Indonesian embassy in {country}: the Kemlu hotline helps there too.").format(country=name)
        return "\n".join(self.contacts.brief(mid, t.lang, code) for mid in missions)

    def more(self, t: Turn) -> list[Reply]:
        """Every emergency contact, the country's mission first after the Kemlu hotline."""
        ids = list(self.em["contacts"])
        ids.insert(1 if ids and ids[0] == "kemlu_pwni" else 0, EMBASSY)
        blocks = self.contacts.blocks(ids, t.lang, t.session.country)
        return pack("", blocks, [[Button("📋 " + t._("What to have ready"), cb.encode(Action("em", "ready")))], [Button(t._("Menu"), cb.MENU)]], SOURCE + ":contacts", limit=900)

    def ready(self, t: Turn) -> list[Reply]:
        return [Reply(t.txt(self.em["ready"]), [[Button("📞 " + t._("Other contacts"), cb.encode(Action("em", "more")))], [Button(t._("Menu"), cb.MENU)]], SOURCE + ":ready")]

    def answer_instead(self, answer_id: str) -> str:
        """The answer for a question asked in the minutes after the emergency (emergency.yaml
        answers_after_emergency: money asked then is a ransom, not a placement fee)."""
        return (self.em.get("answers_after_emergency") or {}).get(answer_id, answer_id)

    def screen_for_answer(self, t: Turn, answer_id: str) -> list[Reply] | None:
        """The emergency's own screen for a direct answer asked in the minutes after it
        (emergency.yaml screens_for_answers: "what do I prepare?" gets what to have ready)."""
        screen = (self.em.get("screens_for_answers") or {}).get(answer_id)
        replies = self.ready(t) if screen == "ready" else self.for_family(t) if screen == "for_family" else None
        if replies is None:
            return None
        # asked, not tapped: the number to call stays in sight, above the list (the words for
        # family at home name it already)
        top = replies[0]
        if self.call_now(t) in top.text:
            return replies
        return [Reply(self.reminder(t) + "\n\n" + top.text, top.buttons, top.source)] + replies[1:]

    def for_family(self, t: Turn) -> list[Reply]:
        t.session.reporter = "family"
        return [Reply(t.txt(self.em["for_family"]), [[Button("📋 " + t._("What to have ready"), cb.encode(Action("em", "ready")))], [Button(t._("Menu"), cb.MENU)]], SOURCE + ":family")]

    def _police_first(self, t: Turn) -> bool:
        return t.session.location == "indonesia" and t.session.reporter != "family" and "polri_110" in self.content.contacts

    def call_now(self, t: Turn) -> str:
        """The one number to call now: the police (110) inside Indonesia, else the Kemlu hotline."""
        return self.number("polri_110" if self._police_first(t) else "kemlu_pwni")

    def reminder(self, t: Turn) -> str:
        """One line with the number to call, for later messages in the same emergency."""
        if self._police_first(t):
            return t._("🆘 In danger now: call the police on {number}.").format(number=self.call_now(t))
        return t._("🆘 In danger now: call the Kemlu 24-hour hotline {number}.").format(number=self.call_now(t))

    def again(self, t: Turn, shown: str) -> str:
        """What a new danger phrase adds, in the minutes after the emergency reply, to the answer
        it gets: the number to call now and the country's mission ("dia barusan bilang dipukul
        lagi" about a son in Myanmar: KBRI Yangon too), each only when the answer lacks it."""
        lines = [] if self.call_now(t) in shown else [self.reminder(t)]
        code = t.session.country
        if code and code in self.content.countries and not self._police_first(t):
            lines += [self.contacts.brief(mid, t.lang, code) for mid in self.contacts.missions(code)
                      if self.number(mid) and self.number(mid) not in shown]
        return "\n".join(lines)

    def number(self, cid: str) -> str:
        """A contact's first phone number, as content/contacts.yaml writes it."""
        c = self.content.contacts.get(cid)
        if not c:
            return ""
        return next((ln["value"] for ln in c["lines"] if any(ch.isdigit() for ch in ln["value"])), "")

    def sos_row(self, t: Turn) -> list[Button]:
        return [Button("🆘 " + t._("Emergency help"), cb.EMERGENCY)]


# a writer who reports for someone else, or writes from home (emergency.yaml's family words aside)
REPORTING_FOR = [tuple(p.split()) for p in (
    "melapor untuk", "lapor untuk", "melaporkan untuk", "saya di rumah", "aku di rumah", "dari rumah",
    "reporting for", "report for", "i am at home", "i m at home", "from home")]

# "in Indonesia" words that say where a family member writing is, not where the one in danger is
WRITER_PLACES = frozenset({("di", "kampung"), ("di", "indonesia"), ("di", "indo"), ("masih", "di", "indonesia")})


def has_phrase(words: list[str], phrases: list[tuple[str, ...]]) -> bool:
    n = len(words)
    for p in phrases:
        k = len(p)
        if any(tuple(words[i : i + k]) == p for i in range(n - k + 1)):
            return True
    return False
