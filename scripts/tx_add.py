"""Add Swedish translations to locale/sv/LC_MESSAGES/django.po and compile it.

Usage: python scripts/tx_add.py translations.json

The JSON file maps English msgids to Swedish:
  {"Download my data": "Ladda ner mina uppgifter",
   "ctx|Open": "Öppen",                                   # msgctxt "ctx", msgid "Open"
   "%(n)s comment": ["%(n)s kommentar", "%(n)s kommentarer"],   # plural; key is the singular,
   "__plural__:%(n)s comment": "%(n)s comments"}          # ... with its English plural here

Safe to run from several shells at once (an exclusive file lock around read-modify-write); an entry
that already has a translation is left alone unless it is fuzzy or empty. `make messages` later
adds the source references and drops what is no longer used.
"""

import fcntl
import json
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "sv" / "LC_MESSAGES" / "django.po"


def main(path: str) -> None:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    plurals = {k.removeprefix("__plural__:"): v for k, v in data.items() if k.startswith("__plural__:")}
    with open("/tmp/portal-po.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        po = polib.pofile(str(PO), wrapwidth=79)
        added = updated = 0
        for key, swedish in data.items():
            if key.startswith("__plural__:"):
                continue
            ctx, _, msgid = key.rpartition("|") if "|" in key and not key.startswith("%") else ("", "", key)
            ctx = ctx or None
            entry = po.find(msgid, msgctxt=ctx) if ctx else po.find(msgid)
            if isinstance(swedish, list):
                if entry is None:
                    entry = polib.POEntry(
                        msgid=msgid,
                        msgctxt=ctx,
                        msgid_plural=plurals.get(msgid, msgid),
                        msgstr_plural={0: swedish[0], 1: swedish[1]},
                    )
                    po.append(entry)
                    added += 1
                elif "fuzzy" in entry.flags or not all(entry.msgstr_plural.values()):
                    entry.msgstr_plural = {0: swedish[0], 1: swedish[1]}
                    if "fuzzy" in entry.flags:
                        entry.flags.remove("fuzzy")
                    updated += 1
                continue
            if entry is None:
                po.append(polib.POEntry(msgid=msgid, msgctxt=ctx, msgstr=swedish))
                added += 1
            elif "fuzzy" in entry.flags or not entry.msgstr:
                entry.msgstr = swedish
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
                updated += 1
        po.save(str(PO))
        subprocess.run(["msgfmt", "--check-format", "-o", str(PO.with_suffix(".mo")), str(PO)], check=True)
    print(f"{added} added, {updated} updated, compiled {PO.with_suffix('.mo').relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1])
