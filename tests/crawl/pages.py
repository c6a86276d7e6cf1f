"""What the crawls share: the pages each role may open, and the catalogue the language checks read.

The pages come from the permission matrix (tests/security/test_permission_matrix.py): every pattern the
URL resolver knows, with a real object in its kwargs, and the answer each role gets. A crawl opens the
patterns that answer 200 for its role, so a new URL joins every crawl as soon as it has a matrix row.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import polib
from django.conf import settings
from django.utils import translation

from tests.security.test_permission_matrix import MATRIX, all_patterns, url_for

ROLE_INDEX = {"anonymous": 0, "no_org": 1, "member": 2, "org_admin": 3, "other_admin": 4, "coordinator": 5}
CRAWL_ROLES = ("anonymous", "member", "org_admin", "coordinator")

# 200 answers that are not HTML pages: files, feeds and machine-readable answers.
NOT_HTML = {
    "health",
    "wagtaildocs_serve",
    "meetings:ics",
    "meetings:public_feed",
    "meetings:personal_feed",
    "meetings:minutes_pdf",
    "organisations:coordinator_export",
    "consultations:attachment",
    "consultations:version_file",
    "consultations:export_download",
    "privacy:export_download",
    "mfa_download_recovery_codes",
    "oparl:system",
    "oparl:list",
    "oparl:object",
    "oparl:file_content",
    "opendata:dcat",
    "opendata:download",
    "actionplan:dashboard_csv",
}


def pages_for(world, role: str, language: str = "sv") -> list[tuple[str, str]]:
    """(pattern key, path) of every HTML page that answers 200 to `role`, in `language`."""
    result = []
    index = ROLE_INDEX[role]
    with translation.override(language):
        for pattern in all_patterns():
            if pattern.key in NOT_HTML or MATRIX[pattern.key][index] != 200:
                continue
            if language != settings.LANGUAGE_CODE and not pattern.i18n:
                continue
            result.append((pattern.key, url_for(world, pattern.key)))
    return result


# --- the catalogue --------------------------------------------------------------------------------

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "sv" / "LC_MESSAGES" / "django.po"
# Apps that keep their own catalogue (opendata/, ...) count as much as the main one.
CATALOGUES = [CATALOGUE, *sorted(Path(settings.BASE_DIR).glob("*/locale/sv/LC_MESSAGES/django.po"))]
_PLACEHOLDER = re.compile(r"%\(|%[sd]|\{")


def _norm(text: str) -> str:
    return " ".join(text.split())


@cache
def _entries() -> list[tuple[str, str]]:
    """(English, Swedish) of every catalogue entry without placeholders, plural forms included.

    An entry without a Swedish translation counts too: a Swedish page would show its English msgid."""
    pairs = []
    for entry in (entry for path in CATALOGUES for entry in polib.pofile(str(path))):
        if entry.obsolete or "fuzzy" in entry.flags:
            continue
        if entry.msgid_plural:
            forms = [
                (entry.msgid, entry.msgstr_plural.get(0, "")),
                (entry.msgid_plural, entry.msgstr_plural.get(1, "")),
            ]
        else:
            forms = [(entry.msgid, entry.msgstr)]
        for english, swedish in forms:
            if _PLACEHOLDER.search(english) or _PLACEHOLDER.search(swedish):
                continue
            pairs.append((_norm(english), _norm(swedish)))
    return pairs


@cache
def english_only() -> frozenset[str]:
    """Texts that are English and never Swedish: msgids whose Swedish differs (or is missing)."""
    swedish = {sv for _, sv in _entries() if sv}
    return frozenset(en for en, sv in _entries() if en and en != sv and en not in swedish)


@cache
def swedish_only() -> frozenset[str]:
    """Texts that are Swedish and never English: msgstrs that differ from their msgid."""
    english = {en for en, _ in _entries()}
    return frozenset(sv for en, sv in _entries() if sv and sv != en and sv not in english)


def foreign_texts(texts, language: str, allowed: frozenset[str] = frozenset()) -> list[str]:
    """The texts on a page in `language` that belong to the other language of the catalogue."""
    foreign = english_only() if language == "sv" else swedish_only()
    return sorted({t for t in map(_norm, texts) if t in foreign and t not in allowed})
