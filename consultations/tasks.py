"""Celery tasks of consultations: thin wrappers that take ids and call a service."""

import logging

from celery import shared_task
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation

from . import exports, services
from .models import Export

logger = logging.getLogger(__name__)


@shared_task(name="consultations.announce", ignore_result=True)
def announce() -> tuple[int, int]:
    """Beat, every 15 minutes: announces consultations that opened, and reminds organisations that have
    not responded 7 and 2 days before the deadline. Safe to run twice: an opening is claimed by a
    conditional update, and notify() sends each reminder once."""
    return services.consultations_announce()


@shared_task(name="consultations.send_outcome_reminders", ignore_result=True)
def send_outcome_reminders() -> int:
    """Beat, daily: reminds coordinators of consultations closed two weeks ago without a published
    outcome. Safe to run twice: each reminder is sent once per consultation and closing time."""
    return services.consultation_outcome_reminders_send()


@shared_task(name="consultations.run_export", ignore_result=True)
def run_export(export_id: int) -> str:
    """Builds one export. Only a waiting export is claimed (pending → running), so a repeat does nothing;
    any error marks it failed with the reason for the status page."""
    if not Export.objects.filter(pk=export_id, status=Export.Status.PENDING).update(
        status=Export.Status.RUNNING, progress=10
    ):
        return "not-pending"
    export = Export.objects.select_related("consultation", "requested_by").get(pk=export_id)
    language = getattr(export.requested_by, "preferred_language", None) or "sv"
    try:
        with translation.override(language):
            if export.kind == Export.Kind.XLSX:
                content = exports.build_xlsx(export.consultation)
            else:
                content = exports.build_pdf(export.consultation)
        Export.objects.filter(pk=export_id).update(progress=80)
        with transaction.atomic():
            export.file.save(exports.export_filename(export), ContentFile(content), save=False)
            export.status = Export.Status.DONE
            export.progress = 100
            export.finished_at = timezone.now()
            export.save(update_fields=["file", "status", "progress", "finished_at"])
    except Exception as exc:
        logger.exception("Export %s failed", export_id)
        Export.objects.filter(pk=export_id).update(
            status=Export.Status.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
        )
        return "failed"
    return "done"
