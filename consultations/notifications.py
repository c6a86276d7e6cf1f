"""Who hears about what in a consultation, one function per event. The event types are registered with
the notifications app (inbox, preferences, e-mail through Celery after commit); the services call the
functions below inside their transaction."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from notifications.registry import EventType, is_registered, register
from notifications.services import NotifyResult, notify
from organisations.models import Membership, Organisation

OPENED = "consultations.opened"
CLOSING_SOON = "consultations.closing_soon"
RESPONSE_SUBMITTED = "consultations.response_submitted"
OUTCOME_PUBLISHED = "consultations.outcome_published"
COMMENT_REPLIED = "consultations.comment_replied"
COMMENT_HIDDEN = "consultations.comment_hidden"
OUTCOME_REMINDER = "consultations.outcome_reminder"
DEADLINE_CHANGED = "consultations.deadline_changed"


def _users():
    return get_user_model().objects.filter(is_active=True)


def audience_members(consultation):
    """Active members of the approved organisations the consultation is for."""
    memberships = Q(memberships__ended__isnull=True, memberships__organisation__status="approved")
    if consultation.audience == "chosen":
        memberships &= Q(memberships__organisation__in=consultation.invited_organisations.all())
    return _users().filter(memberships).distinct()


def audience_organisation_ids(consultation, context=None):
    """The approved organisations the consultation is for (organisation-level copies)."""
    organisations = Organisation.objects.approved()
    if consultation.audience == consultation.Audience.CHOSEN:
        organisations = organisations.filter(pk__in=consultation.invited_organisations.values("pk"))
    return organisations.values_list("pk", flat=True)


def _unanswered_organisation_ids(consultation, context=None):
    """The organisations in the audience that have not submitted a response."""
    responded = consultation.responses.filter(versions__isnull=False).values("organisation_id")
    return audience_organisation_ids(consultation).exclude(pk__in=responded)


def _closing_soon_recipients(consultation, context):
    """Active members of the organisations in the audience that have not submitted a response. A person
    who also belongs to an organisation that has answered still hears about the one that has not."""
    responded = consultation.responses.filter(versions__isnull=False).values("organisation_id")
    organisations = Organisation.objects.approved().exclude(pk__in=responded)
    if consultation.audience == consultation.Audience.CHOSEN:
        organisations = organisations.filter(pk__in=consultation.invited_organisations.values("pk"))
    members = Membership.objects.active().filter(organisation_id__in=organisations.values("pk"))
    return _users().filter(pk__in=members.values("user_id"))


def _outcome_reminder_recipients(consultation, context):
    """The responsible coordinator; every coordinator when nobody is named (or that person has left)."""
    if consultation.coordinator_id:
        named = _users().filter(pk=consultation.coordinator_id)
        if named.exists():
            return named
    return _users().filter(groups__name=settings.COORDINATORS_GROUP).distinct()


def _response_recipients(version, context):
    """The submitter and the organisation's admins: the receipt goes to those who answer for it."""
    organisation_id = version.response.organisation_id
    return (
        _users()
        .filter(
            Q(pk=version.submitted_by_id)
            | Q(
                memberships__organisation_id=organisation_id,
                memberships__role="admin",
                memberships__ended__isnull=True,
            )
        )
        .distinct()
    )


def _participants(consultation, context):
    """Everyone who commented, and the members of every organisation that submitted a response."""
    responded = consultation.responses.filter(versions__isnull=False).values("organisation_id")
    return (
        _users()
        .filter(
            Q(consultation_comments__consultation=consultation)
            | Q(memberships__organisation_id__in=responded, memberships__ended__isnull=True)
        )
        .distinct()
    )


def _receipt_link(version):
    return version.get_receipt_url()


