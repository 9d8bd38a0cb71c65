"""The list in SQLite, and `python -m bot registry import|find|info`."""
import datetime as _dt
import json
import sqlite3

import pytest

from bot.cli import main
from bot.registry.parse import parse_csv
from bot.registry.store import STALE_DAYS, Registry
from bot.store import SQLiteStore
from conftest import TODAY
from fictional_list import fictional_csv

GOOD = fictional_csv(500)
BAD = (
    "name,licence number,address,province,valid until,status,source URL,retrieved on\n"
    "PT Lain Sekali,FIKTIF-1,Jl. Contoh,Bali,2027-01-31,aktif,https://contoh.invalid/FIKTIF,2026-11-01\n"
    "PT Rusak,FIKTIF-2,Jl. Contoh,Bali,31 Desembr 2027,aktif,https://contoh.invalid/FIKTIF,2026-11-01\n"
    "PT Rusak Lagi,,Jl. Contoh,Bali,2027-01-31,aktif,https://contoh.invalid/FIKTIF,2026-11-01\n"
)


@pytest.fixture
def files(tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD, encoding="utf-8")
    return good, bad, str(tmp_path / "bot.sqlite3")


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_import_find_info(files, capsys):
    good, _bad, db = files
    code, out, _err = run(capsys, "registry", "import", str(good), "--db", db)
    assert code == 0 and "Imported 500 companies" in out
    code, out, _ = run(capsys, "registry", "find", "sumber", "rejki", "--db", db)
    rows = json.loads(out)
    assert code == 0 and rows
    assert set(rows[0]) == {"name", "licence", "status", "valid_until", "score"}
    assert rows[0]["name"] == "PT Sumber Rejeki"
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)
    code, out, _ = run(capsys, "registry", "find", "Cahaya Bintang Samudra", "--db", db)
    assert json.loads(out) == []
    code, out, _ = run(capsys, "registry", "find", "Karya Mandiri Lestari", "--db", db)
    assert json.loads(out)[0]["status"] == "expired"  # valid until 2024: past, whatever the file says
    code, out, _ = run(capsys, "registry", "info", "--json", "--db", db)
    info = json.loads(out)
    assert info["size"] == 500 and "FIKTIF" in info["source"] and info["date"] and info["stale"] is False
    code, out, _ = run(capsys, "registry", "--db", db, "info")
    assert "500" in out and "FIKTIF" in out and f"{STALE_DAYS} days" in out


def test_a_bad_file_is_refused_with_line_numbers_and_the_old_list_is_kept(files, capsys):
    good, bad, db = files
    assert run(capsys, "registry", "import", str(good), "--db", db)[0] == 0
    code, out, err = run(capsys, "registry", "import", str(bad), "--db", db)
    assert code == 1
    assert "line 3:" in err and "line 4:" in err and "line 2:" not in err
    assert "nothing imported" in err
    _, out, _ = run(capsys, "registry", "info", "--json", "--db", db)
    assert json.loads(out)["size"] == 500
    _, out, _ = run(capsys, "registry", "find", "PT Lain Sekali", "--db", db)
    assert all(r["name"] != "PT Lain Sekali" for r in json.loads(out))
    _, out, _ = run(capsys, "registry", "find", "Maju Jaya Sentosa", "--db", db)
    assert json.loads(out)[0]["name"] == "PT Maju Jaya Sentosa"


def test_missing_file_and_dry_run(files, capsys):
    good, _bad, db = files
    assert run(capsys, "registry", "import", "/nonexistent/x.csv", "--db", db)[0] == 1
    code, out, _ = run(capsys, "registry", "import", str(good), "--dry-run", "--db", db)
    assert code == 0 and "dry run" in out
    _, out, _ = run(capsys, "registry", "info", "--json", "--db", db)
    assert json.loads(out)["size"] == 0


def test_bot_db_is_honoured(files, capsys, monkeypatch):
    good, _bad, db = files
    monkeypatch.setenv("BOT_DB", db)
    assert run(capsys, "registry", "import", str(good))[0] == 0
    store = SQLiteStore(db)
    assert Registry.for_store(store).info().size == 500
    store.close()


def test_the_list_shares_the_store_file_and_a_running_bot_sees_a_new_import(tmp_path):
    db = str(tmp_path / "bot.sqlite3")
    bot_store, cli_store = SQLiteStore(db), SQLiteStore(db)
    bot_reg = Registry.for_store(bot_store)
    assert bot_reg.info().empty and bot_reg.find("Maju Jaya Sentosa") == []
    Registry.for_store(cli_store).replace(parse_csv(GOOD).companies)
    assert bot_reg.find("Maju Jaya Sentosa")[0].item.name == "PT Maju Jaya Sentosa"
    tables = {r[0] for r in sqlite3.connect(db).execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"sessions", "registry_companies", "registry_meta"} <= tables
    other = fictional_csv(50, seed=99).replace("PT Maju Jaya Sentosa", "PT Maju Jaya Sentosa Baru")
    Registry.for_store(cli_store).replace(parse_csv(other).companies)
    assert bot_reg.info().size == 50
    assert bot_reg.find("Maju Jaya Sentosa Baru")[0].exact
    bot_store.close(), cli_store.close()


def test_a_failed_import_rolls_back(registry):
    registry.replace(parse_csv(GOOD).companies)
    good = parse_csv(GOOD).companies

    class Broken:
        def __getattr__(self, name):
            if name == "licence":
                raise RuntimeError("disk on fire")
            return getattr(good[0], name)

    with pytest.raises(Exception):
        registry.replace(good[:10] + [Broken()])  # type: ignore[list-item]
    assert registry.info().size == 500
    assert registry.find("Maju Jaya Sentosa")[0].exact
    with pytest.raises(ValueError):
        registry.replace([])


def test_staleness_is_90_days_after_the_list_date():
    store = SQLiteStore(":memory:")
    day = {"today": TODAY}
    reg = Registry.for_store(store, today=lambda: day["today"])
    reg.replace(parse_csv(fictional_csv(20, retrieved_on="2026-08-24")).companies)  # 90 days before TODAY
    assert reg.info().age_days == 90 and not reg.info().stale
    day["today"] = TODAY + _dt.timedelta(days=1)
    assert reg.info().stale
