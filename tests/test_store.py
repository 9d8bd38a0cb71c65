"""The store and every part kept in it, one suite run unchanged against SQLite and a real
PostgreSQL server (the `backend` and `store` fixtures of conftest.py; tests/pg_server.py)."""
from __future__ import annotations

import threading

import pytest

from bot.store import MemoryStore, SQLiteStore
from bot.store.migrate import migrate, versions


def table_names(store) -> list[str]:
    if store.db.dialect == "sqlite":
        q = "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
    else:
        q = "SELECT table_name FROM information_schema.tables WHERE table_schema='public'"
    return sorted(r[0] for r in store.db.fetchall(q))


def everything(store) -> str:
    """Every value in every table, as text (to search for what must not be there)."""
    out = []
    for table in table_names(store):
        for row in store.db.fetchall(f"SELECT * FROM {table}"):
            out.append(" ".join(str(v) for v in row))
    return "\n".join(out)


# -- sessions and counters ------------------------------------------------------------------------
def test_session_survives_reopen(backend):
    s = backend.open()
    s.save_session("tg:424242", {"lang": "en", "module": "help", "node": "where"})
    s.close()
    s2 = backend.open()
    assert s2.load_session("tg:424242") == {"lang": "en", "module": "help", "node": "where"}
    assert s2.load_session("tg:1") is None


def test_the_database_never_holds_the_raw_user_id(store):
    store.save_session("tg:987654321", {"lang": "id"})
    store.count("referral", "desa_sukamaju")
    assert "987654321" not in everything(store)
    assert store.user_key("tg:987654321") in everything(store)


def test_delete_user_removes_everything_about_them(store):
    store.save_session("tg:5", {"lang": "id", "country": "KH"})
    store.save_session("tg:6", {"lang": "en"})
    assert store.delete_user("tg:5") is True
    assert store.load_session("tg:5") is None
    assert store.load_session("tg:6") == {"lang": "en"}
    assert store.delete_user("tg:5") is False


def test_counters_are_per_day_and_label_without_users(store):
    for s in (store, MemoryStore()):
        s.count("module", "help")
        s.count("module", "help")
        s.count("referral", "poster_1")
        rows = s.counters("module")
        assert [(k, l, n) for _, k, l, n in rows] == [("module", "help", 2)]
        assert len(s.counters()) == 2


def test_corrupt_session_row_reads_as_none(store):
    store.save_session("tg:7", {"lang": "id"})
    store.db.execute("UPDATE sessions SET data='{not json'")
    assert store.load_session("tg:7") is None


def test_a_transaction_commits_all_or_nothing_and_nests(store):
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.save_session("tg:1", {"lang": "en"})
            with store.transaction():  # joins the outer one
                store.count("module", "help")
            raise RuntimeError("the process dies here")
    assert store.load_session("tg:1") is None and store.counters() == []
    with store.transaction():
        store.save_session("tg:1", {"lang": "en"})
        with store.transaction():
            store.count("module", "help")
        assert store.db.in_transaction
    assert not store.db.in_transaction
    assert store.load_session("tg:1") == {"lang": "en"} and len(store.counters()) == 1


def test_a_transaction_is_one_connection_seen_by_others_only_once_committed(backend):
    a, b = backend.open(), backend.open()
    inside = threading.Event()
    go_on = threading.Event()

    def writer() -> None:
        with a.transaction():
            a.save_session("tg:1", {"lang": "en"})
            inside.set()
            go_on.wait(10)

    t = threading.Thread(target=writer)
    t.start()
    assert inside.wait(10)
    if backend.kind == "postgres":  # another instance does not see the uncommitted change
        assert b.load_session("tg:1") is None
    go_on.set()
    t.join(10)
    assert b.load_session("tg:1") == {"lang": "en"}


