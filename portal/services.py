"""State changes that belong to the portal itself: the audit trail."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from portal.models import AuditEntry


def audit_log(*, actor, action: str, target: models.Model | None = None, **details: Any) -> AuditEntry:
    """Record one coordinator action. Call it inside the service's transaction, so the entry exists
    exactly when the change does. Not idempotent: each call is one entry."""
    entry = AuditEntry(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        details=details,
    )
    if target is not None:
        entry.content_type = ContentType.objects.get_for_model(target)
        entry.object_id = str(target.pk)
        entry.object_repr = str(target)[:255]
    entry.full_clean()
    entry.save()
    return entry
