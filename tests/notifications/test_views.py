import time
from unittest import mock

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from notifications import services
from notifications.models import Notification, Preference
from notifications.registry import Frequency
from notifications.tokens import make_unsubscribe_token
from tests.notifications.helpers import PING, RECEIPT, log_in, make_group, make_users

pytestmark = pytest.mark.django_db


# --- Unsubscribe ----------------------------------------------------------------------------------


def test_one_click_unsubscribe_post_turns_the_event_off(client):
    user = make_users(1)[0]
    url = reverse("notifications:unsubscribe", kwargs={"token": make_unsubscribe_token(user.pk, PING)})
    # As a mail client sends it (RFC 8058): no session, no CSRF cookie.
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "Test ping" in response.text
    assert Preference.objects.get(user=user, event=PING).frequency == Frequency.OFF
    # Repeating it is harmless.
    assert client.post(url).status_code == 200
    assert Preference.objects.filter(user=user).count() == 1


def test_unsubscribe_get_only_shows_a_confirmation(client):
    user = make_users(1)[0]
    url = reverse("notifications:unsubscribe", kwargs={"token": make_unsubscribe_token(user.pk, PING)})
    response = client.get(url)
    assert response.status_code == 200
    assert f'<form method="post" action="{url}">' in response.text
    assert "Test ping" in response.text
    assert not Preference.objects.exists()


@pytest.mark.parametrize("kind", ["forged", "mangled", "expired", "unknown-event"])
def test_a_bad_unsubscribe_token_gets_a_clear_400_page(client, kind):
    user = make_users(1)[0]
    if kind == "forged":
        from django.core import signing

        token = signing.dumps([user.pk, PING], key="not-the-secret-key", salt="notifications.unsubscribe")
    elif kind == "mangled":
        token = make_unsubscribe_token(user.pk, PING)[:-3] + "abc"
    elif kind == "expired":
        long_ago = time.time() - 400 * 24 * 3600
        with mock.patch("django.core.signing.time.time", return_value=long_ago):
            token = make_unsubscribe_token(user.pk, PING)
    else:
        token = make_unsubscribe_token(user.pk, "testapp.nothing")
    url = reverse("notifications:unsubscribe", kwargs={"token": token})
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 400
        assert "Länken fungerar inte" in response.text
    assert not Preference.objects.exists()


def test_unsubscribe_from_a_digest_turns_off_the_events_in_it(client):
    user = make_users(1)[0]
    services.preference_set(user=user, event=PING, frequency=Frequency.DAILY)
    url = reverse(
        "notifications:unsubscribe", kwargs={"token": make_unsubscribe_token(user.pk, "digest:daily")}
    )
    assert client.post(url).status_code == 200
    assert services.preferences_for(user)[PING] == Frequency.OFF
    assert services.preferences_for(user)[RECEIPT] == Frequency.IMMEDIATELY


# --- Inbox ----------------------------------------------------------------------------------------


@pytest.fixture
def member(client):
    user = make_users(1, prefix="member", language="en")[0]
    log_in(client, user)
    return user


def test_the_inbox_lists_notifications_with_unread_count_and_links(client, member):
    group = make_group(name="Libraries", users=[member])
    services.notify(PING, group, context={"note": "please read"})
    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 200
    text = response.text
    assert "Someone pinged Libraries (please read)" in text
    assert "Du har 1 oläst notis." in text
    notification = Notification.objects.get()
    assert reverse("notifications:open", args=[notification.pk]) in text


def test_opening_a_notification_marks_it_read_and_goes_to_the_thing(client, member):
    group = make_group(users=[member])
    services.notify(PING, group)
    notification = Notification.objects.get()
    response = client.get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"/test-groups/{group.pk}/"
    notification.refresh_from_db()
    assert notification.is_read


def test_the_inbox_speaks_english_under_en(client, member):
    services.notify(PING, make_group(name="Libraries", users=[member]))
    text = client.get("/en" + reverse("notifications:inbox")).text
    assert "You have 1 unread notification." in text
    assert "Mark all as read" in text


def test_mark_one_and_all_as_read(client, member):
    services.notify(PING, make_group("A", users=[member]))
    services.notify(PING, make_group("B", users=[member]))
    services.notify(PING, make_group("C", users=[member]))
    first = Notification.objects.order_by("pk").first()
    response = client.post(reverse("notifications:mark_read", args=[first.pk]))
    assert response.status_code == 302
    assert Notification.objects.unread().count() == 2
    assert client.get(reverse("notifications:mark_read", args=[first.pk])).status_code == 405
    client.post(reverse("notifications:mark_all_read"))
    assert Notification.objects.unread().count() == 0
    assert "Du har 0 olästa notiser." in client.get(reverse("notifications:inbox")).text


