"""The Bot API emulator behind a load balancer: webhook deliveries spread over several bot
instances at random (seeded), several at a time (Telegram's max_connections), one at a time per
chat (Telegram does not hand out a chat's next update before the last one was answered), and a
share of them posted to two instances at once (a load balancer's retry, Telegram's re-delivery).
An update is confirmed once any instance answers 2xx; a refused or failed post is retried."""
from __future__ import annotations

import random
import threading
import time
from typing import Any

from emulator import BotAPIEmulator


def chat_of(update: dict[str, Any]) -> int | None:
    for key in ("message", "edited_message"):
        if key in update:
            return update[key]["chat"]["id"]
    cq = update.get("callback_query")
    if cq:
        msg = cq.get("message") or {}
        return (msg.get("chat") or {}).get("id") or cq["from"]["id"]
    return None


class ClusterEmulator(BotAPIEmulator):
    def __init__(self, token: str, targets: list[str], connections: int = 8, twice: float = 0.1, seed: int = 14) -> None:
        super().__init__(token)
        self.targets = list(targets)
        self.connections = connections
        self.twice = twice
        self.rng = random.Random(seed)
        self.posting: set[int] = set()  # update ids being posted
        self.busy_chats: set[int] = set()
        self.retry_at: dict[int, float] = {}
        self.doubled: list[int] = []  # update ids posted to two instances at once

    def _webhook_loop(self) -> None:
        for i in range(self.connections - 1):
            t = threading.Thread(target=self._worker, name=f"botapi-webhook-{i}", daemon=True)
            t.start()
            self._threads.append(t)
        self._worker()

    def _next(self) -> dict[str, Any] | None:
        now = time.monotonic()
        seen: set[Any] = set()
        for u in self.pending:
            c = chat_of(u)
            first_of_chat = c not in seen
            seen.add(c)
            if not first_of_chat or c in self.busy_chats or u["update_id"] in self.posting:
                continue
            if self.retry_at.get(u["update_id"], 0) > now:
                continue
            return u
        return None

    def _post_into(self, statuses: list[int], url: str, secret: str | None, update: dict[str, Any]) -> None:
        statuses.append(self._post(url, secret, update))

    def _worker(self) -> None:
        while True:
            with self.cond:
                while True:
                    if self._closing:
                        return
                    update = self._next() if self.webhook["url"] else None
                    if update is not None:
                        break
                    self.cond.wait(0.1)
                uid, chat = update["update_id"], chat_of(update)
                self.posting.add(uid)
                self.busy_chats.add(chat)
                secret = self.webhook["secret_token"]
                if len(self.targets) > 1 and self.rng.random() < self.twice:
                    targets = self.rng.sample(self.targets, 2)
                    self.doubled.append(uid)
                else:
                    targets = [self.rng.choice(self.targets)]
            statuses: list[int] = []
            posts = [threading.Thread(target=self._post_into, args=(statuses, url, secret, update)) for url in targets]
            for t in posts:
                t.start()
            for t in posts:
                t.join()
            with self.cond:
                for status in statuses:
                    self.webhook_posts.append((uid, status))
                    self.delivered[uid] += 1
                self.posting.discard(uid)
                self.busy_chats.discard(chat)
                if any(200 <= s < 300 for s in statuses):
                    if update in self.pending:
                        self.pending.remove(update)
                        self.confirmed.append(uid)
                    self.retry_at.pop(uid, None)
                else:
                    self.retry_at[uid] = time.monotonic() + 0.2  # Telegram retries later
                self.cond.notify_all()
