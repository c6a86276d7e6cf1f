import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from consultations.models import Consultation

pytestmark = pytest.mark.django_db


def _local(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def _form(consultation=None, *, heading="Inledning", body="<p>Staden föreslår ett råd.</p>", change_note=""):
    now = timezone.now()
    sections = [{"heading": heading, "body": rich_text(body)}]
    if consultation is not None:
        sections[0]["id"] = consultation.sections.first().pk
    return nested_form_data(
        {
            "title": "Råd för unga",
            "slug": "rad-for-unga",
            "summary": "Ett råd för unga mot rasism.",
            "easy_read_summary": "",
            "development_area": "children",
            "opens_at": _local(consultation.opens_at if consultation else now - dt.timedelta(hours=1)),
            "closes_at": _local(consultation.closes_at if consultation else now + dt.timedelta(days=14)),
            "audience": "all",
            "responses_visibility": "public",
            "reference_number": "KS 2025/123",
            "contact_name": "",
            "contact_email": "",
            "change_note": change_note,
            "sections": inline_formset(sections, initial=1 if consultation else 0, min=1),
            "questions": inline_formset([{"text": "Vad saknas?"}] if consultation is None else []),
            "documents": inline_formset([]),
        }
    )


def test_coordinator_creates_in_admin_then_edit_after_opening_makes_a_version(client, coord):
    client.force_login(coord)
    add_url = reverse("wagtailsnippets_consultations_consultation:add")
    assert client.get(add_url).status_code == 200
    response = client.post(add_url, _form())
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    consultation = Consultation.objects.get(slug="rad-for-unga")
    assert consultation.status == "draft" and consultation.sections.count() == 1
    key = consultation.sections.get().key

    client.post(reverse("consultations:publish", kwargs={"slug": consultation.slug}))
    consultation.refresh_from_db()
    assert consultation.status == "open" and consultation.current_version == 1

    edit_url = reverse("wagtailsnippets_consultations_consultation:edit", args=[consultation.pk])
    preview = client.get(edit_url)
    assert preview.status_code == 200
    refused = client.post(edit_url, _form(consultation, body="<p>Ett råd med tio platser.</p>"))
    assert refused.status_code == 200  # change note missing
    assert "Beskriv vad som ändrats" in refused.content.decode()
    ok = client.post(
        edit_url, _form(consultation, body="<p>Ett råd med tio platser.</p>", change_note="Antal platser")
    )
    assert ok.status_code == 302
    consultation.refresh_from_db()
    assert consultation.current_version == 2
    assert consultation.versions.get(number=2).change_note == "Antal platser"
    assert consultation.sections.get().key == key


def test_admin_refused_for_members(client, admin_a):
    client.force_login(admin_a)
    response = client.get(reverse("wagtailsnippets_consultations_consultation:add"))
    assert response.status_code in (302, 403)
