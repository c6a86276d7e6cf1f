"""Reads that the views and other apps share. Each returns a queryset already limited to what the
caller may see; the permission predicates live in `permissions.py`."""

from django.db.models import Prefetch, Q

from .models import FocusArea, Invitation, JoinRequest, Membership, Organisation


def directory(*, query: str = "", focus_area: FocusArea | None = None, kind: str = ""):
    """The public directory: approved organisations that consented to be listed."""
    organisations = Organisation.objects.approved().listed().search(query)
    if focus_area is not None:
        organisations = organisations.filter(focus_areas=focus_area)
    if kind:
        organisations = organisations.filter(kind=kind)
    # No DISTINCT: the filters cannot repeat a row (one focus area, and a focus area is linked to an
    # organisation at most once). DISTINCT over every column made PostgreSQL sort all listed organisations
    # for each page of 20, so the directory's cost grew with the size of the directory.
    return organisations.prefetch_related("focus_areas").order_by("name", "pk")


def memberships_for_user(user):
    """A person's active memberships with the organisation and its latest status changes."""
    return (
        Membership.objects.active()
        .filter(user=user)
        .select_related("organisation")
        .prefetch_related("organisation__focus_areas", "organisation__status_changes")
        .order_by("organisation__name")
    )


def pending_join_requests_for_user(user):
    return JoinRequest.objects.filter(user=user, status=JoinRequest.Status.PENDING).select_related(
        "organisation"
    )


def members_of(organisation: Organisation):
    return (
        Membership.objects.active()
        .filter(organisation=organisation)
        .select_related("user")
        .order_by("-role", "user__display_name", "user__email")
    )


def open_invitations(organisation: Organisation):
    return Invitation.objects.filter(
        organisation=organisation, status=Invitation.Status.PENDING
    ).select_related("invited_by")


def pending_join_requests(organisation: Organisation):
    return JoinRequest.objects.filter(
        organisation=organisation, status=JoinRequest.Status.PENDING
    ).select_related("user")


def pending_applications():
    """The coordinators' queue, oldest first."""
    return (
        Organisation.objects.pending()
        .prefetch_related(
            "focus_areas",
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(is_primary_contact=True).select_related("user"),
                to_attr="primary_contacts",
            ),
        )
        .order_by("created")
    )


def coordinator_organisations(*, status: str = "", query: str = ""):
    organisations = Organisation.objects.all()
    if status:
        organisations = organisations.filter(status=status)
    query = (query or "").strip()
    if query:
        organisations = organisations.filter(Q(name__icontains=query) | Q(org_number__icontains=query))
    return organisations.prefetch_related("focus_areas").order_by("name")


def primary_contact(organisation: Organisation) -> Membership | None:
    return (
        Membership.objects.active()
        .filter(organisation=organisation, is_primary_contact=True)
        .select_related("user")
        .first()
    )
