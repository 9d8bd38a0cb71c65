from bot.store.base import Store
from bot.store.memory import MemoryStore
from bot.store.sqlite import SQLiteStore, open_store

__all__ = ["Store", "MemoryStore", "SQLiteStore", "open_store"]