EVENTS = [
    EventType(
        key=OPENED,
        verbose_name=_("A consultation opens"),
        description=_("When the city asks for comments on a draft activity."),
        recipients=lambda consultation, context: audience_members(consultation),
        link=lambda consultation: consultation.get_absolute_url(),
        organisation_level=True,
        organisations=audience_organisation_ids,
    ),
    EventType(
        key=CLOSING_SOON,
        verbose_name=_("A consultation closes soon"),
        description=_("A reminder a few days before the deadline, if your organisation has not responded."),
        recipients=_closing_soon_recipients,
        link=lambda consultation: consultation.get_absolute_url(),
        organisation_level=True,
        organisations=_unanswered_organisation_ids,
    ),
    EventType(
        key=RESPONSE_SUBMITTED,
        verbose_name=_("Receipt for a submitted response"),
        description=_("The receipt when your organisation submits a formal response. Always sent."),
        recipients=_response_recipients,
        link=_receipt_link,
        prefetch=("response__consultation",),
        mandatory=True,
        notify_actor=True,
        organisation_level=True,
        organisations=lambda version, context: [version.response.organisation_id],
    ),
    EventType(
        key=OUTCOME_PUBLISHED,
        verbose_name=_("The outcome of a consultation is published"),
        description=_("What the city did with the input to a consultation you took part in."),
        recipients=_participants,
        link=lambda consultation: consultation.get_absolute_url(),
    ),
    EventType(
        key=COMMENT_REPLIED,
        verbose_name=_("Someone replies to my comment"),
        description=_("A reply to a comment you wrote in a consultation."),
        recipients=lambda comment, context: _users().filter(pk=comment.parent.author_id),
        link=lambda comment: comment.get_absolute_url(),
        prefetch=("consultation",),
    ),
    EventType(
        key=COMMENT_HIDDEN,
        verbose_name=_("My comment is hidden by a moderator"),
        description=_("When a coordinator hides a comment you wrote, and why."),
        recipients=lambda comment, context: _users().filter(pk=comment.author_id),
        link=lambda comment: comment.consultation.get_absolute_url(),
        prefetch=("consultation",),
        mandatory=True,
    ),
    EventType(
        key=OUTCOME_REMINDER,
        verbose_name=_("Reminder to publish an outcome"),
        description=_(
            "For coordinators: two weeks after a consultation closed, if its outcome is not yet published."
        ),
        recipients=_outcome_reminder_recipients,
        can_receive=lambda user: bool(getattr(user, "is_coordinator", False)),
        link=lambda consultation: reverse("consultations:outcome", kwargs={"slug": consultation.slug}),
    ),
    EventType(
        key=DEADLINE_CHANGED,
        verbose_name=_("A consultation's closing time changes"),
        description=_("When the city closes a consultation early or gives more time, and why."),
        recipients=lambda consultation, context: audience_members(consultation),
        link=lambda consultation: consultation.get_absolute_url(),
        mandatory=True,
        organisation_level=True,
        organisations=audience_organisation_ids,
    ),
]

for _event in EVENTS:
    if not is_registered(_event.key):
        register(_event)


def consultation_opened(consultation) -> None:
    """The consultation is open: members of the organisations it is for are invited to take part."""
    notify(OPENED, consultation)


def consultation_closing_soon(consultation, *, days: int, dedupe_key: str = "") -> NotifyResult:
    """A reminder `days` before the deadline to organisations that have not responded. Sent once per
    reminder and deadline: the key carries both, so a moved deadline is announced again. A coordinator's
    "remind now" passes its own key (one per confirmation form)."""
    return notify(
        CLOSING_SOON,
        consultation,
        context={"days": days},
        dedupe_key=dedupe_key or f"{days}d-{consultation.closes_at:%Y%m%dT%H%M}",
    )


def consultation_deadline_changed(consultation, *, reason: str, early: bool) -> NotifyResult:
    """The members of the organisations in the audience hear that the closing time moved, and why;
    once per new closing time."""
    return notify(
        DEADLINE_CHANGED,
        consultation,
        context={"reason": reason, "early": early},
        dedupe_key=f"deadline-{consultation.closes_at:%Y%m%dT%H%M%S}",
    )


def consultation_outcome_reminder(consultation) -> NotifyResult:
    """Coordinators are reminded to publish the outcome of a consultation that closed a while ago;
    once per closing time."""
    return notify(OUTCOME_REMINDER, consultation, dedupe_key=f"outcome-{consultation.closes_at:%Y%m%dT%H%M}")


def response_submitted(version) -> None:
    """The receipt: number, time and checksum, to the submitter and the organisation's admins."""
    notify(
        RESPONSE_SUBMITTED,
        version,
        actor=version.submitted_by,
        context={
            "receipt_number": version.receipt_number,
            "sha256": version.sha256,
            "submitted_at": version.submitted_at.isoformat(),
        },
    )


def outcome_published(consultation) -> None:
    """Everyone who took part hears what the city did with the input."""
    notify(OUTCOME_PUBLISHED, consultation)


def comment_replied(reply) -> None:
    """The author of a comment hears about a reply to it."""
    notify(COMMENT_REPLIED, reply, actor=reply.author)


def comment_hidden(comment) -> None:
    """The author hears that a coordinator hid their comment, and the reason."""
    notify(COMMENT_HIDDEN, comment, actor=comment.hidden_by, context={"reason": comment.hidden_reason})
