"""The CSV import: tolerant about form, strict about content, line numbers for every bad row."""
import datetime as _dt

import pytest

from bot.registry.parse import parse_csv, parse_date, parse_status, read_text
from conftest import TODAY

SRC = "https://contoh.invalid/FIKTIF/daftar.csv"


def test_the_generated_fictional_list_parses(fictional_text):
    r = parse_csv(fictional_text, today=TODAY)
    assert r.ok and len(r.companies) == 3000 and not r.errors
    assert all("FIKTIF" in c.source_url and "FIKTIF" in c.licence for c in r.companies)
    assert {c.status for c in r.companies} == {"active", "revoked", "suspended"}


@pytest.mark.parametrize(
    "text, iso",
    [
        ("2026-12-31", "2026-12-31"),
        ("31/12/2026", "2026-12-31"),
        ("31-12-2026", "2026-12-31"),
        ("31.12.2026", "2026-12-31"),
        ("1/2/2027", "2027-02-01"),  # day first, the Indonesian way
        ("31 Desember 2026", "2026-12-31"),
        ("31 desember 2026", "2026-12-31"),
        ("31 Des 2026", "2026-12-31"),
        ("17 Agustus 2026", "2026-08-17"),
        ("17 Agt 2026", "2026-08-17"),
        ("5 Mei 2027", "2027-05-05"),
        ("5 Okt 2027", "2027-10-05"),
        ("31 December 2026", "2026-12-31"),
        (" 1  Januari  2027 ", "2027-01-01"),
    ],
)
def test_dates_in_the_forms_spreadsheets_use(text, iso):
    assert parse_date(text) == _dt.date.fromisoformat(iso)


@pytest.mark.parametrize("text", ["12/31/2026", "31/13/2026", "30 Februari 2026", "besok", "2026", "", "31 Desemberr 2026"])
def test_not_dates(text):
    assert parse_date(text) is None


@pytest.mark.parametrize(
    "text, status",
    [("Aktif", "active"), ("berlaku", "active"), ("ACTIVE", "active"), ("Dicabut", "revoked"), ("revoked", "revoked"),
     ("dibekukan", "suspended"), ("Kedaluwarsa", "expired"), ("tidak berlaku", "expired"), ("expired", "expired")],
)
def test_statuses_in_both_languages(text, status):
    assert parse_status(text) == status


def test_bom_semicolons_indonesian_headers_and_dates():
    text = (
        "\ufeffNama Perusahaan;Nomor SIP3MI;Alamat;Provinsi;Berlaku Sampai;Status;Sumber;Tanggal Diambil\n"
        f"PT Sumber Rejeki Abadi;FIKTIF-1/2025;Jl. Contoh 1, Kota Fiktif;Jawa Timur;31 Desember 2026;Aktif;{SRC};20 November 2026\n"
        f"\"CV Maju; Jaya\";FIKTIF-2/2025;;Bali;31/12/2026;dicabut;{SRC};2026-11-20\n"
        f"P.T. Karya Mandiri;FIKTIF-3/2025;Jl. Contoh 3;DKI Jakarta;2026-12-31;berlaku;{SRC};20/11/2026\n"
    )
    r = parse_csv(text, today=TODAY)
    assert r.ok, r.errors
    assert [c.name for c in r.companies] == ["PT Sumber Rejeki Abadi", "CV Maju; Jaya", "P.T. Karya Mandiri"]
    assert {c.valid_until for c in r.companies} == {"2026-12-31"}
    assert {c.retrieved_on for c in r.companies} == {"2026-11-20"}
    assert r.companies[1].status == "revoked" and r.companies[1].address == ""
    assert r.columns["licence"] == "Nomor SIP3MI"


@pytest.mark.parametrize(
    "header",
    [
        "name,licence number,address,province,valid until,status,source URL,retrieved on",
        "Nama,No Izin,Alamat,Provinsi,Berlaku Sampai,Status,Sumber,Tanggal Diambil",
        "NAMA_PERUSAHAAN,NO. SIP3MI,ALAMAT,PROVINSI,MASA BERLAKU,STATUS IZIN,URL SUMBER,DIAMBIL PADA",
        "company,license no,address,region,expiry date,status,source,retrieved",
    ],
)
def test_column_name_variants(header):
    text = header + f"\nPT Abadi Sentosa,FIKTIF-9/2025,Jl. Contoh,Banten,2027-01-31,aktif,{SRC},2026-11-01\n"
    r = parse_csv(text, today=TODAY)
    assert r.ok, r.errors
    assert r.companies[0].licence == "FIKTIF-9/2025"


