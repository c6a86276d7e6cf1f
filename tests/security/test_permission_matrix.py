"""The permission matrix of the whole portal: every URL pattern × six roles, with the expected status.

The patterns are read from the root URL resolver (recursively), so a URL added anywhere without a row in
MATRIX fails `test_every_url_pattern_is_in_the_matrix`. A pattern under `i18n_patterns` serves both the
Swedish (unprefixed) and the English (/en/) address; it counts once, is checked in Swedish for all roles,
and `test_english_addresses_answer_alike` checks the /en/ address gives the same answers.

For every (pattern, role) the test GETs the address with a real object in the kwargs. Where the role is
refused, it also POSTs empty data and checks that the POST is refused as well and that no stored row
changed (a fingerprint of the domain tables before and after). POST-only views have a POST row.

Run alone: pytest tests/security/test_permission_matrix.py
"""

import hashlib
import os
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone, translation

from tests.factories import (
    AgendaItemFactory,
    CommentFactory,
    ConsultationFactory,
    GuidingQuestionFactory,
    JoinRequestFactory,
    MeetingFactory,
    MeetingInvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    coordinator,
)

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "no_org", "member", "org_admin", "other_admin", "coordinator")

LOGIN = "login"  # 302 to the login page
ANY_REDIRECT = "302"  # some redirect that is not the login page (e.g. back to the page after an action)

# Rows: expected answer per role, in the order of ROLES.
PUBLIC = (200, 200, 200, 200, 200, 200)
SIGNED_IN = (LOGIN, 200, 200, 200, 200, 200)
COORD = (LOGIN, 403, 403, 403, 403, 200)
COORD_POST = (LOGIN, 403, 403, 403, 403, 405)  # coordinator-only, POST only: GET answers 405
NOT_FOUND = (404,) * 6

# Patterns deliberately not walked, each with the reason. Everything else must have a row.
SKIPPED_PREFIXES = {
    "admin/": "Wagtail admin (~300 patterns, Wagtail's own permission checks); covered by "
    "test_wagtail_admin_needs_coordinator_with_two_factor",
}
SKIPPED_PREFIXES["^media/"] = (
    "django.views.static.serve of MEDIA_ROOT (and its private part, always 404), mounted only when DEBUG "
    "is on: never in production"
)
SKIPPED_ROUTES: dict[str, str] = {}

