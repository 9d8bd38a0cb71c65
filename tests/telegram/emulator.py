"""A small Telegram Bot API emulator for end-to-end tests (stdlib only, 127.0.0.1 only).

It speaks the methods the bot uses (getMe, getUpdates with offset and long-poll timeout,
setWebhook/deleteWebhook/getWebhookInfo with secret_token, sendMessage, editMessageText,
editMessageReplyMarkup, answerCallbackQuery, setMyCommands/getMyCommands/deleteMyCommands,
sendChatAction, close, logOut, sendDocument and sendPhoto with multipart uploads), accepts JSON,
form-encoded and multipart bodies like the real API, and
keeps Telegram's update semantics:

- an update stays pending until a getUpdates call with a higher offset confirms it (or a
  webhook delivery gets a 2xx answer); a newer getUpdates call ends an older waiting one
  with 409 Conflict, as Telegram does;
- with a webhook set, getUpdates answers 409 and pending updates are POSTed one at a time to
  the webhook URL with X-Telegram-Bot-Api-Secret-Token, retried until answered 2xx.

Tests inject updates (text, commands, button presses, media, groups, edits, channel posts),
read what the bot sent, and inject faults per method (429 with retry_after, 500, a slow
answer, or a request that is never answered).

Faults (issue 12): `fail(method, kind)` with kind 429 (retry_after), 500, 502, 403, slow,
drop; `offline()` stops answering altogether (the port closes, open connections are cut) and
`online()` opens the same port again, as Telegram being unreachable for a while; with a webhook,
`repeat_webhook` makes Telegram deliver the next updates again although the bot answered 200
(its answer lost on the way). deleteMessage and deleteMessages delete what the bot sent (up to
48 hours old; `age()` makes sent messages older).

Forum supergroups (the caseworkers' group of the handoff): createForumTopic, closeForumTopic,
sendMessage/copyMessage with message_thread_id, getChatMember (members are set by the test;
anyone else has left), getChat, copyMessage of any message injected or sent, and chats that
blocked the bot (403 on anything sent to them).
"""
from __future__ import annotations

import json
import re
import socket
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import parse_qs

BOT_ID = 7000000001
BOT_USERNAME = "MigrasiAmanTestBot"


class Fault:
    """One injected failure for the next call(s) of a method."""

    def __init__(self, kind: str, retry_after: int = 1, seconds: float = 0.0, chat_id: int | None = None,
                 offset_above: int | None = None) -> None:
        self.kind = kind  # "429", "500", "502", "403", "slow", "drop"
        self.retry_after = retry_after
        self.seconds = seconds
        self.chat_id = chat_id  # only for calls about this chat
        self.offset_above = offset_above  # getUpdates: only a call that confirms this update id

    def matches(self, params: dict[str, Any]) -> bool:
        if self.offset_above is not None and int(params.get("offset") or 0) <= self.offset_above:
            return False
        return self.chat_id is None or str(params.get("chat_id")) == str(self.chat_id)


