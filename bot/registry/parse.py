"""Read a CSV list of licensed placement companies (P3MI) and check every row.

The list comes from an NGO that copied it from the official source (KP2MI / siskop2mi). Files
come from spreadsheets, so this is tolerant about the form and strict about the content:

- UTF-8 with or without a BOM; `;`, `,` or tab between columns (guessed from the header line);
- column names in English or Indonesian, in any order, any case ("Nama Perusahaan",
  "nomor SIP3MI", "berlaku sampai", "tanggal diambil", ...); other columns are ignored;
- dates as 2026-12-31, 31/12/2026, 31-12-2026, 31.12.2026, "31 Desember 2026", "31 Des 2026"
  or "31 December 2026" (day first, always: the Indonesian way);
- a status in English or Indonesian (aktif, berlaku, dicabut, dibekukan, kedaluwarsa, ...).

Every row is checked. One bad row means nothing is imported: `parse_csv` returns the bad rows
with their line numbers and the caller keeps the old list.
"""
from __future__ import annotations

import csv
import datetime as _dt
import io
import re
import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

from bot.registry.matcher import normalise_name

FIELDS = ("name", "licence", "address", "province", "valid_until", "status", "source_url", "retrieved_on")
REQUIRED = ("name", "licence", "valid_until", "status", "source_url", "retrieved_on")

# Column names people use, after _header_key(): lowercase, accents and punctuation -> spaces.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "name": (
        "name", "company", "company name", "name of company", "p3mi", "nama", "nama perusahaan",
        "perusahaan", "nama p3mi", "nama pt", "nama perseroan", "nama badan usaha",
    ),
    "licence": (
        "licence", "license", "licence number", "license number", "licence no", "license no",
        "licence nr", "license nr", "licence id", "license id", "sip3mi", "no sip3mi", "nomor sip3mi",
        "no sip p3mi", "nomor sip p3mi", "sip p3mi", "no izin", "nomor izin", "no ijin", "nomor ijin",
        "izin", "ijin", "no sip", "nomor sip", "no sk", "nomor sk", "no izin sip3mi",
    ),
    "address": ("address", "alamat", "alamat kantor", "alamat perusahaan", "office address"),
    "province": ("province", "provinsi", "prov", "propinsi", "region"),
    "valid_until": (
        "valid until", "valid to", "valid thru", "valid through", "expiry", "expires", "expiry date",
        "expiration date", "expiration", "licence expiry", "license expiry", "berlaku sampai",
        "berlaku hingga", "berlaku s d", "masa berlaku", "masa berlaku izin", "tanggal berakhir",
        "tgl berakhir", "berakhir", "kedaluwarsa", "tanggal kedaluwarsa", "berlaku sd",
    ),
    "status": ("status", "licence status", "license status", "status izin", "status sip3mi", "keadaan"),
    "source_url": (
        "source url", "source", "url", "source link", "link", "sumber", "sumber data", "url sumber",
        "tautan", "tautan sumber", "link sumber",
    ),
    "retrieved_on": (
        "retrieved on", "retrieved", "retrieved at", "date retrieved", "retrieval date", "accessed",
        "accessed on", "date accessed", "tanggal diambil", "tgl diambil", "diambil", "diambil pada",
        "diambil tanggal", "tanggal unduh", "tgl unduh", "diunduh", "diunduh pada", "tanggal akses",
        "diakses", "diakses pada",
    ),
}
_ALIAS_TO_FIELD = {alias: f for f, aliases in COLUMN_ALIASES.items() for alias in aliases}

# Statuses: what the file may say -> what we store.
STATUS_WORDS: dict[str, str] = {}
for _canon, _words in {
    "active": (
        "active", "valid", "aktif", "berlaku", "masih berlaku", "terdaftar", "registered", "licensed",
        "berizin", "izin aktif", "ok",
    ),
    "expired": (
        "expired", "kedaluwarsa", "kadaluwarsa", "kadaluarsa", "kedaluarsa", "habis", "habis masa berlaku",
        "masa berlaku habis", "tidak berlaku", "tidak aktif", "non aktif", "nonaktif", "inactive",
        "berakhir", "lapsed",
    ),
    "revoked": ("revoked", "dicabut", "cabut", "izin dicabut", "cancelled", "canceled", "dibatalkan"),
    "suspended": (
        "suspended", "dibekukan", "beku", "dibekukan sementara", "pembekuan", "skorsing", "diskors",
        "dihentikan sementara",
    ),
}.items():
    for _w in _words:
        STATUS_WORDS[_w] = _canon

