"""Wagtail's document and image forms with the portal's upload checks (portal.uploads): the same type by
content, active-content, archive and size rules as response attachments. Configured by
WAGTAILDOCS_DOCUMENT_FORM_BASE and WAGTAILIMAGES_IMAGE_FORM_BASE, so every way into Wagtail's library
(the add and edit pages, the multiple uploader, the choosers' upload tabs) goes through them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.forms import BaseImageForm

from portal import uploads


def _document_type_error(name: str) -> ValidationError:
    return ValidationError(
        _("“%(name)s” is not a document of an accepted type (%(types)s); the content decides, not the name.")
        % {"name": name, "types": ", ".join(sorted(e.upper() for e in settings.WAGTAILDOCS_EXTENSIONS))},
        code="file_type",
    )


def _image_type_error(name: str) -> ValidationError:
    return ValidationError(
        _("“%(name)s” is not an image of an accepted type (%(types)s); the content decides, not the name.")
        % {"name": name, "types": ", ".join(sorted(e.upper() for e in settings.WAGTAILIMAGES_EXTENSIONS))},
        code="file_type",
    )


def _active_document_error(name: str) -> ValidationError:
    return ValidationError(
        _(
            "“%(name)s” contains JavaScript or other active content. Save it again as a plain PDF (for "
            "example with “Print to PDF”) and upload that."
        )
        % {"name": name},
        code="pdf_script",
    )


class DocumentForm(BaseDocumentForm):
    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            uploads.check_upload(
                upload,
                extensions=settings.WAGTAILDOCS_EXTENSIONS,
                max_bytes=settings.PORTAL_DOCUMENT_MAX_BYTES,
                type_error=_document_type_error,
                active_pdf_error=_active_document_error,
            )
        return upload


class ImageForm(BaseImageForm):
    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            uploads.check_upload(
                upload,
                extensions=settings.WAGTAILIMAGES_EXTENSIONS,
                max_bytes=settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE,
                type_error=_image_type_error,
            )
        return upload