def test_nobody_can_read_or_mark_someone_elses_notification(client, member):
    other = make_users(1, prefix="other")[0]
    services.notify(PING, make_group(users=[other]))
    notification = Notification.objects.get()
    assert client.get(reverse("notifications:open", args=[notification.pk])).status_code == 404
    assert client.post(reverse("notifications:mark_read", args=[notification.pk])).status_code == 404
    client.post(reverse("notifications:mark_all_read"))
    notification.refresh_from_db()
    assert not notification.is_read
    assert "pinged" not in client.get(reverse("notifications:inbox")).text


def test_the_inbox_is_paginated(client, member):
    for i in range(23):
        services.notify(PING, make_group(f"Group {i:02d}", users=[member]))
    first = client.get(reverse("notifications:inbox")).text
    second = client.get(reverse("notifications:inbox") + "?page=2").text
    assert "Group 22" in first and "Group 02" not in first
    assert "Group 02" in second and "Group 22" not in second


def test_pages_need_login(client):
    for name in ("notifications:inbox", "notifications:preferences"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


# --- Preferences page -----------------------------------------------------------------------------


def test_the_preferences_page_has_a_labelled_radio_group_per_event(client, member):
    response = client.get(reverse("notifications:preferences"))
    text = response.text
    assert "<legend>Test ping</legend>" in text
    assert 'id="id_event-testapp-ping_0"' in text
    assert '<label for="id_event-testapp-ping_0">Direkt</label>' in text
    assert 'value="immediately" id="id_event-testapp-ping_0" checked' in text
    # The mandatory receipt is listed as always sent, with no radio buttons.
    assert "Test receipt" in text
    assert "event-testapp-receipt" not in text


def test_saving_preferences(client, member):
    response = client.post(
        reverse("notifications:preferences"),
        {"event-testapp-ping": "weekly", "event-testapp-broken": "off"},
    )
    assert response.status_code == 302
    assert dict(Preference.objects.filter(user=member).values_list("event", "frequency")) == {
        PING: "weekly",
        "testapp.broken": "off",
    }
    # A missing or invalid choice is an error that names the field.
    response = client.post(reverse("notifications:preferences"), {"event-testapp-ping": "hourly"})
    assert response.status_code == 200
    assert 'role="alert"' in response.text


# --- Header ---------------------------------------------------------------------------------------


def test_unread_count_template_tags(member):
    services.notify(PING, make_group("A", users=[member]))
    services.notify(PING, make_group("B", users=[member]))
    request = RequestFactory().get("/")
    request.user = member
    template = Template(
        "{% load notifications_tags %}{% unread_notifications_count as n %}[{{ n }}]{% notifications_link %}"
    )
    html = template.render(Context({"request": request}))
    assert "[2]" in html
    assert 'href="/notiser/"' in html
    assert "(2 olästa)" in html


def test_the_inbox_and_the_unread_count_cost_the_same_queries_for_few_or_many(client, member):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for_inbox() -> int:
        client.get(reverse("notifications:inbox"))  # new rows start a new layout generation: cache it again
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("notifications:inbox"))
        assert response.status_code == 200
        return len(captured)

    client.get(reverse("notifications:inbox"))  # the first request after logging in does more
    for index in range(3):
        services.notify(PING, make_group(name=f"Few {index}", users=[member]))
    few = queries_for_inbox()
    for index in range(30):
        services.notify(PING, make_group(name=f"Many {index}", users=[member]))
    assert queries_for_inbox() == few


def test_the_inbox_queries_use_their_indexes(member):
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from notifications import selectors
    from notifications.models import Notification

    if connection.vendor != "postgresql":
        pytest.skip("the plan is checked on PostgreSQL")
    with connection.cursor() as cursor:
        # Tiny test tables would be read whole; ask which index the planner would use.
        cursor.execute("SET LOCAL enable_seqscan = off")
    assert "notif_inbox_idx" in selectors.inbox(member)[:20].explain()

    # Mostly read notifications, as in real life, so that the partial unread index is the smaller one.
    target_type = ContentType.objects.get_for_model(member)
    Notification.objects.bulk_create(
        Notification(
            recipient=member,
            event="tests.plain",
            content_type=target_type,
            object_id=str(member.pk),
            dedupe_key=f"plan-{n}",
            read_at=timezone.now(),
        )
        for n in range(300)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE notifications_notification")
    assert "notif_unread_idx" in Notification.objects.for_user(member).unread().explain()
