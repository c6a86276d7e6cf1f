"""Every page, for each kind of visitor: anonymous, no organisation, member, organisation admin, another
organisation's admin and coordinator. Assertions are on what the person sees or what is stored."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from meetings import services
from meetings.models import ActionItem, CalendarToken, Invitation, Meeting, Minutes
from tests.meetings.helpers import published_minutes

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "no_org", "member", "org_admin", "other_admin", "coord"]


@pytest.fixture
def as_role(request, client):
    def login(role):
        if role != "anonymous":
            client.force_login(request.getfixturevalue(role))
        return client

    return login


def _url(name, **kwargs):
    return reverse(f"meetings:{name}", kwargs=kwargs)


# --- Meeting page -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, status",
    [
        ("anonymous", 404),
        ("no_org", 404),
        ("member", 200),
        ("org_admin", 200),
        ("other_admin", 404),
        ("coord", 200),
    ],
)
def test_members_only_meeting_page(as_role, meeting, role, status):
    response = as_role(role).get(_url("detail", pk=meeting.pk))
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert meeting.title in body
        assert "Intern punkt" in body
        assert meeting.online_link in body


@pytest.mark.parametrize("role", ["anonymous", "no_org", "other_admin"])
def test_public_meeting_hides_members_only_parts(as_role, meeting, role):
    meeting.is_public = True
    meeting.save()
    body = as_role(role).get(_url("detail", pk=meeting.pk)).content.decode()
    assert meeting.title in body
    assert "Öppen punkt" in body
    assert "Intern punkt" not in body
    assert meeting.online_link not in body
    assert 'name="org' not in body  # no RSVP form


def test_member_sees_rsvp_form_and_answers(client, meeting, org, member, org_admin):
    client.force_login(member)
    body = client.get(_url("detail", pk=meeting.pk)).content.decode()
    assert "Föreningen Mot Rasism" in body and f'name="org{org.pk}-answer"' in body
    response = client.post(
        _url("rsvp", pk=meeting.pk, organisation_pk=org.pk),
        {
            f"org{org.pk}-answer": "attending",
            f"org{org.pk}-attendees": [member.pk],
            f"org{org.pk}-needs": "Tolk",
        },
        follow=True,
    )
    assert "svar har sparats" in response.content.decode()
    invitation = Invitation.objects.get(meeting=meeting, organisation=org)
    assert invitation.answer == "attending" and list(invitation.attendees.all()) == [member]
    # The needs are for coordinators only: not shown back on the member's page.
    assert "Tolk" not in client.get(_url("detail", pk=meeting.pk)).content.decode()


def test_rsvp_after_deadline_shows_message_and_stores_nothing(client, meeting, org, member):
    meeting.rsvp_deadline = timezone.now() - dt.timedelta(hours=1)
    meeting.save()
    client.force_login(member)
    body = client.get(_url("detail", pk=meeting.pk)).content.decode()
    assert "Tiden för att svara har gått ut" in body
    response = client.post(
        _url("rsvp", pk=meeting.pk, organisation_pk=org.pk),
        {f"org{org.pk}-answer": "attending", f"org{org.pk}-attendees": [member.pk]},
        follow=True,
    )
    assert "Tiden för att svara har gått ut" in response.content.decode()
    assert not Invitation.objects.filter(meeting=meeting).exclude(answer="none").exists()


def test_rsvp_for_cancelled_meeting_shows_message(client, coord, meeting, org, member):
    services.meeting_cancel(actor=coord, meeting=meeting, reason="Sjukdom")
    client.force_login(member)
    body = client.get(_url("detail", pk=meeting.pk)).content.decode()
    assert "Mötet är inställt" in body and "Sjukdom" in body
    response = client.post(
        _url("rsvp", pk=meeting.pk, organisation_pk=org.pk),
        {f"org{org.pk}-answer": "attending", f"org{org.pk}-attendees": [member.pk]},
        follow=True,
    )
    assert "Mötet är inställt och tar inte emot svar" in response.content.decode()
    assert not Invitation.objects.filter(meeting=meeting).exclude(answer="none").exists()


@pytest.mark.parametrize("role, status", [("anonymous", 403), ("no_org", 404), ("other_admin", 404)])
def test_rsvp_refused_for_outsiders(as_role, meeting, org, role, status):
    response = as_role(role).post(_url("rsvp", pk=meeting.pk, organisation_pk=org.pk), {})
    assert response.status_code == status


def test_other_org_cannot_answer_for_an_org_it_is_not_in(client, coord, org, other_org, other_admin):
    from tests.meetings.helpers import schedule

    meeting = schedule(coord)  # all approved organisations are invited
    client.force_login(other_admin)
    response = client.post(_url("rsvp", pk=meeting.pk, organisation_pk=org.pk), {})
    assert response.status_code == 403


# --- Lists ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_coming_meetings_list(as_role, meeting, role):
    public = Meeting.objects.create(
        title="Öppet dialogmöte",
        start=meeting.start,
        end=meeting.end,
        is_public=True,
        invite_all_approved=False,
    )
    body = as_role(role).get(_url("list")).content.decode()
    assert public.title in body
    assert (meeting.title in body) == (role in ("member", "org_admin", "coord"))


@pytest.mark.parametrize("role", ROLES)
def test_past_meetings_with_minutes(as_role, coord, meeting, org, role):
    published_minutes(coord, meeting, org=org)
    Meeting.objects.filter(pk=meeting.pk).update(
        start=timezone.now() - dt.timedelta(days=3), end=timezone.now() - dt.timedelta(days=3, hours=-2)
    )
    body = as_role(role).get(_url("past")).content.decode()
    sees = role in ("member", "org_admin", "coord")
    assert (meeting.title in body) == sees
    assert (_url("minutes_pdf", pk=meeting.pk) in body) == sees


def test_public_minutes_open_the_page_to_everyone_without_members_only_items(client, coord, meeting, org):
    published_minutes(coord, meeting, org=org, audience="public")
    body = client.get(_url("detail", pk=meeting.pk)).content.decode()
    assert "Anteckning om Öppen punkt" in body
    assert "Anteckning om Intern punkt" not in body
    assert meeting.online_link not in body


@pytest.mark.parametrize(
    "role, status", [("anonymous", 302), ("no_org", 200), ("member", 200), ("coord", 200)]
)
def test_my_rsvps(as_role, meeting, org, member, role, status):
    services.rsvp_submit(
        user=member, meeting=meeting, organisation=org, answer="attending", attendees=[member]
    )
    response = as_role(role).get(_url("my_rsvps"))
    assert response.status_code == status
    if role == "member":
        body = response.content.decode()
        assert meeting.title in body and "Maja Medlem" in body
    elif status == 200:
        assert meeting.title not in response.content.decode()


# --- Minutes: PDF and review --------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, status",
    [
        ("anonymous", 404),
        ("no_org", 404),
        ("member", 200),
        ("org_admin", 200),
        ("other_admin", 404),
        ("coord", 200),
    ],
)
def test_minutes_pdf(as_role, coord, meeting, org, role, status):
    minutes = published_minutes(coord, meeting, org=org)
    response = as_role(role).get(_url("minutes_pdf", pk=meeting.pk))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        import io

        reader = PdfReader(io.BytesIO(response.content))
        assert len(reader.pages) >= 1
        text = "".join(page.extract_text() for page in reader.pages)
        assert "Gruppen godkänner planen." in text
        assert minutes.sha256[:16] in text.replace("\n", "")


def test_draft_minutes_not_readable(client, coord, meeting, member):
    services.meeting_mark_held(actor=coord, meeting=meeting)
    client.force_login(member)
    assert client.get(_url("minutes_pdf", pk=meeting.pk)).status_code == 404
    assert client.get(_url("minutes_review", pk=meeting.pk)).status_code == 404


@pytest.mark.parametrize(
    "role, status",
    [
        ("anonymous", 302),
        ("no_org", 404),
        ("member", 200),
        ("org_admin", 200),
        ("other_admin", 404),
        ("coord", 200),
    ],
)
def test_minutes_review_page(as_role, coord, meeting, org, role, status):
    services.meeting_mark_held(actor=coord, meeting=meeting)
    services.attendance_record(actor=coord, meeting=meeting, organisations=[org])
    minutes = Minutes.objects.get(meeting=meeting)
    item = meeting.agenda_items.first()
    services.minutes_update(
        actor=coord, minutes=minutes, introduction="Utkast", notes={item.pk: "Noterat"}, decisions={}
    )
    services.minutes_send_for_review(actor=coord, minutes=minutes, days=5)
    client = as_role(role)
    response = client.get(_url("minutes_review", pk=meeting.pk))
    assert response.status_code == status
    if status == 200:
        assert "Noterat" in response.content.decode()
        response = client.post(
            _url("minutes_review", pk=meeting.pk), {"text": "Lägg till datum."}, follow=True
        )
        assert minutes.comments.filter(text="Lägg till datum.").exists()


# --- Action items ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_action_items_overview(as_role, coord, meeting, org, role):
    minutes = published_minutes(coord, meeting, org=org)
    overdue = minutes.action_items.get()
    ActionItem.objects.filter(pk=overdue.pk).update(due_date=timezone.localdate() - dt.timedelta(days=2))
    body = as_role(role).get(_url("action_items")).content.decode()
    sees = role in ("member", "org_admin", "coord")
    assert ("Skicka synpunkter på aktivitet 3" in body) == sees
    if sees:
        assert "Försenad" in body
    can_update = role in ("org_admin", "coord")
    assert (_url("action_item_update", pk=overdue.pk) in body) == can_update


def test_action_items_filter_by_status_and_responsible(client, coord, meeting, org, other_org, org_admin):
    minutes = published_minutes(coord, meeting, org=org)
    item = minutes.action_items.get()
    services.action_item_update_status(user=org_admin, item=item, status="done", comment="Klart")
    client.force_login(coord)
    assert item.description not in client.get(_url("action_items")).content.decode()  # open by default
    assert item.description in client.get(_url("action_items") + "?status=done").content.decode()
    assert (
        item.description
        in client.get(_url("action_items") + f"?status=&responsible={org.pk}").content.decode()
    )


@pytest.mark.parametrize(
    "role, status",
    [
        ("anonymous", 302),
        ("no_org", 404),
        ("member", 404),
        ("org_admin", 200),
        ("other_admin", 404),
        ("coord", 200),
    ],
)
def test_action_item_update_permissions(as_role, coord, meeting, org, role, status):
    minutes = published_minutes(coord, meeting, org=org)
    item = minutes.action_items.get()
    client = as_role(role)
    response = client.get(_url("action_item_update", pk=item.pk))
    assert response.status_code == status
    response = client.post(_url("action_item_update", pk=item.pk), {"status": "done", "comment": "Klart"})
    item.refresh_from_db()
    assert (item.status == "done") == (status == 200)


# --- Calendar -------------------------------------------------------------------------------------


def test_calendar_settings_create_and_revoke(client, member, meeting):
    client.force_login(member)
    client.post(_url("calendar"), {"action": "create"})
    token = CalendarToken.objects.get(user=member)
    assert token.key in client.get(_url("calendar")).content.decode()
    assert meeting.title in client.get(_url("personal_feed", key=token.key)).content.decode()
    client.post(_url("calendar"), {"action": "revoke"})
    assert client.get(_url("personal_feed", key=token.key)).status_code == 404


def test_calendar_settings_needs_login(client):
    assert client.get(_url("calendar")).status_code == 302


# --- Coordinator screens --------------------------------------------------------------------------

# The coordinators' pages are in the workspace (tests/meetings/test_workspace.py); the old /moten/samordning/
# addresses redirect there, for coordinators only.
COORDINATOR_PAGES = ["create", "manage", "edit", "attendance", "minutes_edit", "minutes_action", "state"]


@pytest.mark.parametrize("page", COORDINATOR_PAGES)
@pytest.mark.parametrize(
    "role, status",
    [
        ("anonymous", 302),
        ("no_org", 403),
        ("member", 403),
        ("org_admin", 403),
        ("other_admin", 403),
        ("coord", 302),
    ],
)
def test_old_coordinator_pages_redirect_coordinators_to_the_workspace(
    as_role, coord, meeting, page, role, status
):
    kwargs = {} if page == "create" else {"pk": meeting.pk}
    if page in ("minutes_action", "state"):
        kwargs["action"] = "held"
    response = as_role(role).get(_url(page, **kwargs))
    assert response.status_code == status
    if role == "anonymous":
        assert "/accounts/login/" in response["Location"]
    elif role == "coord":
        assert response["Location"].startswith("/admin/")


def test_coordinator_without_totp_is_sent_to_set_it_up(client, meeting):
    from tests.factories import coordinator

    client.force_login(coordinator("ny@example.org", totp=False))
    response = client.get(_url("manage", pk=meeting.pk))
    assert (
        response.status_code == 302 and "two-factor" in response["Location"] or "totp" in response["Location"]
    )


def test_coordinator_sees_access_needs(client, coord, meeting, org, member):
    services.rsvp_submit(
        user=member,
        meeting=meeting,
        organisation=org,
        answer="attending",
        attendees=[member],
        needs="Hörselslinga",
    )
    client.force_login(coord)
    assert "Hörselslinga" in client.get(reverse("workspace_meeting", args=[meeting.pk])).content.decode()


def test_home_page_slot_shows_coming_meetings(client, meeting, member):
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = member
    html = render_to_string("meetings/includes/home_coming_meetings.html", {"request": request})
    assert meeting.title in html
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    assert meeting.title not in render_to_string(
        "meetings/includes/home_coming_meetings.html", {"request": request}
    )


def test_admin_meeting_screens_for_coordinator(client, coord, meeting):
    client.force_login(coord)
    response = client.get(reverse("meetings_admin:edit", args=[meeting.pk]))
    assert response.status_code == 200
    assert "Öppen punkt" in response.content.decode()
    assert client.get(reverse("meetings_admin:index")).status_code == 200


@pytest.mark.parametrize(
    "published, role, shown",
    [
        (True, "member", True),
        (True, "anonymous", True),
        (False, "member", False),
        (False, "anonymous", False),
        (False, "coord", True),
    ],
)
def test_agenda_link_to_consultation_only_when_reader_may_see_it(as_role, meeting, published, role, shown):
    from tests.factories import ConsultationFactory

    consultation = ConsultationFactory(
        title="Utkast om skolan", published_at=timezone.now() if published else None
    )
    meeting.is_public = True
    meeting.save()
    item = meeting.agenda_items.get(title="Öppen punkt")
    item.consultation = consultation
    item.save()
    body = as_role(role).get(_url("detail", pk=meeting.pk)).content.decode()
    assert ("Utkast om skolan" in body) == shown
    assert (consultation.get_absolute_url() in body) == shown
