"""Checks on uploaded files, shared by every place that takes one: response attachments
(consultations.validation) and Wagtail's documents and images (portal.wagtail_forms).

A file is judged by its content, not its name: the type found in its bytes must be one that is allowed
and agree with the name's extension; names that disguise the type are refused; PDFs may not carry
JavaScript, launch actions or embedded files; zip-based documents may not be bombs, hold other archives
or macros; nothing may be two formats at once (a PDF or image with a zip or HTML page inside).
"""

import hashlib
import re
import unicodedata
import zipfile
import zlib

import filetype
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# Zip-based documents (DOCX, ODT, XLSX …) are refused when they would expand beyond these limits.
ZIP_MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
ZIP_MAX_RATIO = 100
ZIP_MAX_ENTRIES = 2000
# PDF names that run code, start programs or carry other files when the file is opened.
_PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|RichMedia|XFA|EmbeddedFile|EmbeddedFiles)(?![A-Za-z0-9])")
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\n?endstream", re.S)
PDF_MAX_INFLATED_BYTES = 50 * 1024 * 1024
# Markup a browser would run if it were ever shown the file as a page.
_ACTIVE_MARKUP = re.compile(
    rb"<\s*(script|html|body|svg|iframe|object|embed|meta)[\s>/]|<!doctype\s+html|<\?php|javascript:", re.I
)
# Members of an office document that hold macros (Word, Excel, PowerPoint; LibreOffice's Basic/Scripts).
_MACRO_MEMBER = re.compile(r"(^|/)(vbaProject\.bin|vbaData\.xml)$|^(Basic|Scripts)/", re.I)
_ARCHIVE_EXTENSIONS = (".zip", ".jar", ".7z", ".rar", ".gz", ".tgz", ".bz2", ".xz", ".cab", ".iso")
# Extensions that must not hide inside a name such as "report.exe.pdf".
DANGEROUS_INNER = {
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
ZIP_DOCUMENTS = {"docx", "odt", "xlsx", "ods", "pptx", "odp"}
TEXT_DOCUMENTS = {"txt", "csv"}
# Extensions that name the same format as filetype's own extension for it.
_SAME_FORMAT = {"jpeg": "jpg", "tif": "tif", "tiff": "tif"}


def upload_name(upload) -> str:
    return (getattr(upload, "name", "") or "file").replace("\\", "/").rsplit("/", 1)[-1][:200]


def check_name(name: str) -> None:
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
    if len(parts) > 2 and any(part.strip() in DANGEROUS_INNER for part in parts[1:-1]):
        raise ValidationError(
            _("The file name “%(name)s” has more than one file type in it. Rename the file and try again.")
            % {"name": name},
            code="file_name",
        )


def check_size(upload, name: str, max_bytes: int) -> None:
    if upload.size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="empty_file")
    if max_bytes and upload.size > max_bytes:
        raise ValidationError(
            _("“%(name)s” is %(size)s; a file may be at most %(max)s.")
            % {"name": name, "size": filesizeformat(upload.size), "max": filesizeformat(max_bytes)},
            code="too_large",
        )


def _read(upload) -> bytes:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def _zip_bomb_error(name: str) -> ValidationError:
    return ValidationError(
        _("“%(name)s” expands to far more data than a normal document (a “zip bomb”) and cannot be attached.")
        % {"name": name},
        code="zip_bomb",
    )


