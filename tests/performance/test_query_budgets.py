"""Query budgets: each page type costs a fixed number of database queries, whatever the amount of data.

Every test measures a page at a small data size, grows the data (10× or more; the consultation page goes
from 5 to 500 comments), measures again, and asserts that both counts are equal and equal to the page's
budget in `BUDGETS`. A failure prints the queries of both requests, so an N+1 shows itself.

The cache is cleared before every measured request (after one warm-up request that fills the in-process
caches such as ContentTypes), so the counts are those of a request that finds the shared cache empty: the
same in every run, and the worst case. When a change legitimately adds or removes a query on a page,
update its number here and say why in the commit.

The deeper tests of single apps stay where they are (tests/consultations/test_views.py,
tests/meetings/test_queries.py); this module is the one place with every page's number.
"""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    ConsultationFactory,
    GuidingQuestionFactory,
    MeetingFactory,
    MeetingInvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    coordinator,
    site_home,
)

pytestmark = pytest.mark.django_db

# page → exact number of queries (the same at both data sizes).
BUDGETS = {
    "home:visitor": 19,
    "home:member": 26,
    "consultation_list:visitor": 12,
    "consultation_list:member": 16,
    "consultation_detail:visitor": 14,
    "consultation_detail:member": 19,
    "consultation_detail:coordinator": 20,
    "response_edit:org_admin": 21,
    "receipt:coordinator": 17,
    "responses_list:coordinator": 16,
    "meeting_list:visitor": 11,
    "meeting_list:member": 16,
    "meeting_detail:member": 26,  # + the attendance list with the published minutes
    "meeting_detail:coordinator": 26,
    "action_items:member": 18,
    "action_items:coordinator": 17,
    "directory:visitor": 12,
    "directory_filtered:visitor": 13,
    "organisation_detail:visitor": 10,
    "organisation_detail:member": 16,
    "organisation_settings:org_admin": 20,
    "inbox:member": 18,
    "preferences:member": 15,  # + whether the reader administers an organisation
    "coordinator_hub:coordinator": 13,
    # The coordinators' workspace (Wagtail admin): issue 18.
    "workspace_consultations:coordinator": 12,
    "workspace_consultation:coordinator": 18,
    "workspace_meeting_minutes:coordinator": 24,
    "workspace_meeting_documents:coordinator": 15,
    "workspace_applications:coordinator": 13,
    "workspace_archive:coordinator": 14,
    "workspace_audit:coordinator": 15,
    "organisation_queue:coordinator": 16,
    "organisation_list:coordinator": 16,
}

# Signed-in pages as people meet them: the shared cache warm (the layout and the unread count in it, see
# portal/layout.py), the page requested once before it is counted, at both data sizes. Issue 20: none above
# WARM_LIMIT, and the same count at both sizes. (The cold counts above stay the worst case.)
WARM_LIMIT = 20
WARM_BUDGETS = {
    "home:member": 16,
    "consultation_list:member": 4,
    "consultation_detail:member": 9,
    "consultation_detail:coordinator": 10,
    "response_edit:org_admin": 11,
    "receipt:coordinator": 7,
    "responses_list:coordinator": 6,
    "meeting_list:member": 6,
    "meeting_detail:member": 16,
    "meeting_detail:coordinator": 16,
    "action_items:member": 8,
    "action_items:coordinator": 7,
    "organisation_detail:member": 6,
    "organisation_settings:org_admin": 10,
    "inbox:member": 9,
    "preferences:member": 5,
    "coordinator_hub:coordinator": 3,
    "consultations_coordinator:coordinator": 8,
    "moderation:coordinator": 6,
    "organisation_queue:coordinator": 6,
    "organisation_list:coordinator": 6,
}

MEASURED: dict[str, int] = {}


# --- fixtures -------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def org(db):
    return OrganisationFactory(name="Föreningen Budget")


@pytest.fixture
def member(org):
    return MembershipFactory(organisation=org, role="member", user__display_name="Maja Medlem").user


