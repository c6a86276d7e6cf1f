import pytest
from django.core.management import call_command
from django.urls import reverse

from consultations.demo import CONCLUDED_SLUG
from consultations.models import Comment, Consultation, ResponseVersion

pytestmark = pytest.mark.django_db


def test_demo_has_one_open_and_one_concluded_consultation_and_is_idempotent(client):
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    assert Consultation.objects.count() == 2
    consultation = Consultation.objects.open().get()
    assert Comment.objects.filter(consultation=consultation).count() == 1
    html = client.get(consultation.get_absolute_url()).content.decode()
    assert "Kunskapslyft om rasism för stadens medarbetare" in html
    assert "Vi saknar dock rasism mot samer" in html
    assert "Kunskapslyft om rasism" in client.get("/").content.decode()

    concluded = Consultation.objects.concluded().get()
    assert concluded.slug == CONCLUDED_SLUG
    version = ResponseVersion.objects.get(response__consultation=concluded)
    assert version.files.get().file.read().startswith(b"%PDF-1.4")
    html = client.get(concluded.get_absolute_url()).content.decode()
    assert "Stödet införs från och med nästa år" in html  # the published outcome
    responses = reverse("consultations:responses", kwargs={"slug": concluded.slug})
    assert "Två ansökningsomgångar per år räcker inte" in client.get(responses).content.decode()
