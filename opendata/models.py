"""Open data: what the OParl API must still answer for after a row is gone.

The domain models delete their rows for real (a meeting, an agenda item, a consultation). OParl 1.1 (§ 2.8)
asks that a deleted object keeps answering at its URL with `deleted: true`, its `id`, `type`, `created`,
and `modified` set to the time of deletion. A `Tombstone` keeps exactly that, and only for objects that
were public when they were deleted: a members-only object never had a public id, so its removal must not
reveal it either.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
