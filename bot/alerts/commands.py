"""/langganan, /berhenti (also "stop", "berhenti" typed), and the admins' /kirim_peringatan NAME."""
from __future__ import annotations

import logging
import os
import threading
from typing import Any

from bot.alerts.store import AlertStore
from bot.engine import callbacks as cb
from bot.engine.callbacks import Action
from bot.engine.commands import Command
from bot.engine.events import Button, Reply

log = logging.getLogger("bot.alerts")

SUBSCRIBE = "langganan"
UNSUBSCRIBE = "berhenti"


def chat_id_of(user_id: str) -> int | None:
    """Telegram private chats have the user's id as chat id ("tg:123" -> 123)."""
    if user_id.startswith("tg:") and user_id[3:].lstrip("-").isdigit():
        return int(user_id[3:])
    return None


class _AlertCommand(Command):
    def __init__(self, content: Any, store: Any) -> None:
        self.content = content
        self.alerts = AlertStore.for_store(store)

    def forget(self, user_id: str) -> None:
        """/hapus: delete the subscription with everything else."""
        self.alerts.unsubscribe(user_id)


class Subscribe(_AlertCommand):
    names = (SUBSCRIBE, "subscribe")

    def run(self, turn, args: str) -> list[Reply]:
        _ = turn._
        chat = chat_id_of(turn.user_id)
        if chat is None:
            return [Reply(_("Alerts are sent on Telegram only."), source="alerts:unavailable")]
        new = self.alerts.subscribe(turn.user_id, chat, turn.lang)
        text = _("You will get a short alert when a new trick used by traffickers is known. "
                 "To stop: /berhenti. /hapus deletes it with everything else.")
        if not new:
            text = _("You are already subscribed to alerts.") + "\n\n" + text
        return [Reply(text, [[Button(_("Stop alerts"), cb.encode(Action("cmd", UNSUBSCRIBE)))], [Button(_("Menu"), cb.MENU)]],
                      source="alerts:subscribed")]

    def offer(self, turn, where: str) -> list[Button]:
        """The button shown in "Tentang" and after a finished module, to people not subscribed."""
        if chat_id_of(turn.user_id) is None or self.alerts.is_subscribed(turn.user_id):
            return []
        return [Button("🔔 " + turn._("Get alerts about new scams"), cb.encode(Action("cmd", SUBSCRIBE)))]


class Unsubscribe(_AlertCommand):
    names = (UNSUBSCRIBE, "unsubscribe", "stop")

    def run(self, turn, args: str) -> list[Reply]:
        _ = turn._
        was = self.alerts.unsubscribe(turn.user_id)
        text = _("Done: you will get no more alerts, and your subscription is deleted.") if was else _("You are not subscribed to alerts.")
        return [Reply(text, [[Button(_("Menu"), cb.MENU)]], source="alerts:unsubscribed")]


class SendAlert(_AlertCommand):
    names = ("kirim_peringatan", "send_alert")
    admin_only = True

    def run(self, turn, args: str) -> list[Reply]:
        from bot.alerts.sender import alert_names

        _ = turn._
        name = args.strip()
        known = alert_names(self.content)
        if name not in known:
            return [Reply(_("Which alert? Known: {names}. Write /kirim_peringatan NAME.").format(names=", ".join(known) or "-"),
                          source="admin:alert")]
        token = os.environ.get("TELEGRAM_BOT_TOKEN", "").strip()
        if not token:
            return [Reply(_("Alerts can be sent only from the running bot on Telegram."), source="admin:alert")]
        admin_chat = chat_id_of(turn.user_id)
        n = self.alerts.subscribers()
        threading.Thread(target=self._send, args=(name, token, admin_chat, turn.lang), name=f"alert-{name}", daemon=True).start()
        return [Reply(_("Sending alert {name} to {n} subscriber(s), at most 25 a second. You get a summary when it is done.").format(
            name=name, n=n), source="admin:alert")]

    def _send(self, name: str, token: str, admin_chat: int | None, lang: str) -> None:
        from bot.adapters.telegram.config import DEFAULT_API_URL
        from bot.alerts.sender import HttpApi, send_alert
        from bot.i18n import translator

        api = HttpApi(token, os.environ.get("TELEGRAM_API_URL") or DEFAULT_API_URL)
        try:
            s = send_alert(self.alerts, self.content, name, api.send)
            _ = translator(lang)
            if admin_chat is not None:
                api.send(admin_chat, _("Alert {name} done: sent {sent}, failed {failed}, unsubscribed {unsub} (they blocked the bot).").format(
                    name=name, sent=s.sent, failed=s.failed, unsub=s.unsubscribed))
        except Exception as e:  # logged, and `alert status` shows where it stopped (AlreadySending too)
            log.error("alert %s: sending stopped (%s); `python -m bot alert send %s` resumes it", name, type(e).__name__, name)
        finally:
            api.close()


def make_commands(content: Any, store: Any) -> list[Command]:
    return [Subscribe(content, store), Unsubscribe(content, store), SendAlert(content, store)]
