"""An in-memory store with the same interface, for tests and throwaway chats."""
from __future__ import annotations

import copy
import datetime as _dt
from typing import Any


class MemoryStore:
    def __init__(self) -> None:
        self.sessions: dict[str, dict[str, Any]] = {}
        self._counters: dict[tuple[str, str, str], int] = {}

    def load_session(self, user_id: str) -> dict[str, Any] | None:
        s = self.sessions.get(user_id)
        return copy.deepcopy(s) if s is not None else None

    def save_session(self, user_id: str, session: dict[str, Any]) -> None:
        self.sessions[user_id] = copy.deepcopy(session)

    def delete_user(self, user_id: str) -> bool:
        return self.sessions.pop(user_id, None) is not None

    def count(self, kind: str, label: str, n: int = 1) -> None:
        day = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d")
        key = (day, kind, label[:64])
        self._counters[key] = self._counters.get(key, 0) + n

    def counters(self, kind: str | None = None) -> list[tuple[str, str, str, int]]:
        return sorted((d, k, l, n) for (d, k, l), n in self._counters.items() if kind in (None, k))

    def close(self) -> None:
        pass
