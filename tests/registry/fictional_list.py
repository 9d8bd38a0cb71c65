"""A clearly FICTIONAL list of placement companies, for tests and the benchmark only.

Names are built from everyday Indonesian words (Sumber, Rejeki, Abadi, Maju, Jaya...); licence
numbers say FIKTIF; addresses are "Jl. Contoh"; the source URL is on the reserved `.invalid`
domain and says FIKTIF. None of this is, or claims to be, a real company or a real licence.
The project ships no company list: an NGO imports the official one.

    python tests/registry/fictional_list.py 5000 > /tmp/fiktif.csv
"""
from __future__ import annotations

import csv
import datetime as _dt
import io
import random
import sys

SOURCE_URL = "https://contoh.invalid/FIKTIF/daftar-p3mi-fiktif.csv"
WORDS = [
    "Sumber", "Rejeki", "Abadi", "Maju", "Jaya", "Sentosa", "Mandiri", "Karya", "Makmur", "Sejahtera",
    "Bersama", "Utama", "Lestari", "Sakti", "Perkasa", "Gemilang", "Harapan", "Mulia", "Barokah",
    "Berkah", "Insani", "Prima", "Tunggal", "Putra", "Putri", "Nusa", "Bakti", "Citra", "Dinamika",
    "Anugerah", "Wijaya", "Sukses", "Setia", "Tama", "Amanah", "Cipta", "Daya", "Langgeng", "Raya",
]
# Words the generated names never use: an "absent" query built from them cannot match by accident.
ABSENT_WORDS = ["Cahaya", "Bintang", "Samudra", "Pelangi", "Kencana", "Rimba", "Merapi", "Teratai"]
PROVINCES = [
    "Jawa Timur", "Jawa Tengah", "Jawa Barat", "DKI Jakarta", "Banten", "Nusa Tenggara Barat",
    "Nusa Tenggara Timur", "Lampung", "Sumatera Utara", "Sulawesi Selatan", "Kalimantan Barat", "Bali",
]
# Fixed rows the tests rely on (near-duplicates, an expired and a revoked licence).
FIXED = [
    # name, licence, province, valid_until, status
    ("PT Sumber Rejeki", "FIKTIF-0001/2025", "Jawa Timur", "2027-06-30", "aktif"),
    ("PT Sumber Rezeki Abadi", "FIKTIF-0002/2025", "Jawa Tengah", "2027-03-31", "aktif"),
    ("PT Maju Jaya Sentosa", "FIKTIF-0003/2025", "DKI Jakarta", "2027-12-31", "aktif"),
    ("PT Karya Mandiri Lestari", "FIKTIF-0004/2020", "Jawa Barat", "2024-01-31", "aktif"),  # past date
    ("PT Berkah Insani Perkasa", "FIKTIF-0005/2021", "Banten", "2027-08-31", "dicabut"),
    ("PT Harapan Mulia Gemilang", "FIKTIF-0006/2022", "Lampung", "2027-01-31", "dibekukan"),
    ("CV Tunggal Sakti", "FIKTIF-0007/2023", "Bali", "2027-05-31", "aktif"),
]
HEADER = ["name", "licence number", "address", "province", "valid until", "status", "source URL", "retrieved on"]


def fictional_rows(n: int = 3000, seed: int = 7, retrieved_on: str | None = None) -> list[list[str]]:
    """n rows (the FIXED ones first), deterministic for a seed."""
    rnd = random.Random(seed)
    retrieved = retrieved_on or _dt.date.today().isoformat()
    rows: list[list[str]] = []
    used: set[frozenset[str]] = set()
    for name, lic, prov, until, status in FIXED:
        used.add(frozenset(name.lower().split()[1:]))
        rows.append([name, lic, f"Jl. Contoh No. {len(rows) + 1}, Kota Fiktif", prov, until, status, SOURCE_URL, retrieved])
    # Near-duplicates of the fixed rows must stay exactly the fixed ones: reserve their word sets.
    for extra in ("sumber rejeki abadi", "sumber rezeki", "maju jaya", "karya mandiri", "tunggal sakti"):
        used.add(frozenset(extra.split()))
    while len(rows) < n:
        k = rnd.choice((2, 3, 3, 3, 4))
        words = rnd.sample(WORDS, k)
        key = frozenset(w.lower() for w in words)
        if key in used or ({"sumber", "rejeki"} <= key) or ({"sumber", "rezeki"} <= key):
            continue
        used.add(key)
        form = rnd.choice(("PT", "PT", "PT", "PT.", "P.T.", "CV"))
        i = len(rows) + 1
        until = _dt.date(2026, 1, 1) + _dt.timedelta(days=rnd.randrange(0, 3 * 365))
        status = rnd.choices(("aktif", "Aktif", "berlaku", "dicabut", "dibekukan"), (60, 20, 10, 6, 4))[0]
        rows.append([
            f"{form} {' '.join(words)}",
            f"FIKTIF-{i:04d}/{rnd.choice((2021, 2022, 2023, 2024, 2025))}",
            f"Jl. Contoh No. {rnd.randrange(1, 300)}, Kota Fiktif",
            rnd.choice(PROVINCES),
            until.isoformat(),
            status,
            SOURCE_URL,
            retrieved,
        ])
    return rows


def fictional_csv(n: int = 3000, seed: int = 7, retrieved_on: str | None = None, delimiter: str = ",",
                  header: list[str] | None = None, bom: bool = False) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    w.writerow(header or HEADER)
    w.writerows(fictional_rows(n, seed, retrieved_on))
    return ("\ufeff" if bom else "") + buf.getvalue()


if __name__ == "__main__":
    sys.stdout.write(fictional_csv(int(sys.argv[1]) if len(sys.argv) > 1 else 3000))
