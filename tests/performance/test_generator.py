"""The bench data generator keeps working (the load benchmarks depend on it): a tiny scale in a test
transaction, then the pages it names, opened with a session from `bench.accounts`."""

import pytest
from django.conf import settings
from django.test import Client

from bench import BENCH_COORDINATOR, BENCH_MEMBER, BENCH_ORG_ADMIN
from bench.accounts import session_key
from bench.generate import HOT_COMMENTS, HOT_SLUG, Generator

pytestmark = pytest.mark.django_db


def _client(email):
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key(email)
    return client


def test_tiny_data_set_and_its_pages():
    from consultations.models import Comment, ResponseVersion
    from notifications.models import Notification

    generator = Generator(scale=0.01, seed=1)
    generator.run()

    assert Comment.objects.filter(consultation__slug=HOT_SLUG).count() == HOT_COMMENTS
    assert Notification.objects.filter(recipient__email=BENCH_MEMBER).count() >= 150  # a full inbox
    assert ResponseVersion.objects.exists()
    pages = generator.pages()

    member = _client(BENCH_MEMBER)
    page = member.get(pages[f"consultation with {HOT_COMMENTS} comments"])
    assert page.status_code == 200
    assert page.content.decode().count('id="kommentar-') >= HOT_COMMENTS - 20  # hidden/deleted ones differ

    draft = _client(BENCH_ORG_ADMIN).get(pages["its response (org admin's draft)"])
    assert draft.status_code == 200 and "Bench-föreningen mot rasism" in draft.content.decode()

    coordinator = _client(BENCH_COORDINATOR)
    assert coordinator.get(pages["responses list (coordinator)"]).status_code == 200
    assert coordinator.get(pages["a meeting with published minutes"]).status_code == 200
    assert Client().get(pages["the bench organisation"]).status_code == 200
