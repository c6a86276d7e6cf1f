"""Open data: what the OParl API must still answer for after a row is gone, and the archive packages.

The domain models delete their rows for real (a meeting, an agenda item, a consultation). OParl 1.1 (§ 2.8)
asks that a deleted object keeps answering at its URL with `deleted: true`, its `id`, `type`, `created`,
and `modified` set to the time of deletion. A `Tombstone` keeps exactly that, and only for objects that
were public when they were deleted: a members-only object never had a public id, so its removal must not
reveal it either.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models.jobs import Job
from portal.private_media import get_private_storage


class Tombstone(models.Model):
    # The OParl type name ("Meeting", "AgendaItem", ...) and the object's key in its URL ("12",
    # "minutes-12-pdf"): together the object's id below /oparl/v1/.
    oparl_type = models.CharField(_("OParl type"), max_length=32)
    key = models.CharField(_("key"), max_length=80)
    created = models.DateTimeField(_("created"))
    deleted_at = models.DateTimeField(_("deleted"), default=timezone.now)
    # Properties the schema requires even of a deleted object (an AgendaItem's `order`).
    extra = models.JSONField(_("required properties"), default=dict, blank=True)

    class Meta:
        verbose_name = _("deleted object")
        verbose_name_plural = _("deleted objects")
        ordering = ["oparl_type", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["oparl_type", "key"], name="opendata_tombstone_unique"),
        ]
        indexes = [models.Index(fields=["oparl_type", "deleted_at"], name="opendata_tombstone_time_idx")]

    def __str__(self):
        return f"{self.oparl_type} {self.key}"


def _package_path(instance, filename):
    return f"archive/{uuid.uuid4().hex}/{filename}"


class ArchivePackage(Job):
    """An E-ARK package a coordinator asked for, built by a Celery task (`opendata.build_archive_package`);
    the workspace's archive page shows its progress and offers it for download when it is ready."""

    consultation = models.ForeignKey(
        "consultations.Consultation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    meeting = models.ForeignKey(
        "meetings.Meeting", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    file = models.FileField(upload_to=_package_path, storage=get_private_storage, blank=True, max_length=300)
    size = models.BigIntegerField(_("size"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)

    class Meta(Job.Meta):
        verbose_name = _("archive package")
        verbose_name_plural = _("archive packages")
        constraints = [
            models.CheckConstraint(
                condition=Q(consultation__isnull=False, meeting__isnull=True)
                | Q(consultation__isnull=True, meeting__isnull=False),
                name="opendata_package_one_target",
            )
        ]

    def __str__(self):
        return str(self.target)

    @property
    def target(self):
        return self.consultation or self.meeting

    def filename(self) -> str:
        kind = "samrad" if self.consultation_id else "mote"
        return f"arkivpaket-{kind}-{self.consultation_id or self.meeting_id}-{self.created:%Y%m%d-%H%M}.zip"
