"""Rendering of inbox texts and e-mails, always in the language of the person who reads them."""

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from notifications.registry import AddressEmail, EventType
from notifications.tokens import DIGEST_PREFIX, make_organisation_unsubscribe_token, make_unsubscribe_token

logger = logging.getLogger(__name__)


def absolute_url(path_or_url: str) -> str:
    if not path_or_url:
        return ""
    if path_or_url.startswith(("http://", "https://")):
        return path_or_url
    return settings.SITE_URL + (path_or_url if path_or_url.startswith("/") else "/" + path_or_url)


def user_language(user) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    language = getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE
    return language if language in codes else settings.LANGUAGE_CODE


def event_link(event_type: EventType, obj) -> str:
    """The path of the thing, or "" when the event has no link or the object is gone."""
    if obj is None or event_type.link is None:
        return ""
    try:
        return event_type.link(obj) or ""
    except Exception:
        logger.exception("Link builder of %s failed for %r", event_type.key, obj)
        return ""


def template_context(*, event_type: EventType, obj, actor, recipient, context: dict | None) -> dict:
    return {
        **(context or {}),
        "event": event_type,
        "object": obj,
        "actor": actor,
        "recipient": recipient,
        "site_url": settings.SITE_URL,
        "url": absolute_url(event_link(event_type, obj)),
    }


def render_inbox_text(*, event_type: EventType, obj, actor, recipient, context: dict | None) -> str:
    """The one-line inbox text in the active language; falls back to the event's name on any error."""
    try:
        text = render_to_string(
            event_type.get_text_template(),
            template_context(
                event_type=event_type, obj=obj, actor=actor, recipient=recipient, context=context
            ),
        )
    except Exception:
        logger.exception("Inbox text of %s could not be rendered", event_type.key)
        return str(event_type.verbose_name)
    return " ".join(text.split()) or str(event_type.verbose_name)


def unsubscribe_url(user_id: int, event: str) -> str:
    token = make_unsubscribe_token(user_id, event)
    return absolute_url(reverse("notifications:unsubscribe", kwargs={"token": token}))


def organisation_unsubscribe_url(organisation_id: int) -> str:
    token = make_organisation_unsubscribe_token(organisation_id)
    return absolute_url(reverse("notifications:organisation_unsubscribe", kwargs={"token": token}))


def _message_id(kind: str, pk: int) -> str:
    # The same id on every attempt, so a receiving system can fold a rare repeat into one message.
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<{kind}-{pk}@{domain}>"


def _headers(*, unsubscribe: str, message_id: str) -> dict:
    headers = {"Auto-Submitted": "auto-generated", "Message-ID": message_id}
    if unsubscribe:
        # RFC 2369 and RFC 8058: one-click unsubscribe by an HTTPS POST from the mail client.
        headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return headers


def _render_event(*, event_type: EventType, obj, actor, recipient, context, copy: bool, unsubscribe: str):
    """(subject, text, html) in the active language."""
    subject_t, text_t, html_t = event_type.get_email_templates()
    ctx = template_context(event_type=event_type, obj=obj, actor=actor, recipient=recipient, context=context)
    ctx["unsubscribe_url"] = unsubscribe
    ctx["preferences_url"] = "" if copy else absolute_url(reverse("notifications:preferences"))
    ctx["organisation_copy"] = copy
    subject = " ".join(render_to_string(subject_t, ctx).split())
    text = render_to_string(text_t, ctx)
    if copy:
        text = (
            text.rstrip() + "\n\n-- \n" + render_to_string("notifications/email/organisation_copy.txt", ctx)
        )
    html = render_to_string(html_t, ctx)
    return subject, text, html


_NAME = "QQRECIPIENTNAMEQQ"
_TOKEN = "QQUNSUBSCRIBETOKENQQ"


class _Probe:
    """Stands in for the recipient when one rendering is shared by many: it answers only for the
    name, and notes any other attribute the templates ask for (then each message is rendered for
    its own recipient)."""

    def __init__(self):
        self.asked_for_more = False

    def get_display_name(self):
        return _NAME

    @property
    def display_name(self):
        return _NAME

    def __str__(self):
        return _NAME

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        self.asked_for_more = True
        return ""


class _Shared:
    def __init__(self, parts, usable: bool):
        self.parts = parts
        self.usable = usable

    def personalise(self, name: str, token: str):
        subject, text, html = self.parts
        html_name = escape(name)
        return (
            subject.replace(_NAME, name),
            text.replace(_NAME, name).replace(_TOKEN, token),
            html.replace(_NAME, html_name).replace(_TOKEN, token),
        )


