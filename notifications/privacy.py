"""What notifications hold about a person, for "My data", account deletion and the retention of delivery
records (see privacy/)."""

from django.db import transaction
from django.utils.translation import gettext_lazy

from privacy.registry import register

from .models import Delivery, DigestRun, Notification, OrganisationContact, Outbox, Preference, Suppression


def export(user) -> dict:
    return {
        "notifications": [
            {"event": n.event, "created": n.created_at, "read": n.read_at, "context": n.context}
            for n in Notification.objects.filter(recipient=user).order_by("created_at", "pk")
        ],
        "notification_preferences": [
            {"event": p.event, "frequency": p.frequency}
            for p in Preference.objects.filter(user=user).order_by("event")
        ],
        "email_deliveries": [
            {"event": d.event, "status": d.status, "created": d.created_at, "sent": d.sent_at}
            for d in Delivery.objects.filter(recipient=user).order_by("created_at", "pk")
        ],
    }


@transaction.atomic
def erase(user) -> None:
    """Inbox, preferences, delivery and digest records go; so does a suppression of the address. Events the
    person caused and organisation settings they changed stay, without the link to them."""
    Delivery.objects.filter(recipient=user).delete()
    if user.email:
        # E-mails to the person's address as a plain address (an invitation), not a contact copy.
        Delivery.objects.filter(
            recipient__isnull=True, organisation_id__isnull=True, address__iexact=user.email
        ).delete()
    DigestRun.objects.filter(user=user).delete()
    Notification.objects.filter(recipient=user).delete()
    Preference.objects.filter(user=user).delete()
    Outbox.objects.filter(actor=user).update(actor=None)
    OrganisationContact.objects.filter(updated_by=user).update(updated_by=None)
    if user.email:
        Suppression.objects.filter(email__iexact=user.email).delete()


FINISHED = (Delivery.Status.SENT, Delivery.Status.FAILED, Delivery.Status.SKIPPED)


def prune(cutoff) -> dict[str, int]:
    """Finished delivery and digest records older than the cutoff; pending ones stay until sent."""
    deliveries = Delivery.objects.filter(created_at__lt=cutoff, status__in=FINISHED).delete()[0]
    digests = DigestRun.objects.filter(created_at__lt=cutoff, status__in=FINISHED).delete()[0]
    return {"email_deliveries": deliveries, "digests": digests}


register(
    "notifications",
    exporter=export,
    eraser=erase,
    pruner=prune,
    titles={
        "notifications": gettext_lazy("Notifications in your inbox"),
        "notification_preferences": gettext_lazy("Notification settings"),
        "email_deliveries": gettext_lazy("E-mails sent to you"),
    },
)
