"""A small world with something of every kind, public and not, for the open-data tests."""

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents.models import Document

from consultations import services as consultation_services
from consultations.models import BackgroundDocument, Outcome, Response, ResponseVersion
from meetings import services
from meetings.models import AgendaItem, MeetingDocument
from tests.factories import (
    CommentFactory,
    ConsultationFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    coordinator,
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.OPARL_RATE_LIMIT_PER_MINUTE = 10_000


def schema_dir() -> Path:
    """The OParl 1.1.1 schemas: in CI they must be there; locally the tests skip without them."""
    path = Path(os.environ.get("OPARL_SCHEMA_DIR") or django_settings.OPARL_SCHEMA_DIR)
    if not (path / "System.json").is_file():
        message = f"The OParl 1.1.1 schemas are not in {path} (set OPARL_SCHEMA_DIR)."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def document(title: str) -> Document:
    return Document.objects.create(title=title, file=ContentFile(b"%PDF-1.4\n%%EOF\n", name=f"{title}.pdf"))


@dataclass
class World:
    coord: object
    public: dict = field(default_factory=dict)  # name -> object a visitor may see
    secret: dict = field(default_factory=dict)  # name -> object a visitor may not see
    secret_texts: list = field(default_factory=list)  # strings that must appear nowhere in the API


def held_meeting_with_minutes(coord, *, title, is_public, audience, public_item, secret_item, org):
    start = timezone.now() - dt.timedelta(days=3)
    meeting = MeetingFactory(title=title, is_public=is_public, start=start, end=start + dt.timedelta(hours=2))
    services.meeting_mark_held(actor=coord, meeting=meeting)
    services.attendance_record(actor=coord, meeting=meeting, organisations=[org])
    minutes = services.minutes_start(actor=coord, meeting=meeting)
    items = {public_item: None, secret_item: None}
    for n, (name, public) in enumerate(((public_item, True), (secret_item, False))):
        item = AgendaItem(meeting=meeting, title=name, sort_order=n, is_public=public)
        item.save()
        items[name] = item
    services.minutes_update(
        actor=coord,
        minutes=minutes,
        introduction="Mötet öppnades.",
        notes={i.pk: f"Anteckning om {i.title}" for i in items.values()},
        decisions={i.pk: (f"Beslut om {i.title}", "adopted") for i in items.values()},
    )
    services.minutes_send_for_review(actor=coord, minutes=minutes, days=7)
    services.minutes_approve(actor=coord, minutes=minutes)
    services.minutes_publish(actor=coord, minutes=minutes, audience=audience)
    return meeting, items


@pytest.fixture
def world(db):
    coord = coordinator(display_name="Sara Samordnare")
    w = World(coord=coord)
    org = OrganisationFactory(name="Föreningen Öppen")
    hidden_org = OrganisationFactory(
        name="Föreningen Olistad", listed_publicly=False, listing_consent_at=None
    )
    pending_org = OrganisationFactory(name="Föreningen Väntar", status="pending")
    member = MembershipFactory(organisation=org, user__display_name="Maja Medlemsson").user
    w.public.update(org=org, coord=coord)
    w.secret.update(hidden_org=hidden_org, pending_org=pending_org, member=member)
    w.secret_texts += [
        "Föreningen Olistad",
        "Föreningen Väntar",
        "Maja Medlemsson",
        member.email,
        coord.email,
    ]

    # A public meeting, planned, with a public and a members-only item, each with a document.
    planned = MeetingFactory(title="Öppet möte", is_public=True)
    open_item = AgendaItem(meeting=planned, title="Öppen punkt", sort_order=0, is_public=True)
    open_item.save()
    closed_item = AgendaItem(meeting=planned, title="Sluten punkt om ekonomi", sort_order=1, is_public=False)
    closed_item.save()
    open_doc, closed_doc, meeting_doc = (
        document("oppet-underlag"),
        document("slutet-underlag"),
        document("kallelse"),
    )
    open_item.documents.add(open_doc)
    closed_item.documents.add(closed_doc)
    open_item.save()  # a ParentalManyToManyField is written on save
    closed_item.save()
    MeetingDocument.objects.create(meeting=planned, document=meeting_doc, sort_order=0)
    w.public.update(planned=planned, open_item=open_item, open_doc=open_doc, meeting_doc=meeting_doc)
    w.secret.update(closed_item=closed_item, closed_doc=closed_doc)
    w.secret_texts += ["Sluten punkt om ekonomi", "slutet-underlag", planned.online_link]

    # A members-only meeting whose minutes were published to everyone: visible, its secret item is not.
    held, items = held_meeting_with_minutes(
        coord,
        title="Protokollfört möte",
        is_public=False,
        audience="public",
        public_item="Punkt om samrådet",
        secret_item="Sluten punkt om personal",
        org=org,
    )
    w.public.update(held=held, held_item=items["Punkt om samrådet"], minutes=held.minutes)
    w.secret.update(held_secret_item=items["Sluten punkt om personal"])
    w.secret_texts += ["Sluten punkt om personal", "Beslut om Sluten punkt om personal"]

    # A members-only meeting with members-only minutes: nothing of it is public.
    private, private_items = held_meeting_with_minutes(
        coord,
        title="Internt arbetsmöte",
        is_public=False,
        audience="members",
        public_item="Punkt på internt möte",
        secret_item="Sluten punkt på internt möte",
        org=org,
    )
    w.secret.update(private=private, private_item=private_items["Punkt på internt möte"])
    w.secret_texts += ["Internt arbetsmöte", "Punkt på internt möte"]

    # Consultations: one concluded with an outcome and public responses, one draft.
    concluded = ConsultationFactory(
        title="Samråd om samverkan",
        opens_at=timezone.now() - dt.timedelta(days=30),
        closes_at=timezone.now() - dt.timedelta(days=5),
        reference_number="KS 2026/17",
    )
    BackgroundDocument.objects.create(consultation=concluded, document=document("bakgrund"), sort_order=0)
    CommentFactory(consultation=concluded, organisation=org, author=member, text="En offentlig kommentar.")
    hidden = CommentFactory(consultation=concluded, organisation=org, author=member, text="Dold kommentar.")
    hidden.hidden_at, hidden.hidden_reason = timezone.now(), "Personuppgifter"
    hidden.save()
    response = Response.objects.create(consultation=concluded, organisation=org, text="Vårt samrådssvar.")
    ResponseVersion.objects.create(
        response=response,
        number=1,
        text="Vårt samrådssvar.",
        submitted_at=timezone.now() - dt.timedelta(days=6),
        submitted_by=member,
        submitted_by_name="Maja Medlemsson",
        sha256="0" * 64,
        receipt_number="SVAR-2026-0001",
    )
    Outcome.objects.create(consultation=concluded, summary="Vi tog till oss mycket.")
    consultation_services.outcome_publish(consultation=concluded, actor=coord)
    concluded.refresh_from_db()
    draft = ConsultationFactory(title="Hemligt utkast", published_at=None, sections=1)
    AgendaItem.objects.filter(pk=w.public["held_item"].pk).update(consultation=concluded)
    draft_item = AgendaItem(
        meeting=planned, title="Punkt om utkast", sort_order=2, is_public=True, consultation=draft
    )
    draft_item.save()
    w.public.update(concluded=concluded, draft_item=draft_item)
    w.secret.update(draft=draft)
    w.secret_texts += ["Hemligt utkast", "Dold kommentar."]
    return w
