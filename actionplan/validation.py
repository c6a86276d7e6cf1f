"""Checks that keep knowledge input about patterns, not individuals.

`find_personnummer` refuses: any Swedish personal identity number (or co-ordination number) that
python-stdnum accepts, written with or without the century, with "-", "+", a space or nothing before the
last four digits, anywhere in the text. `find_personal_details` only warns: e-mail addresses, phone
numbers and what looks like a first name and surname; the sender may confirm that the text is fine.
"""

import re

from stdnum.se import personnummer

# 10 or 12 digits, the last four optionally set apart; not part of a longer run of digits.
_PNR_CANDIDATE = re.compile(r"(?<![\d-])(\d{2})?(\d{6})\s?[-+]?\s?(\d{4})(?![\d-]*\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_PHONE = re.compile(r"(?<!\d)(?:\+46|0046|0)[\s-]?\d{1,3}(?:[\s-]?\d{2,4}){2,4}(?!\d)")
_WORD = r"[A-ZÅÄÖÉ][a-zåäöéü]+"
_NAME = re.compile(rf"(?<![.!?:]\s)(?<!^)(?<!\n)\b({_WORD})\s({_WORD})\b")
# Capitalised pairs that are not names: places and bodies a text about racism in Stockholm often has.
_NOT_NAMES = {
    "Stockholms",
    "Stockholm",
    "Stad",
    "Forum",
    "Levande",
    "Historia",
    "Mänskliga",
    "Rättigheter",
}


def find_personnummer(text: str) -> list[str]:
    found = []
    for match in _PNR_CANDIDATE.finditer(text or ""):
        century, birth, serial = match.groups()
        candidate = f"{century or ''}{birth}{serial}"
        try:
            if personnummer.is_valid(candidate):
                found.append(match.group(0).strip())
        except Exception:  # noqa: BLE001 - stdnum raises its own errors for odd dates
            continue
    return found


def find_personal_details(text: str) -> list[str]:
    """What in `text` looks like contact details or a person's name (for a warning, not a refusal)."""
    text = text or ""
    hits = _EMAIL.findall(text) + [m.group(0) for m in _PHONE.finditer(text)]
    for first, last in _NAME.findall(text):
        if first not in _NOT_NAMES and last not in _NOT_NAMES:
            hits.append(f"{first} {last}")
    return hits
