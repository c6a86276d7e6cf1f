"""Checks on what people send: plain text without markup, and attachments by their content."""

import hashlib
import html
import re

import filetype
import nh3
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .models import ATTACHMENT_MAX_BYTES, ResponseAttachment

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
ALLOWED_TYPES = {choice.value: choice.label for choice in ResponseAttachment.Kind}
ALLOWED_EXTENSIONS = {"pdf", "docx", "odt"}


def clean_plain_text(value, *, max_length: int, required: bool = True, label: str = "") -> str:
    """Normalised plain text, or a ValidationError in the user's language.

    Markup is refused rather than silently dropped: nh3 strips every tag, and if the stripped text
    differs from what was sent, the person wrote HTML or a script and is told so."""
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
    if html.unescape(nh3.clean(text, tags=set())) != text:
        raise ValidationError(
            prefix + _("Write plain text: HTML tags and scripts are not allowed."), code="markup"
        )
    return text


def inspect_upload(upload) -> dict:
    """Type, size and SHA-256 of an uploaded file, checked by its content; ValidationError otherwise.

    The name's extension must also fit, so that a PDF called `.docx` does not confuse the reader."""
    name = (getattr(upload, "name", "") or "file").rsplit("/", 1)[-1][:200]
    size = upload.size
    if size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="empty_file")
    if size > ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("“%(name)s” is %(size)s; a file may be at most %(max)s.")
            % {"name": name, "size": filesizeformat(size), "max": filesizeformat(ATTACHMENT_MAX_BYTES)},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(8192)
    kind = filetype.guess(head)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if kind is None or kind.mime not in ALLOWED_TYPES or kind.extension != extension:
        raise ValidationError(
            _("“%(name)s” is not a PDF, DOCX or ODT document. Only those file types can be attached.")
            % {"name": name},
            code="file_type",
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return {"name": name, "size": size, "content_type": kind.mime, "sha256": digest.hexdigest()}
