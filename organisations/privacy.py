"""What organisations hold about a person, for "My data" and account deletion (see privacy/)."""

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from privacy.registry import register

from .models import Invitation, JoinRequest, Membership, Organisation


def export(user) -> dict:
    memberships = (
        Membership.objects.filter(user=user).select_related("organisation").order_by("started", "pk")
    )
    return {
        "memberships": [
            {
                "organisation": m.organisation.name,
                "role": m.role,
                "primary_contact": m.is_primary_contact,
                "started": m.started,
                "ended": m.ended,
            }
            for m in memberships
        ],
        "join_requests": [
            {
                "organisation": r.organisation.name,
                "message": r.message,
                "status": r.status,
                "sent": r.created,
                "decided": r.decided_at,
            }
            for r in JoinRequest.objects.filter(user=user).select_related("organisation").order_by("created")
        ],
        "invitations": [
            {
                "organisation": i.organisation.name,
                "email": i.email,
                "role": i.role,
                "status": i.status,
                "sent": i.created,
                "sent_by_you": i.invited_by_id == user.pk,
                "sent_to_you": i.email.lower() == user.email.lower() or i.accepted_by_id == user.pk,
            }
            for i in Invitation.objects.filter(
                Q(invited_by=user) | Q(email__iexact=user.email) | Q(accepted_by=user)
            )
            .select_related("organisation")
            .order_by("created")
        ],
    }


def _last_admin_memberships(user):
    mine = (
        Membership.objects.active()
        .admins()
        .filter(user=user)
        .exclude(organisation__status__in=Organisation.INACTIVE_STATUSES)
        .select_related("organisation")
    )
    for membership in mine:
        others = (
            Membership.objects.active()
            .admins()
            .filter(organisation=membership.organisation)
            .exclude(user=user)
            .filter(user__is_active=True)
        )
        if not others.exists():
            yield membership


def blockers(user) -> list:
    from privacy.services import Blocker

    return [
        Blocker(
            message=_(
                "You are the only administrator of %(organisation)s. Make another member an administrator "
                "(or invite one) before you delete your account."
            )
            % {"organisation": m.organisation.name},
            url=reverse("organisations:settings", kwargs={"slug": m.organisation.slug}),
            link_text=_("Hand over %(organisation)s") % {"organisation": m.organisation.name},
        )
        for m in _last_admin_memberships(user)
    ]


@transaction.atomic
def erase(user) -> None:
    """Memberships end (the rows stay as the organisation's history), join requests lose their message
    and open ones are withdrawn, invitations addressed to the person lose the address."""
    from privacy.services import tombstone_email

    now = timezone.now()
    Membership.objects.active().filter(user=user).update(ended=now, is_primary_contact=False)
    JoinRequest.objects.filter(user=user, status=JoinRequest.Status.PENDING).delete()
    JoinRequest.objects.filter(user=user).update(message="")
    received = Invitation.objects.filter(Q(email__iexact=user.email) | Q(accepted_by=user))
    received.filter(status=Invitation.Status.PENDING).update(
        status=Invitation.Status.REVOKED, answered_at=now
    )
    received.update(email=tombstone_email(user))


register(
    "organisations",
    exporter=export,
    eraser=erase,
    blocker=blockers,
    titles={
        "memberships": gettext_lazy("Memberships in organisations"),
        "join_requests": gettext_lazy("Requests to join organisations"),
        "invitations": gettext_lazy("Invitations to organisations"),
    },
)