def build_event_email(
    *, delivery, event_type: EventType, obj, actor, recipient, context, connection=None, shared=None
):
    """The e-mail for one delivery: subject, plain text and HTML, in the recipient's language.

    A copy to an organisation's contact address (`delivery.address`) is written in the language the
    organisation chose, says why it comes, and its unsubscribe link turns the copies off for that
    organisation.

    `shared` (a dict kept for one batch) lets the messages of one event in one language be rendered
    once: the templates are rendered with a stand-in recipient and a stand-in unsubscribe token,
    and each message then gets the recipient's name and token put in. This is used only while it
    gives exactly what rendering for the recipient gives: the first message of each group is
    rendered both ways and compared, and a template that asks for anything about the recipient
    other than the name (an e-mail address, a role) turns the sharing off for that group.
    """
    copy = bool(delivery.address)
    language = user_language(recipient)
    with translation.override(language):
        if copy:
            unsubscribe = organisation_unsubscribe_url(delivery.organisation_id)
            token = ""
        else:
            token = "" if event_type.mandatory else make_unsubscribe_token(recipient.pk, event_type.key)
            unsubscribe = (
                absolute_url(reverse("notifications:unsubscribe", kwargs={"token": token})) if token else ""
            )
        args = {"event_type": event_type, "obj": obj, "actor": actor, "context": context, "copy": copy}
        key = (getattr(delivery, "outbox_id", None), language)
        if shared is None or copy or key[0] is None:
            parts = _render_event(recipient=recipient, unsubscribe=unsubscribe, **args)
        elif key in shared:
            entry = shared[key]
            if entry.usable:
                parts = entry.personalise(recipient.get_display_name(), token)
            else:
                parts = _render_event(recipient=recipient, unsubscribe=unsubscribe, **args)
        else:
            probe = _Probe()
            stand_in = (
                absolute_url(reverse("notifications:unsubscribe", kwargs={"token": _TOKEN})) if token else ""
            )
            entry = _Shared(_render_event(recipient=probe, unsubscribe=stand_in, **args), usable=False)
            parts = _render_event(recipient=recipient, unsubscribe=unsubscribe, **args)
            entry.usable = (
                not probe.asked_for_more and entry.personalise(recipient.get_display_name(), token) == parts
            )
            shared[key] = entry
    subject, text, html = parts
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[delivery.address if copy else recipient.email],
        connection=connection,
        headers=_headers(unsubscribe=unsubscribe, message_id=_message_id("notification", delivery.pk)),
    )
    message.attach_alternative(html, "text/html")
    return message


def build_digest_email(*, run, recipient, groups, connection=None):
    """One e-mail listing a period's notifications, grouped by event type.

    `groups` is a list of (event_type, [{"text": ..., "url": ...}, ...]); texts are rendered here, in
    the recipient's language.
    """
    with translation.override(user_language(recipient)):
        unsubscribe = unsubscribe_url(recipient.pk, DIGEST_PREFIX + run.frequency)
        rendered = []
        for event_type, items in groups:
            rendered.append(
                {
                    "event": event_type,
                    "verbose_name": str(event_type.verbose_name),
                    "items": [
                        {
                            "text": render_inbox_text(
                                event_type=event_type,
                                obj=item["object"],
                                actor=item["actor"],
                                recipient=recipient,
                                context=item["context"],
                            ),
                            "url": absolute_url(event_link(event_type, item["object"])),
                        }
                        for item in items
                    ],
                }
            )
        ctx = {
            "recipient": recipient,
            "frequency": run.frequency,
            "period": run.period,
            "groups": rendered,
            "count": sum(len(g["items"]) for g in rendered),
            "site_url": settings.SITE_URL,
            "inbox_url": absolute_url(reverse("notifications:inbox")),
            "preferences_url": absolute_url(reverse("notifications:preferences")),
            "unsubscribe_url": unsubscribe,
        }
        subject = " ".join(render_to_string("notifications/email/digest_subject.txt", ctx).split())
        text = render_to_string("notifications/email/digest_message.txt", ctx)
        html = render_to_string("notifications/email/digest_message.html", ctx)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[recipient.email],
        connection=connection,
        headers=_headers(unsubscribe=unsubscribe, message_id=_message_id("digest", run.pk)),
    )
    message.attach_alternative(html, "text/html")
    return message


def build_address_email(*, delivery, address_email: AddressEmail, obj, connection=None):
    """The plain-text e-mail of a delivery to a plain address, in the delivery's language; None when
    the object no longer asks for it (see `registry.AddressEmail`)."""
    language = delivery.language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = address_email.context(obj, language)
        if context is None:
            return None
        context = {"site_name": settings.WAGTAIL_SITE_NAME, "site_url": settings.SITE_URL, **context}
        subject_t, text_t = address_email.get_templates()
        subject = " ".join(render_to_string(subject_t, context).split())
        body = render_to_string(text_t, context)
    return EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.address],
        connection=connection,
        headers=_headers(unsubscribe="", message_id=_message_id("notification", delivery.pk)),
    )
