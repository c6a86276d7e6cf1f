from celery import shared_task


@shared_task(name="portal.heartbeat")
def heartbeat() -> str:
    """Proves that beat and a worker are alive (beat calls it); safe to run any number of times."""
    from django.core.cache import cache
    from django.utils import timezone

    now = timezone.now().isoformat()
    cache.set("portal:worker-heartbeat", now, timeout=60 * 30)
    return now


@shared_task(name="portal.add")
def add(x: int, y: int) -> int:
    """A trivial task used by the health check and the integration tests to prove the round trip."""
    return x + y


@shared_task(
    name="portal.send_contact_form_email",
    autoretry_for=(OSError,),  # smtplib.SMTPException and connection failures are OSErrors
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    retry_jitter=True,
    max_retries=8,
)
def send_contact_form_email(submission_id: int) -> int:
    """E-mail one contact form submission to the coordinators; scheduled on commit by
    `ContactFormPage.send_mail`. Re-reads the submission, so a submission deleted in the meantime
    sends nothing. Not safe to repeat: there is no delivery record, so a retry after the mail server
    accepted the message (or a redelivered task) sends it again; that is why `acks_late` stays off.
    Returns the number of messages sent."""
    from django.conf import settings
    from django.core.mail import EmailMessage
    from django.template.loader import render_to_string
    from django.utils import translation
    from wagtail.contrib.forms.models import FormSubmission

    submission = FormSubmission.objects.select_related("page").filter(pk=submission_id).first()
    if submission is None:
        return 0
    page = submission.page.specific
    data = submission.get_data()
    fields = list(page.get_form_fields())
    rows = []
    for field in fields:
        value = data.get(field.clean_name, "")
        rows.append((field.label, ", ".join(map(str, value)) if isinstance(value, list) else value))
    reply_to = [
        str(data[field.clean_name])
        for field in fields
        if field.field_type == "email" and data.get(field.clean_name)
    ]
    context = {
        "page": page,
        "submission": submission,
        "rows": rows,
        "page_url": f"{settings.SITE_URL}{page.url or ''}",
        "admin_url": f"{settings.WAGTAILADMIN_BASE_URL}/admin/forms/submissions/{page.pk}/",
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = page.subject or render_to_string("portal/email/contact_form_subject.txt", context)
        body = render_to_string("portal/email/contact_form_message.txt", context)
    message = EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=page.from_address or settings.DEFAULT_FROM_EMAIL,
        to=page.get_recipients(),
        reply_to=reply_to[:1],
    )
    return message.send()