def check_zip(upload, name: str, type_error) -> None:
    """Office documents are zip archives: refuse one that is broken, would expand enormously, holds
    another archive or carries macros."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            inner_heads = []
            for entry in entries[:ZIP_MAX_ENTRIES]:
                if entry.file_size and not entry.is_dir():
                    with archive.open(entry) as member:
                        inner_heads.append((entry.filename, member.read(8)))
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError, EOFError):
        raise type_error(name) from None
    finally:
        upload.seek(0)
    total = sum(entry.file_size for entry in entries)
    if (
        len(entries) > ZIP_MAX_ENTRIES
        or total > ZIP_MAX_UNCOMPRESSED_BYTES
        or total > ZIP_MAX_RATIO * max(upload.size, 1)
    ):
        raise _zip_bomb_error(name)
    for member_name, head in inner_heads:
        if _MACRO_MEMBER.search(member_name):
            raise ValidationError(
                _(
                    "“%(name)s” contains macros (programs that run when the document is opened). Save it "
                    "again as a document without macros and try again."
                )
                % {"name": name},
                code="macros",
            )
        if member_name.lower().endswith(_ARCHIVE_EXTENSIONS) or head.startswith((b"PK\x03\x04", b"MZ")):
            raise ValidationError(
                _("“%(name)s” contains another archive or a program, which is not allowed in a document.")
                % {"name": name},
                code="nested_archive",
            )


def pdf_has_active_content(data: bytes) -> bool:
    """Looks for JavaScript, launch actions and embedded files, also inside compressed streams and behind
    #-escaped names (/J#61vaScript)."""
    chunks = [data]
    budget = PDF_MAX_INFLATED_BYTES
    for match in _PDF_STREAM.finditer(data):
        if budget <= 0:
            return True  # more compressed content than any document needs: refuse
        try:
            inflated = zlib.decompressobj().decompress(match.group(1), budget)
        except zlib.error:
            continue
        budget -= len(inflated)
        chunks.append(inflated)
    for chunk in chunks:
        unescaped = _PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), chunk)
        if _PDF_ACTIVE.search(unescaped):
            return True
    return False


def _polyglot_error(name: str) -> ValidationError:
    return ValidationError(
        _(
            "“%(name)s” is more than one kind of file at once (it has another file or a web page hidden "
            "in it). Save it again from the program that made it and try again."
        )
        % {"name": name},
        code="polyglot",
    )


def _is_zip(upload) -> bool:
    upload.seek(0)
    try:
        return zipfile.is_zipfile(upload)
    finally:
        upload.seek(0)


def check_text(data: bytes, name: str, type_error) -> None:
    """Plain text (TXT, CSV): UTF-8 or Latin-1 without NUL bytes, and no web page in disguise."""
    if b"\x00" in data:
        raise type_error(name)
    if _ACTIVE_MARKUP.search(data[: 1024 * 1024]):
        raise _polyglot_error(name)


def check_upload(upload, *, extensions, max_bytes: int, type_error, active_pdf_error=None) -> dict:
    """Name, size, type by content and SHA-256 of an upload whose extension must be in `extensions`;
    a ValidationError in the user's language otherwise. `type_error(name)` builds the message for a file
    that is not one of the allowed types (each caller names its own list)."""
    name = upload_name(upload)
    check_size(upload, name, max_bytes)
    check_name(name)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    extension = _SAME_FORMAT.get(extension, extension)
    allowed = {_SAME_FORMAT.get(e, e) for e in extensions}
    if extension not in allowed:
        raise type_error(name)
    data = _read(upload)
    if extension in TEXT_DOCUMENTS:
        check_text(data, name, type_error)
        content_type = "text/csv" if extension == "csv" else "text/plain"
    else:
        kind = filetype.guess(data[:8192])
        if kind is None or _SAME_FORMAT.get(kind.extension, kind.extension) != extension:
            raise type_error(name)
        content_type = kind.mime
        if extension in ZIP_DOCUMENTS:
            check_zip(upload, name, type_error)
        else:
            # Not an archive, so it may not also be one (a zip appended to a PDF or image), nor carry a page.
            if _is_zip(upload) or _ACTIVE_MARKUP.search(data):
                raise _polyglot_error(name)
            if extension == "pdf" and pdf_has_active_content(data):
                raise (active_pdf_error or _active_pdf_error)(name)
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return {"name": name, "size": upload.size, "content_type": content_type, "sha256": digest.hexdigest()}


def _active_pdf_error(name: str) -> ValidationError:
    return ValidationError(
        _(
            "“%(name)s” contains JavaScript or other active content. Save it again as a plain PDF (for "
            "example with “Print to PDF”) and attach that."
        )
        % {"name": name},
        code="pdf_script",
    )
