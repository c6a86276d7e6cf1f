"""The plain-text rule for comments, responses, reports and outcomes: store what was typed, always escape
on output; a lone "<" is ordinary writing, an HTML tag is refused with a message."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from consultations.models import Comment
from consultations.validation import clean_plain_text
from tests.factories import ConsultationFactory, MembershipFactory, OrganisationFactory

PLAIN = [
    "a<b",
    "3 < 5",
    "<3",
    "a <= b >= c",
    "Kostnad < 5 000 kr & mer",
    "&lt;b&gt; skrivet som entiteter",
    "{{ 7*7 }} {% now 'Y' %}",
    "javascript:alert(1)",
    "[länk](javascript:alert(1))",
    "مرحبا <3 שלום",
]
MARKUP = [
    "<b>fet</b>",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "</p>",
    "<!-- kommentar -->",
    "<!DOCTYPE html>",
    "<?xml version='1.0'?>",
    "text <a href='javascript:x'>klicka</a>",
    "< script>alert(1)</script>",
    "<<script>>",
    "x<y och y>z",  # a browser would read "<y och y>" as a tag, so it is refused as one
]


@pytest.mark.parametrize("text", PLAIN)
def test_plain_text_is_kept_as_typed(text):
    assert clean_plain_text(text, max_length=1000) == text


@pytest.mark.parametrize("text", MARKUP)
def test_markup_is_refused(text):
    with pytest.raises(ValidationError) as info:
        clean_plain_text(text, max_length=1000)
    assert info.value.code == "markup"


@pytest.mark.django_db
def test_angle_brackets_are_stored_and_shown_escaped(client):
    translation.activate("sv")
    org = OrganisationFactory()
    member = MembershipFactory(organisation=org).user
    consultation = ConsultationFactory()
    client.force_login(member)
    url = reverse("consultations:comment_create", kwargs={"slug": consultation.slug})
    for text in ("a<b", "3 < 5", "<3"):
        assert client.post(url, {"text": text, "organisation": org.pk}).status_code == 302
    assert sorted(Comment.objects.values_list("text", flat=True)) == sorted(["a<b", "3 < 5", "<3"])
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert "a&lt;b" in page and "3 &lt; 5" in page and "&lt;3" in page
    refused = client.post(url, {"text": "<b>fet</b>", "organisation": org.pk})
    assert refused.status_code == 400
    assert "Skriv vanlig text: HTML-taggar och skript är inte tillåtna." in refused.content.decode()
    assert Comment.objects.count() == 3