R = ANY_REDIRECT
#                       anonymous no_org member org_admin other_admin coordinator
# (pattern key) -> GET answer per role. The key is the URL name with namespace, or the route if unnamed.
MATRIX: dict[str, tuple] = {
    # --- portal ---
    "health": PUBLIC,
    "favicon": (R,) * 6,  # a redirect to the static icon
    "search": PUBLIC,
    "coordinator_hub": COORD,
    "wagtail_serve": PUBLIC,
    "wagtailcore_login": PUBLIC,  # Wagtail's page-privacy login form
    "wagtailcore_authenticate_with_password": NOT_FOUND,  # no such page restriction
    "wagtaildocs_authenticate_with_password": NOT_FOUND,  # no such collection restriction
    # A document attached to a members-only meeting (and to a non-public agenda item of it).
    "wagtaildocs_serve": (404, 404, 200, 200, 404, 200),
    # --- accounts (allauth): identity pages, public or for the signed-in person only ---
    "account_login": (200, R, R, R, R, R),
    "account_logout": (R, 200, 200, 200, 200, 200),
    "account_signup": (200, R, R, R, R, R),
    "account_inactive": PUBLIC,
    "account_reauthenticate": SIGNED_IN,
    "account_email": SIGNED_IN,
    # Re-authentication by e-mailed code is switched off (ACCOUNT_REAUTHENTICATION_METHODS): 403.
    "account_request_reauthentication_code": (LOGIN, 403, 403, 403, 403, 403),
    "account_confirm_reauthentication_code": (LOGIN, 403, 403, 403, 403, 403),
    "account_email_verification_sent": PUBLIC,
    "account_confirm_email": PUBLIC,  # an invalid key: a page that says so
    "account_change_password": SIGNED_IN,
    "account_set_password": (LOGIN, R, R, R, R, R),  # everyone here has a password
    "account_reset_password": PUBLIC,
    "account_reset_password_done": PUBLIC,
    "account_reset_password_from_key": PUBLIC,  # an invalid key: a page that says so
    "account_reset_password_from_key_done": PUBLIC,
    "account_confirm_login_code": (LOGIN, R, R, R, R, R),  # no login code pending
    "mfa_index": SIGNED_IN,
    "mfa_authenticate": (LOGIN, R, R, R, R, R),  # no two-factor login in progress
    "mfa_reauthenticate": (LOGIN, R, R, R, R, 200),  # only who has an authenticator
    "mfa_activate_totp": (LOGIN, R, R, R, R, R),  # asks to reauthenticate first
    "mfa_deactivate_totp": (LOGIN, 404, 404, 404, 404, R),
    "mfa_view_recovery_codes": (LOGIN, 404, 404, 404, 404, 404),
    "mfa_generate_recovery_codes": (LOGIN, R, R, R, R, R),
    "mfa_download_recovery_codes": (LOGIN, 404, 404, 404, 404, 404),
    # --- privacy (my data, account deletion, consent) ---
    "privacy:home": SIGNED_IN,
    "privacy:export_create": (405,) * 6,
    "privacy:export_status": (LOGIN, 404, 404, 404, 404, 404),  # somebody else's / unknown export
    "privacy:export_download": (LOGIN, 404, 404, 404, 404, 404),
    "privacy:delete": SIGNED_IN,
    "privacy:deleted": PUBLIC,
    "privacy:consent": (LOGIN, R, R, R, R, R),  # everyone has accepted the current terms
    # --- notifications (the notification belongs to the member) ---
    "notifications:inbox": SIGNED_IN,
    "notifications:open": (LOGIN, 404, R, 404, 404, 404),
    "notifications:mark_read": (LOGIN, 405, 405, 405, 405, 405),
    "notifications:mark_all_read": (LOGIN, 405, 405, 405, 405, 405),
    "notifications:preferences": SIGNED_IN,
    "notifications:unsubscribe": PUBLIC,  # the signed token is the authority
    "notifications:organisation_contact": (LOGIN, 404, 404, 200, 404, 404),  # org A's setting
    "notifications:organisation_unsubscribe": PUBLIC,  # the signed token is the authority
    # --- organisations (org A; the pending organisation for approve/reject) ---
    "organisations:directory": PUBLIC,
    "organisations:detail": PUBLIC,
    "organisations:register": SIGNED_IN,
    "organisations:mine": SIGNED_IN,
    "organisations:invitation": PUBLIC,  # the token is the authority; accepting needs a login
    "organisations:coordinator_queue": COORD,
    "organisations:coordinator_list": COORD,
    "organisations:coordinator_export": COORD,
    "organisations:approve": COORD,
    "organisations:reject": COORD,
    "organisations:suspend": COORD,
    "organisations:application": (LOGIN, 403, 200, 200, 403, 200),
    "organisations:settings": (LOGIN, 403, 403, 200, 403, 403),
    "organisations:invite": (LOGIN, 403, 403, 200, 403, 403),
    "organisations:invitation_revoke": (LOGIN, 403, 403, 200, 403, 403),
    "organisations:member_role": (LOGIN, 403, 403, 200, 403, 403),
    "organisations:member_remove": (LOGIN, 403, 403, 200, 403, 403),
    "organisations:join_request": (LOGIN, 403, 403, 200, 403, 403),
    "organisations:leave": (LOGIN, 403, 200, 200, 403, 403),
    "organisations:withdraw": (LOGIN, 403, 403, 200, 403, 403),
    "organisations:join": (LOGIN, 200, 403, 403, 200, 200),
    # --- consultations (open; org A has a draft with an attachment; org B has submitted) ---
    "consultations:list": PUBLIC,
    "consultations:detail": PUBLIC,
    "actionplan:summary": PUBLIC,
    "actionplan:dashboard": COORD,
    "actionplan:dashboard_csv": COORD,
    "actionplan:follow_up_publish": COORD_POST,
    "actionplan:follow_up_correct": COORD_POST,
    "actionplan:input_list": SIGNED_IN,
    "actionplan:input_create": (LOGIN, 403, 403, 200, 200, 403),
    "actionplan:input_detail": (LOGIN, 404, 200, 200, 404, 200),  # org A's input
    "consultations:versions": PUBLIC,
    "consultations:version": PUBLIC,
    "consultations:comment_create": (LOGIN, R, R, R, R, R),  # GET goes back to the consultation
    "consultations:comment_edit": (LOGIN, 403, 200, 403, 403, 403),  # only the author
    "consultations:comment_delete": (LOGIN, 403, 200, 403, 403, 403),
    "consultations:comment_report": (LOGIN, 200, 403, 200, 200, 200),  # not one's own comment
    "consultations:comment_hide": COORD,
    "consultations:comment_restore": (LOGIN, 403, 403, 403, 403, 405),
    "consultations:reports_dismiss": (LOGIN, 403, 403, 403, 403, 405),
    "consultations:moderation": (LOGIN, 403, 403, 403, 403, R),  # now a redirect to the workspace
    # Org B's admin gets org B's own response page, never org A's draft (see the object-level tests).
    "consultations:response": (LOGIN, 403, 200, 200, 200, 403),
    "consultations:response_submit": (LOGIN, 403, 403, 200, 200, 403),
    "consultations:attachment": (LOGIN, 403, 200, 200, 403, 403),  # a file in org A's draft
    "consultations:receipt": (LOGIN, 403, 403, 403, 200, 200),  # org B's receipt
    "consultations:version_file": (LOGIN, 403, 403, 403, 200, 200),  # a file org B submitted
    "consultations:responses": (403, 403, 403, 403, 403, 200),  # open: only the city reads them
    "consultations:coordinator": (LOGIN, 403, 403, 403, 403, R),  # now a redirect to the workspace
    "consultations:participation": COORD,
    "consultations:outcome": (LOGIN, 403, 403, 403, 403, R),  # still open: back to the overview
    "consultations:publish": (LOGIN, 403, 403, 403, 403, 405),
    "consultations:export": (LOGIN, 403, 403, 403, 403, 405),
    "consultations:export_status": (LOGIN, 403, 403, 403, 403, R),  # now a redirect to the workspace
    "consultations:compilation": COORD,  # the HTML version of the PDF compilation
    # Kept for the links in sent e-mails: a redirect to the workspace download (which answers 404 while
    # the export is not ready).
    "consultations:export_download": (LOGIN, 403, 403, 403, 403, R),
    # --- meetings (members-only meeting of org A; held public meeting with public minutes) ---
    "meetings:list": PUBLIC,
    "meetings:past": PUBLIC,
    "meetings:public_feed": PUBLIC,
    "meetings:personal_feed": PUBLIC,  # the secret key is the authority (revoked: 404, tested below)
    "meetings:action_items": PUBLIC,  # action items of published public minutes
    "meetings:my_rsvps": SIGNED_IN,
    "meetings:calendar": SIGNED_IN,
    "meetings:detail": (404, 404, 200, 200, 404, 200),
    "meetings:ics": (404, 404, 200, 200, 404, 200),
    "meetings:rsvp": (405,) * 6,
    "meetings:minutes_pdf": PUBLIC,
    "meetings:minutes_review": (LOGIN, 404, 404, 404, 404, 404),  # not out for review
    "meetings:action_item_update": (LOGIN, 404, 404, 200, 404, 200),  # org A is responsible
    # The old /moten/samordning/ pages redirect coordinators to the workspace (meetings/workspace.py).
    "meetings:create": (LOGIN, 403, 403, 403, 403, R),
    "meetings:manage": (LOGIN, 403, 403, 403, 403, R),
    "meetings:edit": (LOGIN, 403, 403, 403, 403, R),
    "meetings:attendance": (LOGIN, 403, 403, 403, 403, R),
    "meetings:minutes_edit": (LOGIN, 403, 403, 403, 403, R),
    "meetings:minutes_action": (LOGIN, 403, 403, 403, 403, R),
    "meetings:state": (LOGIN, 403, 403, 403, 403, R),
    # --- open data: what a visitor may see, to everyone; the members-only meeting is not there at all ---
    "oparl:system": PUBLIC,
    "oparl:list": PUBLIC,
    "oparl:object": NOT_FOUND,  # the members-only meeting: not in the API, not even by id
    "oparl:file_content": PUBLIC,  # the public minutes as HTML
    "opendata:index": PUBLIC,
    "opendata:api": PUBLIC,
    "opendata:dcat": PUBLIC,
    "opendata:download": PUBLIC,
}

