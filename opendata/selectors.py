"""What a visitor may see, as querysets for the API and the open-data files.

Every rule comes from the apps that own the data: meetings through `meetings.selectors.visible_meetings`
for an anonymous visitor, organisations through `organisations.selectors.directory`, consultations and
minutes through the same conditions as their `permissions` predicates for a visitor (`can_view`,
`can_view_minutes`, `can_read_submitted_responses`). `tests/opendata/test_visibility.py` checks each
queryset against those predicates row by row, so a change of a rule in its app shows up here.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from wagtail.documents import get_document_model
from wagtail.models import CollectionViewRestriction

from consultations.models import (
    BackgroundDocument,
    Comment,
    Consultation,
    ConsultationVersion,
    ResponseVersion,
)
from meetings import selectors as meeting_selectors
from meetings.models import AgendaItem, Decision, MeetingDocument, Minutes
from organisations import selectors as organisation_selectors

VISITOR = AnonymousUser()


def public_meetings():
    """Meetings a visitor may open: public ones, and those whose minutes were published to everyone."""
    from meetings.models import Meeting

    return Meeting.objects.filter(pk__in=meeting_selectors.visible_meetings(VISITOR).values("pk"))


def public_agenda_items():
    """Public items of those meetings (`agenda_with_minutes(members_only=False)` leaves out the rest)."""
    return AgendaItem.objects.filter(meeting__in=public_meetings().values("pk"), is_public=True)


def public_minutes():
    """Minutes published to everyone (`meetings.permissions.can_view_minutes` for a visitor)."""
    return Minutes.objects.filter(
        meeting__in=public_meetings().values("pk"),
        state=Minutes.State.PUBLISHED,
        audience=Minutes.Audience.PUBLIC,
    )


def public_decisions():
    return Decision.objects.filter(
        minutes__in=public_minutes().values("pk"), agenda_item__in=public_agenda_items().values("pk")
    )


def public_action_items():
    return meeting_selectors.visible_action_items(VISITOR)


def public_consultations():
    """Published consultations (`consultations.permissions.can_view` for a visitor)."""
    return Consultation.objects.published()


def public_versions():
    return ConsultationVersion.objects.filter(consultation__in=public_consultations().values("pk"))


def public_comments():
    """Comments that the consultation page shows with their text: not deleted, not hidden."""
    return Comment.objects.visible().filter(consultation__in=public_consultations().values("pk"))


def consultations_with_public_responses(now=None):
    """`can_read_submitted_responses` for a visitor: ended, and the responses were made public."""
    return (
        public_consultations().ended(now).filter(responses_visibility=Consultation.ResponsesVisibility.PUBLIC)
    )


def public_response_versions(now=None):
    return ResponseVersion.objects.filter(
        response__consultation__in=consultations_with_public_responses(now).values("pk")
    )


def public_organisations():
    return organisation_selectors.directory()


def public_persons():
    """People who are public by their role: the city's coordinators (a name, never an e-mail address).
    Members of organisations are never listed: the portal asks them for no consent to that."""
    return get_user_model().objects.filter(
        groups__name=settings.COORDINATORS_GROUP, is_active=True, deleted_at__isnull=True
    )


def public_documents():
    """Wagtail documents that a visitor finds on a public page: documents of visible meetings, of their
    public agenda items, and background documents of published consultations; never one in a collection
    with a view restriction (Wagtail would not serve it)."""
    Document = get_document_model()
    uses = (
        Q(
            pk__in=MeetingDocument.objects.filter(
                meeting__in=public_meetings().values("pk"), members_only=False
            ).values("document")
        )
        | Q(
            pk__in=AgendaItem.documents.through.objects.filter(
                agendaitem__in=public_agenda_items().values("pk")
            ).values("document")
        )
        | Q(
            pk__in=BackgroundDocument.objects.filter(
                consultation__in=public_consultations().values("pk")
            ).values("document")
        )
    )
    restricted = CollectionViewRestriction.objects.values("collection")
    return Document.objects.filter(uses).exclude(collection__in=restricted)
