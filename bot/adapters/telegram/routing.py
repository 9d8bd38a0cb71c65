"""From a Telegram update to what the bot should do with it. Pure: no network, no engine.

Decisions (documented in docs/telegram.md):

- Private chat, text: a command (`/menu`, `/start <payload>`, `/cmd@ThisBot args`) becomes
  Event.cmd / Event.start; anything else Event.message.
- Private chat, media with a caption (photo, video, document, animation, audio): the caption is
  read as text. Without a caption, and for stickers, voice notes, locations, contacts, polls...:
  Event.other(<kind>), which the engine answers kindly. Never silent.
- Edited messages are ignored: the original was already answered, and answering the edit too
  would reply twice and shift the conversation under the person's feet.
- Groups: only commands (to this bot) and mentions of the bot get an answer, and that answer is an
  invitation to a private chat (nobody should discuss a job offer where a recruiter may read).
  Other group messages, channel posts and every other update kind are ignored.
- Button presses: always answered (the callback query), data checked for shape here and for
  meaning by the engine.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from telegram import Chat, Message, MessageEntity, Update

from bot.engine.events import CALLBACK_DATA_MAX_BYTES, Event

COMMAND_RE = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]{3,64}))?(?:\s+(.*))?$", re.S)
# Callback data we pass on: printable ASCII, no spaces, within Telegram's 64 bytes.
CALLBACK_DATA_RE = re.compile(r"^[\x21-\x7e]{1,64}$")
# A stand-in for data that is missing or garbage: the engine treats it as an old button.
INVALID_BUTTON = "x:invalid"

# Attachments whose caption is read as text.
CAPTIONED = ("photo", "video", "animation", "document", "audio")
# Message contents a person sends, in the order they are checked (venue before location,
# animation before document: Telegram sets both).
CONTENT_KINDS = (
    "sticker", "voice", "video_note", "photo", "video", "animation", "audio", "document",
    "venue", "location", "contact", "poll", "dice", "game", "story", "invoice", "paid_media",
)
PRIVATE = (Chat.PRIVATE,)
GROUPS = (Chat.GROUP, Chat.SUPERGROUP)


@dataclass
class Route:
    """What to do with one update.

    action: "engine" (ask the engine with `event` for `user_id`, reply in `chat_id`),
    "invite" (a group asked for us: invite to a private chat, replying to `reply_to`),
    "ignore".
    """

    update_id: int
    action: str
    kind: str  # for the log line: "text", "command", "button", "photo", "edited", ...
    user_id: str = ""
    chat_id: int = 0
    event: Event | None = None
    lang: str | None = None  # the person's Telegram language_code
    callback_query_id: str | None = None
    clear_keyboard_of: int | None = None  # message id whose buttons were pressed
    reply_to: int | None = None
    extra: dict = field(default_factory=dict)


@dataclass
class BotIdentity:
    id: int = 0
    username: str = ""

    def is_me(self, name: str | None) -> bool:
        return bool(name) and bool(self.username) and name.lower() == self.username.lower()


def ui_lang(language_code: str | None) -> str:
    """The adapter's own strings: English for English speakers, Indonesian for everyone else."""
    return "en" if (language_code or "").lower().startswith("en") else "id"


def parse_command(text: str) -> tuple[str, str | None, str] | None:
    """("start", "SomeBot" or None, "args") for "/start@SomeBot args", None if not a command."""
    m = COMMAND_RE.match(text.strip())
    if not m:
        return None
    return m.group(1).lower(), m.group(2), (m.group(3) or "").strip()


def valid_callback_data(data: object) -> bool:
    return (
        isinstance(data, str)
        and len(data.encode("utf-8")) <= CALLBACK_DATA_MAX_BYTES
        and bool(CALLBACK_DATA_RE.match(data))
    )


def content_kind(msg: Message) -> str | None:
    for kind in CONTENT_KINDS:
        value = getattr(msg, kind, None)
        if value:
            return kind
    return None