# POST with empty data, for views that only take POST (their GET row is 405) and a few form views.
POST_MATRIX: dict[str, tuple] = {
    "privacy:export_create": (LOGIN, R, R, R, R, R),
    "notifications:mark_read": (LOGIN, 404, R, 404, 404, 404),  # another person's notification: 404
    "notifications:mark_all_read": (LOGIN, R, R, R, R, R),
    "consultations:comment_create": (LOGIN, 403, 400, 400, 400, 403),
    "consultations:comment_restore": (LOGIN, 403, 403, 403, 403, R),
    "consultations:reports_dismiss": (LOGIN, 403, 403, 403, 403, R),
    "consultations:publish": (LOGIN, 403, 403, 403, 403, R),
    "consultations:export": (LOGIN, 403, 403, 403, 403, 404),  # no kind chosen
    "meetings:rsvp": (403, 404, 400, 400, 404, 403),
    "meetings:minutes_action": (LOGIN, 403, 403, 403, 403, R),
    "meetings:state": (LOGIN, 403, 403, 403, 403, R),
}


# --- walking the resolver -------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    key: str
    route: str
    i18n: bool


def _walk(patterns, prefix="", namespace=None, i18n=False):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            is_i18n = i18n or type(pattern.pattern).__name__ == "LocalePrefixPattern"
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns, is_i18n)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            if pattern.name:
                key = f"{namespace}:{pattern.name}" if namespace else pattern.name
            else:
                key = route
            yield Pattern(key=key, route=route, i18n=i18n)


