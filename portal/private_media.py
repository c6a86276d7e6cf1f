"""Files that are not for everyone: where they live and how they are handed out.

Nothing private is stored under MEDIA_ROOT, so a web server that serves MEDIA_ROOT whole (as the README's
proxy configuration does) can never hand out a private file. Private files live under
`PRIVATE_MEDIA_ROOT`, which has no URL; only views that check a permission first read them, through
`serve_private_file` (the domain apps' download views) or Wagtail's document view (Wagtail documents,
via `SENDFILE_BACKEND = "portal.private_media"` and the apps' `before_serve_document` hooks).

- response attachments, submitted response files and coordinators' exports: FileFields with
  `storage=get_private_storage`;
- Wagtail documents (members-only meeting documents among them): the default storage,
  `PortalDefaultStorage`, puts names under `documents/` into the private root;
- people's data exports: `portal.models.privacy.PrivateExportStorage`, under the private root too.

`PRIVATE_MEDIA_SERVE` chooses who sends the bytes once the view has allowed it: "django" streams the
file from Python; "x-accel-redirect" (nginx) and "x-sendfile" (Apache, lighttpd) hand the transfer to the
proxy, which must serve PRIVATE_MEDIA_ROOT at an internal-only location (see the README).
"""

import mimetypes
import os
import shutil
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404, HttpResponse

# Names the default storage keeps in the private root: Wagtail stores every document under "documents/"
# and a multiple upload waiting for its details under "wagtail_uploads/".
PRIVATE_DEFAULT_PREFIXES = ("documents/", "wagtail_uploads/")
SERVE_METHODS = ("django", "x-accel-redirect", "x-sendfile")


def private_root() -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT).resolve()


class PrivateStorage(FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT, with no public URL. The location follows the settings at each use
    (tests point it at a temporary folder)."""

    def __init__(self, subdirectory: str = ""):
        self.subdirectory = subdirectory.strip("/")
        super().__init__()

    @property
    def base_location(self):
        return str(private_root() / self.subdirectory) if self.subdirectory else str(private_root())

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None

    def url(self, name):
        # NotImplementedError is what Wagtail and Django's admin treat as "no direct URL".
        raise NotImplementedError("Private files have no public URL; link to their permission-checked view.")


private_storage = PrivateStorage()


def get_private_storage():
    """For `FileField(storage=get_private_storage)`: migrations keep the callable, not a path."""
    return private_storage


def is_private_default_name(name: str) -> bool:
    return str(name).replace("\\", "/").lstrip("/").startswith(PRIVATE_DEFAULT_PREFIXES)


class PortalDefaultStorage(FileSystemStorage):
    """The default storage: MEDIA_ROOT for public files (images, renditions, organisations' logos), but
    names under PRIVATE_DEFAULT_PREFIXES (Wagtail's documents) in the private root, with no URL.

    Wagtail's document model has no storage option of its own and a custom document model would mean
    migrating every reference to it; routing by Wagtail's fixed upload folder keeps its model as it is."""

    def path(self, name):
        if is_private_default_name(name):
            return private_storage.path(name)
        return super().path(name)

    def _save(self, name, content):
        if is_private_default_name(name):
            return private_storage._save(name, content)
        return super()._save(name, content)

    def url(self, name):
        if name and is_private_default_name(name):
            return private_storage.url(name)
        return super().url(name)


def _content_disposition(filename: str, as_attachment: bool) -> str:
    kind = "attachment" if as_attachment else "inline"
    ascii_name = filename.encode("ascii", "ignore").decode().replace('"', "").replace("\\", "") or "file"
    value = f'{kind}; filename="{ascii_name}"'
    if ascii_name != filename:
        value += f"; filename*=UTF-8''{quote(filename)}"
    return value


class _OffloadResponse(HttpResponse):
    """An empty body: the proxy sends the file and sets Content-Length itself. Wagtail's sendfile() sets a
    Content-Length of the file's size afterwards, which would not match the empty body; it is dropped."""

    def __setitem__(self, header, value):
        if header.lower() != "content-length":
            super().__setitem__(header, value)


def _offload_response(path: Path, method: str) -> HttpResponse:
    """An empty response that tells the proxy to send `path` itself."""
    relative = path.resolve().relative_to(private_root())
    response = _OffloadResponse()
    # The proxy sets Content-Length and answers Range requests; Django must not add a body type of its own.
    del response["Content-Type"]
    if method == "x-accel-redirect":
        prefix = "/" + settings.PRIVATE_MEDIA_ACCEL_PREFIX.strip("/") + "/"
        response["X-Accel-Redirect"] = quote(prefix + relative.as_posix())
    else:
        response["X-Sendfile"] = str(path)
    return response


def _send(path: Path, *, content_type: str | None, filename: str, as_attachment: bool) -> HttpResponse:
    method = settings.PRIVATE_MEDIA_SERVE
    if method not in SERVE_METHODS:
        raise ImproperlyConfigured(f"PRIVATE_MEDIA_SERVE must be one of {', '.join(SERVE_METHODS)}.")
    if not path.is_file():
        raise Http404
    if method == "django":
        response = FileResponse(path.open("rb"))
        response["Content-Length"] = path.stat().st_size
    else:
        response = _offload_response(path, method)
    response["Content-Type"] = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    response["Content-Disposition"] = _content_disposition(filename, as_attachment)
    response["X-Content-Type-Options"] = "nosniff"
    # A browser that opens the file inline must not run anything in it.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def serve_private_file(
    request, field_file, *, filename: str, content_type: str | None = None, as_attachment: bool = True
) -> HttpResponse:
    """The response that sends a private file. Call it only after the permission check; a missing file
    is a 404. Safe to call for any storage that has a local path."""
    if not field_file:
        raise Http404
    try:
        path = Path(field_file.path)
    except (NotImplementedError, ValueError) as exc:
        raise Http404 from exc
    return _send(path, content_type=content_type, filename=filename, as_attachment=as_attachment)


def sendfile(request, filename, mimetype=None, **kwargs):
    """`SENDFILE_BACKEND` for Wagtail's document view (wagtail.utils.sendfile): the proxy hand-off when
    PRIVATE_MEDIA_SERVE says so, else Wagtail's own streaming backend. Wagtail's view has already run
    its permission hooks and adds Content-Disposition, nosniff and its own CSP."""
    from wagtail.utils import sendfile_streaming_backend

    path = Path(filename)
    method = settings.PRIVATE_MEDIA_SERVE
    if method == "django" or not path.resolve().is_relative_to(private_root()):
        return sendfile_streaming_backend.sendfile(request, filename, **kwargs)
    response = _offload_response(path, method)
    response["Cache-Control"] = "private, no-store"
    return response


def move_to_private(names, *, reverse: bool = False) -> int:
    """Moves stored files with these names from MEDIA_ROOT to PRIVATE_MEDIA_ROOT (or back), keeping the
    name, so the database rows stay as they are. Used by the data migrations; safe to repeat (a file
    already moved, or missing, is skipped). Returns how many files were moved."""
    public_root = Path(settings.MEDIA_ROOT).resolve()
    moved = 0
    for name in names:
        if not name:
            continue
        source, target = public_root / name, private_root() / name
        if reverse:
            source, target = target, source
        if source.is_file() and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(source), str(target))
            moved += 1
    return moved
