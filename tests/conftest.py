import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
sys.path.insert(0, str(ROOT))
# this project's own tests hold the content to `content check --strict`: every text in every language
os.environ.setdefault("BOT_CONTENT_STRICT", "1")


@pytest.fixture(scope="session")
def content():
    from bot.content_loader import load_content

    return load_content(CONTENT)


@pytest.fixture
def engine(content):
    from bot.app import make_tools
    from bot.engine import Engine
    from bot.store import MemoryStore

    store = MemoryStore()
    return Engine(content, store, tools=make_tools(content, store))


@pytest.fixture
def content_copy(tmp_path):
    """A writable copy of the real content, to break in tests."""
    dst = tmp_path / "content"
    shutil.copytree(CONTENT, dst)
    return dst