MONTHS: dict[str, int] = {}
for _i, _names in enumerate(
    [
        ("januari", "january", "jan"),
        ("februari", "pebruari", "february", "feb", "peb"),
        ("maret", "march", "mar"),
        ("april", "apr"),
        ("mei", "may"),
        ("juni", "june", "jun"),
        ("juli", "july", "jul"),
        ("agustus", "august", "agu", "agt", "ags", "aug", "agus"),
        ("september", "sep", "sept"),
        ("oktober", "october", "okt", "oct"),
        ("november", "nopember", "nov", "nop"),
        ("desember", "december", "des", "dec"),
    ],
    start=1,
):
    for _n in _names:
        MONTHS[_n] = _i

_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_DMONY = re.compile(r"^(\d{1,2})[\s\-/.]+([a-z]+)\.?[\s\-/.,]+(\d{4})$")
_URL = re.compile(r"^https?://[^\s/]+(/\S*)?$")
DATE_HINT = "use 31/12/2026, 2026-12-31 or 31 Desember 2026"
MAX_BAD_ROWS_LISTED = 50
MAX_ROWS = 50_000  # the official list has a few hundred companies; more is a wrong file


@dataclass(frozen=True)
class Company:
    name: str
    licence: str
    address: str
    province: str
    valid_until: str  # ISO date
    status: str  # active | expired | revoked | suspended, as the file says
    source_url: str
    retrieved_on: str  # ISO date

    def effective_status(self, today: _dt.date) -> str:
        """The file's status, but an active licence past its valid-until date is expired."""
        if self.status == "active" and self.valid_until and self.valid_until < today.isoformat():
            return "expired"
        return self.status

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class BadRow:
    line: int  # 1-based line in the file (0: the whole file)
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclass
class ParseResult:
    companies: list[Company]
    errors: list[BadRow]
    warnings: list[str]
    columns: dict[str, str]  # field -> header as written in the file

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.companies)


def _header_key(h: str) -> str:
    h = unicodedata.normalize("NFKD", h)
    h = "".join(ch for ch in h if not unicodedata.combining(ch)).lower().replace("\ufeff", "")
    return " ".join(re.sub(r"[^0-9a-z]+", " ", h).split())


def parse_date(value: str) -> _dt.date | None:
    """A date in one of the forms an Indonesian spreadsheet uses; None if it is not one."""
    s = " ".join(value.strip().lower().split())
    if not s:
        return None
    try:
        m = _ISO.match(s)
        if m:
            return _dt.date(int(m[1]), int(m[2]), int(m[3]))
        m = _DMY.match(s)
        if m:
            return _dt.date(int(m[3]), int(m[2]), int(m[1]))
        m = _DMONY.match(s)
        if m and m[2] in MONTHS:
            return _dt.date(int(m[3]), MONTHS[m[2]], int(m[1]))
    except ValueError:  # 31/02/2026
        return None
    return None


def parse_status(value: str) -> str | None:
    return STATUS_WORDS.get(_header_key(value))


def _guess_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_text(path: str | Path) -> str:
    """The file as text (UTF-8, BOM dropped); raises ValueError with a plain reason."""
    raw = Path(path).read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise ValueError(f"line {line}: the file is not UTF-8 text; save it as 'CSV UTF-8'") from None


def parse_csv(text: str, today: _dt.date | None = None) -> ParseResult:
    """Check every row of a CSV list; the companies only count if `errors` is empty."""
    today = today or _dt.date.today()
    text = text.lstrip("\ufeff")
    errors: list[BadRow] = []
    warnings: list[str] = []
    if "\x00" in text:  # a binary file, or a spreadsheet saved in the wrong format
        line = text[: text.index("\x00")].count("\n") + 1
        return ParseResult([], [BadRow(line, "the file holds NUL bytes: it is not CSV text; save it as 'CSV UTF-8'")], [], {})
    first_line = next((ln for ln in text.splitlines() if ln.strip()), "")
    if not first_line:
        return ParseResult([], [BadRow(0, "the file is empty")], [], {})
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_guess_delimiter(first_line))

    header: list[str] | None = None
    header_line = 0
    col_of: dict[str, int] = {}
    companies: list[Company] = []
    seen_licence: dict[str, int] = {}
    seen_name: dict[str, tuple[int, str]] = {}
    prev_end = 0
    try:
        for row in reader:
            start_line, prev_end = prev_end + 1, reader.line_num
            if not any(c.strip() for c in row):
                continue  # blank lines between rows are harmless
            if header is None:
                header, header_line = row, start_line
                col_of, problems = _map_columns(row)
                if problems:
                    return ParseResult([], [BadRow(start_line, p) for p in problems], [], {})
                continue
            if len(companies) + len(errors) >= MAX_ROWS:
                errors.append(BadRow(start_line, f"more than {MAX_ROWS:,} rows: this is not the list of placement companies"))
                break
            company, problems = _parse_row(row, col_of, len(header), today)
            if problems:
                errors.append(BadRow(start_line, "; ".join(problems)))
                continue
            assert company is not None
            key = company.licence.lower()
            if key in seen_licence:
                warnings.append(
                    f"line {start_line}: licence {company.licence!r} is also on line {seen_licence[key]}"
                )
            else:
                seen_licence[key] = start_line
            name_key = " ".join(company.name.lower().split())
            if name_key in seen_name and seen_name[name_key][1] != company.status:
                line, status = seen_name[name_key]
                warnings.append(
                    f"line {start_line}: {company.name!r} is {company.status} here but {status} on line {line}; "
                    "the bot shows both rows, check which is right"
                )
            seen_name.setdefault(name_key, (start_line, company.status))
            companies.append(company)
    except csv.Error as e:
        errors.append(BadRow(reader.line_num, f"the CSV is broken here ({e}); check the quotes"))
    if header is None:
        errors.append(BadRow(0, "the file has no header line"))
    elif not companies and not errors:
        errors.append(BadRow(header_line, "the file has a header but no companies"))
    columns = {f: header[i] for f, i in col_of.items()} if header else {}
    return ParseResult(companies if not errors else [], errors, warnings, columns)


