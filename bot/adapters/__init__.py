"""Adapters: thin layers that carry engine Replies to a channel (terminal, Telegram)."""
