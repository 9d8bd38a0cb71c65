"""The channel-free conversation engine. No Telegram (or any channel) import in this package."""
from bot.engine.engine import Engine
from bot.engine.events import Button, Event, Reply
from bot.engine.tools import Tool, ToolContext

__all__ = ["Engine", "Event", "Reply", "Button", "Tool", "ToolContext"]
