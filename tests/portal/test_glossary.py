"""The Swedish the portal shows follows docs/glossary.md: one word for one thing.

Checks our own catalogue and, through gettext as a page would call it, every message of allauth's
Swedish catalogue (the log-in, sign-up, e-mail and two-factor screens and e-mails): whatever allauth
says in words the glossary forbids must be overridden in our catalogue.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import polib
import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
GLOSSARY = ROOT / "docs" / "glossary.md"
CATALOGUE = ROOT / "locale" / "sv" / "LC_MESSAGES" / "django.po"


@dataclass(frozen=True)
class Term:
    english: str
    swedish: str
    stem: str
    never: tuple[str, ...]


def glossary() -> list[Term]:
    terms = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        if not line.startswith("| ") or line.startswith("| English") or line.startswith("|---"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        english, swedish, stem, never = cells[:4]
        terms.append(
            Term(
                english=english,
                swedish=swedish,
                stem=stem.strip("`"),
                never=tuple(part.strip().strip("`") for part in never.split(";") if part.strip()),
            )
        )
    return terms


def _forbidden(text: str, terms: list[Term]) -> list[str]:
    found = []
    for term in terms:
        for pattern in term.never:
            match = re.search(rf"(?<![\w-]){pattern}(?![\w])", text, flags=re.IGNORECASE)
            if match:
                found.append(f"{match.group(0)!r} (glossary: {term.english} = {term.swedish})")
    return found


def _translations(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [text for text in entry.msgstr_plural.values() if text]
    return [entry.msgstr] if entry.msgstr else []


def test_glossary_table_is_readable():
    terms = glossary()
    assert len(terms) >= 30
    assert {"consultation", "e-mail", "two-factor authentication"} <= {t.english for t in terms}
    for term in terms:
        for pattern in (term.stem, *term.never):
            if pattern:
                re.compile(pattern)


def test_our_catalogue_uses_no_word_the_glossary_forbids():
    terms = glossary()
    offenders = []
    for entry in polib.pofile(str(CATALOGUE)).translated_entries():
        for text in _translations(entry):
            for hit in _forbidden(text, terms):
                offenders.append(f"{entry.msgid!r} → {text!r}: {hit}")
    assert not offenders, "\n".join(offenders)


def test_our_catalogue_translates_each_term_with_the_glossary_word():
    checked = [t for t in glossary() if t.stem and re.fullmatch(r"[a-z\- ]+", t.english)]
    offenders = []
    for entry in polib.pofile(str(CATALOGUE)).translated_entries():
        if entry.msgctxt == "time":
            continue
        for term in checked:
            english = re.escape(term.english)
            if not re.search(rf"\b{english}(s|es)?\b", entry.msgid, flags=re.IGNORECASE):
                continue
            for text in _translations(entry):
                if not re.search(term.stem, text, flags=re.IGNORECASE):
                    offenders.append(f"{entry.msgid!r} → {text!r}: expected {term.swedish!r}")
    assert not offenders, "\n".join(offenders)


def _third_party_catalogues() -> list[Path]:
    import allauth

    return [Path(allauth.__file__).parent / "locale" / "sv" / "LC_MESSAGES" / "django.po"]


@pytest.mark.parametrize("po_path", _third_party_catalogues(), ids=lambda p: p.parts[-5])
def test_third_party_swedish_the_portal_shows_follows_the_glossary(po_path):
    terms = glossary()
    offenders = []
    with translation.override("sv"):
        for entry in polib.pofile(str(po_path)).translated_entries():
            if entry.obsolete:
                continue
            if entry.msgid_plural:
                shown = [
                    translation.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
                    if entry.msgctxt
                    else translation.ngettext(entry.msgid, entry.msgid_plural, n)
                    for n in (1, 2)
                ]
            else:
                shown = [
                    translation.pgettext(entry.msgctxt, entry.msgid)
                    if entry.msgctxt
                    else translation.gettext(entry.msgid)
                ]
            for text in shown:
                for hit in _forbidden(text, terms):
                    offenders.append(f"{entry.msgid!r} → {text!r}: {hit}")
    assert not offenders, f"{len(offenders)} strings to override in our catalogue:\n" + "\n".join(offenders)
