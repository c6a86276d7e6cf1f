"""Issue 19, defect 7: the preferences page offers only events the reader can receive."""

import pytest
from django.urls import reverse

from notifications.forms import PreferencesForm
from tests.factories import MembershipFactory, coordinator

pytestmark = pytest.mark.django_db

COORDINATOR_ONLY = ("event-consultations-outcome_reminder", "event-organisations-application_received")
ADMIN_ONLY = "event-organisations-join_request_received"


def test_a_member_is_not_offered_coordinator_or_admin_events(client):
    member = MembershipFactory(role="member").user
    client.force_login(member)
    body = client.get(reverse("notifications:preferences")).content.decode()
    for name in (*COORDINATOR_ONLY, ADMIN_ONLY):
        assert f'name="{name}"' not in body
    assert 'name="event-meetings-invited"' in body
    # A crafted POST cannot set them either.
    form = PreferencesForm({name: "off" for name in COORDINATOR_ONLY}, current={}, user=member)
    assert form.is_valid() and form.cleaned_preferences() == {}


def test_an_admin_is_offered_join_requests_and_a_coordinator_the_coordinators_events(client):
    admin = MembershipFactory(role="admin").user
    client.force_login(admin)
    body = client.get(reverse("notifications:preferences")).content.decode()
    assert f'name="{ADMIN_ONLY}"' in body
    assert all(f'name="{name}"' not in body for name in COORDINATOR_ONLY)

    form = PreferencesForm(current={}, user=coordinator())
    assert all(name in form.fields for name in COORDINATOR_ONLY)