@pytest.fixture
def org_admin(org):
    return MembershipFactory(organisation=org, role="admin", user__display_name="Adam Admin").user


@pytest.fixture
def coord(db):
    return coordinator("budget-samordnare@example.org", display_name="Cecilia Samordnare")


@pytest.fixture
def as_role(client, member, org_admin, coord):
    def login(role):
        user = {"visitor": None, "member": member, "org_admin": org_admin, "coordinator": coord}[role]
        if user is not None:
            client.force_login(user)
        return client

    return login


# --- measuring ------------------------------------------------------------------------------------


def _measure(client, url):
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.get("Location"))
    return response, [q["sql"] for q in ctx.captured_queries]


def _measure_warm(client, url):
    """The queries of a request that finds the shared cache as the request before it left it."""
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.get("Location"))
    return [q["sql"] for q in ctx.captured_queries]


def _diff(small, large) -> str:
    lines = [f"small: {len(small)} queries, large: {len(large)} queries"]
    for label, queries in (("small", small), ("large", large)):
        lines.append(f"--- {label}")
        lines += [f"{n:3} {sql[:300]}" for n, sql in enumerate(queries, 1)]
    return "\n".join(lines)


def assert_flat(name, client, small_url, grow, large_url=None, *, expect=None):
    """Measures `small_url`, calls `grow()`, measures `large_url` (default: the same URL) and asserts that
    both cost the same, and the budget. `large_url` may be a callable, called after `grow()`.
    `expect(content)` checks that the large page shows the data."""
    client.get(small_url)  # warm the in-process caches (ContentTypes, translations, templates)
    _, small = _measure(client, small_url)
    warm_small = _measure_warm(client, small_url) if name in WARM_BUDGETS else None
    grow()
    large_url = large_url() if callable(large_url) else large_url or small_url
    response, large = _measure(client, large_url)
    warm_large = _measure_warm(client, large_url) if name in WARM_BUDGETS else None
    content = response.content.decode()
    if expect:
        expect(content)
    MEASURED[name] = len(small)
    print(f"{name}: {len(small)} queries (large: {len(large)})")
    assert len(large) == len(small), _diff(small, large)
    budget = BUDGETS[name]
    assert len(small) == budget, f"{name}: budget {budget}, measured {len(small)}\n" + _diff(small, large)
    if warm_small is not None:
        print(f"{name}: warm {len(warm_small)} queries (large: {len(warm_large)})")
        assert len(warm_large) == len(warm_small), "warm\n" + _diff(warm_small, warm_large)
        assert len(warm_small) <= WARM_LIMIT, f"{name}: warm {len(warm_small)}\n" + _diff(
            warm_small, warm_large
        )
        assert len(warm_small) == WARM_BUDGETS[name], (
            f"{name}: warm budget {WARM_BUDGETS[name]}, measured {len(warm_small)}\n"
            + _diff(warm_small, warm_large)
        )
    return content


# --- data -----------------------------------------------------------------------------------------


