"""A person with data in every app, for the export and erasure tests."""

import datetime as dt
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.factories import (
    ActionItemFactory,
    CommentFactory,
    ConsultationFactory,
    GuidingQuestionFactory,
    MeetingFactory,
    MeetingInvitationFactory,
    MembershipFactory,
    MinutesFactory,
    OrganisationFactory,
    UserFactory,
    add_totp,
    coordinator,
)

NAME = "Zacharias Quennell-Orbeck"
EMAIL = "zq.orbeck.distinct@example.net"
PASSWORD = "correct-horse-battery"


@dataclass
class World:
    user: object
    org: object
    other_org: object
    colleague: object
    coordinator: object
    consultation: object
    comment: object
    reply: object
    response: object
    version: object
    meeting: object
    minutes: object
    extra: dict = field(default_factory=dict)


def pdf_upload(name="svar.pdf"):
    body = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def person_with_data_everywhere(django_capture_on_commit_callbacks=None) -> World:
    """The person is a member of `org` and an admin of `other_org` (beside another admin), has commented
    and replied, edited and submitted a response, answered a meeting invitation with needs, attended,
    commented on minutes, owns an action item, has notifications, deliveries, preferences, a suppressed
    address, audit entries about them, invitations sent and received, a join request, a calendar feed,
    a log-in, an authenticator and a Wagtail profile."""
    from allauth.account.models import EmailAddress  # noqa: F401
    from wagtail.users.models import UserProfile

    from consultations import services as consultation_services
    from consultations.models import Response
    from meetings import services as meeting_services
    from meetings.models import ActionItemUpdate, Attendance, CalendarToken, MinutesComment
    from notifications.models import Delivery, Notification, Preference, Suppression
    from organisations.models import Invitation, JoinRequest
    from portal.services import audit_log
    from privacy.services import login_event_record

    first, last = NAME.split(" ", 1)
    user = UserFactory(email=EMAIL, display_name=NAME, first_name=first, last_name=last)
    add_totp(user)
    UserProfile.get_for_user(user)
    boss = coordinator("boss@example.org", display_name="Cecilia Samordnare")
    org = OrganisationFactory(name="Föreningen Alfa", phone="08-123 45 67")
    other_org = OrganisationFactory(name="Föreningen Beta")
    colleague = MembershipFactory(
        organisation=org, user=UserFactory(display_name="Kim Kollega"), role="admin"
    ).user
    membership = MembershipFactory(organisation=org, user=user, role="member")
    MembershipFactory(organisation=other_org, user=user, role="admin")
    MembershipFactory(organisation=other_org, user=UserFactory(display_name="Beata Admin"), role="admin")

    # Consultations: a comment, a reply to a colleague, a colleague's reply to them, a report.
    consultation = ConsultationFactory(sections=1)
    question = GuidingQuestionFactory(consultation=consultation, text="Vad saknas?")
    section = consultation.sections.first()
    comment = consultation_services.comment_create(
        author=user,
        consultation=consultation,
        organisation=org,
        text="Barnperspektivet saknas.",
        section=section,
    )
    theirs = CommentFactory(consultation=consultation, author=colleague, organisation=org, text="Håller med.")
    reply = consultation_services.comment_create(
        author=user, consultation=consultation, organisation=org, text="Bra poäng.", parent=theirs
    )
    consultation_services.comment_create(
        author=colleague, consultation=consultation, organisation=org, text="Tack!", parent=comment
    )
    consultation_services.comment_report(comment=theirs, user=user, reason="Fel avsnitt.")

    # The other organisation's response: drafted by the person, submitted by them as its admin.
    response = consultation_services.response_for(consultation=consultation, organisation=other_org)
    response = consultation_services.response_save_draft(
        response=response,
        user=user,
        revision=response.revision,
        text="Föreningen Beta tillstyrker förslaget.",
        answers={question.pk: "Uppföljning."},
        new_files=[pdf_upload()],
    )
    version = consultation_services.response_submit(response=response, user=user, revision=response.revision)
    # And a draft of their own organisation that they last edited.
    draft = consultation_services.response_for(consultation=consultation, organisation=org)
    consultation_services.response_save_draft(
        response=draft, user=user, revision=draft.revision, text="Ett första utkast."
    )

    # Meetings: an RSVP with needs, attendance, a minutes comment, an action item and an update.
    meeting = MeetingFactory(invite_all_approved=True)
    meeting_services.rsvp_submit(
        user=user,
        meeting=meeting,
        organisation=org,
        answer="attending",
        attendees=[user],
        needs="Teckenspråkstolk behövs.",
    )
    past = MeetingFactory(
        start=timezone.now() - dt.timedelta(days=3),
        end=timezone.now() - dt.timedelta(days=3, hours=-2),
        state="held",
    )
    Attendance.objects.create(meeting=past, user=user, organisation=org)
    minutes = MinutesFactory(meeting=past, state="review")
    MinutesComment.objects.create(
        minutes=minutes, author=user, organisation=org, text="Punkt 2 saknar beslut."
    )
    item = ActionItemFactory(minutes=minutes, responsible_person=user, responsible_unit="")
    ActionItemUpdate.objects.create(action_item=item, author=user, status="open", comment="Påbörjat.")
    CalendarToken.objects.create(user=user)
    MeetingInvitationFactory(meeting=MeetingFactory(invite_all_approved=False), organisation=other_org)

    # Notifications: inbox, a delivery whose error names the address, preferences, a suppression.
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(comment)
    note = Notification.objects.create(
        recipient=user, event="consultations.comment_replied", content_type=ct, object_id=str(comment.pk)
    )
    Delivery.objects.create(
        recipient=user,
        notification=note,
        event="consultations.comment_replied",
        content_type=ct,
        object_id=str(comment.pk),
        status="failed",
        last_error=f"550 mailbox unavailable <{EMAIL}>",
    )
    Preference.objects.create(user=user, event="consultations.opened", frequency="daily")
    Suppression.objects.create(email=EMAIL, reason="bounce", detail=f"{EMAIL} bounced")

    # Organisations: invitations sent and received, a join request, audit entries naming them.
    Invitation.objects.create(organisation=other_org, email="new.person@example.org", invited_by=user)
    Invitation.objects.create(
        organisation=org, email=EMAIL, invited_by=colleague, accepted_by=user, status="accepted"
    )
    JoinRequest.objects.create(
        organisation=OrganisationFactory(), user=user, message=f"Hej, jag heter {NAME}."
    )
    audit_log(actor=boss, action="membership.change_role", target=membership, role="member")
    audit_log(actor=boss, action="user.note", target=user, email=EMAIL, note=f"Samtal med {NAME}")
    login_event_record(user=user, ip_address="192.0.2.44")

    return World(
        user=user,
        org=org,
        other_org=other_org,
        colleague=colleague,
        coordinator=boss,
        consultation=consultation,
        comment=comment,
        reply=reply,
        response=Response.objects.get(pk=response.pk),
        version=version,
        meeting=meeting,
        minutes=minutes,
    )