def all_patterns() -> list[Pattern]:
    seen, result = set(), []
    for p in _walk(get_resolver().url_patterns):
        if any(p.route.startswith(prefix) for prefix in SKIPPED_PREFIXES) or p.route in SKIPPED_ROUTES:
            continue
        if p.key in seen:
            continue
        seen.add(p.key)
        result.append(p)
    return result


def test_the_matrix_covers_every_pattern_and_role():
    """The figure for the closing note: patterns × roles checked."""
    count = len(all_patterns()) * len(ROLES)
    print(f"\npermission matrix: {len(all_patterns())} URL patterns × {len(ROLES)} roles = {count} checks")
    assert count == len(MATRIX) * len(ROLES)


def test_every_url_pattern_is_in_the_matrix():
    keys = {p.key for p in all_patterns()}
    missing = sorted(keys - set(MATRIX))
    stale = sorted(set(MATRIX) - keys)
    assert not missing, f"new URL not in the matrix (add a row to MATRIX): {missing}"
    assert not stale, f"rows for URLs that no longer exist: {stale}"
    assert set(POST_MATRIX) <= set(MATRIX)
    for key, row in {**MATRIX, **POST_MATRIX}.items():
        assert len(row) == len(ROLES), key


# --- the world ------------------------------------------------------------------------------------


def _pdf(name="svar.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf")


