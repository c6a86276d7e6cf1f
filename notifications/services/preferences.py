"""How often each user hears about each event type, and the one-click unsubscribe."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from notifications import registry
from notifications.models import Preference
from notifications.registry import EventType, Frequency
from notifications.tokens import DIGEST_PREFIX


def effective_frequency(event_type: EventType, chosen: str | None) -> str:
    if event_type.mandatory:
        return Frequency.IMMEDIATELY
    return chosen or event_type.default_frequency


def preferences_for(user) -> dict[str, str]:
    """{event key: effective frequency} for every registered event type."""
    chosen = dict(Preference.objects.filter(user=user).values_list("event", "frequency"))
    return {et.key: effective_frequency(et, chosen.get(et.key)) for et in registry.all_event_types()}


@transaction.atomic
def preference_set(*, user, event: str, frequency: str) -> Preference | None:
    """Stores how often `user` hears about `event`; a mandatory event can only be 'immediately'.

    Safe to repeat. Returns None for a mandatory event (nothing to store).
    """
    event_type = registry.get(event)
    if frequency not in Frequency.values:
        raise ValidationError(_("Choose a valid frequency."))
    if event_type.mandatory:
        if frequency != Frequency.IMMEDIATELY:
            raise ValidationError(_("This notification is always sent and cannot be turned off."))
        return None
    preference, _created = Preference.objects.update_or_create(
        user=user, event=event, defaults={"frequency": frequency}
    )
    return preference


@transaction.atomic
def unsubscribe(*, user_id: int, event: str) -> list[EventType]:
    """Turns e-mail off for one event type, or for every event type in a digest ("digest:daily").

    Called by the one-click unsubscribe link; mandatory events are never turned off. Safe to repeat.
    Returns the event types that were turned off.
    """
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return []
    if event.startswith(DIGEST_PREFIX):
        frequency = event[len(DIGEST_PREFIX) :]
        current = preferences_for(user)
        targets = [
            et for et in registry.all_event_types() if et.can_disable and current.get(et.key) == frequency
        ]
    else:
        event_type = registry.get(event)
        targets = [event_type] if event_type.can_disable else []
    for event_type in targets:
        preference_set(user=user, event=event_type.key, frequency=Frequency.OFF)
    return targets