def _map_columns(header: list[str]) -> tuple[dict[str, int], list[str]]:
    col_of: dict[str, int] = {}
    problems: list[str] = []
    for i, h in enumerate(header):
        field = _ALIAS_TO_FIELD.get(_header_key(h))
        if field is None:
            continue
        if field in col_of:
            problems.append(
                f"columns {header[col_of[field]]!r} and {h!r} both look like {field!r}; keep one"
            )
            continue
        col_of[field] = i
    missing = [f for f in REQUIRED if f not in col_of]
    if missing:
        hints = ", ".join(f"{f} (e.g. {EXAMPLE_HEADERS[f]})" for f in missing)
        problems.append(f"missing column(s): {hints}; the header is {header!r}")
    return col_of, problems


EXAMPLE_HEADERS = {
    "name": "'name' or 'nama perusahaan'",
    "licence": "'licence number' or 'nomor SIP3MI'",
    "address": "'address' or 'alamat'",
    "province": "'province' or 'provinsi'",
    "valid_until": "'valid until' or 'berlaku sampai'",
    "status": "'status'",
    "source_url": "'source URL' or 'sumber'",
    "retrieved_on": "'retrieved on' or 'tanggal diambil'",
}


def _parse_row(row: list[str], col_of: dict[str, int], width: int, today: _dt.date) -> tuple[Company | None, list[str]]:
    problems: list[str] = []

    def get(field: str) -> str:
        i = col_of.get(field)
        if i is None or i >= len(row):
            return ""
        return " ".join(row[i].split())

    if len(row) < width and any(col_of[f] >= len(row) for f in REQUIRED):
        problems.append(f"{len(row)} column(s) where the header has {width}; check the separators")
    name = get("name")
    if not name:
        problems.append("name is empty")
    elif len(name) > 200:
        problems.append("name is longer than 200 characters")
    elif not normalise_name(name):
        problems.append(f"name {name!r} has no words besides 'PT'/'CV'")
    licence = get("licence")
    if not licence:
        problems.append("licence number is empty")
    elif len(licence) > 100:
        problems.append("licence number is longer than 100 characters")
    valid_until = get("valid_until")
    vu = parse_date(valid_until)
    if not valid_until:
        problems.append("valid until is empty")
    elif vu is None:
        problems.append(f"valid until {valid_until!r} is not a date ({DATE_HINT})")
    status_raw = get("status")
    status = parse_status(status_raw)
    if not status_raw:
        problems.append("status is empty")
    elif status is None:
        problems.append(
            f"status {status_raw!r} is not one we know (aktif/active, kedaluwarsa/expired, "
            "dicabut/revoked, dibekukan/suspended)"
        )
    source = get("source_url")
    if not source:
        problems.append("source URL is empty")
    elif not _URL.match(source):
        problems.append(f"source URL {source!r} is not an http(s):// address")
    retrieved_raw = get("retrieved_on")
    retrieved = parse_date(retrieved_raw)
    if not retrieved_raw:
        problems.append("retrieved on is empty")
    elif retrieved is None:
        problems.append(f"retrieved on {retrieved_raw!r} is not a date ({DATE_HINT})")
    elif retrieved > today + _dt.timedelta(days=1):
        problems.append(f"retrieved on {retrieved.isoformat()} is in the future")
    if problems:
        return None, problems
    assert vu is not None and retrieved is not None and status is not None
    return (
        Company(
            name=name,
            licence=licence,
            address=get("address")[:300],
            province=get("province")[:100],
            valid_until=vu.isoformat(),
            status=status,
            source_url=source,
            retrieved_on=retrieved.isoformat(),
        ),
        [],
    )


def list_summary(companies: list[Company]) -> tuple[str, str]:
    """(source, date) of a list: its most common source URL and its oldest retrieval date."""
    if not companies:
        return "", ""
    source = Counter(c.source_url for c in companies).most_common(1)[0][0]
    return source, min(c.retrieved_on for c in companies)
