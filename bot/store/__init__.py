from bot.store.base import Store
from bot.store.memory import MemoryStore
from bot.store.sqlite import SQLiteStore, is_postgres_url, open_store

__all__ = ["Store", "MemoryStore", "SQLiteStore", "open_store", "is_postgres_url"]
