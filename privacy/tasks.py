"""Thin tasks: they take ids, and the services they call are safe to run twice."""

from celery import shared_task


@shared_task(name="privacy.build_data_export")
def build_data_export(export_id: int) -> str:
    """Builds one person's data export (scheduled on commit by `export_request`). A second run finds the
    export claimed or done and does nothing."""
    from privacy.services import export_build

    export = export_build(export_id=export_id)
    return export.status if export else "gone"


@shared_task(
    name="privacy.send_export_ready",
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    max_retries=8,
)
def send_export_ready(export_id: int) -> int:
    """E-mails the person that their export is ready; sends nothing for an export that is gone."""
    from privacy.services import export_send_ready

    return export_send_ready(export_id=export_id)


@shared_task(
    name="privacy.send_inactivity_warning",
    autoretry_for=(OSError,),
    retry_backoff=60,
    retry_backoff_max=60 * 60,
    max_retries=8,
)
def send_inactivity_warning(notice_id: int) -> int:
    """Warns an inactive person before erasure; a notice already sent is not sent again."""
    from privacy.services import inactivity_warning_send

    return inactivity_warning_send(notice_id=notice_id)


@shared_task(name="privacy.apply_retention")
def apply_retention() -> dict:
    """The daily retention run (beat, 03:45). Every rule in it is idempotent."""
    from privacy.services import apply_retention as run

    return run()
