"""State changes of the open data: the archive packages coordinators ask for."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from portal.services import audit_log
from portal.workspace import is_workspace_user

from .archive import check_archivable
from .models import ArchivePackage


@transaction.atomic
def archive_package_request(*, actor, target) -> ArchivePackage:
    """Queues an archive package of a concluded consultation or of a meeting with approved minutes, for a
    coordinator. A target that is not ready is refused with the reason, and nothing is stored. A package
    of the same target that is still waiting or being built is returned instead of a second one, so a
    double click builds one package."""
    if not is_workspace_user(actor):
        raise PermissionDenied(_("Only coordinators can make archive packages."))
    check_archivable(target)
    field = "consultation" if target._meta.model_name == "consultation" else "meeting"
    type(target).objects.select_for_update().filter(pk=target.pk).first()  # one request at a time
    running = ArchivePackage.objects.filter(
        **{field: target}, status__in=[ArchivePackage.Status.PENDING, ArchivePackage.Status.RUNNING]
    ).first()
    if running is not None:
        return running
    package = ArchivePackage.objects.create(**{field: target}, requested_by=actor)
    audit_log(actor=actor, action="opendata.archive_package", target=target)
    from . import tasks

    tasks.build_archive_package.delay_on_commit(package.pk)
    return package
