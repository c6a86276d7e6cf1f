"""Plain-text e-mail rendered in the recipient's language."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation


def recipient_language(user=None) -> str:
    language = getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def absolute_url(name: str, language: str, **kwargs) -> str:
    """A full link to a view in the given interface language (Swedish at the root, English under /en/)."""
    with translation.override(language):
        return settings.SITE_URL + reverse(name, kwargs=kwargs or None)


def send_event_email(*, event: str, to: str, language: str, context: dict) -> None:
    """Render `organisations/email/<event>_{subject,message}.txt` in `language` and send it."""
    with translation.override(language):
        context = {"site_name": settings.WAGTAIL_SITE_NAME, "site_url": settings.SITE_URL, **context}
        subject = render_to_string(f"organisations/email/{event}_subject.txt", context)
        body = render_to_string(f"organisations/email/{event}_message.txt", context)
    subject = " ".join(subject.split())
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=False)
