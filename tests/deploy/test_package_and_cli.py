"""Issue 12, part 1: an installed package that runs from any folder, and the CLI's edges."""
import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from bot.cli import main, prog_name

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT / "tests" / "registry"))
from fictional_list import fictional_csv  # noqa: E402


@pytest.fixture(scope="module")
def wheel_dir(tmp_path_factory):
    """The wheel `pip install .` would install, unpacked (built without network or isolation)."""
    out = tmp_path_factory.mktemp("wheel")
    # Built from a copy: an in-tree build writes build/ and *.egg-info into the checkout, and two
    # test runs in parallel in one checkout then collide there ("File exists: build/lib/...").
    src = tmp_path_factory.mktemp("src") / "migrasi-aman"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "*.egg-info", "__pycache__", ".pytest_cache", "data", "*.sqlite3*"))
    r = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(out), str(src)],
        capture_output=True, text=True, timeout=300,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    whl = next(out.glob("migrasi_aman-*.whl"))
    site = out / "site"
    with zipfile.ZipFile(whl) as z:
        names = set(z.namelist())
        z.extractall(site)
    assert "bot/_data/content/schema.json" in names
    assert "bot/_data/content/modules/help.yaml" in names
    assert "bot/_data/locales/id/LC_MESSAGES/messages.mo" in names  # compiled at build time
    assert any(n.endswith("entry_points.txt") for n in names)
    meta = next(n for n in names if n.endswith(".dist-info/METADATA"))
    text = (site / meta).read_text()
    assert "License-Expression: MIT" in text
    return site


def _run_installed(site: Path, code: str, env: dict | None = None, cwd: Path | None = None):
    e = {k: v for k, v in os.environ.items() if k not in ("BOT_CONTENT_DIR", "PYTHONPATH")}
    e.update(env or {})
    e["PYTHONPATH"] = str(site)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=e,
                          cwd=cwd or site.parent, timeout=120)


def test_installed_package_finds_its_content_and_catalogs_from_any_folder(wheel_dir, tmp_path):
    code = (
        "import bot, bot.app, bot.i18n\n"
        "assert 'site' in bot.__file__, bot.__file__\n"
        "from bot.content_loader import load_content\n"
        "c = load_content(bot.app.content_dir())\n"
        "print(bot.app.content_dir()); print(bot.i18n.translator('id')('Menu'))\n"
    )
    r = _run_installed(wheel_dir, code, env={"BOT_DB": str(tmp_path / "db.sqlite3")}, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    where, menu = r.stdout.splitlines()
    assert where.startswith(str(wheel_dir)) and where.endswith("_data/content")
    assert menu == "Menu" or menu != ""  # the catalog answers (Indonesian 'Menu' is 'Menu')


def test_bot_content_dir_overrides_and_the_ui_stays_indonesian(wheel_dir, tmp_path, content_copy):
    code = (
        "import bot.app, bot.i18n\n"
        "print(bot.app.content_dir()); print(bot.i18n.translator('id')('Main menu'))\n"
    )
    r = _run_installed(wheel_dir, code, env={"BOT_CONTENT_DIR": str(content_copy)}, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    where, label = r.stdout.splitlines()
    assert where == str(content_copy)
    assert label != "Main menu", "the Indonesian catalog was not found: the UI fell back to English"


def test_version_and_usage_name_the_command(capsys):
    assert prog_name("/usr/local/bin/migrasi-aman") == "migrasi-aman"
    assert prog_name("/x/bot/__main__.py") == "python -m bot"
    r = subprocess.run([sys.executable, "-m", "bot", "--version"], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0 and r.stdout.startswith("python -m bot ")
    r = subprocess.run([sys.executable, "-m", "bot", "nonsense"], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 2 and r.stdout == "" and r.stderr.startswith("usage: python -m bot")
    assert main([]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "usage:" in err


def _cli(capsys, monkeypatch, argv, stdin=None):
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_registry_find_tells_no_list_and_stale_list_apart(tmp_path, capsys, monkeypatch):
    db = str(tmp_path / "r.sqlite3")
    code, out, err = _cli(capsys, monkeypatch, ["registry", "find", "PT Sumber Rejeki", "--db", db])
    assert code == 3 and json.loads(out) == [] and "no list" in err
    stale = fictional_csv(20, retrieved_on="2025-01-15")
    (tmp_path / "old.csv").write_text(stale, encoding="utf-8")
    code, _out, _err = _cli(capsys, monkeypatch, ["registry", "import", str(tmp_path / "old.csv"), "--db", db])
    assert code == 0
    code, out, err = _cli(capsys, monkeypatch, ["registry", "find", "PT Sumber Rejeki", "--db", db])
    assert code == 4 and "stale" in err


def test_registry_import_from_stdin_and_its_refusals(tmp_path, capsys, monkeypatch):
    db = str(tmp_path / "r.sqlite3")
    good = fictional_csv(30)
    code, out, err = _cli(capsys, monkeypatch, ["registry", "import", "-", "--db", db], stdin=good.encode())
    assert code == 0 and "Imported 30 companies from <stdin>" in out, err
    code, out, err = _cli(capsys, monkeypatch, ["registry", "find", "PT Sumber Rejeki", "--db", db])
    assert code == 0 and json.loads(out)
    # NUL bytes: not CSV text
    code, out, err = _cli(capsys, monkeypatch, ["registry", "import", "-", "--db", db, "--dry-run"],
                          stdin=good.encode().replace(b"\n", b"\n\x00", 1))
    assert code == 1 and "NUL" in err
    # the same name twice with different statuses: a warning, not silence
    header = "name,licence number,address,province,valid until,status,source URL,retrieved on\n"
    row = "PT Contoh Fiktif,FIKTIF-9/2025,Jl. Contoh,Bali,2027-01-31,{},https://contoh.invalid/FIKTIF,2026-11-20\n"
    twins = header + row.format("aktif") + row.format("dicabut").replace("FIKTIF-9/", "FIKTIF-10/")
    code, out, err = _cli(capsys, monkeypatch, ["registry", "import", "-", "--db", db, "--dry-run"],
                          stdin=twins.encode())
    assert code == 0 and "warning" in err and "here but" in err


def test_registry_import_caps_rows(monkeypatch):
    from bot.registry import parse

    monkeypatch.setattr(parse, "MAX_ROWS", 10)
    result = parse.parse_csv(fictional_csv(20))
    assert result.errors and "more than 10 rows" in str(result.errors[0])


def test_check_offer_empty_is_an_error_and_a_long_offer_says_it_was_cut(capsys, monkeypatch):
    code, out, err = _cli(capsys, monkeypatch, ["check-offer"], stdin=b"  \n\n")
    assert code == 1 and out == "" and "empty" in err
    code, out, err = _cli(capsys, monkeypatch, ["check-offer"], stdin=("gaji besar " * 2000).encode())
    assert code == 0 and json.loads(out) and "only the first 8,000" in err


def test_classify_cuts_a_megabyte_line_like_the_bot(capsys, monkeypatch):
    import time

    t0 = time.process_time()
    code, out, err = _cli(capsys, monkeypatch, ["classify"], stdin=("kerja kamboja " * 80_000 + "\n").encode())
    assert code == 0 and "only the first 8,000" in err
    assert len(json.loads(out)["text"]) == 8000
    assert time.process_time() - t0 < 20  # generous: minutes before the cut