@pytest.fixture
def world(settings, tmp_path):
    from allauth.account.models import EmailAddress
    from django.contrib.contenttypes.models import ContentType
    from wagtail.documents.models import Document

    from consultations import services as consultation_services
    from consultations.models import Export, Response
    from meetings import services as meeting_services
    from meetings.models import MeetingDocument, Minutes
    from notifications.models import Notification
    from notifications.tokens import make_organisation_unsubscribe_token, make_unsubscribe_token
    from organisations.models import Invitation, Membership

    settings.MEDIA_ROOT = str(tmp_path / "media")
    translation.activate("sv")

    org_a = OrganisationFactory(name="Alfa mot rasism", slug="alfa")
    org_b = OrganisationFactory(name="Beta mot rasism", slug="beta")
    pending = OrganisationFactory(name="Väntande", slug="vantande", status="pending")
    admin_a = MembershipFactory(organisation=org_a, role="admin", user__email="admin-a@example.org").user
    member_a = MembershipFactory(organisation=org_a, role="member", user__email="member-a@example.org").user
    admin_b = MembershipFactory(organisation=org_b, role="admin", user__email="admin-b@example.org").user
    no_org = UserFactory(email="no-org@example.org")
    coord = coordinator("coord@example.org")
    users = {
        "anonymous": None,
        "no_org": no_org,
        "member": member_a,
        "org_admin": admin_a,
        "other_admin": admin_b,
        "coordinator": coord,
    }

    invitation = Invitation.objects.create(organisation=org_a, email="new@example.org", invited_by=admin_a)
    join_request = JoinRequestFactory(organisation=org_a, user=UserFactory(email="asker@example.org"))
    member_membership = Membership.objects.get(user=member_a, organisation=org_a)

    # An open consultation: a comment of org A; org A's draft (with an attachment); org B's submission.
    consultation = ConsultationFactory(title="Öppet samråd", slug="oppet", sections=2)
    GuidingQuestionFactory(consultation=consultation, text="Vad saknas?")
    section = consultation.sections.first()
    comment = CommentFactory(consultation=consultation, section=section, author=member_a, organisation=org_a)
    draft = consultation_services.response_for(consultation=consultation, organisation=org_a)
    draft = consultation_services.response_save_draft(
        response=draft,
        user=admin_a,
        revision=draft.revision,
        text="Utkast från Alfa",
        new_files=[_pdf("alfa-utkast.pdf")],
    )
    draft_attachment = draft.attachments.get()
    submitted = consultation_services.response_for(consultation=consultation, organisation=org_b)
    submitted = consultation_services.response_save_draft(
        response=submitted,
        user=admin_b,
        revision=submitted.revision,
        text="Svar från Beta",
        new_files=[_pdf()],
    )
    version = consultation_services.response_submit(
        response=submitted, user=admin_b, revision=Response.objects.get(pk=submitted.pk).revision
    )
    version_file = version.files.get()
    export = Export.objects.create(consultation=consultation, kind="xlsx", requested_by=coord)

    # Meetings: a members-only meeting of org A (with a document), and a held public meeting with
    # published public minutes and an action item for org A.
    document = Document.objects.create(
        title="Internt underlag", file=ContentFile(b"%PDF-1.4\n", name="internt.pdf")
    )
    members_meeting = MeetingFactory(title="Internt möte", invite_all_approved=False, is_public=False)
    MeetingInvitationFactory(meeting=members_meeting, organisation=org_a)
    item = AgendaItemFactory(meeting=members_meeting, title="Intern punkt", is_public=False)
    item.documents.add(document)
    item.save()  # a ParentalManyToManyField is written on save
    MeetingDocument.objects.create(meeting=members_meeting, document=document)
    public_meeting = MeetingFactory(
        title="Öppet möte",
        is_public=True,
        start=timezone.now() - timezone.timedelta(days=3),
        end=timezone.now() - timezone.timedelta(days=3, hours=-2),
        state="held",
    )
    AgendaItemFactory(meeting=public_meeting, title="Öppen punkt")
    minutes = Minutes.objects.create(meeting=public_meeting, introduction="Mötet öppnades.")
    action_item = meeting_services.action_item_create(
        actor=coord, minutes=minutes, description="Ta fram underlag", responsible_organisation=org_a
    )
    meeting_services.minutes_send_for_review(actor=coord, minutes=minutes, days=7)
    meeting_services.minutes_approve(actor=coord, minutes=minutes)
    meeting_services.minutes_publish(actor=coord, minutes=minutes, audience="public")
    calendar_token = meeting_services.calendar_token_create(user=member_a)

    notification = Notification.objects.create(
        recipient=member_a,
        event="consultations.opened",
        content_type=ContentType.objects.get_for_model(consultation),
        object_id=str(consultation.pk),
    )
    email = EmailAddress.objects.get(user=member_a)

    kwargs = {
        "wagtaildocs_serve": {"args": [document.pk, "internt.pdf"]},
        "wagtaildocs_authenticate_with_password": {"restriction_id": 1},
        "account_confirm_email": {"key": "ogiltig-nyckel"},
        "account_reset_password_from_key": {"uidb36": "1", "key": "ogiltig-nyckel"},
        "notifications:open": {"pk": notification.pk},
        "notifications:mark_read": {"pk": notification.pk},
        "notifications:unsubscribe": {"token": make_unsubscribe_token(member_a.pk, "consultations.opened")},
        "organisations:invitation": {"token": invitation.get_token()},
        "organisations:coordinator_export": {"fmt": "csv"},
        "organisations:approve": {"slug": pending.slug},
        "organisations:reject": {"slug": pending.slug},
        "organisations:suspend": {"slug": org_a.slug},
        "organisations:detail": {"slug": org_a.slug},
        "organisations:application": {"slug": org_a.slug},
        "organisations:settings": {"slug": org_a.slug},
        "organisations:invite": {"slug": org_a.slug},
        "organisations:invitation_revoke": {"slug": org_a.slug, "pk": invitation.pk},
        "organisations:member_role": {"slug": org_a.slug, "pk": member_membership.pk},
        "organisations:member_remove": {"slug": org_a.slug, "pk": member_membership.pk},
        "organisations:leave": {"slug": org_a.slug},
        "organisations:withdraw": {"slug": org_a.slug},
        "organisations:join": {"slug": org_a.slug},
        "organisations:join_request": {"slug": org_a.slug, "pk": join_request.pk},
        "meetings:action_item_update": {"pk": action_item.pk},
        "meetings:personal_feed": {"key": calendar_token.key},
        "meetings:detail": {"pk": members_meeting.pk},
        "meetings:rsvp": {"pk": members_meeting.pk, "organisation_pk": org_a.pk},
        "meetings:ics": {"pk": members_meeting.pk},
        "meetings:minutes_review": {"pk": public_meeting.pk},
        "meetings:minutes_pdf": {"pk": public_meeting.pk},
        "meetings:manage": {"pk": members_meeting.pk},
        "meetings:edit": {"pk": members_meeting.pk},
        "meetings:attendance": {"pk": public_meeting.pk},
        "meetings:minutes_edit": {"pk": public_meeting.pk},
        "meetings:minutes_action": {"pk": public_meeting.pk, "action": "correction"},
        "meetings:state": {"pk": members_meeting.pk, "action": "cancel"},
        "consultations:export_status": {"pk": export.pk},
        "consultations:export_download": {"pk": export.pk},
        "consultations:comment_edit": {"pk": comment.pk},
        "consultations:comment_delete": {"pk": comment.pk},
        "consultations:comment_report": {"pk": comment.pk},
        "consultations:comment_hide": {"pk": comment.pk},
        "consultations:comment_restore": {"pk": comment.pk},
        "consultations:reports_dismiss": {"pk": comment.pk},
        "consultations:attachment": {"pk": draft_attachment.pk},
        "consultations:version_file": {"pk": version_file.pk},
        "consultations:version": {"slug": consultation.slug, "number": 1},
        "consultations:receipt": {"slug": consultation.slug, "receipt": version.receipt_number},
        "wagtailcore_authenticate_with_password": {"page_view_restriction_id": 1, "page_id": 1},
        "wagtail_serve": {"args": [""]},
        "notifications:organisation_contact": {"organisation_id": org_a.pk},
        "notifications:organisation_unsubscribe": {"token": make_organisation_unsubscribe_token(org_a.pk)},
        "privacy:export_status": {"public_id": "0b5e1b6e-6d1a-4c4b-9a55-3f1d2c9e8a77"},
        "privacy:export_download": {"public_id": "0b5e1b6e-6d1a-4c4b-9a55-3f1d2c9e8a77"},
        "oparl:list": {"list_path": "meetings"},
        "oparl:object": {"path": "meeting", "key": str(members_meeting.pk)},
        "oparl:file_content": {"key": f"minutes-{public_meeting.pk}-html"},
        "opendata:download": {"dataset": "meetings", "fmt": "csv"},
    }
    for name in (
        "detail",
        "comment_create",
        "versions",
        "response",
        "response_submit",
        "responses",
        "publish",
        "outcome",
        "participation",
        "export",
        "compilation",
    ):
        kwargs.setdefault(f"consultations:{name}", {"slug": consultation.slug})
    from actionplan.models import DevelopmentArea, KnowledgeInput

    knowledge_input = KnowledgeInput.objects.create(
        organisation=org_a,
        sent_by=admin_a,
        area=DevelopmentArea.objects.get(code="children"),
        text="Mönster.",
    )
    kwargs["actionplan:input_detail"] = {"pk": knowledge_input.pk}
    kwargs["actionplan:dashboard_csv"] = {"table": "omraden"}
    kwargs["actionplan:follow_up_publish"] = {"pk": 1}
    kwargs["actionplan:follow_up_correct"] = {"pk": 1}
    return {
        "users": users,
        "kwargs": kwargs,
        "objects": {
            "org_a": org_a,
            "org_b": org_b,
            "draft": draft,
            "draft_attachment": draft_attachment,
            "version": version,
            "members_meeting": members_meeting,
            "document": document,
            "notification": notification,
            "calendar_token": calendar_token,
            "email": email,
            "comment": comment,
        },
    }


