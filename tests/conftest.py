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


# -- the store on each backend: SQLite, and a real PostgreSQL server (tests/pg_server.py) ---------
TEST_HASH_KEY = "5e" * 32


@pytest.fixture(scope="session")
def pg_server():
    """One PostgreSQL server for the whole test session (skipped locally without binaries;
    a failure in CI, where the PostgreSQL tests must run)."""
    from pg_server import PostgresServer, find_bin_dir, required

    bin_dir = find_bin_dir()
    reason = None
    if bin_dir is None:
        reason = "no PostgreSQL server binaries (initdb, postgres) on PATH or in /usr/lib/postgresql/*/bin"
    else:
        try:
            import psycopg  # noqa: F401
            import psycopg_pool  # noqa: F401
        except ImportError:
            reason = "psycopg is not installed (make setup installs requirements-dev.txt)"
    if reason:
        if required():
            pytest.fail(f"{reason}: the PostgreSQL tests must run in CI (.ci/run installs the server)", pytrace=False)
        pytest.skip(reason)
    server = PostgresServer(bin_dir).start()
    yield server
    server.stop()


_databases = iter(range(1, 1 << 30))


@pytest.fixture
def pg_url(pg_server):
    """A fresh, empty database on the test server, dropped afterwards."""
    name = f"t{os.getpid()}_{next(_databases)}"
    url = pg_server.create_database(name)
    yield url
    pg_server.drop_database(name)


class Backend:
    """Opens stores on one database of one kind; closes them at the end of the test."""

    def __init__(self, kind: str, target: str, key: str = TEST_HASH_KEY) -> None:
        self.kind, self.target, self.key = kind, target, key
        self.opened: list = []

    def open(self):
        if self.kind == "postgres":
            from bot.store.postgres import PostgresStore

            s = PostgresStore(self.target, key=self.key)
        else:
            from bot.store import SQLiteStore

            s = SQLiteStore(self.target, key=self.key)
        self.opened.append(s)
        return s

    def close(self) -> None:
        for s in reversed(self.opened):
            try:
                s.close()
            except Exception:
                pass


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request, tmp_path):
    if request.param == "postgres":
        b = Backend("postgres", request.getfixturevalue("pg_url"))
    else:
        b = Backend("sqlite", str(tmp_path / "bot.sqlite3"))
    yield b
    b.close()


@pytest.fixture
def store(backend):
    """The bot's store, once on SQLite and once on PostgreSQL."""
    return backend.open()
