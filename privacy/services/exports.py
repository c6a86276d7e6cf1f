"""Data exports ("My data"): requested by the person, built by a task, sent when ready, deleted after
their lifetime."""

from __future__ import annotations

import io
import json
import logging
import zipfile
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.models import DataExport
from privacy import registry

logger = logging.getLogger(__name__)


@transaction.atomic
def export_request(*, user, now: datetime | None = None) -> DataExport:
    """A person asks for a copy of their data. While an export is still being prepared, asking again
    returns that one instead of starting a second. The ZIP is built by a Celery task after commit."""
    from privacy import tasks

    now = now or timezone.now()
    running = (
        DataExport.objects.select_for_update()
        .filter(user=user, status__in=[DataExport.Status.PENDING, DataExport.Status.RUNNING])
        .live(now)
        .first()
    )
    if running is not None:
        return running
    export = DataExport(user=user, created=now, expires_at=now + _export_lifetime())
    export.full_clean()
    export.save()
    tasks.build_data_export.delay_on_commit(export.pk)
    return export


def _export_lifetime() -> timedelta:
    return timedelta(days=settings.PRIVACY_EXPORT_RETENTION_DAYS)


_STALE_RUN = timedelta(minutes=15)


def export_build(*, export_id: int, now: datetime | None = None) -> DataExport | None:
    """Builds the ZIP for one export: a JSON file per section and a readable index.html.

    Claims the export with a conditional update, so a second run (a redelivered task) finds it taken and
    does nothing; a run that died half-way is taken over after 15 minutes. Progress is saved as each
    section is collected so that the status page can show it. Returns the export, or None if it is gone.
    """
    now = now or timezone.now()
    claimed = (
        DataExport.objects.filter(pk=export_id, expires_at__gt=now)
        .filter(
            Q(status=DataExport.Status.PENDING)
            | Q(status=DataExport.Status.RUNNING, created__lt=now - _STALE_RUN)
        )
        .update(status=DataExport.Status.RUNNING, progress=5)
    )
    export = DataExport.objects.select_related("user").filter(pk=export_id).first()
    if not claimed or export is None:
        return export
    user = export.user
    try:
        contributions = [c for c in registry.contributions() if c.exporter is not None]
        data: dict[str, Any] = {}
        for index, contribution in enumerate(contributions, start=1):
            for key, value in contribution.exporter(user).items():
                if key in data:
                    raise ValueError(f"Two apps export a section named {key!r}.")
                data[key] = value
            DataExport.objects.filter(pk=export.pk).update(progress=5 + int(85 * index / len(contributions)))
        content = _zip(user, data, now)
    except Exception as exc:
        logger.exception("Data export %s failed", export_id)
        DataExport.objects.filter(pk=export.pk).update(
            status=DataExport.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise
    with transaction.atomic():
        export = DataExport.objects.select_for_update().get(pk=export.pk)
        if export.status != DataExport.Status.RUNNING:
            return export
        stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M")
        export.file.save(f"mina-uppgifter-{stamp}.zip", ContentFile(content), save=False)
        export.size = len(content)
        export.status = DataExport.Status.DONE
        export.progress = 100
        export.finished_at = timezone.now()
        export.save()
        from privacy import tasks

        tasks.send_export_ready.delay_on_commit(export.pk)
    return export


def _zip(user, data: dict[str, Any], now: datetime) -> bytes:
    language = user.preferred_language or settings.LANGUAGE_CODE
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for key, value in data.items():
            archive.writestr(
                f"{key}.json", json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
            )
        with translation.override(language):
            sections = [
                {
                    "key": key,
                    "title": str(registry.title_for(key)),
                    "file": f"{key}.json",
                    **_readable(value),
                }
                for key, value in data.items()
            ]
            index = render_to_string(
                "privacy/export_index.html",
                {
                    "sections": sections,
                    "created": now,
                    "language": language,
                    "user_name": user.get_display_name(),
                },
            )
        archive.writestr("index.html", index)
    return buffer.getvalue()


def _cell(value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, (dict, list)):
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    return str(value)


def _readable(value) -> dict[str, Any]:
    """A section as a table (a list of rows) or a list of label/value pairs (one object)."""
    if isinstance(value, list):
        columns: list[str] = []
        for row in value:
            if isinstance(row, dict):
                columns += [k for k in row if k not in columns]
        if columns:
            rows = [
                [_cell(row.get(c)) if isinstance(row, dict) else _cell(row) for c in columns] for row in value
            ]
            return {"columns": [c.replace("_", " ") for c in columns], "rows": rows}
        return {"columns": [""], "rows": [[_cell(v)] for v in value]}
    if isinstance(value, dict):
        return {"pairs": [(k.replace("_", " "), _cell(v)) for k, v in value.items()]}
    return {"pairs": [("", _cell(value))]}


def export_send_ready(*, export_id: int) -> int:
    """E-mails the person that their export is ready, in their language. Like a receipt, it is sent
    whatever their notification settings say. Sends nothing for an export that is gone, expired or not
    ready; otherwise a repeat sends the message again (there is no delivery row), so the task keeps
    `acks_late` off. Returns the number of messages sent."""
    from django.core.mail import EmailMultiAlternatives

    export = DataExport.objects.select_related("user").filter(pk=export_id).first()
    if export is None or not export.is_ready or export.user.deleted_at is not None:
        return 0
    user = export.user
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "export": export,
            "url": f"{settings.SITE_URL}{export.get_absolute_url()}",
            "expires_at": export.expires_at,
        }
        subject = " ".join(render_to_string("privacy/email/export_ready_subject.txt", context).split())
        body = render_to_string("privacy/email/export_ready_message.txt", context)
    message = EmailMultiAlternatives(subject=subject, body=body, to=[user.email])
    return message.send()


def export_delete(*, export: DataExport) -> None:
    """Deletes an export and its file (after commit, so a rolled-back delete keeps the file)."""
    name = export.file.name
    storage = export.file.storage
    export.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))