def test_a_person_lock_is_held_until_the_transaction_ends(backend):
    """PostgreSQL: one person's updates, one at a time across instances; SQLite: one process
    owns the file and its transactions are already one at a time."""
    a, b = backend.open(), backend.open()
    order: list[str] = []
    locked = threading.Event()
    release = threading.Event()

    def first() -> None:
        with a.transaction():
            a.lock_person("tg:1")
            locked.set()
            release.wait(10)
            order.append("first done")

    def second() -> None:
        locked.wait(10)
        with b.transaction():
            b.lock_person("tg:1")
            order.append("second in")

    t1, t2 = threading.Thread(target=first), threading.Thread(target=second)
    t1.start()
    t2.start()
    assert locked.wait(10)
    if backend.kind == "postgres":
        with b.transaction():
            b.lock_person("tg:2")  # someone else is not held up
            order.append("other person")
    release.set()
    t1.join(10)
    t2.join(10)
    assert order[-2:] == ["first done", "second in"]


# -- migrations -----------------------------------------------------------------------------------
def test_migrations_are_versioned_and_run_once(backend):
    s = backend.open()
    have = versions(s.db)
    assert have["store"] == 1
    ran = []
    steps = [["CREATE TABLE IF NOT EXISTS demo (k TEXT PRIMARY KEY, n INTEGER NOT NULL)"],
             lambda db: ran.append(db.dialect)]
    assert migrate(s.db, "demo", steps) == 2
    assert migrate(s.db, "demo", steps) == 0
    assert migrate(backend.open().db, "demo", steps) == 0
    assert ran == [backend.kind] and versions(s.db)["demo"] == 2
    s.db.execute("INSERT INTO demo(k, n) VALUES(?, ?)", ("a", 2**40))  # INTEGER holds Telegram's 64-bit ids
    assert s.db.fetchone("SELECT n FROM demo WHERE k=?", ("a",)) == (2**40,)


def test_a_failed_migration_step_leaves_nothing_half_done(backend):
    s = backend.open()

    def broken(db) -> None:
        db.execute("CREATE TABLE half (k TEXT)")
        raise RuntimeError("step fails")

    with pytest.raises(RuntimeError):
        migrate(s.db, "broken", [["CREATE TABLE IF NOT EXISTS whole (k TEXT)"], broken])
    assert "broken" not in versions(s.db)
    assert "whole" not in table_names(s) and "half" not in table_names(s)


# -- the parts kept in the store: journal, registry, reach, alerts, handoff cases ----------------
def test_journal_records_once_and_resumes_what_was_not_sent(backend):
    from bot.adapters.telegram.journal import Journal

    store = backend.open()
    j = Journal(store)
    ops = [{"op": "send", "chat_id": 5, "text": "a"}, {"op": "send", "chat_id": 5, "text": "b"}]
    fp = j.fingerprint({"update_id": 10, "message": {"text": "x"}})
    assert not j.seen(10, fp)
    with store.transaction():
        store.save_session("tg:5", {"lang": "id"})
        assert j.record(10, ops, fp) is True
    assert j.record(10, ops, fp) is False  # a second delivery of the same update
    assert j.seen(10, fp) and not j.seen(10, "other")
    j.accepted(10, ops[1:])
    j.close()  # the process stops with a reply unsent: the next run (another instance) sends it
    j = Journal(store)
    assert j.unfinished() == [(10, ops[1:], 0)]
    j.finish(10)
    assert j.unfinished() == []
    j.fail(11)
    assert j.seen(11) and j.unfinished() == []
    j.set_confirmed_below(120)
    j2 = Journal(backend.open())  # another instance: the same key for fingerprints, the same rows
    assert j2.fingerprint({"update_id": 10, "message": {"text": "x"}}) == fp
    assert j2.confirmed_below == 120 and j2.seen(10, fp)


def test_registry_import_and_lookup(backend):
    from bot.registry.parse import Company
    from bot.registry.store import Registry

    companies = [Company(name=f"PT Contoh Jaya {i}", licence=f"KEP.{i}/2024", address="", province="Jawa Timur",
                         valid_until="2030-01-01", status="active", source_url="https://example.org/list",
                         retrieved_on="2026-11-01") for i in range(30)]
    reg = Registry.for_store(backend.open())
    assert reg.replace(companies, "list.csv") == 0
    assert reg.info().size == 30
    other = Registry.for_store(backend.open())  # another process sees the import (the generation)
    assert other.find("PT Contoh Jaya 7")[0].item.licence == "KEP.7/2024"
    assert reg.replace(companies[:10]) == 30
    assert other.info().size == 10 and len(other.matcher().items) == 10


