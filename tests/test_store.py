from bot.store import MemoryStore, SQLiteStore


def test_sqlite_session_survives_reopen(tmp_path):
    path = tmp_path / "bot.sqlite3"
    s = SQLiteStore(path)
    s.save_session("tg:424242", {"lang": "en", "module": "help", "node": "where"})
    s.close()
    s2 = SQLiteStore(path)
    assert s2.load_session("tg:424242") == {"lang": "en", "module": "help", "node": "where"}
    assert s2.load_session("tg:1") is None


def test_sqlite_never_holds_the_raw_user_id(tmp_path):
    path = tmp_path / "bot.sqlite3"
    s = SQLiteStore(path)
    s.save_session("tg:987654321", {"lang": "id"})
    s.count("referral", "desa_sukamaju")
    s.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert b"987654321" not in raw


def test_delete_user_removes_everything_about_them(tmp_path):
    s = SQLiteStore(tmp_path / "bot.sqlite3")
    s.save_session("tg:5", {"lang": "id", "country": "KH"})
    s.save_session("tg:6", {"lang": "en"})
    assert s.delete_user("tg:5") is True
    assert s.load_session("tg:5") is None
    assert s.load_session("tg:6") == {"lang": "en"}
    assert s.delete_user("tg:5") is False


def test_counters_are_per_day_and_label_without_users(tmp_path):
    for store in (SQLiteStore(tmp_path / "c.sqlite3"), MemoryStore()):
        store.count("module", "help")
        store.count("module", "help")
        store.count("referral", "poster_1")
        rows = store.counters("module")
        assert [(k, l, n) for _, k, l, n in rows] == [("module", "help", 2)]
        assert len(store.counters()) == 2


def test_corrupt_session_row_reads_as_none(tmp_path):
    s = SQLiteStore(tmp_path / "bot.sqlite3")
    s.save_session("tg:7", {"lang": "id"})
    s.conn.execute("UPDATE sessions SET data='{not json'")
    assert s.load_session("tg:7") is None