def url_for(world, key: str) -> str:
    spec = dict(world["kwargs"].get(key, {}))
    args = spec.pop("args", None)
    return reverse(key, args=args, kwargs=spec or None)


# --- stored data ----------------------------------------------------------------------------------

_FINGERPRINT_APPS = (
    "organisations",
    "consultations",
    "meetings",
    "notifications",
    "portal",
    "account",
    "mfa",
)


# Created lazily (get_or_create) by the first page that renders the site's settings, e.g. a 404 page.
_NOT_FINGERPRINTED = {"portal_sitesettings"}


def fingerprint() -> tuple:
    """A hash of every row of the domain apps, the users, their e-mail addresses and authenticators
    (one query on PostgreSQL)."""
    from django.db import connection

    tables = [
        model._meta.db_table
        for label in _FINGERPRINT_APPS
        for model in apps.get_app_config(label).get_models()
        if model._meta.managed and not model._meta.proxy and model._meta.db_table not in _NOT_FINGERPRINTED
    ]
    if connection.vendor == "postgresql":
        sql = " UNION ALL ".join(
            f"SELECT '{t}', md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM \"{t}\" x"
            for t in tables
        )
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return tuple(cursor.fetchall())
    digest = hashlib.sha256()
    for label in _FINGERPRINT_APPS:
        for model in apps.get_app_config(label).get_models():
            if model._meta.db_table in _NOT_FINGERPRINTED:
                continue
            digest.update(repr(list(model._default_manager.order_by("pk").values_list())).encode())
    return (("all", digest.hexdigest()),)


