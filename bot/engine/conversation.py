"""Replies for what people say between topics, and for questions about the last result.

- small talk: thanks, a greeting, "are you a human?", "is my data safe?", "how do I share
  this?", a language the bot does not have, an insult, nonsense, an emoji with no words;
- follow-ups: "amankah?", "trus gimana?", "jadi gak resmi dong?" right after an offer check, a
  recruiter check, a company lookup, a help answer or the emergency reply: the verdict again in
  one line, then the next steps;
- two cards: self-harm (counselling first) and about to leave (stop and check first).

Every text is content (content/conversation.yaml), so NGOs can reword them; this module only
chooses which text, adds the contacts and the way on (buttons).
"""
from __future__ import annotations

from typing import Any

from bot.engine import callbacks as cb
from bot.engine.callbacks import AnswerButton
from bot.engine.contacts import ContactBook
from bot.engine.events import Button, Reply, pack
from bot.engine.session import Context
from bot.engine.turn import Turn

LEVELS = ("high", "medium", "low")


class Conversation:
    human: Any = None  # the handoff tool, when caseworkers can be reached (set by the Engine)

    def __init__(self, content: Any, contacts: ContactBook) -> None:
        self.content = content
        self.conv: dict[str, Any] = getattr(content, "conversation", None) or {}
        self.small: dict[str, Any] = self.conv.get("smalltalk", {})
        self.contacts = contacts

    def has(self, key: str) -> bool:
        return key in self.small

    # -- the way on ---------------------------------------------------------------------------
    def topic_rows(self, t: Turn, only: tuple[str, ...] = ()) -> list[list[Button]]:
        """One button per module (or the modules of `only`, by intent), then the menu."""
        rows = []
        for mid, m in self.content.modules.items():
            if not only or m["intent"] in only:
                rows.append([Button(t.txt(m["title"]), cb.module(mid))])
        rows.append([Button(t._("Menu"), cb.MENU)])
        return rows

    def _with_contacts(self, t: Turn, text: str, ids: list[str], rows, source: str) -> list[Reply]:
        blocks = self.contacts.brief_lines([c for c in ids if c in self.content.contacts], t.lang, t.session.country)
        return pack(text, blocks, rows, source)

    # -- small talk ---------------------------------------------------------------------------
    def small_talk(self, t: Turn, kind: str) -> list[Reply]:
        entry = self.small.get(kind) or {}
        source = "small:thanks" if kind.startswith("thanks") else f"small:{kind}"  # a variant is still thanks
        if "texts" in entry:  # several wordings: a different one each time
            texts = entry["texts"]
            text = t.txt(texts[t.session.nudges % len(texts)])
            t.session.nudges += 1
        else:
            text = t.txt(entry.get("text", {})) if entry.get("text") else ""
        if kind == "human":
            rows = self.topic_rows(t, ("help",))
            if self.human is not None and self.small.get("human_handoff"):  # a person can answer here
                text, rows = t.txt(self.small["human_handoff"]["text"]), [[self.human.button(t)]] + rows
            return self._with_contacts(t, text, list(self.small.get("human_contacts", [])), rows, source)
        if kind == "language_unsupported":
            names = ", ".join(self.content.lang_name(lang) for lang in self.content.languages)
            text = text.replace("{languages}", names)
            rows = [[Button(self.content.lang_name(lang), cb.language(lang))] for lang in self.content.languages if lang != t.lang]
            return [Reply(text, rows + [[Button(t._("Menu"), cb.MENU)]], "small:language")]
        if kind == "crying":
            rows = [[Button("🆘 " + t._("Emergency help"), cb.EMERGENCY)]] + self.topic_rows(t, ("help",))
            return [Reply(text, rows, "small:emoji")]
        return [Reply(text, self.topic_rows(t), source)]

    # -- cards --------------------------------------------------------------------------------
    def self_harm(self, t: Turn) -> list[Reply]:
        card = self.conv.get("self_harm") or {}
        rows = [[Button(t._("Menu"), cb.MENU)]]
        return self._with_contacts(t, t.txt(card.get("text", {})), list(card.get("contacts", [])), rows, "self_harm")

    def departing(self, t: Turn) -> list[Reply]:
        card = self.conv.get("departing") or {}
        rows = self.topic_rows(t, ("fake_offer", "recruiter"))
        return self._with_contacts(t, t.txt(card.get("text", {})), list(card.get("contacts", [])), rows, "departing")

    # -- follow-ups ---------------------------------------------------------------------------
    def answer_rows(self, t: Turn, aid: str) -> list[list[Button]]:
        """A direct answer's own buttons (its way on), then the menu."""
        buttons = self.content.answers[aid].get("buttons", [])
        rows = [[Button(t.txt(b["label"]), cb.encode(AnswerButton(aid, i)))] for i, b in enumerate(buttons)]
        return rows + [[Button(t._("Menu"), cb.MENU)]]

    def answer_module_intent(self, aid: str | None) -> str | None:
        entry = (getattr(self.content, "answers", None) or {}).get(aid or "")
        module = self.content.modules.get(entry.get("module", "")) if entry else None
        return module.get("intent") if module else None

    def followup(self, t: Turn, ctx: Context, part: int | None = None) -> list[Reply]:
        """The last result again in one line, then what to do next. `part`: the paragraph of the
        last direct answer that the new message asks about (else its first, action first)."""
        f = self.conv.get("followups") or {}
        parts: list[str] = []
        if ctx.kind in ("offer", "recruiter_check") and ctx.level in LEVELS:
            verdict = (f.get("verdict") or {}).get(ctx.level)
            if verdict:
                parts.append(t.txt(verdict))
            steps = (f.get(ctx.kind) or {}).get(ctx.level)
            if steps:
                parts.append(t.txt(steps["text"]))
            rows = self.topic_rows(t, ("recruiter", "help") if ctx.kind == "offer" else ("fake_offer", "help"))
        elif ctx.kind == "registry":
            steps = (f.get("registry") or {}).get(ctx.result or "not_found") or (f.get("registry") or {}).get("not_found")
            if steps:
                parts.append(t.txt(steps["text"]))
            rows = self.topic_rows(t, ("recruiter", "help"))
            return self._with_contacts(t, "\n\n".join(parts), ["kp2mi"], rows, "followup:registry")
        elif ctx.kind == "emergency":
            if t.session.reporter == "family":  # what family at home can do, not "hide your phone"
                parts.append(t.txt(self.content.emergency["for_family"]))
            elif t.session.location == "indonesia" and f.get("emergency_indonesia"):
                parts.append(t.txt(f["emergency_indonesia"]["text"]))  # the police, 110, not the Kemlu hotline
            elif f.get("emergency"):
                parts.append(t.txt(f["emergency"]["text"]))
            rows = [[Button("🆘 " + t._("Emergency help"), cb.EMERGENCY)]] + self.topic_rows(t, ("help",))
        elif ctx.kind == "answer" and ctx.ref in self.content.answers and (
                part is not None or self.answer_module_intent(ctx.ref) != "help"):
            # "trus aku harus gimana?" after "is this CS job in Cambodia real?": that answer's
            # first point again (action first), and its own ways on; asked about the same answer
            # again, the part of it that fits
            entry = self.content.answers[ctx.ref]
            paragraphs = t.txt(entry["text"]).split("\n\n")
            parts.append(paragraphs[part if part is not None and part < len(paragraphs) else 0])
            parts.append(t._("What you can do next: tap one of these."))
            return self._with_contacts(t, "\n\n".join(parts), list(entry.get("contacts", [])),
                                       self.answer_rows(t, ctx.ref), "followup:answer")
        elif ctx.kind == "departing" and f.get("departing"):  # "emang masih bisa batal?"
            return self._with_contacts(t, t.txt(f["departing"]["text"]), ["kp2mi"],
                                       self.topic_rows(t, ("fake_offer", "recruiter")), "followup:departing")
        else:  # a help answer or a help screen
            if f.get("help"):
                parts.append(t.txt(f["help"]["text"]))
            rows = self.topic_rows(t, ("help",))
        return [Reply("\n\n".join(p for p in parts if p), rows, f"followup:{ctx.kind}")]
