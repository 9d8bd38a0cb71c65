"""The content loader: reads content/*.yaml, checks it, and gives the engine a Content."""
from bot.content_loader.loader import Content, check_content, load_content
from bot.content_loader.problems import ContentError, Problem

__all__ = ["Content", "ContentError", "Problem", "check_content", "load_content"]