class BotAPIEmulator:
    def __init__(self, token: str, username: str = BOT_USERNAME, max_poll_wait: float = 30.0) -> None:
        self.token = token
        self.bot_user = {"id": BOT_ID, "is_bot": True, "first_name": "Migrasi Aman", "username": username,
                         "can_join_groups": True, "can_read_all_group_messages": False,
                         "supports_inline_queries": False}
        self.max_poll_wait = max_poll_wait
        self.cond = threading.Condition()
        self.pending: list[dict[str, Any]] = []  # updates not yet confirmed
        self.next_update_id = 100
        self.confirmed: list[int] = []  # update ids confirmed, in order
        self.delivered: dict[int, int] = defaultdict(int)  # update id -> times handed out
        self.messages: list[dict[str, Any]] = []  # every message the bot sent
        self.by_id: dict[tuple[int, int], dict[str, Any]] = {}
        self.next_message_id: dict[int, int] = defaultdict(lambda: 1000)
        self.edits: list[dict[str, Any]] = []
        self.callback_answers: list[dict[str, Any]] = []
        self.commands: dict[str, list[dict[str, str]]] = {}
        self.calls: list[tuple[float, str, dict[str, Any]]] = []
        self.faults: dict[str, deque[Fault]] = defaultdict(deque)
        self.chats: dict[int, dict[str, Any]] = {}
        self.webhook: dict[str, Any] = {"url": "", "secret_token": None}
        self.webhook_posts: list[tuple[int, int]] = []  # (update id, HTTP status)
        self.topics: dict[tuple[int, int], dict[str, Any]] = {}  # (chat, thread) -> topic
        self.members: dict[int, set[int]] = defaultdict(set)  # chat -> user ids that are members
        self.blocked: set[int] = set()  # chats that blocked the bot
        self.injected: dict[tuple[int, int], dict[str, Any]] = {}  # messages people sent, by (chat, id)
        self.users: dict[int, dict[str, Any]] = {}
        self.poll_generation = 0
        self.swallow_next_delivery = False  # hand the next updates out, but never answer
        self.repeat_webhook = 0  # deliver the next N webhook updates again although answered 200
        self.deleted: list[tuple[int, int]] = []  # (chat id, message id) the bot deleted
        self.clock_offset = 0.0  # seconds added to "now" when judging a message's age
        self._offline = False
        self._busy = 0
        self._placeholder: socket.socket | None = None
        self._port: int | None = None
        self._conns: set[Any] = set()
        self._closing = False
        self._server: ThreadingHTTPServer | None = None
        self._threads: list[threading.Thread] = []

    # -- server ------------------------------------------------------------------------------
    def start(self) -> "BotAPIEmulator":
        self._listen(0)
        w = threading.Thread(target=self._webhook_loop, name="botapi-webhook", daemon=True)
        w.start()
        self._threads.append(w)
        return self

    def _listen(self, port: int) -> None:
        emu = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out as separate writes

            def setup(self) -> None:
                super().setup()
                with emu.cond:
                    emu._conns.add(self.connection)

            def finish(self) -> None:
                with emu.cond:
                    emu._conns.discard(self.connection)
                try:
                    super().finish()
                except OSError:
                    pass

            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def do_POST(self) -> None:
                emu._serve_or_cut(self)

            def do_GET(self) -> None:
                emu._serve_or_cut(self)

        deadline = time.monotonic() + 10
        while True:
            try:
                self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
                break
            except OSError:  # the same port again, just closed: give the kernel a moment
                if not port or time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        self._server.daemon_threads = True
        self._port = self._server.server_address[1]
        t = threading.Thread(target=self._server.serve_forever, name="botapi-emulator", daemon=True)
        t.start()
        self._threads.append(t)

    def offline(self) -> None:
        """Telegram unreachable: the port closes (connection refused) and every open connection,
        a waiting getUpdates included, is cut without an answer. Updates injected meanwhile wait."""
        with self.cond:
            self._offline = True
            self.cond.notify_all()
            while self._busy:  # calls already taken are answered: no message half-sent
                self.cond.wait(0.1)
            conns = list(self._conns)
        if self._server:
            self._server.shutdown()
            self._server.server_close()
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        # Keep the port: bound but not listening, a connection is refused (as with nothing
        # there), and no other program (a parallel test run) can take it meanwhile.
        self._placeholder = socket.socket()
        self._placeholder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        deadline = time.monotonic() + 10
        while True:
            try:
                self._placeholder.bind(("127.0.0.1", self._port))
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def online(self) -> None:
        """Reachable again, on the same port."""
        assert self._port is not None
        with self.cond:
            self._offline = False
        if self._placeholder is not None:
            self._placeholder.close()
            self._placeholder = None
        self._listen(self._port)
        with self.cond:
            self.cond.notify_all()

    def stop(self) -> None:
        with self.cond:
            self._closing = True
            self.cond.notify_all()
        if self._server and not self._offline:
            self._server.shutdown()
            self._server.server_close()
        if self._placeholder is not None:
            self._placeholder.close()

    @property
    def port(self) -> int:
        assert self._port is not None
        return self._port

    @property
    def api_url(self) -> str:
        """For TELEGRAM_API_URL: the token and method follow it."""
        return f"http://127.0.0.1:{self.port}/bot"

    # -- request handling ----------------------------------------------------------------------
    def _serve_or_cut(self, h: BaseHTTPRequestHandler) -> None:
        try:
            self._serve(h)
        except Offline:  # unreachable: the connection is cut, nothing is answered
            h.close_connection = True
            try:
                h.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def _serve(self, h: BaseHTTPRequestHandler) -> None:
        m = re.match(r"^/bot([^/]+)/([A-Za-z]+)$", h.path.split("?")[0])
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length) if length else b""
        if not m:
            return self._reply(h, 404, {"ok": False, "error_code": 404, "description": "Not Found"})
        token, method = m.group(1), m.group(2)
        if token != self.token:
            return self._reply(h, 401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
        params = self._params(h, body)
        with self.cond:
            if self._offline:  # a request that slipped in as the port closed: cut, no answer
                raise Offline()
            self.calls.append((time.monotonic(), method, params))
            fault = None
            queue = self.faults.get(method)
            if queue:
                for f in list(queue):
                    if f.matches(params):
                        queue.remove(f)
                        fault = f
                        break
        if fault is not None:
            if fault.kind == "429":
                return self._reply(h, 429, {"ok": False, "error_code": 429,
                                            "description": f"Too Many Requests: retry after {fault.retry_after}",
                                            "parameters": {"retry_after": fault.retry_after}})
            if fault.kind == "403":  # the person blocked the bot
                return self._reply(h, 403, {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"})
            if fault.kind == "500":
                return self._reply(h, 500, {"ok": False, "error_code": 500, "description": "Internal Server Error"})
            if fault.kind == "502":
                return self._reply(h, 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"})
            if fault.kind == "drop":  # the request never gets an answer (until the client gives up)
                if method == "getUpdates":  # ...after Telegram handed the updates out
                    with self.cond:
                        for u in self.pending:
                            self.delivered[u["update_id"]] += 1
                deadline = time.monotonic() + (fault.seconds or 60)
                with self.cond:
                    while not self._closing and time.monotonic() < deadline:
                        self.cond.wait(0.1)
                return
            if fault.kind == "slow":
                time.sleep(fault.seconds)
        fn = getattr(self, "m_" + method, None)
        if fn is None:
            return self._reply(h, 404, {"ok": False, "error_code": 404, "description": "Not Found: method not found"})
        counted = method != "getUpdates"  # (a long poll notices an outage by itself)
        with self.cond:
            if self._offline:  # went away while this request waited (a slow answer)
                raise Offline()
            if counted:
                self._busy += 1  # offline() lets a call it already took finish and be heard
        try:
            try:
                result = fn(params)
            except ApiError as e:
                return self._reply(h, e.code, {"ok": False, "error_code": e.code, "description": e.description})
            except Offline:
                raise
            except Swallowed:  # as if the connection broke after Telegram sent the answer
                with self.cond:
                    while not self._closing:
                        self.cond.wait(0.2)
                return
            self._reply(h, 200, {"ok": True, "result": result})
        finally:
            if counted:
                with self.cond:
                    self._busy -= 1
                    self.cond.notify_all()

    @staticmethod
    def _params(h: BaseHTTPRequestHandler, body: bytes) -> dict[str, Any]:
        ctype = (h.headers.get("Content-Type") or "").split(";")[0].strip()
        if not body:
            return {}
        if ctype == "application/json":
            return json.loads(body)
        if ctype == "multipart/form-data":  # file uploads: a file field becomes {"filename", "data"}
            from email.parser import BytesParser
            from email.policy import HTTP

            head = b"Content-Type: " + (h.headers.get("Content-Type") or "").encode() + b"\r\n\r\n"
            form: dict[str, Any] = {}
            for part in BytesParser(policy=HTTP).parsebytes(head + body).iter_parts():
                name = part.get_param("name", header="content-disposition")
                data = part.get_payload(decode=True) or b""
                if part.get_filename():
                    form[name] = {"filename": part.get_filename(), "data": data}
                    continue
                val: Any = data.decode()
                if val[:1] in "[{" or val in ("true", "false", "null"):
                    try:
                        val = json.loads(val)
                    except ValueError:
                        pass
                form[name] = val
            return form
        out: dict[str, Any] = {}
        for k, v in parse_qs(body.decode(), keep_blank_values=True).items():
            val: Any = v[-1]
            if val[:1] in "[{" or val in ("true", "false", "null"):
                try:
                    val = json.loads(val)
                except ValueError:
                    pass
            out[k] = val
        return out

    @staticmethod
    def _reply(h: BaseHTTPRequestHandler, code: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        try:
            h.send_response(code)
            h.send_header("Content-Type", "application/json")
            h.send_header("Content-Length", str(len(data)))
            h.end_headers()
            h.wfile.write(data)
        except OSError:  # the client is gone (killed): nothing to do
            pass

    # -- Bot API methods -----------------------------------------------------------------------
    def m_getMe(self, p: dict[str, Any]) -> dict[str, Any]:
        return self.bot_user

    def m_close(self, p: dict[str, Any]) -> bool:
        return True

    def m_logOut(self, p: dict[str, Any]) -> bool:
        return True

    def m_getUpdates(self, p: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(p.get("offset") or 0)
        timeout = min(float(p.get("timeout") or 0), self.max_poll_wait)
        limit = int(p.get("limit") or 100)
        with self.cond:
            if self.webhook["url"]:
                raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first")
            self.poll_generation += 1
            me = self.poll_generation
            if offset:
                self._confirm_below(offset)
            deadline = time.monotonic() + timeout
            while not self.pending and not self._closing:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self.cond.wait(min(left, 0.5))
                if self.poll_generation != me:
                    raise ApiError(409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running")
                if self._offline:
                    raise Offline()
            out = self.pending[:limit]
            for u in out:
                self.delivered[u["update_id"]] += 1
            if out and self.swallow_next_delivery:
                self.swallow_next_delivery = False
                raise Swallowed()
            return json.loads(json.dumps(out))

    def _confirm_below(self, offset: int) -> None:
        keep = []
        for u in self.pending:
            if u["update_id"] < offset:
                self.confirmed.append(u["update_id"])
            else:
                keep.append(u)
        self.pending = keep

    def m_setWebhook(self, p: dict[str, Any]) -> bool:
        with self.cond:
            self.webhook = {"url": p.get("url") or "", "secret_token": p.get("secret_token") or None,
                            "allowed_updates": p.get("allowed_updates")}
            if str(p.get("drop_pending_updates")).lower() == "true":
                self.pending.clear()
            self.cond.notify_all()
        return True

    def m_deleteWebhook(self, p: dict[str, Any]) -> bool:
        with self.cond:
            self.webhook = {"url": "", "secret_token": None}
            if str(p.get("drop_pending_updates")).lower() == "true":
                self.pending.clear()
            self.cond.notify_all()
        return True

    def m_getWebhookInfo(self, p: dict[str, Any]) -> dict[str, Any]:
        with self.cond:
            return {"url": self.webhook["url"], "has_custom_certificate": False,
                    "pending_update_count": len(self.pending)}

    def _chat(self, chat_id: Any) -> dict[str, Any]:
        cid = int(chat_id)
        return self.chats.get(cid) or {"id": cid, "type": "private", "first_name": "User"}

    def _deliver(self, cid: int, fields: dict[str, Any], p: dict[str, Any]) -> dict[str, Any]:
        """Record a message the bot sends (under self.cond)."""
        if cid in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        thread = p.get("message_thread_id")
        if thread not in (None, ""):
            thread = int(thread)
            topic = self.topics.get((cid, thread))
            if topic is None:
                raise ApiError(400, "Bad Request: message thread not found")
            # a closed topic still takes messages from admins (the bot is one)
        self.next_message_id[cid] += 1
        msg = {"message_id": self.next_message_id[cid], "date": int(time.time()), "chat": self._chat(cid),
               "from": self.bot_user, **fields}
        if thread not in (None, ""):
            msg["message_thread_id"] = thread
            msg["is_topic_message"] = True
        msg["_t"] = time.monotonic()
        self.messages.append(msg)
        self.by_id[(cid, msg["message_id"])] = msg
        self.cond.notify_all()
        return msg

    def m_sendMessage(self, p: dict[str, Any]) -> dict[str, Any]:
        text = p.get("text") or ""
        if not str(text).strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        markup = p.get("reply_markup")
        if isinstance(markup, dict):
            for row in markup.get("inline_keyboard", []):
                for b in row:
                    if "callback_data" in b and len(b["callback_data"].encode()) > 64:
                        raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        with self.cond:
            cid = int(p["chat_id"])
            fields: dict[str, Any] = {"text": text}
            if isinstance(markup, dict) and markup.get("inline_keyboard"):
                fields["reply_markup"] = markup
            reply = p.get("reply_parameters")
            if isinstance(reply, dict):
                fields["_reply_to"] = reply.get("message_id")
            msg = self._deliver(cid, fields, p)
            return {k: v for k, v in msg.items() if not k.startswith("_")}

    def _send_file(self, p: dict[str, Any], field: str) -> dict[str, Any]:
        upload = p.get(field)
        if not isinstance(upload, dict) or not upload.get("data"):
            raise ApiError(400, f"Bad Request: there is no {field} in the request")
        caption = p.get("caption") or ""
        if len(caption) > 1024:
            raise ApiError(400, "Bad Request: message caption is too long")
        with self.cond:
            cid = int(p["chat_id"])
            self.next_message_id[cid] += 1
            msg = {"message_id": self.next_message_id[cid], "date": int(time.time()), "chat": self._chat(cid),
                   "from": self.bot_user, field: {"file_id": f"F{len(self.messages)}", "file_name": upload["filename"],
                                                 "file_size": len(upload["data"])}}
            if caption:
                msg["caption"] = caption
            markup = p.get("reply_markup")
            if isinstance(markup, dict) and markup.get("inline_keyboard"):
                msg["reply_markup"] = markup
            msg["_file"] = upload
            msg["_t"] = time.monotonic()
            self.messages.append(msg)
            self.by_id[(cid, msg["message_id"])] = msg
            self.cond.notify_all()
            out = {k: v for k, v in msg.items() if not k.startswith("_")}
            if field == "photo":  # Telegram answers a photo as its sizes
                out["photo"] = [{"file_id": msg["photo"]["file_id"], "file_unique_id": "u" + msg["photo"]["file_id"],
                                 "width": 100, "height": 100}]
            elif field == "document":
                out["document"] = {**msg["document"], "file_unique_id": "u" + msg["document"]["file_id"]}
            return out

    def m_sendDocument(self, p: dict[str, Any]) -> dict[str, Any]:
        return self._send_file(p, "document")

    def m_sendPhoto(self, p: dict[str, Any]) -> dict[str, Any]:
        return self._send_file(p, "photo")

    # -- forum topics and the handoff ------------------------------------------------------------
    def m_createForumTopic(self, p: dict[str, Any]) -> dict[str, Any]:
        with self.cond:
            cid = int(p["chat_id"])
            chat = self.chats.get(cid)
            if not chat or not chat.get("is_forum"):
                raise ApiError(400, "Bad Request: the chat is not a forum")
            name = str(p.get("name") or "")
            if not 1 <= len(name) <= 128:
                raise ApiError(400, "Bad Request: invalid topic name")
            self.next_message_id[cid] += 1
            thread = self.next_message_id[cid]  # a topic's id is the id of its creation message
            self.topics[(cid, thread)] = {"name": name, "closed": False}
            self.cond.notify_all()
            return {"message_thread_id": thread, "name": name, "icon_color": 7322096}

    def m_closeForumTopic(self, p: dict[str, Any]) -> bool:
        with self.cond:
            topic = self.topics.get((int(p["chat_id"]), int(p["message_thread_id"])))
            if topic is None:
                raise ApiError(400, "Bad Request: TOPIC_ID_INVALID")
            if topic["closed"]:
                raise ApiError(400, "Bad Request: TOPIC_NOT_MODIFIED")
            topic["closed"] = True
            self.cond.notify_all()
            return True

    def m_getChatMember(self, p: dict[str, Any]) -> dict[str, Any]:
        with self.cond:
            cid, uid = int(p["chat_id"]), int(p["user_id"])
            user = self.users.get(uid) or {"id": uid, "is_bot": False, "first_name": "User"}
            return {"status": "member" if uid in self.members[cid] else "left", "user": user}

    def m_getChat(self, p: dict[str, Any]) -> dict[str, Any]:
        with self.cond:
            cid = int(p["chat_id"])
            chat = dict(self._chat(cid))
            user = self.users.get(cid)
            if user and chat.get("type") == "private":
                chat.update({k: user[k] for k in ("first_name", "last_name", "username") if k in user})
            gifts = dict.fromkeys(("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription", "gifts_from_channels"), False)
            return {**chat, "accent_color_id": 0, "max_reaction_count": 11, "accepted_gift_types": gifts}

    def m_copyMessage(self, p: dict[str, Any]) -> dict[str, Any]:
        with self.cond:
            src_chat, src_id = int(p["from_chat_id"]), int(p["message_id"])
            src = self.injected.get((src_chat, src_id)) or self.by_id.get((src_chat, src_id))
            if src is None:
                raise ApiError(400, "Bad Request: message to copy not found")
            fields = {k: v for k, v in src.items()
                      if k not in ("message_id", "date", "chat", "from", "message_thread_id", "is_topic_message", "reply_markup")
                      and not k.startswith("_")}
            if p.get("caption") is not None:
                if "text" in fields or "location" in fields or "sticker" in fields:
                    raise ApiError(400, "Bad Request: there is no caption in the message")
                fields["caption"] = p["caption"]
            fields["_copied_from"] = (src_chat, src_id)
            msg = self._deliver(int(p["chat_id"]), fields, p)
            return {"message_id": msg["message_id"]}

    def forum(self, chat_id: int, title: str = "Petugas Kasus") -> dict[str, Any]:
        chat = {"id": chat_id, "type": "supergroup", "title": title, "is_forum": True}
        self.chats[chat_id] = chat
        return chat

    def in_topic(self, user: dict[str, Any], chat: dict[str, Any], thread: int, text: str | None = None, **fields: Any) -> int:
        """A message in a forum topic (text, or media fields such as photo=...)."""
        body: dict[str, Any] = dict(fields)
        if text is not None:
            body["text"] = text
            ents = self._entities(text)
            if ents:
                body["entities"] = ents
        body.update({"message_thread_id": thread, "is_topic_message": True})
        return self._push("message", self._message(user, chat, **body))

    def topic_messages(self, chat_id: int, thread: int) -> list[dict[str, Any]]:
        with self.cond:
            return [m for m in self.messages if m["chat"]["id"] == chat_id and m.get("message_thread_id") == thread]

    def _find(self, p: dict[str, Any]) -> dict[str, Any]:
        msg = self.by_id.get((int(p.get("chat_id") or 0), int(p.get("message_id") or 0)))
        if msg is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        return msg

    def m_editMessageReplyMarkup(self, p: dict[str, Any]) -> dict[str, Any]:
        with self.cond:
            msg = self._find(p)
            markup = p.get("reply_markup") if isinstance(p.get("reply_markup"), dict) else None
            if (markup or None) == (msg.get("reply_markup") or None) or (
                not msg.get("reply_markup") and not (markup or {}).get("inline_keyboard")
            ):
                raise ApiError(400, "Bad Request: message is not modified")
            if markup and markup.get("inline_keyboard"):
                msg["reply_markup"] = markup
            else:
                msg.pop("reply_markup", None)
            self.edits.append({"method": "editMessageReplyMarkup", "chat_id": msg["chat"]["id"],
                               "message_id": msg["message_id"], "reply_markup": markup})
            self.cond.notify_all()
            return {k: v for k, v in msg.items() if not k.startswith("_")}

    def m_editMessageText(self, p: dict[str, Any]) -> dict[str, Any]:
        with self.cond:
            msg = self._find(p)
            msg["text"] = p.get("text") or msg["text"]
            if isinstance(p.get("reply_markup"), dict):
                msg["reply_markup"] = p["reply_markup"]
            self.edits.append({"method": "editMessageText", "chat_id": msg["chat"]["id"],
                               "message_id": msg["message_id"], "text": msg["text"]})
            self.cond.notify_all()
            return {k: v for k, v in msg.items() if not k.startswith("_")}

    def _deletable(self, cid: int, mid: int) -> dict[str, Any] | None:
        """A message the bot sent in this chat, not deleted, under 48 hours old (under self.cond)."""
        msg = self.by_id.get((cid, mid))
        if msg is None or msg.get("_deleted") or msg.get("from", {}).get("id") != BOT_ID:
            return None
        if time.time() + self.clock_offset - msg["date"] >= 48 * 3600:
            return None
        return msg

    def m_deleteMessage(self, p: dict[str, Any]) -> bool:
        with self.cond:
            cid, mid = int(p["chat_id"]), int(p["message_id"])
            msg = self._deletable(cid, mid)
            if msg is None:
                raise ApiError(400, "Bad Request: message can't be deleted")
            msg["_deleted"] = True
            self.deleted.append((cid, mid))
            self.cond.notify_all()
            return True

    def m_deleteMessages(self, p: dict[str, Any]) -> bool:
        ids = p.get("message_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise ApiError(400, "Bad Request: message_ids must have 1-100 elements")
        with self.cond:
            cid = int(p["chat_id"])
            for mid in ids:  # messages that cannot be deleted are skipped, as Telegram does
                msg = self._deletable(cid, int(mid))
                if msg is not None:
                    msg["_deleted"] = True
                    self.deleted.append((cid, int(mid)))
            self.cond.notify_all()
            return True

    def age(self, seconds: float) -> None:
        """Every message is now `seconds` older (for the 48-hour limit on deleting)."""
        with self.cond:
            self.clock_offset += seconds

    def visible_to(self, chat_id: int) -> list[dict[str, Any]]:
        """What the bot sent to this chat and has not deleted."""
        with self.cond:
            return [m for m in self.messages if m["chat"]["id"] == chat_id and not m.get("_deleted")]

    def m_answerCallbackQuery(self, p: dict[str, Any]) -> bool:
        with self.cond:
            self.callback_answers.append(dict(p))
            self.cond.notify_all()
        return True

    def m_setMyCommands(self, p: dict[str, Any]) -> bool:
        cmds = p.get("commands")
        if not isinstance(cmds, list) or not all(re.match(r"^[a-z0-9_]{1,32}$", c.get("command", "")) for c in cmds):
            raise ApiError(400, "Bad Request: invalid commands")
        with self.cond:
            self.commands[p.get("language_code") or ""] = cmds
        return True

    def m_getMyCommands(self, p: dict[str, Any]) -> list[dict[str, str]]:
        return self.commands.get(p.get("language_code") or "", [])

    def m_deleteMyCommands(self, p: dict[str, Any]) -> bool:
        with self.cond:
            self.commands.pop(p.get("language_code") or "", None)
        return True

    def m_sendChatAction(self, p: dict[str, Any]) -> bool:
        return True

    # -- webhook delivery ----------------------------------------------------------------------
    def _webhook_loop(self) -> None:
        while True:
            with self.cond:
                while not self._closing and (self._offline or not (self.webhook["url"] and self.pending)):
                    self.cond.wait(0.5)
                if self._closing:
                    return
                update = self.pending[0]
                url, secret = self.webhook["url"], self.webhook["secret_token"]
            status = self._post(url, secret, update)
            with self.cond:
                self.webhook_posts.append((update["update_id"], status))
                self.delivered[update["update_id"]] += 1
                if 200 <= status < 300 and self.repeat_webhook > 0:
                    self.repeat_webhook -= 1  # the bot's 200 "got lost": Telegram delivers it again
                    continue
                if 200 <= status < 300 and self.pending and self.pending[0] is update:
                    self.pending.pop(0)
                    self.confirmed.append(update["update_id"])
                    self.cond.notify_all()
                    continue
            time.sleep(0.2)  # Telegram retries later

    @staticmethod
    def _post(url: str, secret: str | None, update: dict[str, Any]) -> int:
        req = urllib.request.Request(url, data=json.dumps(update).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
        if secret:
            req.add_header("X-Telegram-Bot-Api-Secret-Token", secret)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status
        except urllib.error.HTTPError as e:
            return e.code
        except OSError:
            return 0

    # -- faults --------------------------------------------------------------------------------
    def fail(self, method: str, kind: str, times: int = 1, **kw: Any) -> None:
        with self.cond:
            for _ in range(times):
                self.faults[method].append(Fault(kind, **kw))

    # -- injecting updates -----------------------------------------------------------------------
    def _push(self, key: str, obj: dict[str, Any]) -> int:
        with self.cond:
            self.next_update_id += 1
            uid = self.next_update_id
            self.pending.append({"update_id": uid, key: obj})
            self.cond.notify_all()
            return uid

    def raw_update(self, body: dict[str, Any]) -> int:
        with self.cond:
            self.next_update_id += 1
            uid = self.next_update_id
            self.pending.append({"update_id": uid, **body})
            self.cond.notify_all()
            return uid

    @staticmethod
    def user(uid: int, lang: str | None = "id", name: str = "Tester") -> dict[str, Any]:
        u = {"id": uid, "is_bot": False, "first_name": name}
        if lang:
            u["language_code"] = lang
        return u

    def group(self, chat_id: int, title: str = "Grup Desa") -> dict[str, Any]:
        chat = {"id": chat_id, "type": "supergroup", "title": title}
        self.chats[chat_id] = chat
        return chat

    def _message(self, user: dict[str, Any], chat: dict[str, Any] | None, **fields: Any) -> dict[str, Any]:
        chat = chat or {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        self.chats.setdefault(chat["id"], chat)
        with self.cond:
            self.users.setdefault(user["id"], user)
            self.next_message_id[chat["id"]] += 1
            mid = self.next_message_id[chat["id"]]
            msg = {"message_id": mid, "date": int(time.time()), "chat": chat, "from": user, **fields}
            self.injected[(chat["id"], mid)] = msg
        return msg

    @staticmethod
    def _entities(text: str) -> list[dict[str, Any]]:
        ents = []
        m = re.match(r"^/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?", text)
        if m:
            ents.append({"type": "bot_command", "offset": 0, "length": len(m.group(0))})
        for m in re.finditer(r"(?<![\w/])@[A-Za-z0-9_]{5,32}", text):
            ents.append({"type": "mention", "offset": m.start(), "length": len(m.group(0))})
        return ents

    def send_text(self, user: dict[str, Any], text: str, chat: dict[str, Any] | None = None) -> int:
        fields: dict[str, Any] = {"text": text}
        ents = self._entities(text)
        if ents:
            fields["entities"] = ents
        return self._push("message", self._message(user, chat, **fields))

    def send_media(self, user: dict[str, Any], kind: str, caption: str | None = None,
                   chat: dict[str, Any] | None = None) -> int:
        file = {"file_id": "F" + kind, "file_unique_id": "U" + kind}
        payloads: dict[str, Any] = {
            "photo": [dict(file, width=90, height=90), dict(file, width=800, height=800)],
            "sticker": dict(file, type="regular", width=512, height=512, is_animated=False, is_video=False, emoji="👍"),
            "voice": dict(file, duration=3),
            "video": dict(file, width=640, height=480, duration=5),
            "video_note": dict(file, length=240, duration=5),
            "audio": dict(file, duration=5),
            "document": dict(file, file_name="tawaran.pdf"),
            "location": {"latitude": -6.2, "longitude": 106.8},
            "contact": {"phone_number": "+620000000", "first_name": "Agen"},
        }
        fields: dict[str, Any] = {kind: payloads[kind]}
        if caption is not None:
            fields["caption"] = caption
        return self._push("message", self._message(user, chat, **fields))

    def edit_text(self, user: dict[str, Any], message_id: int, text: str) -> int:
        msg = {"message_id": message_id, "date": int(time.time()), "edit_date": int(time.time()),
               "chat": {"id": user["id"], "type": "private", "first_name": user["first_name"]},
               "from": user, "text": text}
        return self._push("edited_message", msg)

    def channel_post(self, chat_id: int, text: str) -> int:
        chat = {"id": chat_id, "type": "channel", "title": "Kanal"}
        return self._push("channel_post", {"message_id": 5, "date": int(time.time()), "chat": chat, "text": text})

    def press(self, user: dict[str, Any], data: Any, message: dict[str, Any] | None = None) -> int:
        """A press of a button with `data` under `message` (a message the bot sent)."""
        cq: dict[str, Any] = {"id": f"cq{time.monotonic_ns()}", "from": user, "chat_instance": "ci1"}
        if data is not None:
            cq["data"] = data
        if message is not None:
            cq["message"] = {k: v for k, v in message.items() if not k.startswith("_")}
        return self._push("callback_query", cq)

    # -- reading what the bot did ----------------------------------------------------------------
    def wait_until(self, pred: Callable[[], Any], timeout: float = 5.0) -> Any:
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                value = pred()
                if value:
                    return value
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("emulator: condition not met in time")
                self.cond.wait(min(left, 0.2))

    def sent_to(self, chat_id: int) -> list[dict[str, Any]]:
        with self.cond:
            return [m for m in self.messages if m["chat"]["id"] == chat_id]

    def method_calls(self, method: str) -> list[dict[str, Any]]:
        with self.cond:
            return [p for _, m, p in self.calls if m == method]


class Swallowed(Exception):
    pass


class Offline(Exception):
    """Telegram is unreachable: the connection is cut without an answer."""


class ApiError(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