def _clients(world) -> dict[str, Client]:
    clients = {}
    for role in ROLES:
        client = Client()
        if world["users"][role] is not None:
            client.force_login(world["users"][role])
        clients[role] = client
    return clients


def _answer(response) -> object:
    if response.status_code in (301, 302):
        location = response["Location"]
        return LOGIN if "/accounts/login/" in location else ANY_REDIRECT
    return response.status_code


def _refused(expected) -> bool:
    return expected in (LOGIN, 403, 404, 405)


# --- the matrix -----------------------------------------------------------------------------------


def _keys():
    return sorted(p.key for p in all_patterns())


@pytest.mark.parametrize("key", _keys())
def test_permission_matrix(world, key):
    url = url_for(world, key)
    clients = _clients(world)
    discover = os.environ.get("MATRIX_DISCOVER")
    got_get, got_post, failures = [], [], []
    expected_row = MATRIX.get(key)
    post_row = POST_MATRIX.get(key)
    for index, role in enumerate(ROLES):
        expected = expected_row[index] if expected_row else None
        post_expected = post_row[index] if post_row else None
        must_refuse_post = (post_expected is not None and _refused(post_expected)) or (
            post_row is None and expected is not None and _refused(expected)
        )
        before = fingerprint() if must_refuse_post else None
        got = _answer(clients[role].get(url))
        got_get.append(got)
        if expected_row and got != expected:
            failures.append(f"GET {role}: expected {expected!r}, got {got!r}")
        if must_refuse_post or discover or post_row:
            got_p = _answer(clients[role].post(url, {}))
            got_post.append(got_p)
            if post_row and got_p != post_expected:
                failures.append(f"POST {role}: expected {post_expected!r}, got {got_p!r}")
            elif must_refuse_post and not _refused(got_p):
                failures.append(f"POST {role}: expected a refusal, got {got_p!r}")
            after = fingerprint() if must_refuse_post else None
            if must_refuse_post and after != before:
                changed = sorted({t for t, h in after} ^ {t for t, h in before}) or sorted(
                    dict(after).keys() - {t for t in dict(after) if dict(after)[t] == dict(before).get(t)}
                )
                failures.append(f"{role}: a refused request changed stored data in {changed}")
        else:
            got_post.append(None)
    pattern = next(p for p in all_patterns() if p.key == key)
    if pattern.i18n and expected_row:
        # The English address answers like the Swedish one (checked for three roles to keep it fast).
        with translation.override("en"):
            en_url = url_for(world, key)
        assert en_url.startswith("/en/"), en_url
        for role in ("anonymous", "member", "coordinator"):
            index = ROLES.index(role)
            got = _answer(clients[role].get(en_url))
            if got != expected_row[index]:
                failures.append(f"GET {role} {en_url}: expected {expected_row[index]!r}, got {got!r}")
    if discover:
        print(f"\nDISCOVER {key!r}: GET {tuple(got_get)!r} POST {tuple(got_post)!r}")
    assert expected_row is not None, f"new URL not in the matrix: {key} ({url})"
    assert not failures, f"{key} ({url}):\n  " + "\n  ".join(failures)


# --- the Wagtail admin ----------------------------------------------------------------------------