def command_event(name: str, args: str, lang: str | None) -> Event:
    if name == "start":
        return Event.start(args, lang_hint=lang)
    return Event.cmd(name, args, lang_hint=lang)


def route_update(update: Update, me: BotIdentity) -> Route:
    uid = update.update_id
    if update.callback_query is not None:
        return _route_callback(update, me)
    if update.message is not None:
        return _route_message(uid, update.message, me)
    if update.edited_message is not None:
        return Route(uid, "ignore", "edited")
    for kind in ("channel_post", "edited_channel_post"):
        if getattr(update, kind, None) is not None:
            return Route(uid, "ignore", kind)
    return Route(uid, "ignore", "other_update")


def _route_callback(update: Update, me: BotIdentity) -> Route:
    cq = update.callback_query
    uid = update.update_id
    user = cq.from_user
    lang = user.language_code if user else None
    msg = cq.message  # may be an InaccessibleMessage (older than 48 h) or None (inline mode)
    chat = msg.chat if msg is not None else None
    if user is None or user.is_bot or (chat is not None and chat.type not in PRIVATE) or cq.inline_message_id:
        # Our buttons live in private chats. Anything else: stop the spinner, nothing more.
        return Route(uid, "ignore", "button_elsewhere", callback_query_id=cq.id)
    data = cq.data if valid_callback_data(cq.data) else INVALID_BUTTON
    can_edit = isinstance(msg, Message) and bool(getattr(msg, "reply_markup", None))
    return Route(
        uid,
        "engine",
        "button",
        user_id=f"tg:{user.id}",
        chat_id=chat.id if chat is not None else user.id,
        event=Event.button(data, lang_hint=lang),
        lang=lang,
        callback_query_id=cq.id,
        clear_keyboard_of=msg.message_id if can_edit else None,
    )


def _route_message(uid: int, msg: Message, me: BotIdentity) -> Route:
    user = msg.from_user
    chat = msg.chat
    if user is None or user.is_bot:
        return Route(uid, "ignore", "from_bot")
    lang = user.language_code
    if chat.type in GROUPS:
        return _route_group(uid, msg, me, lang)
    if chat.type not in PRIVATE:
        return Route(uid, "ignore", "channel")

    base = dict(user_id=f"tg:{user.id}", chat_id=chat.id, lang=lang)
    if msg.text:
        cmd = parse_command(msg.text)
        if cmd:
            name, _target, args = cmd
            return Route(uid, "engine", "command", event=command_event(name, args, lang), **base)
        return Route(uid, "engine", "text", event=Event.message(msg.text, lang_hint=lang), **base)
    kind = content_kind(msg)
    if kind in CAPTIONED and msg.caption and msg.caption.strip():
        return Route(uid, "engine", f"{kind}+caption", event=Event.message(msg.caption, lang_hint=lang), **base)
    if kind:
        return Route(uid, "engine", kind, event=Event.other(kind, lang_hint=lang), **base)
    if _is_service(msg):
        return Route(uid, "ignore", "service")
    # Something a person sent that this version does not know: still answer.
    return Route(uid, "engine", "unknown", event=Event.other("unknown", lang_hint=lang), **base)


SERVICE_FIELDS = (
    "new_chat_members", "left_chat_member", "new_chat_title", "new_chat_photo", "delete_chat_photo",
    "group_chat_created", "supergroup_chat_created", "channel_chat_created", "migrate_to_chat_id",
    "migrate_from_chat_id", "pinned_message", "message_auto_delete_timer_changed",
    "write_access_allowed", "successful_payment", "refunded_payment", "users_shared", "chat_shared",
    "connected_website", "proximity_alert_triggered", "boost_added", "chat_background_set",
    "forum_topic_created", "forum_topic_edited", "forum_topic_closed", "forum_topic_reopened",
    "video_chat_started", "video_chat_ended", "video_chat_scheduled", "video_chat_participants_invited",
    "web_app_data", "giveaway_created", "giveaway_completed",
)


