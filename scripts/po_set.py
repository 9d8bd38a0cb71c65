"""Set translations in a gettext catalog from a Python dict file: po_set.py LANG DICTFILE.

Used by maintainers to add a batch of translations without hand-editing the .po; Babel keeps
the file's format. The dict file defines T = {msgid: translation}.
"""
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

lang, dict_file = sys.argv[1], sys.argv[2]
ns: dict = {}
exec(Path(dict_file).read_text(encoding="utf-8"), ns)
po = Path("locales") / lang / "LC_MESSAGES" / "messages.po"
with po.open("rb") as f:
    cat = read_po(f, locale=lang)
for msgid, text in ns["T"].items():
    if msgid in cat:
        cat[msgid].string = text
        cat[msgid].flags.discard("fuzzy")
    else:
        cat.add(msgid, text)
with po.open("wb") as f:
    write_po(f, cat, width=100, sort_output=True, omit_header=False)
print(f"{len(ns['T'])} translations set in {po}")