def test_wagtail_admin_needs_coordinator_with_two_factor(world):
    """One check for the ~300 admin patterns: only a coordinator with TOTP gets in."""
    clients = _clients(world)
    answers = {role: clients[role].get("/admin/") for role in ROLES}
    assert answers["anonymous"].status_code == 302
    assert "/accounts/login/" in answers["anonymous"]["Location"]
    for role in ("no_org", "member", "org_admin", "other_admin"):
        response = answers[role]
        assert response.status_code in (302, 403), role
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/login/"), role
    assert answers["coordinator"].status_code == 200
    no_totp = coordinator("coord-no-totp@example.org", totp=False)
    client = Client()
    client.force_login(no_totp)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    # A deep admin address is guarded alike.
    assert client.get("/admin/documents/").status_code == 302
    assert _answer(Client().get("/admin/documents/")) == LOGIN


# --- object-level checks --------------------------------------------------------------------------


def test_other_organisation_cannot_see_or_edit_the_draft(world):
    from consultations.models import Response

    draft = world["objects"]["draft"]
    org_a = world["objects"]["org_a"]
    url = url_for(world, "consultations:response")
    client = _clients(world)["other_admin"]
    # Asking for org A by id still gives org B's own response.
    page = client.get(url, {"organisation": org_a.pk}).content.decode()
    assert "Utkast från Alfa" not in page
    assert draft.attachments.get().name not in page
    before = fingerprint()
    client.post(url, {"organisation": org_a.pk, "revision": draft.revision, "text": "Kapad"})
    assert Response.objects.get(pk=draft.pk).text == "Utkast från Alfa"
    assert not Response.objects.filter(text="Kapad", organisation=org_a).exists()
    submit = url_for(world, "consultations:response_submit")
    client.post(submit, {"organisation": org_a.pk, "revision": draft.revision, "confirm": "on"})
    assert not Response.objects.get(pk=draft.pk).versions.exists()
    # The coordinator does not read drafts either, only what was submitted.
    coordinator_page = _clients(world)["coordinator"].get(url_for(world, "consultations:responses"))
    assert "Utkast från Alfa" not in coordinator_page.content.decode()
    assert "Svar från Beta" in coordinator_page.content.decode()
    assert before is not None


def test_non_participant_never_gets_the_members_only_link_or_documents(world):
    meeting = world["objects"]["members_meeting"]
    document = world["objects"]["document"]
    clients = _clients(world)
    secret = meeting.online_link
    for role in ("anonymous", "no_org", "other_admin"):
        for key in ("meetings:list", "meetings:public_feed", "meetings:detail", "meetings:ics", "search"):
            body = clients[role].get(url_for(world, key), {"q": "Internt"}).content.decode()
            assert secret not in body, (role, key)
            assert document.url not in body, (role, key)
        assert clients[role].get(document.url).status_code == 404, role
    member_page = clients["member"].get(url_for(world, "meetings:detail")).content.decode()
    assert secret in member_page
    assert document.url in member_page
    assert clients["member"].get(document.url).status_code == 200


def test_another_persons_notification_cannot_be_opened_or_marked_read(world):
    from notifications.models import Notification

    notification = world["objects"]["notification"]
    for role in ("no_org", "org_admin", "other_admin", "coordinator"):
        client = _clients(world)[role]
        assert client.post(url_for(world, "notifications:mark_read")).status_code == 404
        assert client.get(url_for(world, "notifications:open")).status_code == 404
    assert Notification.objects.get(pk=notification.pk).read_at is None


def test_calendar_feed_key_is_the_only_way_to_another_persons_feed(world):
    from meetings import services

    token = world["objects"]["calendar_token"]
    meeting = world["objects"]["members_meeting"]
    feed = Client().get(url_for(world, "meetings:personal_feed")).content.decode()
    assert meeting.title in feed  # the member's own feed holds the members-only meeting
    # Another person's own feed does not.
    other = world["users"]["no_org"]
    other_token = services.calendar_token_create(user=other)
    other_feed = Client().get(reverse("meetings:personal_feed", kwargs={"key": other_token.key}))
    assert meeting.title not in other_feed.content.decode()
    # A guessed or revoked key gives nothing.
    assert (
        Client().get(reverse("meetings:personal_feed", kwargs={"key": "0" * len(token.key)})).status_code
        == 404
    )
    services.calendar_token_revoke(user=world["users"]["member"])
    assert Client().get(url_for(world, "meetings:personal_feed")).status_code == 404
