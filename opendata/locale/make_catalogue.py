"""Writes opendata/locale/sv/LC_MESSAGES/django.po from translations.json (the app's own catalogue; the
portal's main catalogue is never touched). Run: .venv/bin/python opendata/locale/make_catalogue.py"""

import json
from pathlib import Path

import polib

HERE = Path(__file__).parent
po = polib.POFile()
po.metadata = {
    "Content-Type": "text/plain; charset=UTF-8",
    "Language": "sv",
    "Plural-Forms": "nplurals=2; plural=(n != 1);",
}
for msgid, msgstr in json.loads((HERE / "translations.json").read_text()).items():
    if isinstance(msgstr, list):
        plural = msgid.replace(" row.", " rows.")
        po.append(polib.POEntry(msgid=msgid, msgid_plural=plural, msgstr_plural={0: msgstr[0], 1: msgstr[1]}))
    else:
        po.append(polib.POEntry(msgid=msgid, msgstr=msgstr))
po.save(str(HERE / "sv" / "LC_MESSAGES" / "django.po"))
