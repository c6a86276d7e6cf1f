"""Tombstones for public objects that are deleted (see `opendata.models.Tombstone`).

`pre_delete`, not `post_delete`: visibility depends on related rows (a meeting's minutes, an item's meeting)
that a cascade removes in the same operation, and Django sends every `pre_delete` of a cascade before it
deletes anything.
"""

from django.db.models.signals import pre_delete
from django.utils import timezone

from . import selectors


def _bury(entries, created, extra=None):
    from .models import Tombstone

    now = timezone.now()
    for oparl_type, key in entries:
        Tombstone.objects.update_or_create(
            oparl_type=oparl_type,
            key=str(key),
            defaults={
                "created": created or now,
                "deleted_at": now,
                "extra": (extra or {}).get(oparl_type, {}),
            },
        )


def _is_public(queryset, pk) -> bool:
    return queryset.filter(pk=pk).exists()


def _meeting(sender, instance, **kwargs):
    if _is_public(selectors.public_meetings(), instance.pk):
        entries = [("Meeting", instance.pk)]
        if instance.place:
            entries.append(("Location", f"meeting-{instance.pk}"))
        _bury(entries, instance.created)


def _agenda_item(sender, instance, **kwargs):
    if _is_public(selectors.public_agenda_items(), instance.pk):
        entries = [("AgendaItem", instance.pk)]
        if instance.consultation_id:
            entries.append(("Consultation", f"item-{instance.pk}"))
        order = instance.sort_order if instance.sort_order is not None else instance.pk
        _bury(entries, instance.created, {"AgendaItem": {"order": order}})


def _minutes(sender, instance, **kwargs):
    if _is_public(selectors.public_minutes(), instance.pk):
        _bury(
            [("File", f"minutes-{instance.meeting_id}-pdf"), ("File", f"minutes-{instance.meeting_id}-html")],
            instance.created,
        )


def _consultation(sender, instance, **kwargs):
    if instance.published_at is not None:
        entries = [("Paper", instance.pk), ("Consultation", f"paper-{instance.pk}")]
        outcome = getattr(instance, "outcome", None) if hasattr(instance, "outcome") else None
        if outcome is not None and outcome.published_at is not None:
            entries.append(("Consultation", f"outcome-{instance.pk}"))
        _bury(entries, instance.created)


def _version(sender, instance, **kwargs):
    if _is_public(selectors.public_versions(), instance.pk):
        _bury([("File", f"version-{instance.pk}")], instance.created)


def _organisation(sender, instance, **kwargs):
    if _is_public(selectors.public_organisations(), instance.pk):
        _bury([("Organization", instance.pk)], instance.created)


def _document(sender, instance, **kwargs):
    if _is_public(selectors.public_documents(), instance.pk):
        _bury([("File", f"document-{instance.pk}")], instance.created_at)


def connect() -> None:
    from wagtail.documents import get_document_model

    from consultations.models import Consultation, ConsultationVersion
    from meetings.models import AgendaItem, Meeting, Minutes
    from organisations.models import Organisation

    for model, receiver in (
        (Meeting, _meeting),
        (AgendaItem, _agenda_item),
        (Minutes, _minutes),
        (Consultation, _consultation),
        (ConsultationVersion, _version),
        (Organisation, _organisation),
        (get_document_model(), _document),
    ):
        pre_delete.connect(receiver, sender=model, dispatch_uid=f"opendata-tombstone-{model.__name__}")
