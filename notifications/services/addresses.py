"""E-mails to plain addresses (see `registry.AddressEmail`): written as deliveries like every other
e-mail, so that the unique key, the suppression list, the claim and the retries apply to them too."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from notifications import registry
from notifications.models import Delivery
from notifications.registry import Frequency, UnknownEvent

from .queueing import enqueue_deliveries


@transaction.atomic
def address_email_send(
    event: str, obj, *, addresses: Iterable[str], language: str, dedupe_key: str = ""
) -> int:
    """Writes a delivery of the e-mail `event` about `obj` to each address, in `language`, in the
    caller's transaction, and hands them to the broker after commit. The text is rendered when it
    is sent, from what is stored then.

    Safe to repeat: the unique key (event, object, dedupe_key, address) writes each once, so a
    repeated call sends nothing again; use `dedupe_key` when one object legitimately sends the same
    e-mail again. Returns how many deliveries it queued.
    """
    if registry.address_email(event) is None:
        raise UnknownEvent(event)
    wanted = list(dict.fromkeys(address.strip() for address in addresses if address and address.strip()))
    if not wanted:
        return 0
    now = timezone.now()
    key = {
        "event": event,
        "content_type": ContentType.objects.get_for_model(obj),
        "object_id": str(obj.pk),
        "dedupe_key": dedupe_key,
        "channel": Delivery.Channel.EMAIL,
    }
    # An address that has this e-mail already (a repeated call) is left alone; ignore_conflicts
    # covers a concurrent call writing the same row between the read and the insert.
    existing = set(Delivery.objects.filter(address__in=wanted, **key).values_list("address", flat=True))
    wanted = [address for address in wanted if address not in existing]
    if not wanted:
        return 0
    Delivery.objects.bulk_create(
        [
            Delivery(
                recipient=None,
                address=address,
                language=language,
                frequency=Frequency.IMMEDIATELY,
                created_at=now,
                queued_at=now,
                **key,
            )
            for address in wanted
        ],
        ignore_conflicts=True,
    )
    pending = list(
        Delivery.objects.pending()
        .filter(address__in=wanted, **key)
        .order_by("id")
        .values_list("id", flat=True)
    )
    if pending:
        transaction.on_commit(partial(enqueue_deliveries, pending))
    return len(pending)
