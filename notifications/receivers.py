"""Receivers for signals from optional e-mail providers."""

import logging

logger = logging.getLogger(__name__)

SUPPRESS_ON = {"bounced", "complained", "rejected", "unsubscribed"}


def anymail_tracking(sender, event, esp_name, **kwargs):
    """Adds an address to the suppression list when the provider reports a bounce or a complaint.

    Connected to anymail's `tracking` signal (its webhooks). A soft "deferred" is ignored; repeated
    webhooks are harmless.
    """
    from notifications.services import suppression_add

    if event.event_type not in SUPPRESS_ON or not event.recipient:
        return
    detail = event.description or event.mta_response or ""
    suppression_add(email=event.recipient, reason=f"{esp_name}:{event.event_type}", detail=str(detail))
    logger.warning("Suppressed %s after %s from %s", event.recipient, event.event_type, esp_name)
