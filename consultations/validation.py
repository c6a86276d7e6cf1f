"""Checks on what people send: plain text without markup, and attachments by their content."""

import hashlib
import re
import unicodedata
import zipfile
import zlib

import filetype
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .models import ATTACHMENT_MAX_BYTES, ResponseAttachment

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# An HTML tag (a name right after "<" or "</", closed by ">"), a comment or a processing instruction.
_MARKUP = re.compile(r"<\s*/?\s*[A-Za-z][A-Za-z0-9:-]*(?:[\s/][^<>]*)?>|<!--|<!\[CDATA\[|<![A-Za-z]|<\?")
ALLOWED_TYPES = {choice.value: choice.label for choice in ResponseAttachment.Kind}
ALLOWED_EXTENSIONS = {"pdf", "docx", "odt"}

# Zip-based documents (DOCX, ODT) are refused when they would expand beyond these limits (a zip bomb).
ZIP_MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
ZIP_MAX_RATIO = 100
ZIP_MAX_ENTRIES = 2000
# PDF names that run code or start programs when the file is opened.
_PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|RichMedia|XFA)(?![A-Za-z0-9])")
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\n?endstream", re.S)
PDF_MAX_INFLATED_BYTES = 50 * 1024 * 1024
# Extensions that must not hide inside a name such as "report.exe.pdf".
_DANGEROUS_INNER = {
    "exe",
    "com",
    "bat",
    "cmd",
    "scr",
    "pif",
    "msi",
    "dll",
    "js",
    "jse",
    "vbs",
    "vbe",
    "wsf",
    "ps1",
    "sh",
    "jar",
    "app",
    "html",
    "htm",
    "xhtml",
    "svg",
    "php",
    "hta",
    "lnk",
    "reg",
}


def clean_plain_text(value, *, max_length: int, required: bool = True, label: str = "") -> str:
    """Normalised plain text, or a ValidationError in the user's language.

    The text is stored as typed and always escaped on output (Django's autoescaping), so a lone "<" is
    harmless and allowed: "a<b", "3 < 5" and "<3" are ordinary writing. What looks like an HTML tag
    ("<b>", "<img src=x onerror=…>", "</p>") or an HTML comment is refused with a message rather than
    silently dropped, because the person would otherwise not see what they sent."""
    text = _CONTROL.sub("", (value or "").replace("\r\n", "\n").replace("\r", "\n")).strip()
    prefix = f"{label}: " if label else ""
    if required and not text:
        raise ValidationError(prefix + _("Write something before you send it."), code="empty")
    if len(text) > max_length:
        raise ValidationError(
            prefix
            + _("The text is too long: at most %(max)s characters, and this has %(length)s.")
            % {"max": max_length, "length": len(text)},
            code="too_long",
        )
    if _MARKUP.search(text):
        raise ValidationError(
            prefix + _("Write plain text: HTML tags and scripts are not allowed."), code="markup"
        )
    return text


def _file_type_error(name: str) -> ValidationError:
    return ValidationError(
        _("“%(name)s” is not a PDF, DOCX or ODT document. Only those file types can be attached.")
        % {"name": name},
        code="file_type",
    )


def _check_name(name: str) -> None:
    """Refuses names that disguise what the file is: invisible or direction-changing characters (which
    can make "fdp.exe" look like "exe.pdf") and a second, executable extension ("report.exe.pdf")."""
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in name):
        raise ValidationError(
            _(
                "The file name “%(name)s” contains invisible or control characters. "
                "Rename the file and try again."
            )
            % {"name": name.encode("ascii", "backslashreplace").decode()},
            code="file_name",
        )
    parts = name.lower().split(".")
    if len(parts) > 2 and any(part.strip() in _DANGEROUS_INNER for part in parts[1:-1]):
        raise ValidationError(
            _("The file name “%(name)s” has more than one file type in it. Rename the file and try again.")
            % {"name": name},
            code="file_name",
        )


def _check_zip(upload, name: str) -> None:
    """DOCX and ODT are zip archives: refuse one that is broken or would expand enormously."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _file_type_error(name) from None
    total = sum(entry.file_size for entry in entries)
    if (
        len(entries) > ZIP_MAX_ENTRIES
        or total > ZIP_MAX_UNCOMPRESSED_BYTES
        or total > ZIP_MAX_RATIO * max(upload.size, 1)
    ):
        raise ValidationError(
            _(
                "“%(name)s” expands to far more data than a normal document (a “zip bomb”) "
                "and cannot be attached."
            )
            % {"name": name},
            code="zip_bomb",
        )


def _pdf_has_active_content(upload) -> bool:
    """Looks for JavaScript and launch actions, also inside compressed object streams and behind
    #-escaped names (/J#61vaScript)."""
    upload.seek(0)
    data = upload.read()
    chunks = [data]
    budget = PDF_MAX_INFLATED_BYTES
    for match in _PDF_STREAM.finditer(data):
        if budget <= 0:
            return True  # more compressed content than any attachment needs: refuse
        try:
            inflater = zlib.decompressobj()
            inflated = inflater.decompress(match.group(1), budget)
        except zlib.error:
            continue
        budget -= len(inflated)
        chunks.append(inflated)
    for chunk in chunks:
        unescaped = _PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), chunk)
        if _PDF_ACTIVE.search(unescaped):
            return True
    return False


def inspect_upload(upload) -> dict:
    """Type, size and SHA-256 of an uploaded file, checked by its content; ValidationError otherwise.

    The name's extension must also fit, so that a PDF called `.docx` does not confuse the reader. Zip
    bombs, PDFs with scripts and names that disguise the type are refused."""
    name = (getattr(upload, "name", "") or "file").replace("\\", "/").rsplit("/", 1)[-1][:200]
    size = upload.size
    if size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="empty_file")
    if size > ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("“%(name)s” is %(size)s; a file may be at most %(max)s.")
            % {"name": name, "size": filesizeformat(size), "max": filesizeformat(ATTACHMENT_MAX_BYTES)},
            code="too_large",
        )
    _check_name(name)
    upload.seek(0)
    head = upload.read(8192)
    kind = filetype.guess(head)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if kind is None or kind.mime not in ALLOWED_TYPES or kind.extension != extension:
        raise _file_type_error(name)
    if kind.extension in ("docx", "odt"):
        _check_zip(upload, name)
    elif _pdf_has_active_content(upload):
        raise ValidationError(
            _(
                "“%(name)s” contains JavaScript or other active content. Save it again as a plain PDF (for "
                "example with “Print to PDF”) and attach that."
            )
            % {"name": name},
            code="pdf_script",
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return {"name": name, "size": size, "content_type": kind.mime, "sha256": digest.hexdigest()}