def _consultation_with_comments(org, author, *, sections: int, comments: int, **kwargs):
    """A published open consultation with `sections` sections and `comments` comments (a third replies)."""
    from consultations.models import Comment

    consultation = ConsultationFactory(sections=sections, **kwargs)
    GuidingQuestionFactory(consultation=consultation)
    made = list(consultation.sections.order_by("sort_order"))
    now = timezone.now()
    top = Comment.objects.bulk_create(
        Comment(
            consultation=consultation,
            section=made[i % len(made)] if i % 5 else None,
            author=author,
            organisation=org,
            version=1,
            text=f"Kommentar {i}",
            created=now - dt.timedelta(minutes=comments - i),
        )
        for i in range(comments - comments // 3)
    )
    Comment.objects.bulk_create(
        Comment(
            consultation=consultation,
            section=top[i % len(top)].section,
            parent=top[i % len(top)],
            author=author,
            organisation=org,
            version=1,
            text=f"Svar {i}",
            created=now,
        )
        for i in range(comments // 3)
    )
    return consultation


def _submitted_response(consultation, organisation, admin, number=1):
    from consultations.models import Response, ResponseVersion

    response, _ = Response.objects.get_or_create(
        consultation=consultation, organisation=organisation, defaults={"text": "Vårt svar."}
    )
    return ResponseVersion.objects.create(
        response=response,
        number=number,
        text="Vårt svar.",
        answers=[{"question": "Vad saknas?", "answer": "Barnperspektivet."}],
        submitted_at=timezone.now(),
        submitted_by=admin,
        submitted_by_name=admin.get_display_name(),
        sha256="0" * 64,
        receipt_number=f"R{consultation.pk:04d}-{organisation.pk:04d}-{number:02d}",
    )


def _organisation_with_admin():
    organisation = OrganisationFactory()
    return organisation, MembershipFactory(organisation=organisation, role="admin").user


def _meeting(org, *, items: int, invited: int, past=False):
    """A meeting with `items` agenda items and `invited` other organisations that answered; when `past`,
    held with published minutes (a note and a decision per item, an action item per item)."""
    from meetings.models import AgendaItemNote, Decision, Invitation, Minutes

    start = timezone.now() + dt.timedelta(days=-20 if past else 10)
    meeting = MeetingFactory(
        invite_all_approved=False,
        start=start,
        end=start + dt.timedelta(hours=2),
        state="held" if past else "planned",
    )
    MeetingInvitationFactory(meeting=meeting, organisation=org)
    agenda = [AgendaItemFactory(meeting=meeting, title=f"Punkt {n}", sort_order=n) for n in range(items)]
    for _ in range(invited):
        other, admin = _organisation_with_admin()
        invitation = Invitation.objects.create(meeting=meeting, organisation=other, answer="attending")
        invitation.attendees.add(admin)
    if past:
        minutes = Minutes.objects.create(
            meeting=meeting,
            state="published",
            audience="members",
            approved_at=timezone.now(),
            sha256="0" * 64,
            published_at=timezone.now(),
        )
        for item in agenda:
            AgendaItemNote.objects.create(minutes=minutes, agenda_item=item, text=f"Anteckning {item.title}")
            Decision.objects.create(minutes=minutes, agenda_item=item, text=f"Beslut {item.title}")
            ActionItemFactory(
                minutes=minutes,
                agenda_item=item,
                responsible_organisation=org,
                description=f"Åtgärd {item.title}",
            )
    return meeting


# --- site -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["visitor", "member"])
def test_home(as_role, role):
    site_home()
    ConsultationFactory(title="Öppet samråd 0")
    MeetingFactory(title="Kommande möte 0", is_public=True)

    def grow():
        for n in range(1, 12):
            ConsultationFactory(title=f"Öppet samråd {n}")
            MeetingFactory(title=f"Kommande möte {n}", is_public=True)

    assert_flat(f"home:{role}", as_role(role), "/", grow, expect=lambda c: "Öppet samråd" in c)


# --- consultations --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["visitor", "member"])
def test_consultation_list(as_role, org, member, role):
    for _ in range(3):
        _consultation_with_comments(org, member, sections=2, comments=3)

    def grow():
        for _ in range(27):
            _consultation_with_comments(org, member, sections=2, comments=5)

    url = reverse("consultations:list")
    assert_flat(
        f"consultation_list:{role}",
        as_role(role),
        url,
        grow,
        expect=lambda c: c.count("samraden/utkast-") >= 20,
    )


@pytest.mark.parametrize("role", ["visitor", "member", "coordinator"])
def test_consultation_page_5_vs_500_comments(as_role, org, member, role):
    small = _consultation_with_comments(org, member, sections=3, comments=5)
    big = {}

    def grow():
        big["c"] = _consultation_with_comments(org, member, sections=30, comments=500)

    assert_flat(
        f"consultation_detail:{role}",
        as_role(role),
        reverse("consultations:detail", kwargs={"slug": small.slug}),
        grow,
        lambda: reverse("consultations:detail", kwargs={"slug": big["c"].slug}),
        expect=lambda c: c.count("Kommentar ") >= 333,
    )


def test_response_page_org_admin_editing_a_draft(as_role, org, org_admin):
    from consultations.models import Response, ResponseAnswer

    consultation = ConsultationFactory(sections=2)
    question = GuidingQuestionFactory(consultation=consultation, text="Fråga 0")
    response = Response.objects.create(consultation=consultation, organisation=org, text="Utkast", revision=1)
    ResponseAnswer.objects.create(response=response, question=question, text="Svar 0")
    _submitted_response(consultation, org, org_admin, 1)

    def grow():
        for n in range(1, 12):
            q = GuidingQuestionFactory(consultation=consultation, text=f"Fråga {n}", sort_order=n)
            ResponseAnswer.objects.create(response=response, question=q, text=f"Svar {n}")
        for number in range(2, 6):
            _submitted_response(consultation, org, org_admin, number)

    url = reverse("consultations:response", kwargs={"slug": consultation.slug})
    assert_flat("response_edit:org_admin", as_role("org_admin"), url, grow, expect=lambda c: "Fråga 11" in c)


def test_receipt_page_coordinator_viewing_a_submitted_response(as_role, org, org_admin):
    consultation = ConsultationFactory(sections=2)
    small = _submitted_response(consultation, org, org_admin)
    other = ConsultationFactory(sections=30)
    large = {}

    def grow():
        for n in range(1, 10):
            large["v"] = _submitted_response(other, org, org_admin, n)

    assert_flat(
        "receipt:coordinator",
        as_role("coordinator"),
        small.get_receipt_url(),
        grow,
        lambda: large["v"].get_receipt_url(),
        expect=lambda c: large["v"].receipt_number in c,
    )


def test_responses_list_coordinator(as_role):
    consultation = ConsultationFactory(
        opens_at=timezone.now() - dt.timedelta(days=30), closes_at=timezone.now() - dt.timedelta(days=1)
    )
    for _ in range(2):
        _submitted_response(consultation, *_organisation_with_admin())

    def grow():
        for _ in range(20):
            organisation, admin = _organisation_with_admin()
            _submitted_response(consultation, organisation, admin, 1)
            _submitted_response(consultation, organisation, admin, 2)

    url = reverse("consultations:responses", kwargs={"slug": consultation.slug})
    assert_flat(
        "responses_list:coordinator", as_role("coordinator"), url, grow, expect=lambda c: c.count("-02") >= 20
    )


def test_moderation_queue(as_role, org, member):
    from consultations.models import CommentReport

    consultation = _consultation_with_comments(org, member, sections=3, comments=30)
    comments = list(consultation.comments.order_by("pk"))
    reporters = [UserFactory() for _ in range(3)]

    def report(start, stop):
        for comment in comments[start:stop]:
            for reporter in reporters:
                CommentReport.objects.create(
                    comment=comment, reporter=reporter, reason=f"Anmälan {comment.pk}"
                )

    report(0, 2)
    # The moderation queue is the consultation's workspace page: reported comments first, with the reasons.
    assert_flat(
        "workspace_consultation:coordinator",
        as_role("coordinator"),
        reverse("workspace_consultation", args=[consultation.pk]),
        lambda: report(2, 22),
        expect=lambda c: c.count("Anmälan ") >= 20 * len(reporters),
    )


def test_consultations_coordinator_overview(as_role, org, member):
    _consultation_with_comments(org, member, sections=2, comments=3)

    def grow():
        for n in range(15):
            c = _consultation_with_comments(org, member, sections=2, comments=3)
            if n % 3 == 0:
                _submitted_response(c, *_organisation_with_admin())
            OrganisationFactory()

    assert_flat(
        "workspace_consultations:coordinator",
        as_role("coordinator"),
        reverse("workspace_consultations"),
        grow,
        expect=lambda c: c.count('href="/admin/workspace/consultations/') >= 16,
    )


# --- the coordinators' workspace (issue 18) --------------------------------------------------------


def _held_meeting(coord, org):
    from meetings import services as meeting_services
    from tests.meetings.helpers import schedule

    meeting = schedule(coord, orgs=[org], invite_all=False, items=[f"Punkt {n}" for n in range(3)])
    meeting_services.meeting_mark_held(actor=coord, meeting=meeting)
    return meeting


def test_workspace_minutes_page(as_role, coord, org, member):
    from meetings import services as meeting_services
    from meetings.models import AgendaItem, Minutes

    meeting = _held_meeting(coord, org)
    minutes = Minutes.objects.get(meeting=meeting)
    # Some text and one action item from the start: a prefetch over no rows sends no query, and empty
    # minutes are asked whether they have decisions; neither is growth.
    meeting_services.minutes_update(
        actor=coord, minutes=minutes, introduction="Mötet öppnades.", notes={}, decisions={}
    )
    meeting_services.action_item_create(
        actor=coord, minutes=minutes, description="Åtgärd först", responsible_organisation=org
    )

    def grow():
        for n in range(3, 15):
            AgendaItem.objects.create(meeting=meeting, title=f"Punkt {n}", sort_order=n)
        items = list(meeting.agenda_items.all())
        meeting_services.minutes_update(
            actor=coord,
            minutes=minutes,
            introduction="Inledning",
            notes={i.pk: f"Anteckning {i.title}" for i in items},
            decisions={i.pk: (f"Beslut {i.title}", "adopted") for i in items},
        )
        for n in range(10):
            meeting_services.action_item_create(
                actor=coord, minutes=minutes, description=f"Åtgärd {n}", responsible_organisation=org
            )

    assert_flat(
        "workspace_meeting_minutes:coordinator",
        as_role("coordinator"),
        reverse("workspace_meeting_minutes", args=[meeting.pk]),
        grow,
        expect=lambda c: c.count("Åtgärd ") >= 10 and c.count("Beslut Punkt") >= 15,
    )


def test_workspace_meeting_documents_page(as_role, coord, org, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from meetings import services as meeting_services

    settings.MEDIA_ROOT = str(tmp_path / "media")
    meeting = _held_meeting(coord, org)

    def add(n):
        meeting_services.meeting_document_add(
            actor=coord,
            meeting=meeting,
            title=f"Underlag {n}",
            file=SimpleUploadedFile(f"u{n}.pdf", b"%PDF-1.4", "application/pdf"),
            members_only=n % 2 == 0,
        )

    add(0)
    assert_flat(
        "workspace_meeting_documents:coordinator",
        as_role("coordinator"),
        reverse("workspace_meeting_documents", args=[meeting.pk]),
        lambda: [add(n) for n in range(1, 15)],
        expect=lambda c: c.count("Underlag ") >= 15,
    )


def test_workspace_applications_queue(as_role):
    def grow():
        for n in range(15):
            OrganisationFactory(name=f"Sökande förening {n}", status="pending")
            OrganisationFactory(name=f"Beslutad förening {n}", status="approved")

    OrganisationFactory(name="Sökande förening X", status="pending")
    assert_flat(
        "workspace_applications:coordinator",
        as_role("coordinator"),
        reverse("workspace_applications"),
        grow,
        expect=lambda c: c.count("Sökande förening") >= 16,
    )


def test_workspace_archive_page(as_role, coord, org, member):
    from consultations.models import Consultation

    def conclude(consultation):
        Consultation.objects.filter(pk=consultation.pk).update(concluded_at=timezone.now())

    conclude(_consultation_with_comments(org, member, sections=1, comments=1))

    def grow():
        for _ in range(15):
            conclude(_consultation_with_comments(org, member, sections=1, comments=1))

    assert_flat(
        "workspace_archive:coordinator",
        as_role("coordinator"),
        reverse("workspace_archive"),
        grow,
        expect=lambda c: c.count('name="target" value="consultation:') >= 16,
    )


def test_workspace_audit_trail(as_role, coord, org):
    from meetings import services as meeting_services
    from tests.meetings.helpers import schedule

    def grow():
        for n in range(8):
            meeting = schedule(coord, orgs=[org], invite_all=False, title=f"Möte {n}")
            meeting_services.meeting_mark_held(actor=coord, meeting=meeting)
            meeting_services.attendance_record(actor=coord, meeting=meeting, organisations=[org])

    schedule(coord, orgs=[org], invite_all=False, title="Första mötet")
    assert_flat(
        "workspace_audit:coordinator",
        as_role("coordinator"),
        reverse("workspace_audit"),
        grow,
        expect=lambda c: c.count("Cecilia Samordnare") >= 24,
    )


# --- meetings -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["visitor", "member"])
def test_meeting_list(as_role, org, role):
    MeetingFactory(title="Möte 0", is_public=True)

    def grow():
        for n in range(1, 15):
            MeetingFactory(title=f"Möte {n}", is_public=True)
            if n % 3 == 0:
                _meeting(org, items=2, invited=2)

    assert_flat(
        f"meeting_list:{role}", as_role(role), reverse("meetings:list"), grow, expect=lambda c: "Möte 14" in c
    )


@pytest.mark.parametrize("role", ["member", "coordinator"])
def test_meeting_page(as_role, org, role):
    small = _meeting(org, items=2, invited=2, past=True)
    large = {}

    def grow():
        large["m"] = _meeting(org, items=12, invited=20, past=True)

    assert_flat(
        f"meeting_detail:{role}",
        as_role(role),
        reverse("meetings:detail", kwargs={"pk": small.pk}),
        grow,
        lambda: reverse("meetings:detail", kwargs={"pk": large["m"].pk}),
        expect=lambda c: "Anteckning Punkt 11" in c,
    )


@pytest.mark.parametrize("role", ["member", "coordinator"])
def test_action_items_overview(as_role, org, role):
    _meeting(org, items=1, invited=1, past=True)
    assert_flat(
        f"action_items:{role}",
        as_role(role),
        reverse("meetings:action_items"),
        lambda: [_meeting(org, items=4, invited=1, past=True) for _ in range(3)],
        expect=lambda c: c.count("Åtgärd Punkt") >= 13,
    )


# --- organisations --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["directory", "directory_filtered"])
def test_directory(as_role, name):
    from organisations.models import FocusArea

    area = FocusArea.objects.order_by("pk").first()

    def add(count):
        for _ in range(count):
            organisation, _admin = _organisation_with_admin()
            organisation.focus_areas.add(*FocusArea.objects.all()[:3])

    add(3)
    url = reverse("organisations:directory")
    if name == "directory_filtered":
        url += f"?q=Exempel&kind=ideell_forening&focus_area={area.pk}"
    assert_flat(
        f"{name}:visitor",
        as_role("visitor"),
        url,
        lambda: add(30),
        expect=lambda c: c.count("Föreningen Exempel") >= 20,
    )


@pytest.mark.parametrize("role", ["visitor", "member"])
def test_organisation_page(as_role, org, role):
    from organisations.models import FocusArea

    def grow():
        org.focus_areas.add(*FocusArea.objects.all())
        for _ in range(20):
            MembershipFactory(organisation=org)

    url = reverse("organisations:detail", kwargs={"slug": org.slug})
    assert_flat(
        f"organisation_detail:{role}", as_role(role), url, grow, expect=lambda c: "Föreningen Budget" in c
    )


def test_organisation_settings_org_admin(as_role, org):
    from organisations.models import Invitation, JoinRequest

    def grow():
        for n in range(20):
            MembershipFactory(organisation=org, user__display_name=f"Person {n}")
            Invitation.objects.create(organisation=org, email=f"inbjuden{n}@example.org")
            JoinRequest.objects.create(organisation=org, user=UserFactory())

    url = reverse("organisations:settings", kwargs={"slug": org.slug})
    assert_flat(
        "organisation_settings:org_admin", as_role("org_admin"), url, grow, expect=lambda c: "Person 19" in c
    )


@pytest.mark.parametrize("name", ["organisation_queue", "organisation_list"])
def test_organisation_coordinator_screens(as_role, name):
    def add(count):
        for _ in range(count):
            organisation = OrganisationFactory(
                status="pending", listed_publicly=False, listing_consent_at=None
            )
            MembershipFactory(organisation=organisation, role="admin")

    add(2)
    url = reverse(
        "organisations:coordinator_queue"
        if name == "organisation_queue"
        else "organisations:coordinator_list"
    )
    assert_flat(
        f"{name}:coordinator",
        as_role("coordinator"),
        url,
        lambda: add(20),
        expect=lambda c: c.count("Föreningen Exempel") >= 20,
    )


# --- notifications and the coordinator hub ----------------------------------------------------------


def test_inbox(as_role, org, member):
    from meetings.models import Meeting, Minutes
    from notifications.models import Notification

    consultation = ConsultationFactory()
    meeting = _meeting(org, items=1, invited=0, past=True)
    minutes = Minutes.objects.get(meeting=meeting)
    kinds = [
        ("consultations.opened", consultation),
        ("meetings.invited", meeting),
        ("meetings.minutes_published", minutes),
    ]

    def add(start, stop):
        for n in range(start, stop):
            event, target = kinds[n % len(kinds)]
            if n >= 3:  # new objects, so a per-object query would show
                target = (
                    ConsultationFactory()
                    if isinstance(target, type(consultation))
                    else _meeting(org, items=1, invited=0, past=True)
                )
                if event == "meetings.minutes_published":
                    target = Minutes.objects.get(meeting=target)
            assert isinstance(target, type(consultation) | Meeting | Minutes)
            Notification.objects.create(
                recipient=member,
                event=event,
                content_type=ContentType.objects.get_for_model(target),
                object_id=str(target.pk),
                dedupe_key=f"budget-{n}",
            )

    add(0, 3)
    assert_flat("inbox:member", as_role("member"), reverse("notifications:inbox"), lambda: add(3, 25))


def test_preferences(as_role, member):
    from notifications.models import Preference

    def grow():
        for event in ("consultations.opened", "meetings.invited", "meetings.reminder"):
            Preference.objects.create(user=member, event=event, frequency="daily")

    assert_flat("preferences:member", as_role("member"), reverse("notifications:preferences"), grow)


def test_coordinator_hub(as_role, org, member):
    def grow():
        for _ in range(10):
            _consultation_with_comments(org, member, sections=2, comments=3)
            OrganisationFactory(status="pending", listed_publicly=False, listing_consent_at=None)

    assert_flat("coordinator_hub:coordinator", as_role("coordinator"), reverse("coordinator_hub"), grow)


def test_participation_totals_match_participation(org, member):
    """The overview's batch figures are the ones the participation page computes one by one."""
    from consultations import selectors

    everyone = _consultation_with_comments(org, member, sections=2, comments=4)
    chosen = _consultation_with_comments(org, member, sections=2, comments=4, audience="chosen")
    other, other_admin = _organisation_with_admin()
    chosen.invited_organisations.add(other)
    chosen.save()  # a ParentalManyToManyField writes on save
    _submitted_response(everyone, other, other_admin)
    _submitted_response(chosen, other, other_admin)
    OrganisationFactory(status="pending", listed_publicly=False, listing_consent_at=None)
    totals = selectors.participation_totals([everyone, chosen])
    assert totals[everyone.pk] == selectors.participation(everyone)["totals"]
    assert totals[chosen.pk] == selectors.participation(chosen)["totals"]
    assert totals[chosen.pk]["invited"] == 1 and totals[chosen.pk]["commented"] == 0
    assert totals[everyone.pk]["commented"] == 1 and totals[everyone.pk]["responded"] == 1
