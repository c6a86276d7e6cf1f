"""Retention rules, run by beat through `apply_retention`, with the clock moved by `now=`."""

import datetime as dt

import pytest
from allauth.account.models import EmailAddress
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from portal.models import InactivityNotice, LoginEvent
from privacy import services
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def days(n):
    return dt.timedelta(days=n)


def test_unverified_accounts_go_after_30_days():
    old = UserFactory(verified=False)
    EmailAddress.objects.create(user=old, email=old.email, verified=False, primary=True)
    type(old).objects.filter(pk=old.pk).update(date_joined=NOW - days(31))
    young = UserFactory(verified=False)
    EmailAddress.objects.create(user=young, email=young.email, verified=False, primary=True)
    type(young).objects.filter(pk=young.pk).update(date_joined=NOW - days(29))
    verified = UserFactory()
    type(verified).objects.filter(pk=verified.pk).update(date_joined=NOW - days(400))
    admin_made = UserFactory(verified=False, is_superuser=True, is_staff=True)
    type(admin_made).objects.filter(pk=admin_made.pk).update(date_joined=NOW - days(400))

    assert services.remove_unverified_accounts(now=NOW) == 1
    assert not type(old).objects.filter(pk=old.pk).exists()
    assert type(young).objects.filter(pk=young.pk).exists()
    assert type(verified).objects.filter(pk=verified.pk).exists()
    assert type(admin_made).objects.filter(pk=admin_made.pk).exists()
    assert services.remove_unverified_accounts(now=NOW) == 0


def test_inactive_accounts_are_warned_then_erased_unless_they_log_in(
    django_capture_on_commit_callbacks, mailoutbox
):
    User = UserFactory._meta.model
    sleeper = UserFactory(display_name="Sova Länge", email="sova@example.org")
    returner = UserFactory(display_name="Kom Tillbaka", preferred_language="en")
    active = UserFactory()
    User.objects.filter(pk__in=[sleeper.pk, returner.pk]).update(last_login=NOW - days(2 * 365 + 1))
    User.objects.filter(pk=active.pk).update(last_login=NOW - days(30))

    with django_capture_on_commit_callbacks(execute=True):
        assert services.warn_inactive_accounts(now=NOW) == 2
    assert sorted(m.to[0] for m in mailoutbox) == sorted([sleeper.email, returner.email])
    swedish = next(m for m in mailoutbox if m.to == [sleeper.email])
    assert swedish.subject == "Ditt konto raderas om du inte loggar in"
    english = next(m for m in mailoutbox if m.to == [returner.email])
    assert english.subject == "Your account will be deleted unless you log in"
    # A second run warns nobody twice.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.warn_inactive_accounts(now=NOW + days(1)) == 0
    assert len(mailoutbox) == 2

    # The returner logs in; the sleeper does not.
    services.login_event_record(user=returner, ip_address="2001:db8:1234:5678::1")
    User.objects.filter(pk=returner.pk).update(last_login=NOW + days(3))
    assert not InactivityNotice.objects.filter(user=returner).exists()

    # Not yet: the 30 days have not passed.
    assert services.erase_inactive_accounts(now=NOW + days(29)) == 0
    assert services.erase_inactive_accounts(now=NOW + days(31)) == 1
    sleeper.refresh_from_db()
    returner.refresh_from_db()
    assert sleeper.deleted_at is not None and sleeper.display_name == ""
    assert returner.deleted_at is None and returner.is_active
    assert services.erase_inactive_accounts(now=NOW + days(32)) == 0


def test_an_inactive_last_admin_is_kept_and_retried(django_capture_on_commit_callbacks):
    org = OrganisationFactory()
    admin = MembershipFactory(organisation=org, role="admin").user
    type(admin).objects.filter(pk=admin.pk).update(last_login=NOW - days(800))
    with django_capture_on_commit_callbacks(execute=True):
        services.warn_inactive_accounts(now=NOW)
    assert services.erase_inactive_accounts(now=NOW + days(40)) == 0
    admin.refresh_from_db()
    assert admin.is_active


def test_log_in_events_are_truncated_and_pruned_after_12_months(client):
    user = UserFactory()
    client.post(
        "/accounts/login/",
        {"login": user.email, "password": "correct-horse-battery"},
        REMOTE_ADDR="203.0.113.77",
    )
    event = LoginEvent.objects.get(user=user)
    assert event.network == "203.0.113.0/24"
    assert services.truncate_ip("2001:db8:1234:5678::1") == "2001:db8:1234::/48"
    assert services.prune_logs(now=NOW + days(364))["login_events"] == 0
    assert services.prune_logs(now=NOW + days(366))["login_events"] == 1
    assert not LoginEvent.objects.exists()


def test_finished_deliveries_older_than_12_months_go_pending_ones_stay():
    from notifications.models import Delivery

    user = UserFactory()
    ct = ContentType.objects.get_for_model(user)
    old = NOW - days(400)
    sent = Delivery.objects.create(
        recipient=user, event="x.sent", content_type=ct, object_id="1", status="sent", created_at=old
    )
    pending = Delivery.objects.create(
        recipient=user, event="x.pending", content_type=ct, object_id="1", created_at=old
    )
    recent = Delivery.objects.create(
        recipient=user, event="x.recent", content_type=ct, object_id="1", status="sent", created_at=NOW
    )
    counts = services.prune_logs(now=NOW)
    assert counts["email_deliveries"] == 1
    assert set(Delivery.objects.values_list("pk", flat=True)) == {pending.pk, recent.pk}
    assert not Delivery.objects.filter(pk=sent.pk).exists()
    assert services.prune_logs(now=NOW)["email_deliveries"] == 0


def test_apply_retention_task_runs_every_rule():
    from privacy.tasks import apply_retention

    result = apply_retention()
    assert {
        "unverified_removed",
        "inactive_warned",
        "inactive_erased",
        "exports_deleted",
        "login_events",
    } <= set(result)


def test_beat_runs_retention_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["privacy-retention"]
    assert entry["task"] == "privacy.apply_retention"
    from portal.celery import app

    assert "privacy.apply_retention" in app.tasks