def test_columns_in_another_order_and_extra_columns_ignored():
    text = (
        "No,status,name,retrieved on,source URL,valid until,licence number,catatan\n"
        f"1,aktif,PT Abadi Sentosa,2026-11-01,{SRC},2027-01-31,FIKTIF-9/2025,apa saja\n"
    )
    r = parse_csv(text, today=TODAY)
    assert r.ok, r.errors
    assert r.companies[0].name == "PT Abadi Sentosa" and r.companies[0].province == ""


def test_bad_rows_are_reported_by_line_and_nothing_is_returned():
    text = (
        "name,licence number,address,province,valid until,status,source URL,retrieved on\n"
        f"PT Baik Satu,FIKTIF-1,Jl. Contoh,Bali,2027-01-31,aktif,{SRC},2026-11-01\n"  # line 2 fine
        f",FIKTIF-2,Jl. Contoh,Bali,2027-01-31,aktif,{SRC},2026-11-01\n"  # line 3: no name
        f"PT Baik Tiga,FIKTIF-3,Jl. Contoh,Bali,31/13/2027,aktif,{SRC},2026-11-01\n"  # line 4: bad date
        "\n"  # line 5: blank, harmless
        f"PT Baik Enam,FIKTIF-6,Jl. Contoh,Bali,2027-01-31,entah,{SRC},2026-11-01\n"  # line 6: status
        "PT Baik Tujuh,FIKTIF-7,Jl. Contoh,Bali,2027-01-31,aktif,contoh.invalid,2026-11-01\n"  # line 7: URL
        f"PT Baik Delapan,FIKTIF-8,Jl. Contoh,Bali,2027-01-31,aktif,{SRC},2030-01-01\n"  # line 8: future
        f"PT,FIKTIF-9,Jl. Contoh,Bali,2027-01-31,aktif,{SRC},2026-11-01\n"  # line 9: no name besides PT
    )
    r = parse_csv(text, today=TODAY)
    assert not r.ok and r.companies == []
    lines = {e.line: e.message for e in r.errors}
    assert sorted(lines) == [3, 4, 6, 7, 8, 9]
    assert "name is empty" in lines[3]
    assert "31/13/2027" in lines[4] and "31 Desember 2026" in lines[4]
    assert "entah" in lines[6]
    assert "http" in lines[7]
    assert "future" in lines[8]
    assert str(r.errors[0]).startswith("line 3:")


def test_line_numbers_count_quoted_line_breaks():
    text = (
        "name,licence number,address,province,valid until,status,source URL,retrieved on\n"
        f"PT Baik Satu,FIKTIF-1,\"Jl. Contoh\nKota Fiktif\",Bali,2027-01-31,aktif,{SRC},2026-11-01\n"  # lines 2-3
        f"PT Baik Dua,FIKTIF-2,Jl. Contoh,Bali,kemarin,aktif,{SRC},2026-11-01\n"  # line 4
    )
    r = parse_csv(text, today=TODAY)
    assert [e.line for e in r.errors] == [4]


def test_missing_columns_are_named_on_line_1():
    r = parse_csv("nama;alamat\nPT Abadi;Jl. Contoh\n", today=TODAY)
    assert not r.ok and r.errors[0].line == 1
    msg = r.errors[0].message
    for hint in ("licence number", "berlaku sampai", "status", "sumber", "tanggal diambil"):
        assert hint in msg


def test_two_columns_for_the_same_field_are_refused():
    text = "nama,nama perusahaan,no izin,berlaku sampai,status,sumber,tanggal diambil\nA,B,1,2027-01-01,aktif,http://x.invalid,2026-11-01\n"
    r = parse_csv(text, today=TODAY)
    assert not r.ok and "nama" in r.errors[0].message


def test_empty_and_header_only_files_are_refused():
    assert not parse_csv("", today=TODAY).ok
    r = parse_csv("name,licence number,valid until,status,source URL,retrieved on\n", today=TODAY)
    assert not r.ok and "no companies" in r.errors[0].message


def test_duplicate_licence_is_a_warning_not_an_error():
    text = (
        "name,licence number,valid until,status,source URL,retrieved on\n"
        f"PT Satu,FIKTIF-1,2027-01-01,aktif,{SRC},2026-11-01\n"
        f"PT Satu Cabang,fiktif-1,2027-01-01,aktif,{SRC},2026-11-01\n"
    )
    r = parse_csv(text, today=TODAY)
    assert r.ok and "line 3" in r.warnings[0]


def test_non_utf8_file_is_refused_with_its_line(tmp_path):
    p = tmp_path / "latin1.csv"
    p.write_bytes("name\nPT Caf\xe9\n".encode("latin-1"))
    with pytest.raises(ValueError, match="line 2"):
        read_text(p)
