"""The Telegram adapter (python-telegram-bot v22) over the channel-free engine."""
