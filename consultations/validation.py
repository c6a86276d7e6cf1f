"""Checks on what people send: plain text without markup, and attachments by their content."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from portal import uploads

from .models import ATTACHMENT_MAX_BYTES, ResponseAttachment

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# An HTML tag (a name right after "<" or "</", closed by ">"), a comment or a processing instruction.
_MARKUP = re.compile(r"<\s*/?\s*[A-Za-z][A-Za-z0-9:-]*(?:[\s/][^<>]*)?>|<!--|<!\[CDATA\[|<![A-Za-z]|<\?")
ALLOWED_TYPES = {choice.value: choice.label for choice in ResponseAttachment.Kind}
ALLOWED_EXTENSIONS = {"pdf", "docx", "odt"}


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


def inspect_upload(upload) -> dict:
    """Type, size and SHA-256 of an uploaded attachment, checked by its content (portal.uploads);
    ValidationError otherwise.

    The name's extension must also fit, so that a PDF called `.docx` does not confuse the reader. Zip
    bombs, documents with macros or other archives inside, PDFs with scripts, files that are two formats at
    once and names that disguise the type are refused."""
    info = uploads.check_upload(
        upload, extensions=ALLOWED_EXTENSIONS, max_bytes=ATTACHMENT_MAX_BYTES, type_error=_file_type_error
    )
    if info["content_type"] not in ALLOWED_TYPES:
        raise _file_type_error(info["name"])
    return info
