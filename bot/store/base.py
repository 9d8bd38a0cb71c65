"""The store interface. The engine and tools talk to this, never to SQL."""
from __future__ import annotations

from typing import Any, Protocol


class Store(Protocol):
    def load_session(self, user_id: str) -> dict[str, Any] | None:
        """The session saved for this user, or None."""

    def save_session(self, user_id: str, session: dict[str, Any]) -> None:
        """Save (replace) the user's session: navigation state only, never message text."""

    def delete_user(self, user_id: str) -> bool:
        """Delete everything kept about this user. True if there was something."""

    def count(self, kind: str, label: str, n: int = 1) -> None:
        """Add to an anonymous counter (per day): no user id goes in."""

    def counters(self, kind: str | None = None) -> list[tuple[str, str, str, int]]:
        """(day, kind, label, count) rows."""

    def close(self) -> None:
        ...
