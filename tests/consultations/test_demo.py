import pytest
from django.core.management import call_command

from consultations.models import Comment, Consultation

pytestmark = pytest.mark.django_db


def test_demo_has_one_open_consultation_with_a_comment_and_is_idempotent(client):
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    assert Consultation.objects.count() == 1
    consultation = Consultation.objects.open().get()
    assert Comment.objects.filter(consultation=consultation).count() == 1
    html = client.get(consultation.get_absolute_url()).content.decode()
    assert "Kunskapslyft om rasism för stadens medarbetare" in html
    assert "Vi saknar dock rasism mot samer" in html
    assert "Kunskapslyft om rasism" in client.get("/").content.decode()