def test_reach_counts_people_once_and_forgets_them(store):
    from bot.stats.store import ReachStore

    reach = ReachStore(store)
    p = reach.person("tg:77")
    assert p != store.user_key("tg:77")  # not the session's key either
    for _ in range(3):
        reach.record("2026-11-30", "desa_x", "id", [("start", "menu"), ("module", "help")], p)
    reach.record("2026-11-30", "desa_x", "id", [("start", "menu")], reach.person("tg:78"))
    assert reach.people(None, None, "desa_x", ("start",)) == {(): 2}
    assert reach.counts(None, None, "desa_x", "start") == {(): 4}
    assert reach.refs(None, None) == ["desa_x"]
    assert reach.forget(p) == 2
    assert p not in everything(store)


def test_alert_subscriptions_and_deliveries(store):
    from bot.alerts.store import AlertStore

    alerts = AlertStore.for_store(store)
    assert alerts.subscribe("tg:3", 3, "id") and alerts.subscribe("tg:1", 1, "en")
    assert not alerts.subscribe("tg:3", 3, "en")  # the language is updated
    chat = 5_000_000_000  # Telegram ids need 64 bits
    alerts.subscribe(f"tg:{chat}", chat, "id")
    assert alerts.subscribers() == 3
    assert alerts.plan("a1") == 3 and alerts.plan("a1") == 0
    todo = alerts.todo("a1")
    assert [(c, lang) for _, _, c, lang, _ in todo] == [(3, "en"), (1, "en"), (chat, "id")]  # in subscription order
    alerts.mark("a1", todo[0][0], "sent")
    assert alerts.unsubscribe("tg:1")
    st = alerts.status("a1")
    assert (st["sent"], st["failed"], st["pending"], st["total"]) == (1, 1, 1, 3)


def test_handoff_cases(store):
    from bot.handoff.cases import CaseBook

    clock = {"t": 1000.0}
    book = CaseBook(store=store, clock=lambda: clock["t"])
    c = book.open("tg:9", 9)
    assert c.no >= 1 and c.is_open and book.open("tg:9", 9).no == c.no
    book.set_thread(c.no, 55)
    assert book.by_thread(55).no == c.no
    book.person_wrote(c.no)
    clock["t"] += 600
    assert [x.no for x in book.waiting_too_long(300)] == [c.no]
    assert book.caseworker_wrote(c.no) == 600
    other = CaseBook(store=store)  # another instance sees the case
    assert other.open_for("tg:9").no == c.no
    assert book.forget("tg:9") == [c.no]
    assert book.open_for("tg:9") is None and store.user_key("tg:9") not in everything(store)


# -- SQLite only: what is on disk ---------------------------------------------------------------
def test_sqlite_file_never_holds_the_raw_user_id(tmp_path):
    path = tmp_path / "bot.sqlite3"
    s = SQLiteStore(path)
    s.save_session("tg:987654321", {"lang": "id"})
    s.count("referral", "desa_sukamaju")
    s.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert b"987654321" not in raw


def test_a_waiting_notice_is_taken_by_one_instance_only(backend):
    """Two instances on one database both see a case waiting too long; one sends the notice."""
    from bot.handoff.cases import CaseBook

    now = [1_000_000.0]
    a = CaseBook(store=backend.open(), clock=lambda: now[0])
    b = CaseBook(store=backend.open(), clock=lambda: now[0])
    case = a.open("tg:5150", 5150)
    a.person_wrote(case.no)
    now[0] += 3600
    assert [c.no for c in a.waiting_too_long(600)] == [case.no] == [c.no for c in b.waiting_too_long(600)]
    taken = [a.mark_notified(case.no), b.mark_notified(case.no)]
    assert taken == [True, False]
    assert a.waiting_too_long(600) == [] == b.waiting_too_long(600)
