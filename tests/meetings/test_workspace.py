"""A meeting's own page in the coordinators' workspace: only coordinators, its steps, the actions of each step
through the real services, refusals and flat query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings import services
from meetings.models import Meeting, Minutes
from tests.factories import MeetingInvitationFactory, MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def url(meeting, action=""):
    if action:
        return reverse(f"workspace_meeting_{action}", args=[meeting.pk])
    return reverse("workspace_meeting", args=[meeting.pk])


def test_only_coordinators(client, meeting, member):
    assert client.get(url(meeting)).status_code == 302
    client.force_login(member)
    response = client.post(url(meeting, "held"))
    assert response.status_code in (302, 403) and response.get("Location") != url(meeting)
    meeting.refresh_from_db()
    assert meeting.state == "planned"


def test_meeting_from_planned_to_published_minutes(client, coord, meeting, org, member):
    client.force_login(coord)
    html = client.get(url(meeting)).content.decode()
    assert 'aria-current="step">Planerat' in html
    assert org.name in html and "Inte svarat" in html
    assert url(meeting, "approve") not in html
    client.post(url(meeting, "held"))
    meeting.refresh_from_db()
    assert meeting.state == "held"
    minutes = Minutes.objects.get(meeting=meeting)
    items = list(meeting.agenda_items.order_by("sort_order"))
    services.minutes_update(
        actor=coord,
        minutes=minutes,
        introduction="Mötet öppnades.",
        notes={},
        decisions={items[0].pk: ("Gruppen godkänner planen.", "adopted")},
    )
    html = client.get(url(meeting)).content.decode()
    assert "Gruppen godkänner planen." in html
    assert client.post(url(meeting, "review"), {"days": "0"}).status_code == 400
    client.post(url(meeting, "review"), {"days": "7"})
    minutes.refresh_from_db()
    assert minutes.state == "review"
    # Publishing before approval is refused by the server, not only hidden.
    response = client.post(url(meeting, "publish"), {"audience": "public"}, follow=True)
    minutes.refresh_from_db()
    assert minutes.state == "review"
    assert "Bara ett godkänt protokoll kan publiceras." in response.content.decode()
    client.post(url(meeting, "approve"))
    client.post(url(meeting, "publish"), {"audience": "public"})
    minutes.refresh_from_db()
    assert minutes.state == "published" and minutes.audience == "public"
    html = client.get(url(meeting)).content.decode()
    assert 'aria-current="step">Protokoll publicerat' in html


def test_cancel_needs_a_reason(client, coord, meeting):
    client.force_login(coord)
    assert client.post(url(meeting, "cancel"), {"reason": ""}).status_code == 400
    client.post(url(meeting, "cancel"), {"reason": "Lokalen är inte tillgänglig."})
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.CANCELLED
    assert meeting.cancel_reason == "Lokalen är inte tillgänglig."
    assert "Mötet är inställt." in client.get(url(meeting)).content.decode()


@pytest.mark.parametrize(
    "name, target",
    [
        ("manage", "workspace_meeting"),
        ("attendance", "workspace_meeting_attendance"),
        ("minutes_edit", "workspace_meeting_minutes"),
        ("edit", "meetings_admin:edit"),
    ],
)
def test_old_coordinator_pages_redirect_to_the_workspace(client, coord, meeting, name, target):
    client.force_login(coord)
    response = client.get(reverse(f"meetings:{name}", args=[meeting.pk]))
    assert response.status_code == 302 and response["Location"] == reverse(target, args=[meeting.pk])
    assert client.get(reverse("meetings:create"))["Location"] == reverse("meetings_admin:add")
    # A POST to an old form does nothing and lands on the workspace.
    response = client.post(reverse("meetings:state", args=[meeting.pk, "cancel"]), {"reason": "x"})
    assert response["Location"] == url(meeting)
    meeting.refresh_from_db()
    assert meeting.state == "planned"


def test_public_page_has_a_manage_link_for_coordinators_only(client, coord, meeting, member):
    client.force_login(member)
    assert url(meeting) not in client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    client.force_login(coord)
    html = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert f'href="{url(meeting)}">Hantera</a>' in html


def _key(n: int) -> str:
    return f"nyckel-{n:020d}"


def test_attendance_minutes_and_action_items_from_the_workspace(client, coord, meeting, org, member):
    client.force_login(coord)
    client.post(url(meeting, "held"))
    # Attendance, offered from the RSVPs, stored as sent.
    html = client.get(url(meeting, "attendance")).content.decode()
    assert "Vem som får veta" in html and org.name in html
    response = client.post(
        url(meeting, "attendance"),
        {"organisations": [org.pk], "people": [], "names": "Gäst Gästsson\n", "idempotency_key": _key(1)},
        follow=True,
    )
    assert "Närvaron är registrerad." in response.content.decode()
    assert sorted(str(a.organisation or a.name) for a in meeting.attendances.all()) == [
        "Föreningen Mot Rasism",
        "Gäst Gästsson",
    ]
    assert "Gäst Gästsson" in client.get(url(meeting)).content.decode()
    # Notes and a decision per agenda item.
    items = list(meeting.agenda_items.order_by("sort_order"))
    data = {"save_minutes": "1", "introduction": "Mötet öppnades.", "idempotency_key": _key(2)}
    for item in items:
        data |= {
            f"note_{item.pk}": f"Diskussion om {item.title}",
            f"decision_{item.pk}": "",
            f"result_{item.pk}": "adopted",
        }
    data[f"decision_{items[0].pk}"] = "Gruppen ställer sig bakom planen."
    response = client.post(url(meeting, "minutes"), data, follow=True)
    assert "Protokollet är sparat." in response.content.decode()
    minutes = Minutes.objects.get(meeting=meeting)
    assert minutes.introduction == "Mötet öppnades."
    assert minutes.decisions.get().text == "Gruppen ställer sig bakom planen."
    # An action item; the same form sent twice stores one.
    action = {
        "add_action_item": "1",
        "action-description": "Ring skolan",
        "action-responsible_organisation": org.pk,
        "action-due_date": "2030-01-01",
        "idempotency_key": _key(3),
    }
    client.post(url(meeting, "minutes"), action)
    client.post(url(meeting, "minutes"), action)
    item = minutes.action_items.get()
    assert item.responsible_organisation == org
    # No one named responsible: the form says so, nothing is stored.
    response = client.post(url(meeting, "minutes"), {"add_action_item": "1", "action-description": "Oklart"})
    assert response.status_code == 400 and "Ange vem som är ansvarig" in response.content.decode()
    assert minutes.action_items.count() == 1
    # Removing it goes through a confirmation; sent twice is harmless.
    remove = reverse("workspace_meeting_remove_action_item", args=[meeting.pk, item.pk])
    assert "Ingen får veta något." in client.get(remove).content.decode()
    client.post(remove)
    assert client.post(remove).status_code == 302
    assert minutes.action_items.count() == 0
    # Through review, approval and publication from the workspace.
    client.post(url(meeting, "review"), {"days": "7"})
    client.post(url(meeting, "approve"))
    # Approved: the text cannot change (the server refuses), attendance neither; a correction can be added.
    data["introduction"], data["idempotency_key"] = "Ändrad", _key(4)
    response = client.post(url(meeting, "minutes"), data, follow=True)
    assert "Ett godkänt protokoll kan inte ändras" in response.content.decode()
    minutes.refresh_from_db()
    assert minutes.introduction == "Mötet öppnades."
    response = client.post(url(meeting, "attendance"), {"organisations": [], "names": ""}, follow=True)
    assert "Närvaron kan inte ändras" in response.content.decode()
    assert meeting.attendances.count() == 2
    client.post(url(meeting, "minutes"), {"correction": "1", "text": "Datumet ska vara 16 december."})
    assert minutes.corrections.get().text == "Datumet ska vara 16 december."
    client.post(url(meeting, "publish"), {"audience": "members"})
    minutes.refresh_from_db()
    assert minutes.state == "published"
    client.force_login(member)
    body = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "Diskussion om Intern punkt" in body and "Gruppen ställer sig bakom planen." in body


def test_minutes_page_refused_before_the_meeting_is_held(client, coord, meeting):
    client.force_login(coord)
    response = client.get(url(meeting, "minutes"), follow=True)
    assert "Protokollet skrivs när mötet har genomförts." in response.content.decode()
    assert not Minutes.objects.filter(meeting=meeting).exists()


def _served(client, document) -> int:
    return client.get(document.url).status_code


def test_documents_uploaded_on_the_meetings_page_with_a_members_only_mark(
    client, coord, org, member, no_org, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from meetings.models import MeetingDocument
    from portal.models import AuditEntry
    from tests.factories import MeetingFactory

    settings.MEDIA_ROOT = str(tmp_path / "media")
    meeting = MeetingFactory(invite_all_approved=False, is_public=True)
    MeetingInvitationFactory(meeting=meeting, organisation=org)
    client.force_login(coord)
    page = url(meeting, "documents")
    assert "Bara för medlemmar" in client.get(page).content.decode()

    def upload(name, members_only, key):
        data = {"title": name, "file": SimpleUploadedFile(f"{key}.pdf", b"%PDF-1.4 test", "application/pdf")}
        if members_only:
            data["members_only"] = "on"
        return client.post(page, data | {"idempotency_key": _key(key)}, follow=True)

    assert "för medlemmar. Ingen får veta något." in upload("Internt underlag", True, 10).content.decode()
    upload("Inbjudan", False, 11)
    upload("Inbjudan", False, 11)  # sent twice: stored once
    links = {link.document.title: link for link in MeetingDocument.objects.filter(meeting=meeting)}
    assert sorted(links) == ["Inbjudan", "Internt underlag"]
    internal, invitation = links["Internt underlag"].document, links["Inbjudan"].document
    assert links["Internt underlag"].members_only and not links["Inbjudan"].members_only
    assert AuditEntry.objects.filter(action="meetings.document_add").count() == 2
    # A file type the document library does not take is refused with a message in Swedish.
    response = client.post(
        page, {"title": "Skript", "file": SimpleUploadedFile("x.exe", b"MZ", "application/x")}
    )
    assert response.status_code == 400 and MeetingDocument.objects.filter(meeting=meeting).count() == 2

    # The public page of the (public) meeting lists, and the server serves, the members-only one only
    # to members and coordinators.
    detail = reverse("meetings:detail", args=[meeting.pk])
    for who, sees in ((None, False), (no_org, False), (member, True), (coord, True)):
        client.logout()
        if who:
            client.force_login(who)
        body = client.get(detail).content.decode()
        assert ("Internt underlag" in body) == sees, who
        assert "Inbjudan" in body
        assert _served(client, internal) == (200 if sees else 404), who
        assert _served(client, invitation) == 200

    # Open it to all, then take the other one off the page (through a confirmation; twice is harmless).
    client.force_login(coord)
    client.post(page, {"mark": "all", "link": links["Internt underlag"].pk, "idempotency_key": _key(12)})
    assert not MeetingDocument.objects.get(pk=links["Internt underlag"].pk).members_only
    client.logout()
    assert _served(client, internal) == 200
    client.force_login(coord)
    remove = reverse("workspace_meeting_remove_document", args=[meeting.pk, links["Inbjudan"].pk])
    assert "Filen finns kvar i dokumentbiblioteket." in client.get(remove).content.decode()
    client.post(remove)
    assert client.post(remove).status_code == 302
    assert list(
        MeetingDocument.objects.filter(meeting=meeting).values_list("document__title", flat=True)
    ) == ["Internt underlag"]


def test_document_upload_refused_to_members(client, meeting, member, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from meetings.models import MeetingDocument

    settings.MEDIA_ROOT = str(tmp_path / "media")
    client.force_login(member)
    response = client.post(
        url(meeting, "documents"),
        {"title": "X", "file": SimpleUploadedFile("x.pdf", b"%PDF-1.4", "application/pdf")},
    )
    assert response.status_code in (302, 403)
    assert not MeetingDocument.objects.exists()


def test_meeting_page_query_count_is_flat(client, coord, meeting):
    other = type(meeting).objects.get(pk=meeting.pk)
    other.pk = None
    other.save()
    for i in range(10):
        organisation = OrganisationFactory(name=f"Org {i}")
        MembershipFactory(organisation=organisation)
        MeetingInvitationFactory(meeting=other, organisation=organisation)
    client.force_login(coord)
    counts = []
    for m in (meeting, other):
        client.get(url(m))
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url(m)).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
