"""The consultations' part of the site search (portal/search.py)."""

from django.db.models.signals import post_delete, post_save
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.search import index

from portal.search import SearchKind, register

from . import permissions
from .models import Consultation, GuidingQuestion, Section


def visible(user):
    """Published consultations; drafts only for coordinators."""
    consultations = Consultation.objects.all()
    if not permissions.is_coordinator(user):
        consultations = consultations.published()
    return consultations


def describe(consultation: Consultation) -> dict:
    now = timezone.now()
    if consultation.published_at is None:
        meta = _("Draft")
    elif consultation.opens_at > now:
        meta = _("Opens %(date)s") % {"date": formats.date_format(consultation.opens_at, "j F Y")}
    elif consultation.closes_at > now:
        meta = _("Open until %(date)s") % {"date": formats.date_format(consultation.closes_at, "j F Y")}
    else:
        meta = _("Closed %(date)s") % {"date": formats.date_format(consultation.closes_at, "j F Y")}
    return {"title": consultation.title, "summary": consultation.summary, "meta": meta}


def _reindex_consultation(sender, instance, **kwargs):
    # A section or guiding question saved on its own (not through the consultation's form) changes
    # what the consultation is found by.
    consultation = Consultation.objects.filter(pk=instance.consultation_id).first()
    if consultation is not None:
        index.insert_or_update_object(consultation)


def register_kinds() -> None:
    register(
        SearchKind(
            key="consultations",
            label=gettext_lazy("Consultations"),
            model=Consultation,
            visible=visible,
            order=10,
            describe=describe,
        )
    )
    for model in (Section, GuidingQuestion):
        post_save.connect(_reindex_consultation, sender=model, dispatch_uid=f"search-{model.__name__}-save")
        post_delete.connect(_reindex_consultation, sender=model, dispatch_uid=f"search-{model.__name__}-del")