def _is_service(msg: Message) -> bool:
    return any(getattr(msg, f, None) for f in SERVICE_FIELDS)


def _mentions_me(msg: Message, me: BotIdentity) -> bool:
    if msg.reply_to_message is not None and msg.reply_to_message.from_user is not None:
        if me.id and msg.reply_to_message.from_user.id == me.id:
            return True
    for parse in (msg.parse_entities, msg.parse_caption_entities):
        try:
            entities = parse([MessageEntity.MENTION, MessageEntity.TEXT_MENTION])
        except Exception:  # malformed offsets: no mention
            continue
        for ent, text in entities.items():
            if ent.type == MessageEntity.MENTION and me.is_me(text.lstrip("@")):
                return True
            if ent.type == MessageEntity.TEXT_MENTION and ent.user is not None and me.id and ent.user.id == me.id:
                return True
    return False


def _route_group(uid: int, msg: Message, me: BotIdentity, lang: str | None) -> Route:
    text = msg.text or msg.caption or ""
    cmd = parse_command(text) if text.startswith("/") else None
    if cmd is not None:
        name, target, _args = cmd
        # "/menu" alone may be for another bot in the group; answer it only when it is ours
        # by name, or when there is no name (Telegram sends bare commands in small groups).
        if target is not None and not me.is_me(target):
            return Route(uid, "ignore", "group_other_bot")
        return Route(uid, "invite", "group_command", chat_id=msg.chat.id, lang=lang, reply_to=msg.message_id)
    if _mentions_me(msg, me):
        return Route(uid, "invite", "group_mention", chat_id=msg.chat.id, lang=lang, reply_to=msg.message_id)
    return Route(uid, "ignore", "group_chatter")


def route_raw(raw: dict) -> Route:
    """Best effort for an update that could not be parsed: answer a button press, and answer a
    private message (its text if it has one), so nobody is left without a reply."""
    uid = int(raw["update_id"])

    def obj(d: object, key: str) -> dict:
        v = d.get(key) if isinstance(d, dict) else None
        return v if isinstance(v, dict) else {}

    cq = obj(raw, "callback_query")
    if cq:
        user = obj(cq, "from")
        if not isinstance(user.get("id"), int) or user.get("is_bot"):
            return Route(uid, "ignore", "unreadable", callback_query_id=cq.get("id") if isinstance(cq.get("id"), str) else None)
        chat = obj(obj(cq, "message"), "chat")
        if chat and chat.get("type") != Chat.PRIVATE:
            return Route(uid, "ignore", "unreadable", callback_query_id=cq.get("id"))
        lang = user.get("language_code") if isinstance(user.get("language_code"), str) else None
        data = cq.get("data") if valid_callback_data(cq.get("data")) else INVALID_BUTTON
        return Route(uid, "engine", "button?", user_id=f"tg:{user['id']}", chat_id=int(chat.get("id") or user["id"]),
                     event=Event.button(data, lang_hint=lang), lang=lang,
                     callback_query_id=cq.get("id") if isinstance(cq.get("id"), str) else None)
    msg = obj(raw, "message")
    user, chat = obj(msg, "from"), obj(msg, "chat")
    if not msg or chat.get("type") != Chat.PRIVATE or not isinstance(user.get("id"), int) or user.get("is_bot"):
        return Route(uid, "ignore", "unreadable")
    lang = user.get("language_code") if isinstance(user.get("language_code"), str) else None
    text = msg.get("text") if isinstance(msg.get("text"), str) else msg.get("caption")
    if isinstance(text, str) and text.strip():
        cmd = parse_command(text)
        event = command_event(cmd[0], cmd[2], lang) if cmd else Event.message(text, lang_hint=lang)
    else:
        event = Event.other("unknown", lang_hint=lang)
    return Route(uid, "engine", "unreadable", user_id=f"tg:{user['id']}", chat_id=int(chat.get("id") or user["id"]),
                 event=event, lang=lang)
