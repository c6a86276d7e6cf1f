"""Celery tasks of the open data: thin wrappers around `opendata.datasets` and `opendata.archive`."""

from celery import shared_task
from django.utils import translation


@shared_task(name="opendata.rebuild", ignore_result=True)
def rebuild() -> int:
    """Beat, hourly: writes every open-data file again from the database. Safe to run twice (each run
    replaces the files; a download never sees a half-written file as the catalogue is written last)."""
    from . import datasets

    with translation.override("sv"):
        return len(datasets.build_all()["datasets"])


@shared_task(
    name="opendata.build_archive_package", ignore_result=True, acks_late=True, reject_on_worker_lost=True
)
def build_archive_package(package_id: int) -> str:
    """Builds one archive package. Only a waiting package is claimed (pending → running), so a repeat
    does nothing; the package is written to a temporary file and only then stored, and any error marks
    it failed with the reason for the archive page."""
    import hashlib
    import logging
    import tempfile

    from django.core.files import File
    from django.utils import timezone

    from .archive import build_package
    from .models import ArchivePackage

    claimed = ArchivePackage.objects.filter(pk=package_id, status=ArchivePackage.Status.PENDING).update(
        status=ArchivePackage.Status.RUNNING, progress=5
    )
    if not claimed:
        return "not-pending"
    package = ArchivePackage.objects.select_related("consultation", "meeting").get(pk=package_id)

    def progress(percent: int) -> None:
        ArchivePackage.objects.filter(pk=package_id).update(progress=percent)

    try:
        with tempfile.TemporaryFile() as out, translation.override("sv"):
            build_package(package.target, out, progress=progress)
            out.seek(0)
            digest, size = hashlib.sha256(), 0
            while chunk := out.read(1024 * 1024):
                digest.update(chunk)
                size += len(chunk)
            out.seek(0)
            package.file.save(package.filename(), File(out), save=False)
        package.status = ArchivePackage.Status.DONE
        package.progress = 100
        package.size = size
        package.sha256 = digest.hexdigest()
        package.finished_at = timezone.now()
        package.save(update_fields=["file", "status", "progress", "size", "sha256", "finished_at"])
    except Exception as exc:
        logging.getLogger(__name__).exception("Archive package %s failed", package_id)
        ArchivePackage.objects.filter(pk=package_id).update(
            status=ArchivePackage.Status.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
        )
        return "failed"
    return "done"
