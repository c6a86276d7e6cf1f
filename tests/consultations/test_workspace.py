"""The coordinators' workspace for a consultation (in the Wagtail admin): who may see it, the stepper and the
actions of each state, refusals, the race between two coordinators, reminders sent once, query counts."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from wagtail.users.models import UserProfile

from consultations import services
from consultations.models import Consultation
from notifications.models import Notification
from portal.models import AuditEntry
from tests.consultations.conftest import close
from tests.factories import (
    CommentFactory,
    ConsultationFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    coordinator,
)

pytestmark = pytest.mark.django_db


def page_url(c, name="workspace_consultation"):
    return reverse(name, args=[c.pk])


def draft(**kwargs):
    return ConsultationFactory(published_at=None, current_version=0, **kwargs)


# --- Who may see it ----------


def test_only_coordinators_see_the_workspace(client, consultation, member_a):
    url = page_url(consultation)
    assert client.get(url).status_code == 302  # anonymous: to the log-in
    client.force_login(member_a)
    assert client.get(url).status_code in (302, 403)
    response = client.post(page_url(consultation, "workspace_consultation_close"), {"reason": "x"})
    assert response.status_code in (302, 403)
    consultation.refresh_from_db()
    assert consultation.closes_at > timezone.now()


def test_staff_without_coordinator_role_is_refused(client, consultation):
    from django.contrib.auth.models import Permission

    from tests.factories import add_totp

    editor = UserFactory(is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    add_totp(editor)
    client.force_login(editor)
    # Wagtail turns the refusal into a redirect to the admin's home with a message.
    for url in (page_url(consultation), reverse("workspace_home")):
        response = client.get(url)
        assert response.status_code in (302, 403) and response.get("Location") != url


def test_coordinator_without_two_factor_is_sent_to_set_it_up(client, consultation):
    client.force_login(coordinator("utan-totp@example.org", totp=False))
    response = client.get(page_url(consultation))
    assert response.status_code == 302 and "totp" in response["Location"]


# --- The page: stepper, organisations, actions per state ----------


def test_open_consultation_page_shows_step_organisations_and_actions(
    client, coord, consultation, org_a, org_b, member_a
):
    CommentFactory(consultation=consultation, organisation=org_a, author=member_a)
    client.force_login(coord)
    html = client.get(page_url(consultation)).content.decode()
    # The current step is said in words, not by colour alone.
    assert 'aria-current="step">Öppet<span class="stepper__state">aktuellt steg</span>' in html
    assert "Föreningen Alfa" in html and "Föreningen Beta" in html
    assert "1 kommentar, senast" in html
    assert html.count("Inte svarat än") == 2
    assert "Påminn dem som inte har svarat" in html
    assert "Stäng samrådet i förtid" in html
    # Not possible while open: publishing, the outcome, archiving.
    assert reverse("workspace_consultation_publish", args=[consultation.pk]) not in html
    assert reverse("workspace_consultation_outcome", args=[consultation.pk]) not in html
    assert reverse("workspace_consultation_archive", args=[consultation.pk]) not in html


def test_each_organisation_row_says_what_it_has_done_in_the_readers_language(
    client, coord, consultation, org_a, org_b, admin_a, member_b
):
    """The table's sentences are written by the view (describe_rows): a submission with its local
    time, a draft started, and nothing yet, in Swedish and in English."""
    response = services.response_for(consultation=consultation, organisation=org_a)
    response = services.response_save_draft(
        response=response, user=admin_a, revision=response.revision, text="Vi tillstyrker."
    )
    version = services.response_submit(response=response, user=admin_a, revision=response.revision)
    draft_b = services.response_for(consultation=consultation, organisation=org_b)
    services.response_save_draft(response=draft_b, user=member_b, revision=draft_b.revision, text="Utkast.")
    client.force_login(coord)
    html = client.get(page_url(consultation)).content.decode()
    assert "1 av 2 organisationer har skickat ett samrådssvar." in html
    with translation.override("sv"):
        when_sv = date_format(timezone.localtime(version.submitted_at), "j F Y H:i")
    assert f"<td>Skickat {when_sv}</td>" in html
    assert "<td>Utkast påbörjat, inte skickat</td>" in html
    assert "Inte svarat än" not in html

    profile = UserProfile.get_for_user(coord)
    profile.preferred_language = "en"
    profile.save()
    english = client.get(page_url(consultation)).content.decode()
    with translation.override("en"):
        when_en = date_format(timezone.localtime(version.submitted_at), "j F Y H:i")
    assert when_en != when_sv
    assert f"<td>Submitted {when_en}</td>" in english
    assert "<td>Draft started, not submitted</td>" in english


def test_draft_page_offers_publish_and_preview_only(client, coord):
    c = draft()
    client.force_login(coord)
    html = client.get(page_url(c)).content.decode()
    assert 'aria-current="step">Utkast' in html
    assert reverse("workspace_consultation_publish", args=[c.pk]) in html
    assert reverse("workspace_consultation_preview", args=[c.pk]) in html
    assert reverse("workspace_consultation_remind", args=[c.pk]) not in html
    preview = client.get(page_url(c, "workspace_consultation_preview"))
    assert preview.status_code == 200 and c.title in preview.content.decode()


def test_confirmation_says_what_happens_and_who_is_told(client, coord, org_a, member_a):
    c = draft()
    client.force_login(coord)
    html = client.get(page_url(c, "workspace_consultation_publish")).content.decode()
    assert "Vad som händer" in html and "Vem som får veta" in html
    assert "1 medlemmar i 1 organisationer" in html or "1 medlem" in html
    c.refresh_from_db()
    assert c.published_at is None  # the GET changed nothing


def test_publish_from_the_workspace(
    client, coord, org_a, member_a, mailoutbox, django_capture_on_commit_callbacks
):
    c = draft()
    client.force_login(coord)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page_url(c, "workspace_consultation_publish"))
    assert response.status_code == 302 and response["Location"] == page_url(c)
    c.refresh_from_db()
    assert c.published_at is not None and c.status == "open"
    assert Notification.objects.filter(recipient=member_a, event="consultations.opened").count() == 1


# --- Refusals ----------


def test_an_action_the_state_does_not_allow_is_refused(client, coord, consultation):
    client.force_login(coord)
    # Publishing an open consultation: the service refuses, the user reads why.
    response = client.post(page_url(consultation, "workspace_consultation_publish"), follow=True)
    assert "Samrådet är redan publicerat." in response.content.decode()
    # Archiving before the outcome.
    response = client.post(page_url(consultation, "workspace_consultation_archive"), follow=True)
    consultation.refresh_from_db()
    assert consultation.archived_at is None
    # The confirmation of a step that is not possible is not even shown.
    response = client.get(page_url(consultation, "workspace_consultation_archive"))
    assert response.status_code == 302


def test_close_early_needs_a_reason_and_tells_participants(
    client, coord, consultation, member_a, member_b, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(coord)
    url = page_url(consultation, "workspace_consultation_close")
    seen = timezone.localtime(consultation.closes_at).strftime("%Y-%m-%d %H:%M:%S.%f")
    response = client.post(url, {"reason": "", "seen_closes_at": seen})
    assert response.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"reason": "Beslutet fattas redan i januari.", "seen_closes_at": seen})
    consultation.refresh_from_db()
    assert consultation.status == "closed"
    assert consultation.deadline_note == "Beslutet fattas redan i januari."
    told = Notification.objects.filter(event="consultations.deadline_changed").values_list(
        "recipient", flat=True
    )
    assert set(told) == {member_a.pk, member_b.pk}
    public = client.get(consultation.get_absolute_url()).content.decode()
    assert "Beslutet fattas redan i januari." in public


def test_closing_while_another_extends_one_wins(client, coord, consultation):
    other = coordinator("annan@example.org")
    seen = consultation.closes_at
    services.consultation_extend(
        consultation=consultation,
        actor=other,
        closes_at=seen + dt.timedelta(days=7),
        reason="Fler behöver svara.",
        seen_closes_at=seen,
    )
    client.force_login(coord)
    response = client.post(
        page_url(consultation, "workspace_consultation_close"),
        {"reason": "Klart.", "seen_closes_at": timezone.localtime(seen).strftime("%Y-%m-%d %H:%M:%S.%f")},
        follow=True,
    )
    assert "ändrade sluttiden" in response.content.decode()
    consultation.refresh_from_db()
    assert consultation.status == "open" and consultation.deadline_note == "Fler behöver svara."


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_publishing_twice_at_once_publishes_once():
    coord_a = coordinator("a@example.org")
    coord_b = coordinator("b@example.org")
    c = draft()
    results, barrier = [], threading.Barrier(2)

    def publish(actor):
        from django.db import connections

        try:
            barrier.wait()
            services.consultation_publish(consultation=Consultation.objects.get(pk=c.pk), actor=actor)
            results.append("ok")
        except Exception as exc:  # noqa: BLE001
            results.append(getattr(exc, "code", repr(exc)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=publish, args=(u,)) for u in (coord_a, coord_b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert sorted(results) == ["ok", "published"]
    assert AuditEntry.objects.filter(action="consultations.publish", object_id=str(c.pk)).count() == 1
    assert c.versions.count() == 1


# --- Remind now ----------


def test_remind_now_reaches_those_who_have_not_answered_once(
    client, coord, consultation, member_a, member_b, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(coord)
    url = page_url(consultation, "workspace_consultation_remind")
    html = client.get(url).content.decode()
    assert "Föreningen Alfa" in html and "Föreningen Beta" in html
    token = html.split('name="token" value="')[1].split('"')[0]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"token": token})
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(url, {"token": token}, follow=True)  # a double click
    assert "redan skickad" in again.content.decode()
    reminded = Notification.objects.filter(event="consultations.closing_soon")
    assert sorted(reminded.values_list("recipient", flat=True)) == sorted([member_a.pk, member_b.pk])
    assert sorted(m.to[0] for m in mailoutbox) == sorted([member_a.email, member_b.email])
    page = client.get(page_url(consultation)).content.decode()
    assert "skickad av en samordnare" in page and "2 personer" in page


def test_remind_is_refused_when_closed(client, coord, consultation):
    close(consultation)
    client.force_login(coord)
    response = client.post(
        page_url(consultation, "workspace_consultation_remind"), {"token": "abc"}, follow=True
    )
    assert "bara skickas medan samrådet är öppet" in response.content.decode()
    assert not Notification.objects.filter(event="consultations.closing_soon").exists()


# --- Outcome, moderation, archive ----------


def test_outcome_written_and_published_in_the_workspace_then_archived(
    client, coord, consultation, member_a, org_a
):
    CommentFactory(consultation=consultation, organisation=org_a, author=member_a)
    close(consultation)
    client.force_login(coord)
    html = client.get(page_url(consultation)).content.decode()
    assert reverse("workspace_consultation_outcome", args=[consultation.pk]) in html
    assert (
        reverse("workspace_consultation_outcome_publish", args=[consultation.pk]) not in html
    )  # nothing written
    response = client.post(
        page_url(consultation, "workspace_consultation_outcome"), {"summary": "Vi tog till oss."}
    )
    assert response.status_code == 302
    html = client.get(page_url(consultation)).content.decode()
    assert reverse("workspace_consultation_outcome_publish", args=[consultation.pk]) in html
    client.post(page_url(consultation, "workspace_consultation_outcome_publish"))
    consultation.refresh_from_db()
    assert consultation.concluded_at is not None
    client.post(page_url(consultation, "workspace_consultation_archive"))
    consultation.refresh_from_db()
    assert consultation.archived_at is not None
    html = client.get(page_url(consultation)).content.decode()
    assert 'aria-current="step">Arkiverat' in html


def test_hide_a_comment_from_the_workspace(client, coord, consultation, member_a, org_a):
    comment = CommentFactory(consultation=consultation, organisation=org_a, author=member_a)
    client.force_login(coord)
    url = reverse("workspace_consultation_hide", args=[consultation.pk, comment.pk])
    assert comment.text in client.get(url).content.decode()
    client.post(url, {"reason": "Personuppgifter om en enskild."})
    comment.refresh_from_db()
    assert comment.hidden_reason == "Personuppgifter om en enskild."


# --- Guided creation ----------


def test_guided_creation_defaults_and_slug(client, coord, org_a):
    member = UserFactory(display_name="Vanlig Medlem")
    MembershipFactory(organisation=org_a, user=member)
    client.force_login(coord)
    html = client.get(reverse("workspace_consultation_create")).content.decode()
    # Only coordinators are offered as responsible.
    assert "Cecilia Samordnare" in html and "Vanlig Medlem" not in html
    now = timezone.localtime()
    response = client.post(
        reverse("workspace_consultation_create"),
        {
            "title": "Trygga mötesplatser för unga",
            "slug": "",
            "summary": "Vad tycker ni?",
            "development_area": "children",
            "section_heading": "Bakgrund",
            "section_body": "Staden vill skapa fler mötesplatser.",
            "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + dt.timedelta(weeks=4)).strftime("%Y-%m-%dT%H:%M"),
            "coordinator": coord.pk,
        },
    )
    c = Consultation.objects.get(title="Trygga mötesplatser för unga")
    assert response["Location"] == page_url(c)
    assert c.slug == "trygga-motesplatser-for-unga"
    assert c.published_at is None and c.audience == "all" and c.coordinator == coord
    assert c.sections.get().heading == "Bakgrund"
    refused = client.post(
        reverse("workspace_consultation_create"),
        {
            "title": "X",
            "summary": "Y",
            "development_area": "children",
            "section_heading": "A",
            "section_body": "B",
            "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": now.strftime("%Y-%m-%dT%H:%M"),
            "coordinator": member.pk,
        },
    )
    assert refused.status_code == 400


def test_model_coordinator_choices_list_only_coordinators(coord):
    from django.forms import modelform_factory

    UserFactory(display_name="Vanlig Medlem")
    form = modelform_factory(Consultation, fields=["coordinator"])()
    users = list(form.fields["coordinator"].queryset)
    assert users == [coord]


# --- Query counts ----------


def _grow(consultation, n):
    for i in range(n):
        org = OrganisationFactory(name=f"Organisation {consultation.pk}-{i}")
        member = MembershipFactory(organisation=org).user
        CommentFactory(consultation=consultation, organisation=org, author=member)


def test_workspace_page_query_count_is_flat(client, coord):
    small, large = ConsultationFactory(), ConsultationFactory()
    _grow(small, 2)
    _grow(large, 12)
    client.force_login(coord)
    counts = []
    for c in (small, large):
        client.get(page_url(c))  # warm the per-request caches
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(page_url(c)).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
