"""Who may do what with an organisation. Small predicates, checked on the server by every view and
reused by consultations and meetings. None of them raises; each answers for one (user, object)."""

from portal.two_factor import user_has_totp

from .models import Membership, Organisation


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def is_coordinator(user) -> bool:
    """A coordinator who may use coordinator screens now (two-factor set up)."""
    return _authenticated(user) and user.is_coordinator and user_has_totp(user)


def active_membership(user, organisation: Organisation) -> Membership | None:
    if not _authenticated(user):
        return None
    cache = getattr(user, "_organisation_membership_cache", None)
    if cache is None:
        cache = user._organisation_membership_cache = {}
    if organisation.pk not in cache:
        cache[organisation.pk] = (
            Membership.objects.active().filter(user=user, organisation=organisation).first()
        )
    return cache[organisation.pk]


def is_member(user, organisation: Organisation) -> bool:
    """An active member (any role) of the organisation, whatever its status."""
    return active_membership(user, organisation) is not None


def is_organisation_admin(user, organisation: Organisation) -> bool:
    membership = active_membership(user, organisation)
    return membership is not None and membership.is_admin


def can_view_profile(user, organisation: Organisation) -> bool:
    """Anyone sees approved, listed organisations; members and coordinators see their own/all."""
    if organisation.is_public:
        return True
    return is_member(user, organisation) or is_coordinator(user)


def can_view_application(user, organisation: Organisation) -> bool:
    return is_coordinator(user) or is_member(user, organisation)


def can_decide_application(user, organisation: Organisation) -> bool:
    return is_coordinator(user) and organisation.status == Organisation.Status.PENDING


def can_edit_organisation(user, organisation: Organisation) -> bool:
    return is_organisation_admin(user, organisation) and organisation.status in (
        Organisation.Status.PENDING,
        Organisation.Status.APPROVED,
    )


def can_manage_members(user, organisation: Organisation) -> bool:
    """Invite, remove, change roles and answer join requests: admins of an approved organisation."""
    return is_organisation_admin(user, organisation) and organisation.is_approved


def can_request_to_join(user, organisation: Organisation) -> bool:
    """Signed-in non-members may ask to join an organisation they can find; organisations that are not
    listed publicly take new members by invitation only."""
    return _authenticated(user) and organisation.is_public and not is_member(user, organisation)


def can_withdraw(user, organisation: Organisation) -> bool:
    """Take the organisation out of the portal (or withdraw its application): its admins, while it is
    still active."""
    return (
        is_organisation_admin(user, organisation)
        and organisation.status not in Organisation.INACTIVE_STATUSES
    )


def can_leave(user, organisation: Organisation) -> bool:
    return is_member(user, organisation)


def can_speak_for(user, organisation: Organisation) -> bool:
    """May write on behalf of the organisation (comments, responses): an active member of an approved
    organisation."""
    return organisation.is_approved and is_member(user, organisation)
